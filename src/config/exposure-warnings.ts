import ipaddr from 'ipaddr.js';
import type { ServerConfig } from './options.js';

/**
 * Below this an admin token is treated as typed by a person, not generated. 32 characters of a
 * random alphabet are 128 bits even as hex (160+ as base64), beyond any online guessing; a short
 * chosen token such as "my-admin-token" from a walk-through is not, and admin requests are not
 * rate-limited by default (--admin-rate-limit 0). Generated tokens are 43 characters.
 */
export const MIN_EXPOSED_ADMIN_TOKEN_LENGTH = 32;

/** True for 127.0.0.0/8, ::1 and `localhost`: only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  const bare = host.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return false;
  let addr = ipaddr.parse(bare);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  return addr.range() === 'loopback';
}

/**
 * What an operator should hear about when Herald listens beyond this machine: each a sentence
 * saying what is wrong, why it matters and what to do. None repeats the token.
 */
export function exposureWarnings(config: Pick<ServerConfig, 'host' | 'publicUrl'>, adminToken: string): string[] {
  if (isLoopbackHost(config.host)) return [];
  const warnings: string[] = [];
  if (adminToken.length < MIN_EXPOSED_ADMIN_TOKEN_LENGTH) {
    warnings.push(
      `listening on ${config.host} (reachable from other machines) and the admin token is ${adminToken.length} characters: ` +
        `it gives full control over every app, and admin requests are not rate-limited by default. ` +
        `Use at least ${MIN_EXPOSED_ADMIN_TOKEN_LENGTH} random characters (e.g. \`openssl rand -base64 32\`) in HERALD_ADMIN_TOKEN, ` +
        `or leave it unset and Herald generates one.`,
    );
  }
  if (!config.publicUrl) {
    warnings.push(
      `listening on ${config.host} without --public-url (HERALD_PUBLIC_URL): portal links (POST …/portal-link) will point to ` +
        `the listening address, which customers cannot reach. Set it to the URL people reach Herald at, e.g. https://hooks.example.com.`,
    );
  }
  return warnings;
}
