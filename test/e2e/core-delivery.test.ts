import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

let herald: TestHerald;
const receivers: Receiver[] = [];

beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(async () => {
  await herald.stop();
  await Promise.all(receivers.map((r) => r.close()));
});

async function receiver(...args: Parameters<typeof startReceiver>) {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}

async function createApp(name: string, uid?: string) {
  const res = await herald.api('POST', '/api/v1/apps', { name, uid });
  expect(res.status).toBe(201);
  return res.body as { id: string; uid: string | null };
}

async function createEndpoint(appId: string, body: Record<string, unknown>) {
  const res = await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; secret: string };
}

async function publish(appId: string, body: Record<string, unknown>, headers?: Record<string, string>) {
  const res = await herald.api('POST', `/api/v1/apps/${appId}/messages`, body, headers);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body as { id: string; duplicate: boolean };
}

/**
 * "Nothing else arrived" is only worth asserting once anything else could have: publishes a sentinel
 * message after the fact and resolves once each of `receivers` has it. A delivery that should not
 * exist was committed before the sentinel and is due earlier, so the dispatcher claims it first.
 */
async function sentinel(appId: string, receivers: Receiver[], body: Record<string, unknown> = {}) {
  const msg = await publish(appId, { eventType: 'sentinel.ping', data: { sentinel: true }, ...body });
  for (const rx of receivers) await eventually(() => rx.requests.some((r) => r.headers['webhook-id'] === msg.id));
  return msg.id;
}

/** The requests a receiver got, without the sentinel's. */
const without = (rx: Receiver, sentinelId: string) => rx.requests.filter((r) => r.headers['webhook-id'] !== sentinelId);

describe('publish and deliver', () => {
  it('delivers a signed request that the standardwebhooks library verifies', async () => {
    const rx = await receiver();
    const app = await createApp('Acme', 'acme');
    const ep = await createEndpoint('acme', { url: `${rx.url}/hooks` });
    const msg = await publish(app.id, { eventType: 'member.removed', data: { id: 7, name: 'Jonathan Brown' } });

    const [req] = await rx.waitFor(1);
    expect(req!.method).toBe('POST');
    expect(req!.url).toBe('/hooks');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers['user-agent']).toMatch(/^Herald\/\d/);
    const payload = new Webhook(ep.secret).verify(req!.body, req!.headers) as Record<string, unknown>;
    expect(payload).toEqual({ type: 'member.removed', timestamp: expect.any(String), data: { id: 7, name: 'Jonathan Brown' } });
    expect(req!.headers['webhook-id']).toBe(msg.id);

    const attempts = await eventually(async () => {
      const res = await herald.api('GET', `/api/v1/apps/acme/messages/${msg.id}/attempts`);
      return res.body.data.length === 1 ? res.body : null;
    });
    const attempt = attempts.data[0];
    expect(attempt).toMatchObject({ msgId: msg.id, endpointId: ep.id, attempt: 1, status: 'success', responseStatus: 200, error: null });
    expect(attempt.id).toMatch(/^atm_/);
    expect(attempt.request.body).toBe(req!.body);
    expect(attempt.request.headers['webhook-signature']).toBe(req!.headers['webhook-signature']);
    expect(attempt.response.body).toBe('ok');
    expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('fans out only to endpoints whose event and entity filters match', async () => {
    const [all, members, agreements, disabled] = await Promise.all([receiver(), receiver(), receiver(), receiver()]);
    const app = await createApp('Filters');
    await createEndpoint(app.id, { url: all.url, eventTypes: [] });
    await createEndpoint(app.id, { url: members.url, eventTypes: ['member.removed', 'member.added'] });
    await createEndpoint(app.id, { url: agreements.url, entityTypes: ['Agreement'] });
    await createEndpoint(app.id, { url: disabled.url, disabled: true });

    await publish(app.id, { eventType: 'member.added', data: { n: 1 } });
    await publish(app.id, { eventType: 'agreement.created', data: { n: 2 }, entity: { type: 'Agreement', id: 25 } });
    await publish(app.id, { eventType: 'member.removed', data: { n: 3 }, entity: { type: 'Member', id: 'm1' } });

    await all.waitFor(3);
    await members.waitFor(2);
    await agreements.waitFor(1);
    // A sentinel that all three filtered endpoints take: once it is in, a wrongly routed delivery would be too.
    const last = await sentinel(app.id, [all, members, agreements], { eventType: 'member.added', entity: { type: 'Agreement', id: 'last' } });
    const sent = (rx: Receiver) => without(rx, last).map((r) => JSON.parse(r.body).data.n).sort();
    expect(sent(all)).toEqual([1, 2, 3]);
    expect(sent(members)).toEqual([1, 3]);
    expect(sent(agreements)).toEqual([2]);
    expect(disabled.requests).toHaveLength(0);
  });

  it('retries a receiver that fails twice, then succeeds, recording every attempt', async () => {
    const rx = await receiver((_req, i) => (i < 2 ? { status: 500, body: `fail ${i}` } : { status: 200, body: 'finally' }));
    const app = await createApp('Flaky');
    const ep = await createEndpoint(app.id, { url: rx.url });
    const msg = await publish(app.id, { eventType: 'order.signed', data: { orderId: 'o-1' } });

    const reqs = await rx.waitFor(3);
    expect(new Set(reqs.map((r) => r.headers['webhook-id']))).toEqual(new Set([msg.id]));
    const attempts = await eventually(async () => {
      const res = await herald.api('GET', `/api/v1/apps/${app.id}/endpoints/${ep.id}/attempts`);
      return res.body.data.length === 3 ? res.body.data : null;
    });
    // Newest first.
    expect(attempts.map((a: any) => [a.attempt, a.status, a.responseStatus])).toEqual([
      [3, 'success', 200],
      [2, 'failed', 500],
      [1, 'failed', 500],
    ]);
    const failed = await herald.api('GET', `/api/v1/apps/${app.id}/endpoints/${ep.id}/attempts?status=failed`);
    expect(failed.body.data).toHaveLength(2);
    expect(failed.body.data[0].response.body).toBe('fail 1');
  });

  it('gives up after the schedule is exhausted, and a 410 stops retries and disables the endpoint', async () => {
    const down = await receiver(() => ({ status: 503 }));
    const gone = await receiver(() => ({ status: 410 }));
    const app = await createApp('Failing');
    const epDown = await createEndpoint(app.id, { url: down.url, retrySchedule: ['PT0.05S', 'PT0.05S'] });
    const epGone = await createEndpoint(app.id, { url: gone.url });
    await publish(app.id, { eventType: 'x.y', data: {} });

    await down.waitFor(3);
    await gone.waitFor(1);
    await eventually(async () => (await herald.api('GET', `/api/v1/apps/${app.id}/endpoints/${epGone.id}`)).body.disabled === true);
    // A sentinel that exhausts the same schedule: its 3rd attempt comes after any 4th attempt of the
    // first message (or a retry after the 410) would have been due.
    const sentinelMsg = await publish(app.id, { eventType: 'x.y', data: { sentinel: true } });
    await eventually(() => down.requests.filter((r) => r.headers['webhook-id'] === sentinelMsg.id).length === 3);
    expect(without(down, sentinelMsg.id)).toHaveLength(3);
    expect(gone.requests).toHaveLength(1);
    const attempts = await herald.api('GET', `/api/v1/apps/${app.id}/endpoints/${epDown.id}/attempts`);
    const first = attempts.body.data.filter((a: any) => a.msgId !== sentinelMsg.id);
    expect(first.map((a: any) => [a.attempt, a.status])).toEqual([[3, 'failed'], [2, 'failed'], [1, 'failed']]);
  });

  it('treats the same idempotency key as the same message, with no second delivery', async () => {
    const rx = await receiver();
    const app = await createApp('Idem');
    await createEndpoint(app.id, { url: rx.url });
    const first = await publish(app.id, { eventType: 'a.b', data: { v: 1 }, idempotencyKey: 'key-1' });
    const again = await publish(app.id, { eventType: 'a.b', data: { v: 1 }, idempotencyKey: 'key-1' });
    const viaHeader = await publish(app.id, { eventType: 'a.b', data: { v: 2 } }, { 'idempotency-key': 'key-2' });
    const viaHeaderAgain = await publish(app.id, { eventType: 'a.b', data: { v: 2 } }, { 'idempotency-key': 'key-2' });

    expect(again.id).toBe(first.id);
    expect(again.duplicate).toBe(true);
    expect(viaHeaderAgain.id).toBe(viaHeader.id);
    await rx.waitFor(2);
    const last = await sentinel(app.id, [rx]);
    expect(without(rx, last)).toHaveLength(2);
    const list = await herald.api('GET', `/api/v1/apps/${app.id}/messages`);
    expect(list.body.data.filter((m: any) => m.id !== last)).toHaveLength(2);
  });

  it('resends a message as a new delivery with the same message id', async () => {
    const rx = await receiver();
    const app = await createApp('Resend');
    const ep = await createEndpoint(app.id, { url: rx.url });
    const msg = await publish(app.id, { eventType: 'a.b', data: { v: 1 } });
    await rx.waitFor(1);
    const res = await herald.api('POST', `/api/v1/apps/${app.id}/messages/${msg.id}/endpoints/${ep.id}/resend`);
    expect(res.status).toBe(202);
    const [first, second] = await rx.waitFor(2);
    expect(second!.headers['webhook-id']).toBe(msg.id);
    expect(JSON.parse(second!.body).data).toEqual(JSON.parse(first!.body).data);
  });

  it('sends a test event to one endpoint only, whatever its filters', async () => {
    const [target, other] = await Promise.all([receiver(), receiver()]);
    const app = await createApp('Test events');
    const ep = await createEndpoint(app.id, { url: target.url, eventTypes: ['only.this'] });
    await createEndpoint(app.id, { url: other.url });
    const res = await herald.api('POST', `/api/v1/apps/${app.id}/endpoints/${ep.id}/test`, { eventType: 'herald.ping' });
    expect(res.status).toBe(202);
    const [req] = await target.waitFor(1);
    expect(JSON.parse(req!.body)).toMatchObject({ type: 'herald.ping', data: { test: true } });
    // The sentinel goes to `other` only (`target` filters on only.this).
    const last = await sentinel(app.id, [other]);
    expect(without(other, last)).toHaveLength(0);
    expect(target.requests).toHaveLength(1);
  });
});

describe('API contract', () => {
  it('refuses requests without a valid token with 401 and a JSON error', async () => {
    const none = await fetch(`${herald.url}/api/v1/apps`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('Bearer') });
    const wrong = await herald.api('GET', '/api/v1/apps', undefined, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${herald.url}/healthz`)).status).toBe(200);
  });

  it('answers bad input with a stable code and a helpful message', async () => {
    const app = await createApp('Errors');
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', '/api/v1/apps', {}, 400, 'validation_error'],
      ['POST', '/api/v1/apps', { name: 'x', extra: 1 }, 400, 'validation_error'],
      ['POST', `/api/v1/apps/${app.id}/endpoints`, { url: 'not a url' }, 400, 'invalid_url'],
      ['POST', `/api/v1/apps/${app.id}/endpoints`, { url: 'http://example.com', timeout: 'PT16M' }, 400, 'validation_error'],
      ['POST', `/api/v1/apps/${app.id}/endpoints`, { url: 'http://example.com', secret: 'whsec_short' }, 400, 'invalid_secret'],
      ['POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'has space', data: {} }, 400, 'validation_error'],
      ['POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'a.b' }, 400, 'validation_error'],
      ['GET', '/api/v1/apps/app_does_not_exist', undefined, 404, 'not_found'],
      ['GET', `/api/v1/apps/${app.id}/messages/msg_01ARZ3NDEKTSV4RRFFQ69G5FAV`, undefined, 404, 'not_found'],
      ['GET', '/api/v1/apps?limit=0', undefined, 400, 'validation_error'],
      ['GET', '/api/v1/apps?limit=251', undefined, 400, 'validation_error'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const res = await herald.api(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(status);
      expect(res.body.code).toBe(code);
      expect(res.body.message.length).toBeGreaterThan(5);
    }
    const malformed = await fetch(`${herald.url}/api/v1/apps`, {
      method: 'POST',
      headers: { authorization: `Bearer ${herald.token}`, 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { code: string }).code).toBe('invalid_json');
  });

  it('refuses private destinations unless allowed, and conflicting uids', async () => {
    const strict = await startTestHerald({ allowPrivateNetworks: false });
    try {
      const app = (await strict.api('POST', '/api/v1/apps', { name: 'strict', uid: 'dup' })).body;
      const res = await strict.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: 'http://127.0.0.1:9/x' });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('destination_blocked');
      expect(res.body.message).toMatch(/allow-private-networks/);
      const dup = await strict.api('POST', '/api/v1/apps', { name: 'again', uid: 'dup' });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('conflict');
    } finally {
      await strict.stop();
    }
  });

  it('paginates newest first with an iterator', async () => {
    const app = await createApp('Pages');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await publish(app.id, { eventType: 'p.q', data: { i } })).id);
    const first = await herald.api('GET', `/api/v1/apps/${app.id}/messages?limit=2`);
    expect(first.body.data.map((m: any) => m.id)).toEqual([ids[4], ids[3]]);
    expect(first.body.done).toBe(false);
    const second = await herald.api('GET', `/api/v1/apps/${app.id}/messages?limit=2&iterator=${first.body.iterator}`);
    expect(second.body.data.map((m: any) => m.id)).toEqual([ids[2], ids[1]]);
    const third = await herald.api('GET', `/api/v1/apps/${app.id}/messages?limit=2&iterator=${second.body.iterator}`);
    expect(third.body.data.map((m: any) => m.id)).toEqual([ids[0]]);
    expect(third.body.done).toBe(true);
  });

  it('manages apps by id or uid, and keeps secrets out of ordinary responses', async () => {
    const app = await createApp('CRUD', 'crud-uid');
    const patched = await herald.api('PATCH', '/api/v1/apps/crud-uid', { name: 'Renamed' });
    expect(patched.body).toMatchObject({ id: app.id, name: 'Renamed' });
    const ep = await createEndpoint('crud-uid', { url: 'https://example.com/hook', name: 'main' });
    expect(ep.secret).toMatch(/^whsec_/);
    const got = await herald.api('GET', `/api/v1/apps/${app.id}/endpoints/${ep.id}`);
    expect(got.body.secret).toBeUndefined();
    expect(JSON.stringify(got.body)).not.toContain(ep.secret);
    const list = await herald.api('GET', `/api/v1/apps/${app.id}/endpoints`);
    expect(JSON.stringify(list.body)).not.toContain(ep.secret);
    const secret = await herald.api('GET', `/api/v1/apps/${app.id}/endpoints/${ep.id}/secret`);
    expect(secret.body).toEqual({ secret: ep.secret });
    expect((await herald.api('PATCH', `/api/v1/apps/${app.id}/endpoints/${ep.id}`, { disabled: true })).body.disabled).toBe(true);
    expect((await herald.api('DELETE', `/api/v1/apps/${app.id}/endpoints/${ep.id}`)).status).toBe(204);
    expect((await herald.api('GET', `/api/v1/apps/${app.id}/endpoints/${ep.id}`)).status).toBe(404);
    expect((await herald.api('DELETE', '/api/v1/apps/crud-uid')).status).toBe(204);
    expect((await herald.api('GET', `/api/v1/apps/${app.id}`)).status).toBe(404);
  });

  it('keeps an event-type catalogue', async () => {
    expect((await herald.api('POST', '/api/v1/event-types', { name: 'member.removed', description: 'A member left' })).status).toBe(201);
    const list = await herald.api('GET', '/api/v1/event-types');
    expect(list.body.data).toContainEqual(expect.objectContaining({ name: 'member.removed', description: 'A member left' }));
  });
});
