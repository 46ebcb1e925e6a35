import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// The connect-time guard is the last line against SSRF: an endpoint created while private networks
// were allowed (or a DNS name that later resolves to loopback) must still be refused when Herald runs
// with the strict policy. Only the connector that undici uses for the actual request can do that, so
// this goes through a real delivery, on the delivery thread (dist/) and on the main thread.
describe.each([1, 0])('connect-time SSRF guard on the delivery path (deliveryThreads %i)', (deliveryThreads) => {
  let dataDir: string;
  let receiver: Receiver;
  let appId: string;
  let blockedEp: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'herald-ssrf-'));
    receiver = await startReceiver();
    const lax = await startTestHerald({ dataDir, deliveryThreads, allowPrivateNetworks: true });
    try {
      appId = (await lax.api('POST', '/api/v1/apps', { name: 'ssrf' })).body.id;
      const ep = await lax.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: `${receiver.url}/hook`, eventTypes: ['probe'] });
      expect(ep.status).toBe(201);
      blockedEp = ep.body.id;
    } finally {
      await lax.stop();
    }
  });
  afterAll(async () => {
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses to connect to the loopback receiver after a restart with the strict policy', async () => {
    let strict: TestHerald | undefined;
    try {
      strict = await startTestHerald({ dataDir, deliveryThreads, allowPrivateNetworks: false });
      const msg = await strict.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'probe', data: { n: 1 } });
      expect(msg.status).toBe(202);
      // Positive control: the attempt has been made and recorded, so the receiver had its chance.
      const attempt = await eventually(async () => {
        const res = await strict!.api('GET', `/api/v1/apps/${appId}/messages/${msg.body.id}/attempts`);
        return res.body.data.find((a: any) => a.endpointId === blockedEp);
      });
      expect(attempt.status).toBe('failed');
      expect(attempt.responseStatus).toBeNull();
      expect(attempt.error).toContain('destination_blocked');
      expect(attempt.error).toMatch(/127\.0\.0\.1.*loopback/);
      expect(receiver.requests).toHaveLength(0);
    } finally {
      await strict?.stop();
    }
  });
});
