import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHerald } from '../helpers/test-herald.js';

// A webHook section (seed 004) that Herald's own rules refuse stops start-up with a message in the
// section's own terms (webHook.endpoint, webHook.connectionTimeout), not the apps[0].endpoints[0]
// of the declaration Herald makes of it.

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'herald-seed004-errors-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a webHook section refused at start-up', () => {
  const cases: Array<[string, Record<string, unknown>, RegExp, boolean?]> = [
    ['a timeout over 15 minutes', { connectionTimeout: 'PT16M' }, /: webHook\.connectionTimeout must be an ISO 8601 duration from PT0\.1S \(100 ms\) to PT15M \(15 minutes\), got "PT16M"$/],
    ['a timeout under 100 ms', { connectionTimeout: 'PT0.05S' }, /: webHook\.connectionTimeout must be .* got "PT0\.05S"$/],
    ['a secret too short to sign with', { secret: 'short' }, /: webHook\.secret: /],
    ['an endpoint that is no URL', { endpoint: 'www.example.org/automation' }, /: webHook\.endpoint: /],
    ['a loopback endpoint without --allow-private-networks', { endpoint: 'http://127.0.0.1:9/automation' }, /: webHook\.endpoint: .*127\.0\.0\.1/, false],
  ];
  it.each(cases)('%s', async (_name, section, message, allowPrivate = true) => {
    const configFile = join(dir, 'automation.json');
    writeFileSync(configFile, JSON.stringify({ webHook: { enabled: true, endpoint: 'http://127.0.0.1:9/automation', ...section } }));
    const error = await startTestHerald({ configFile, allowPrivateNetworks: allowPrivate }).then(
      async (h) => {
        await h.stop();
        return null;
      },
      (err: Error) => err,
    );
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toMatch(/apps\[0\]/);
  });
});
