import { afterAll, beforeAll, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { startReceiver, type ReceivedRequest, type Receiver } from '../helpers/receiver.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';

let herald: TestHerald;
let rx: Receiver;

beforeAll(async () => {
  herald = await startTestHerald();
  rx = await startReceiver();
});
afterAll(async () => {
  await herald.stop();
  await rx.close();
});

async function endpoint(body: Record<string, unknown>) {
  const app = await herald.api('POST', '/api/v1/apps', { name: 'rotation' });
  const ep = await herald.api('POST', `/api/v1/apps/${app.body.id}/endpoints`, { url: `${rx.url}/hook`, ...body });
  expect(ep.status, JSON.stringify(ep.body)).toBe(201);
  return { base: `/api/v1/apps/${app.body.id}/endpoints/${ep.body.id}`, appId: app.body.id as string, secret: ep.body.secret as string };
}

async function deliverOne(appId: string): Promise<ReceivedRequest> {
  const before = rx.requests.length;
  await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'rotation.test', data: { n: before } });
  return (await rx.waitFor(before + 1))[before]!;
}

/** The request as it would look carrying only one of its signatures. */
const withSignature = (req: ReceivedRequest, signature: string) => ({ ...req.headers, 'webhook-signature': signature });

it('signs with old and new secret during the grace period, then with the new one only', async () => {
  const { base, appId, secret: oldSecret } = await endpoint({});
  const rotated = await herald.api('POST', `${base}/secret/rotate`, {});
  expect(rotated.status).toBe(200);
  const newSecret = rotated.body.secret as string;
  expect(newSecret).toMatch(/^whsec_/);
  expect(newSecret).not.toBe(oldSecret);
  expect(Date.parse(rotated.body.oldSecretsExpireAt) - Date.now()).toBeGreaterThan(23 * 3600 * 1000); // default 24 h
  expect((await herald.api('GET', `${base}/secret`)).body.secret).toBe(newSecret);

  const during = await deliverOne(appId);
  const signatures = during.headers['webhook-signature']!.split(' ');
  expect(signatures).toHaveLength(2);
  expect(signatures.every((s) => s.startsWith('v1,'))).toBe(true);
  // Each signature on its own verifies with its own secret (new first), and not with the other.
  expect(() => new Webhook(newSecret).verify(during.body, withSignature(during, signatures[0]!))).not.toThrow();
  expect(() => new Webhook(oldSecret).verify(during.body, withSignature(during, signatures[1]!))).not.toThrow();
  expect(() => new Webhook(oldSecret).verify(during.body, withSignature(during, signatures[0]!))).toThrow();
  // A receiver that has not switched yet still accepts the request as sent.
  expect(() => new Webhook(oldSecret).verify(during.body, during.headers)).not.toThrow();

  // Rotating again with a 1 s grace also ends the first rotation's grace at that point.
  const latest = (await herald.api('POST', `${base}/secret/rotate`, { graceSeconds: 1 })).body.secret as string;
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const after = await deliverOne(appId);
  expect(after.headers['webhook-signature']!.split(' ')).toHaveLength(1);
  expect(() => new Webhook(latest).verify(after.body, after.headers)).not.toThrow();
  expect(() => new Webhook(newSecret).verify(after.body, after.headers)).toThrow();
  expect((await herald.api('GET', `${base}/secret`)).body.secret).toBe(latest);
});

it('takes a secret of the caller\'s choosing, validated for the endpoint\'s scheme', async () => {
  const { base } = await endpoint({});
  const bad = await herald.api('POST', `${base}/secret/rotate`, { secret: 'not-whsec' });
  expect(bad.status).toBe(400);
  expect(bad.body).toMatchObject({ code: 'invalid_secret', message: expect.stringMatching(/whsec_/) });

  const chosen = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
  const ok = await herald.api('POST', `${base}/secret/rotate`, { secret: chosen, graceSeconds: 0 });
  expect(ok.body).toEqual({ secret: chosen, oldSecretsExpireAt: null });
  const same = await herald.api('POST', `${base}/secret/rotate`, { secret: chosen });
  expect(same.status).toBe(400);
});

it('replaces the secret at once for single-signature schemes (their receivers parse one value)', async () => {
  const { base, appId } = await endpoint({ payloadFormat: 'raw', signature: { scheme: 'hmac-sha256' }, secret: 'HeaderSecret' });
  const rotated = await herald.api('POST', `${base}/secret/rotate`, { secret: 'NewHeaderSecret' });
  expect(rotated.body).toEqual({ secret: 'NewHeaderSecret', oldSecretsExpireAt: null });
  const req = await deliverOne(appId);
  expect(req.headers['x-signature']).toMatch(/^[0-9a-f]{64}$/);

  const tooShort = await herald.api('POST', `${base}/secret/rotate`, { secret: 'short' });
  expect(tooShort.body.code).toBe('invalid_secret');
});
