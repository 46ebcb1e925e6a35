import { describe, expect, it } from 'vitest';
import { SCHEME_CASES, signedRequest } from '../sdk/signed-request.js';
import { runCli } from './run-cli.js';

const headerFlags = (headers: Record<string, string>) => Object.entries(headers).flatMap(([k, v]) => ['--header', `${k}: ${v}`]);
// The signed requests carry a fixed 2023 timestamp; a generous tolerance lets them count as fresh.
const OLD_OK = ['--tolerance', '999999999'];

describe('herald verify', () => {
  it('exits 0 with ✓ for a genuine request and 1 with the reason for a tampered body', async () => {
    const req = signedRequest(SCHEME_CASES[0]!);
    const args = ['verify', '--secret', req.secret, ...headerFlags(req.headers), ...OLD_OK];

    const good = await runCli(args, { stdin: req.body });
    expect(good).toMatchObject({ code: 0, out: '✓ signature valid (standard-webhooks)\n' });

    const tampered = await runCli(args, { stdin: req.body!.replace('Lease', 'Lease!') });
    expect(tampered).toMatchObject({ code: 1, out: '✗ signature invalid (standard-webhooks): signature mismatch\n' });
  });

  it('applies the 5-minute tolerance unless told otherwise', async () => {
    const req = signedRequest(SCHEME_CASES[0]!);
    const stale = await runCli(['verify', '--secret', req.secret, ...headerFlags(req.headers)], { stdin: req.body });
    expect(stale.code).toBe(1);
    expect(stale.out).toMatch(/✗ .*timestamp too old/);
  });

  it('checks hmac-sha256 with a custom header and prefix, and an entity-path GET by its path', async () => {
    const hmac = signedRequest(SCHEME_CASES.find((c) => c.name === 'hmac-sha256')!);
    const run = await runCli(
      ['verify', '--scheme', 'hmac-sha256', '--header-name', 'x-hub-signature-256', '--prefix', 'sha256=', '--secret', hmac.secret, ...headerFlags(hmac.headers)],
      { stdin: hmac.body },
    );
    expect(run).toMatchObject({ code: 0, out: '✓ signature valid (hmac-sha256, header x-hub-signature-256, prefix sha256=)\n' });

    const get = signedRequest(SCHEME_CASES.find((c) => c.name === 'entity-path GET')!);
    const base = ['verify', '--scheme', 'entity-path', '--secret', get.secret, '--method', 'GET', ...headerFlags(get.headers)];
    expect((await runCli([...base, '--url', get.path])).code).toBe(0);
    const other = await runCli([...base, '--url', get.path.replace('Agreement', 'Lease')]);
    expect(other).toMatchObject({ code: 1, out: '✗ signature invalid (entity-path): signature mismatch\n' });
  });

  it('names a missing signature header and requires a secret', async () => {
    const missing = await runCli(['verify', '--scheme', 'stripe', '--secret', 'whsec_test'], { stdin: '{}' });
    expect(missing).toMatchObject({ code: 1, out: '✗ signature invalid (stripe): missing header stripe-signature\n' });
    const noSecret = await runCli(['verify'], { stdin: '{}' });
    expect(noSecret.code).toBe(1);
    expect(noSecret.err).toContain('--secret is required');
  });

  it('has --help with examples', async () => {
    const help = await runCli(['verify', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Examples:');
    expect(help.out).toContain('--header <line>');
  });
});
