import type { Command } from 'commander';
import { verifySignatureOnly, WebhookVerificationError } from '../sdk/verify.js';
import { newCommand, type CliIo } from './cli-io.js';
import { addSchemeOptions, describeScheme, verifyConfig, type SchemeFlags } from './scheme-options.js';

interface VerifyFlags extends SchemeFlags {
  header?: string[];
  url?: string;
  method?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `name: value` lines, as copied from a log or `herald listen`; repeated names keep every value. */
export function parseHeaderLines(lines: string[]): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`--header must look like 'name: value', got "${line}"`);
    const name = line.slice(0, colon).trim().toLowerCase();
    (headers[name] ??= []).push(line.slice(colon + 1).trim());
  }
  return headers;
}

export function verifyCommand(io: CliIo): Command {
  const cmd = newCommand('verify', io, 'check a webhook request\'s signature: reads the body from stdin, exits 0 (✓) or 1 (✗ and the reason)', [
    `herald verify --secret whsec_… --header 'webhook-id: msg_…' --header 'webhook-timestamp: 1700000000' --header 'webhook-signature: v1,…' < body.json`,
    `herald verify --scheme hmac-sha256 --prefix sha256= --header-name x-hub-signature-256 --secret s3cret --header 'x-hub-signature-256: sha256=…' < body.json`,
    `herald verify --scheme entity-path --secret mySecret --method GET --url /hooks/CREATE/Agreement/25 --header 'x-ioffice-signature: 6206…' < /dev/null`,
    `herald verify --scheme stripe --secret whsec_test --tolerance 99999999 --header 'stripe-signature: t=…,v1=…' < old-body.json   # a captured, older request`,
  ]);
  addSchemeOptions(cmd)
    .option('--header <line>', "a received header as 'name: value'; repeat for each", collect)
    .option('--url <path>', 'the request path (entity-path GET requests sign the last three segments)')
    .option('--method <method>', 'the request method', 'POST');
  cmd.action(async (flags: VerifyFlags) => {
    if (!flags.secret?.length && flags.scheme !== 'none') throw new Error('--secret is required');
    const body = await io.readStdin();
    try {
      verifySignatureOnly({
        ...verifyConfig({ ...flags, secret: flags.secret ?? ['-'] }),
        headers: parseHeaderLines(flags.header ?? []),
        body: body.length > 0 ? body : undefined,
        method: flags.method?.toUpperCase(),
        url: flags.url,
      });
      io.out(`✓ signature valid (${describeScheme(flags)})\n`);
    } catch (err) {
      if (!(err instanceof WebhookVerificationError)) throw err;
      io.out(`✗ signature invalid (${describeScheme(flags)}): ${err.reason}\n`);
      io.setExitCode(1);
    }
  });
  return cmd;
}
