import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Herald } from '../../src/sdk/client.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Publisher-chosen event ids and times (issue 17): a product moving its OfficeRnD-style webhooks
// onto Herald publishes its own event id and time, and its receivers keep seeing them in the body,
// on every attempt, resend and recovery, while webhook-id stays Herald's message id.

warnIfNoPostgres('publisher event ids on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

/** Seed 001's first example notification, as the document prints it. */
const OFFICERND_EXAMPLE = {
  event: '5f8d6c9747120500116899e4',
  eventType: 'company.paymentdetails.removed',
  data: {
    object: {
      _id: '5f86de9c1e74e400d416467c',
      card: {
        id: 'card_<redacted>', name: 'E Corp.', brand: 'Visa', funding: 'credit', exp_month: 11, exp_year: 2022,
        country: 'US', cvc_check: 'pass', last4: '1111',
      },
      provider: 'stripe',
      providerId: '<redacted>',
      sourceId: 'card_<redacted>',
      authorization: { authProviderId: 'seti_<redacted>', status: 'not_required' },
      createdAt: '2020-10-14T11:18:52.130Z',
      createdBy: '5e131db18edb280010c8d4ef',
    },
    company: '5e1d8bd37f8759001051b0e8',
  },
  createdAt: '2020-10-19T10:38:15.127Z',
};
const SECRET = 'orn_secret_for_event_ids';

/**
 * Seed 001's recipe, step by step: split the header on ',' then '='; HMAC-SHA256 with the secret
 * over the raw body, '.', and the timestamp; hex; compare.
 */
function officerndSignatureValid(header: string, rawBody: string, secret: string): boolean {
  const fields = Object.fromEntries(header.split(',').map((part) => part.split('=')));
  if (Object.keys(fields).join() !== 't,signature') return false;
  const expected = createHmac('sha256', secret).update(`${rawBody}.${fields.t}`).digest('hex');
  return expected.length === fields.signature!.length && timingSafeEqual(Buffer.from(expected), Buffer.from(fields.signature!));
}

describe.each(stores)('publisher-chosen event ids and times ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null = null;
  let client: Herald;
  /** OfficeRnD-style endpoint: fails the first request, then accepts. */
  let officernd: Receiver;
  /** Standard Webhooks endpoint: fails until `standardUp`, with one retry, so its delivery fails and is recovered. */
  let standard: Receiver;
  let standardUp = false;
  let appId: string;
  let officerndEp: { id: string };
  let standardEp: { id: string };

  beforeAll(async () => {
    schema = pg ? testSchema('event-ids') : null;
    herald = await startTestHerald(schema ? { database: schema.url } : {});
    client = new Herald({ url: herald.url, token: herald.token });
    officernd = await startReceiver((_req, i) => (i === 0 ? { status: 500, body: 'not yet' } : { status: 200, body: 'ok' }));
    standard = await startReceiver(() => (standardUp ? { status: 200 } : { status: 503 }));
    appId = (await client.apps.create({ name: 'OfficeRnD on Herald' })).id;
    officerndEp = await client.endpoints.create(appId, {
      url: `${officernd.url}/webhooks/callback`, payloadFormat: 'event', signature: { scheme: 'timestamped' }, secret: SECRET,
      eventTypes: ['company.paymentdetails.removed', 'member.removed', 'sentinel'],
    });
    standardEp = await client.endpoints.create(appId, {
      url: `${standard.url}/hooks`, eventTypes: ['company.paymentdetails.removed'], retrySchedule: ['50ms'],
    });
  }, 60_000);

  afterAll(async () => {
    await herald?.stop();
    await schema?.drop();
    await officernd?.close();
    await standard?.close();
  });

  it("OfficeRnD: the document's example arrives byte for byte with its own event and createdAt, signed per the recipe, on the retry and a resend too", async () => {
    const { event, eventType, data, createdAt } = OFFICERND_EXAMPLE;
    const published = await client.messages.create(appId, { eventType, data, eventId: event, timestamp: createdAt });
    expect(published).toMatchObject({ eventId: event, timestamp: createdAt, duplicate: false, deliveries: 2 });
    expect(published.id).toMatch(/^msg_/);

    // The first attempt is refused (500), the retry accepted: both carry the same body.
    const [first, retry] = await officernd.waitFor(2);
    const expectedBody = JSON.stringify(OFFICERND_EXAMPLE);
    for (const req of [first!, retry!]) {
      expect(req.body).toBe(expectedBody);
      expect(officerndSignatureValid(req.headers['officernd-signature']!, req.body, SECRET)).toBe(true);
      // Receivers deduplicate on Herald's id, which the publisher's event id does not replace.
      expect(req.headers['webhook-id']).toBe(published.id);
    }

    const resend = await herald.api('POST', `/api/v1/apps/${appId}/messages/${published.id}/endpoints/${officerndEp.id}/resend`);
    expect(resend.status).toBe(202);
    const [, , again] = await officernd.waitFor(3);
    expect(again!.body).toBe(expectedBody);
    expect(officerndSignatureValid(again!.headers['officernd-signature']!, again!.body, SECRET)).toBe(true);

    const stored = await client.messages.get(appId, published.id);
    expect(stored).toMatchObject({ eventId: event, timestamp: createdAt });
  });

  it("Standard Webhooks: the payload's timestamp is the publisher's, through failed attempts and a recovery", async () => {
    const { eventType, data, createdAt } = OFFICERND_EXAMPLE;
    const message = (await client.messages.list(appId, { eventType })).data[0]!;
    // Two refused attempts (the first and one retry), then the delivery is failed.
    await eventually(async () => (await client.attempts.listByEndpoint(appId, standardEp.id)).data.length === 2);
    await eventually(async () => (await client.messages.get(appId, message.id)).delivery.endpoints.some((e: { state: string }) => e.state === 'exhausted'));
    standardUp = true;
    const task = await client.endpoints.recover(appId, standardEp.id, { since: new Date(Date.now() - 60_000).toISOString() });
    expect(task.id).toBeTruthy();
    const requests = await standard.waitFor(3);
    for (const req of requests) {
      expect(JSON.parse(req.body)).toEqual({ type: eventType, timestamp: createdAt, data });
      expect(req.headers['webhook-id']).toBe(message.id);
    }
  });

  it('a repeated eventId answers like an idempotent repeat: the first message, duplicate: true, no second delivery', async () => {
    const first = await client.messages.create(appId, { eventType: 'member.removed', data: { n: 1 }, eventId: '5f8715ca1e74e400d4164ea6' });
    const repeat = await client.messages.create(appId, { eventType: 'member.removed', data: { n: 2 }, eventId: '5f8715ca1e74e400d4164ea6' });
    expect(repeat).toMatchObject({ id: first.id, duplicate: true, data: { n: 1 } });
    expect(repeat.deliveries).toBeUndefined();

    // In a batch too, against earlier messages and within the batch.
    const batch = await herald.api('POST', `/api/v1/apps/${appId}/messages/batch`, {
      messages: [
        { eventType: 'member.removed', data: { n: 3 }, eventId: '5f8715ca1e74e400d4164ea6' },
        { eventType: 'member.removed', data: { n: 4 }, eventId: 'batch-event', timestamp: '2020-10-14T15:14:18.042Z' },
        { eventType: 'member.removed', data: { n: 5 }, eventId: 'batch-event' },
      ],
    });
    expect(batch.status).toBe(202);
    expect(batch.body.data.map((m: { id: string; duplicate: boolean }) => [m.id === first.id, m.duplicate])).toEqual([[true, true], [false, false], [false, true]]);
    expect(batch.body.data[2].id).toBe(batch.body.data[1].id);

    // Deliveries go out in no set order: wait for a message published after the repeats, then
    // for both deliveries made, and check no repeat produced one.
    const sentinel = await client.messages.create(appId, { eventType: 'sentinel', data: {} });
    await eventually(() => [first.id, batch.body.data[1].id, sentinel.id].every((id) => officernd.requests.some((r) => r.headers['webhook-id'] === id)));
    await eventually(async () => (await client.messages.get(appId, first.id)).delivery.state === 'delivered');
    const bodies = officernd.requests.filter((r) => r.headers['webhook-id'] === first.id).map((r) => JSON.parse(r.body));
    expect(bodies).toEqual([{ event: '5f8715ca1e74e400d4164ea6', eventType: 'member.removed', data: { n: 1 }, createdAt: first.createdAt }]);
    expect(officernd.requests.filter((r) => r.body.includes('"n":3') || r.body.includes('"n":5') || r.body.includes('"n":2'))).toEqual([]);
    const batched = officernd.requests.find((r) => r.headers['webhook-id'] === batch.body.data[1].id)!;
    expect(JSON.parse(batched.body)).toMatchObject({ event: 'batch-event', createdAt: '2020-10-14T15:14:18.042Z' });
    const listed = await client.messages.list(appId, { eventType: 'member.removed' });
    expect(listed.data).toHaveLength(2);
  });

  it('concurrent publishes of one eventId, single and batched, create one message', async () => {
    const body = (i: number) => ({ eventType: 'member.updated', data: { i }, eventId: 'published-at-once' });
    const results = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => client.messages.create(appId, body(i))),
      ...Array.from({ length: 5 }, (_, i) => client.messages.createBatch(appId, [body(100 + i)]).then((r) => r.data[0]!)),
    ]);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect((await client.messages.list(appId, { eventType: 'member.updated' })).data).toHaveLength(1);
  });

  it('refuses a bad eventId or timestamp with 400 validation_error naming the field', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ eventId: 'x'.repeat(257) }, /eventId/],
      [{ eventId: '' }, /eventId/],
      [{ eventId: 42 }, /eventId/],
      [{ timestamp: 'yesterday' }, /timestamp/],
      [{ timestamp: '2020-10-19T10:38:15' }, /timestamp/],
      [{ timestamp: '2020-13-45T10:38:15Z' }, /timestamp/],
      [{ timestamp: '2020-10-19T10:38:15.127Z'.padEnd(80, '0') }, /timestamp/],
    ];
    for (const [fields, field] of cases) {
      const res = await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'member.removed', data: {}, ...fields });
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect(res.body.code).toBe('validation_error');
      expect(res.body.message).toMatch(field);
    }
    const batch = await herald.api('POST', `/api/v1/apps/${appId}/messages/batch`, {
      messages: [{ eventType: 'member.removed', data: {} }, { eventType: 'member.removed', data: {}, timestamp: 'soon' }],
    });
    expect(batch.status).toBe(400);
    expect(batch.body.message).toMatch(/messages\[1\]\.timestamp/);
    // Nothing of either was stored.
    expect((await client.messages.list(appId, { eventType: 'member.removed' })).data).toHaveLength(2);
  });
});
