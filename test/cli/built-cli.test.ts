import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SCHEME_CASES, signedRequest } from '../sdk/signed-request.js';

// The other CLI tests run the commands in-process; this one checks that the installed binary
// registers them and turns a failed verification into the process's exit code.
const BIN = fileURLToPath(new URL('../../bin/herald.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/cli/verify-command.js', import.meta.url));

function herald(args: string[], stdin = '') {
  if (!existsSync(BUILT)) throw new Error('dist/ has no `herald verify`: run `npm run build` (npm test does it first)');
  const run = spawnSync(process.execPath, [BIN, ...args], { input: stdin, encoding: 'utf8', timeout: 20_000 });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe('the built herald binary', () => {
  it('exits 0 for a valid signature and 1 for a tampered body', () => {
    const req = signedRequest(SCHEME_CASES.find((c) => c.name === 'stripe')!);
    const args = ['verify', '--scheme', 'stripe', '--secret', req.secret, '--header', `stripe-signature: ${req.headers['stripe-signature']}`, '--tolerance', '999999999'];
    expect(herald(args, req.body)).toMatchObject({ code: 0, out: '✓ signature valid (stripe)\n' });
    expect(herald(args, `${req.body} `)).toMatchObject({ code: 1, out: '✗ signature invalid (stripe): signature mismatch\n' });
  });

  it('lists the client-side commands in --help', () => {
    const help = herald(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['listen', 'verify', 'send', 'endpoints', 'messages', 'attempts', 'tokens', 'audit-log']) expect(help.out).toMatch(new RegExp(`^  ${command} `, 'm'));
  });
});
