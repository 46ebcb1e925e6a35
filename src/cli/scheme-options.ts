import { Option, type Command } from 'commander';
import type { VerifyWebhookOptions } from '../sdk/verify.js';
import { SIGNATURE_SCHEMES, type SignatureSchemeName } from '../wire/index.js';

export interface SchemeFlags {
  scheme: SignatureSchemeName;
  secret?: string[];
  headerName?: string;
  prefix?: string;
  tolerance?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The flags that say how requests are signed: the same names in `herald listen` and `herald verify`. */
export function addSchemeOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--scheme <scheme>', 'signature scheme').choices([...SIGNATURE_SCHEMES]).default('standard-webhooks'))
    .option('--secret <secret>', "the endpoint's secret; repeat to accept any of several (rotation)", collect)
    .option('--header-name <name>', 'signature header, if the endpoint set its own (timestamped, hmac-sha256, entity-path)')
    .option('--prefix <text>', 'text before the digest (hmac-sha256), e.g. sha256=')
    .option('--tolerance <seconds>', 'largest accepted clock difference for signed timestamps', '300');
}

export function tolerance(flags: SchemeFlags): number {
  const n = Number(flags.tolerance ?? '300');
  if (!Number.isInteger(n) || n < 0) throw new Error(`--tolerance must be a whole number of seconds, got "${flags.tolerance}"`);
  return n;
}

/** What `verify` needs besides the request itself. */
export function verifyConfig(flags: SchemeFlags & { secret: string[] }): Omit<VerifyWebhookOptions, 'body' | 'headers' | 'method' | 'url'> {
  return { scheme: flags.scheme, secret: flags.secret, header: flags.headerName, prefix: flags.prefix, toleranceSeconds: tolerance(flags) };
}

/** How the scheme is shown next to a ✓/✗, e.g. `hmac-sha256 x-signature`. */
export function describeScheme(flags: Pick<SchemeFlags, 'scheme' | 'headerName' | 'prefix'>): string {
  const parts: string[] = [flags.scheme];
  if (flags.headerName) parts.push(`header ${flags.headerName}`);
  if (flags.prefix) parts.push(`prefix ${flags.prefix}`);
  return parts.join(', ');
}
