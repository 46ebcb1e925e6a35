import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyFingerprint } from '../../src/security/key-fingerprint.js';
import { PROCESS_LIVE_WINDOW_MS } from '../../src/security/process-presence.js';
import { rotateEncryptionKey } from '../../src/security/rotate-key.js';
import { SecretBox } from '../../src/security/secret-box.js';
import { unlockStore } from '../../src/security/unlock-store.js';
import { EndpointUnreadableError } from '../../src/store/errors.js';
import type { Store } from '../../src/store/store.js';
import { claimRequest, iso, makeApp, makeEndpoint, makeMessage, T, freshStoreEachTest, type StoreFixture } from './store-fixtures.js';

// The encryption key's records in the database (fingerprint, running processes) and what a store
// does with a row it cannot decrypt. Two stores on one database with different keys stand for two
// Herald processes, one of them given the wrong HERALD_ENCRYPTION_KEY.

const K1 = randomBytes(32);
const K2 = randomBytes(32);
const b64 = (key: Buffer) => key.toString('base64');
const emptyDir = () => mkdtempSync(join(tmpdir(), 'herald-key-contract-'));

export function defineEncryptionContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Encryption key contract: ${backend}`, () => {
    let fx: StoreFixture;
    let store: Store;
    freshStoreEachTest(factory, (fresh) => {
      fx = fresh;
      store = fresh.store;
    });

    const withKey = (key: Buffer) => fx.openAnother({ codec: new SecretBox(key) });

    describe('fingerprint', () => {
      it('is recorded on the first start, accepts the same key again and refuses another, naming HERALD_ENCRYPTION_KEY', async () => {
        expect(await store.keyFingerprint()).toBeNull();
        await unlockStore(store, { configured: b64(K1), dataDir: emptyDir() });
        const recorded = await store.keyFingerprint();
        expect(recorded).toMatch(/^[0-9a-f]{64}$/);
        expect(recorded).not.toContain(K1.toString('hex'));
        await expect(unlockStore(store, { configured: b64(K1), dataDir: emptyDir() })).resolves.toMatchObject({ origin: 'config' });
        await expect(unlockStore(store, { configured: b64(K2), dataDir: emptyDir() })).rejects.toThrow(/HERALD_ENCRYPTION_KEY/);
        expect(await store.keyFingerprint()).toBe(recorded);
      });

      it('keeps the first fingerprint when two processes record different ones', async () => {
        const other = await fx.openAnother();
        const [a, b] = await Promise.all([store.recordKeyFingerprint(keyFingerprint(K1)), other.recordKeyFingerprint(keyFingerprint(K2))]);
        expect(a).toBe(b);
        expect(await store.keyFingerprint()).toBe(a);
      });

      it('never generates a key for a database that already has a fingerprint', async () => {
        await unlockStore(store, { configured: b64(K1), dataDir: emptyDir() });
        const dataDir = emptyDir();
        await expect(unlockStore(store, { configured: null, dataDir })).rejects.toThrow(/HERALD_ENCRYPTION_KEY/);
        expect(existsSync(join(dataDir, 'encryption-key'))).toBe(false);
      });

      it('generates a key only for a database without a fingerprint, and finds it in the data folder next time', async () => {
        const dataDir = emptyDir();
        const first = await unlockStore(store, { configured: null, dataDir });
        expect(first.origin).toBe('generated');
        expect(await store.keyFingerprint()).toBe(keyFingerprint(first.key));
        const again = await unlockStore(store, { configured: null, dataDir });
        expect(again.origin).toBe('file');
        expect(again.key.equals(first.key)).toBe(true);
      });

      it('checks a database written before fingerprints against one of its sealed values, then records the fingerprint', async () => {
        const legacy = await withKey(K1);
        const app = await legacy.createApp(makeApp());
        await legacy.createEndpoint(makeEndpoint(app.id));
        await expect(unlockStore(store, { configured: b64(K2), dataDir: emptyDir() })).rejects.toThrow(/HERALD_ENCRYPTION_KEY/);
        expect(await store.keyFingerprint()).toBeNull();
        await unlockStore(store, { configured: b64(K1), dataDir: emptyDir() });
        expect(await store.keyFingerprint()).toBe(keyFingerprint(K1));
      });
    });

    describe('an endpoint whose sealed values cannot be decrypted', () => {
      async function healthyAndDamaged() {
        const good = await withKey(K1);
        const wrong = await withKey(K2);
        const app = await good.createApp(makeApp());
        const healthy = await good.createEndpoint(makeEndpoint(app.id, { headers: { 'x-team': 'billing' }, query: { a: 'b' } }));
        const damaged = await wrong.createEndpoint(makeEndpoint(app.id, { url: 'https://damaged.example/hook' }));
        return { good, app, healthy, damaged };
      }

      it('is listed, read and deleted without its secret, and is not overwritten by an update', async () => {
        const { good, app, healthy, damaged } = await healthyAndDamaged();
        const listed = await good.listEndpoints(app.id, { limit: 10 });
        expect(listed.data.map((e) => e.id)).toEqual([damaged.id, healthy.id]);
        expect(listed.data[1]).toEqual(healthy);
        const read = await good.getEndpoint(app.id, damaged.id);
        expect(read).toMatchObject({ id: damaged.id, url: damaged.url, createdAt: damaged.createdAt });
        expect(read!.unreadable).toMatch(/decrypt/);
        await expect(good.updateEndpoint({ ...read!, url: 'https://elsewhere.example/' })).rejects.toBeInstanceOf(EndpointUnreadableError);
        expect(await good.deleteEndpoint(app.id, damaged.id)).toBe(true);
        expect(await good.getEndpoint(app.id, damaged.id)).toBeNull();
      });

      it('does not keep the other deliveries of the same claim from being handed out', async () => {
        const { good, app, healthy, damaged } = await healthyAndDamaged();
        for (let i = 0; i < 3; i++) await good.publish({ message: makeMessage(app.id), idempotencySince: T - 1, now: T });
        const claimed = await good.claimDue(claimRequest());
        expect(claimed).toHaveLength(6);
        const toHealthy = claimed.filter((c) => c.endpoint.id === healthy.id);
        const toDamaged = claimed.filter((c) => c.endpoint.id === damaged.id);
        expect(toHealthy).toHaveLength(3);
        for (const c of toHealthy) expect(c.endpoint).toEqual(healthy);
        expect(toDamaged).toHaveLength(3);
        for (const c of toDamaged) expect(c.endpoint.unreadable).toMatch(/decrypt/);
      });
    });

    describe('rotation', () => {
      it('re-encrypts every sealed value with the new key, seals plaintext rows, and records the new fingerprint', async () => {
        const old = await withKey(K1);
        await unlockStore(old, { configured: b64(K1), dataDir: emptyDir() });
        const app = await old.createApp(makeApp());
        const full = await old.createEndpoint(makeEndpoint(app.id, {
          headers: { 'x-team': 'billing' }, query: { token: 'q' }, tls: { ca: 'PEM', insecureSkipVerify: false },
          secrets: [{ secret: 'new', expiresAt: null }, { secret: 'old', expiresAt: iso(T + 1000) }],
        }));
        // Written by a Herald that kept these columns in plain text.
        const plain = await store.createEndpoint(makeEndpoint(app.id, { headers: { 'x-plain': '1' } }));

        const result = await rotateEncryptionKey(old, { currentKey: K1, newKey: K2, now: Date.now() });
        expect(result).toMatchObject({ endpoints: 2, unreadable: [] });
        expect(await store.keyFingerprint()).toBe(keyFingerprint(K2));

        const rotated = await withKey(K2);
        expect(await rotated.getEndpoint(app.id, full.id)).toEqual(full);
        expect(await rotated.getEndpoint(app.id, plain.id)).toEqual(plain);
        const stale = await withKey(K1);
        expect((await stale.getEndpoint(app.id, full.id))!.unreadable).toMatch(/decrypt/);
        await expect(unlockStore(stale, { configured: b64(K1), dataDir: emptyDir() })).rejects.toThrow(/HERALD_ENCRYPTION_KEY/);
        // The plain row is sealed now: a store without the key cannot read it.
        expect((await store.getEndpoint(app.id, plain.id))!.unreadable).toBeDefined();
      });

      it('refuses a current key that is not the database key, changing nothing', async () => {
        const old = await withKey(K1);
        await unlockStore(old, { configured: b64(K1), dataDir: emptyDir() });
        const app = await old.createApp(makeApp());
        const ep = await old.createEndpoint(makeEndpoint(app.id));
        await expect(rotateEncryptionKey(old, { currentKey: K2, newKey: randomBytes(32), now: Date.now() })).rejects.toThrow(/HERALD_ENCRYPTION_KEY/);
        expect(await store.keyFingerprint()).toBe(keyFingerprint(K1));
        expect(await old.getEndpoint(app.id, ep.id)).toEqual(ep);
      });

      it('refuses while a Herald process is running, and goes ahead once it stopped or fell silent', async () => {
        const old = await withKey(K1);
        await unlockStore(old, { configured: b64(K1), dataDir: emptyDir() });
        const now = Date.now();
        const running = { id: 'proc-1', role: 'serve', host: 'web-1', pid: 4242, startedAt: iso(now), seenAt: now };
        await old.registerProcess(running);
        await expect(rotateEncryptionKey(old, { currentKey: K1, newKey: K2, now })).rejects.toThrow(/web-1.*4242|running/);
        expect(await store.keyFingerprint()).toBe(keyFingerprint(K1));
        // Silent for longer than the live window: a process that died without unregistering.
        await expect(rotateEncryptionKey(old, { currentKey: K1, newKey: K2, now: now + PROCESS_LIVE_WINDOW_MS + 1 })).resolves.toBeDefined();
        expect(await store.keyFingerprint()).toBe(keyFingerprint(K2));

        await old.registerProcess({ ...running, seenAt: Date.now() });
        await old.unregisterProcess(running.id);
        await expect(rotateEncryptionKey(old, { currentKey: K2, newKey: K1, now: Date.now() })).resolves.toBeDefined();
        expect(await store.keyFingerprint()).toBe(keyFingerprint(K1));
      });
    });

    describe('backlog', () => {
      it('counts a due delivery whose lease ran out without a settle in the oldest due age', async () => {
        const app = await store.createApp(makeApp());
        await store.createEndpoint(makeEndpoint(app.id));
        await store.publish({ message: makeMessage(app.id), idempotencySince: T - 1, now: T });
        expect(await store.claimDue(claimRequest())).toHaveLength(1);
        // The claimer vanished (or keeps failing to send): long past the lease, still pending.
        const later = T + 10 * 60_000;
        const stats = await store.backlogStats(later);
        expect(stats.pending).toBe(1);
        expect(stats.oldestDueAt).not.toBeNull();
        expect(stats.oldestDueAt!).toBeLessThanOrEqual(later - 60_000);
      });
    });
  });
}
