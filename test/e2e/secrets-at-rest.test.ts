import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import selfsigned from 'selfsigned';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../helpers/receiver.js';
import { startTestHerald } from '../helpers/test-herald.js';

describe('secrets at rest', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('keeps no endpoint secret or TLS key in plain text in the database files, and still signs after a restart', async () => {
    const receiver = await startReceiver();
    cleanup.push(() => receiver.close());
    const herald = await startTestHerald({ database: null });
    const dataDir = herald.dataDir;
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'vault' })).body;
    const wh = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: receiver.url })).body;
    const typed = 'my-typed-hmac-secret-3f9a1c';
    const client = await selfsigned.generate([{ name: 'commonName', value: 'herald-client' }], { keyType: 'ec' });
    // The longest line of the PEM body: unique key material that must not appear on disk.
    const keyLine = client.private.split('\n').reduce((a: string, b: string) => (b.length > a.length ? b : a), '');
    expect(keyLine.length).toBeGreaterThan(40);
    const hm = await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, {
      url: receiver.url,
      signature: { scheme: 'hmac-sha256', header: 'x-signature' },
      secret: typed,
      tls: { cert: client.cert, key: client.private },
    });
    expect(hm.status, JSON.stringify(hm.body)).toBe(201);
    // Close so SQLite checkpoints; then read every file in the data folder byte by byte.
    await herald.close();

    const files = readdirSync(dataDir).filter((f) => f.startsWith('herald.db'));
    expect(files).toContain('herald.db');
    const bytes = Buffer.concat(files.map((f) => readFileSync(join(dataDir, f))));
    const secretB64 = wh.secret.slice('whsec_'.length);
    for (const needle of [wh.secret, secretB64, typed, keyLine]) {
      expect(bytes.includes(Buffer.from(needle)), `database holds "${needle}" in plain text`).toBe(false);
    }

    // Same data folder (same generated key): the secrets decrypt and sign real deliveries.
    // The same SQLite file again (database: null means <dataDir>/herald.db), whatever HERALD_TEST_STORE says.
    const again = await startTestHerald({ dataDir, database: null });
    cleanup.push(() => again.stop());
    expect((await again.api('GET', `/api/v1/apps/${app.id}/endpoints/${wh.id}/secret`)).body.secret).toBe(wh.secret);
    await again.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'vault.opened', data: { ok: true } });
    const reqs = await receiver.waitFor(2);
    const std = reqs.find((r) => r.headers['webhook-signature'])!;
    expect(new Webhook(wh.secret).verify(std.body, std.headers)).toMatchObject({ data: { ok: true } });
  });
});
