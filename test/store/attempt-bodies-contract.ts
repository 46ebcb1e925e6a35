import { describe, expect, it } from 'vitest';
import { idFloorAt } from '../../src/domain/id-time.js';
import { MAX_RECORDED_BODY, type AttemptRequest, type Endpoint, type Message } from '../../src/domain/model.js';
import type { Store } from '../../src/store/store.js';
import { claimRequest, makeApp, makeEndpoint, makeMessage, settlement, T, freshStoreEachTest, type StoreFixture } from './store-fixtures.js';

// Attempts whose body was their message rendered in the endpoint's format (migration 23): the store
// keeps the format instead of the body and reads the body back rebuilt from the message, exactly as
// it was sent; rows holding their body (transformed requests, rows written before) read as stored.
// Run on every backend by defineStoreContract.

const DAY = 86_400_000;

export function defineAttemptBodiesContract(backend: string, factory: () => Promise<StoreFixture>): void {
  describe(`Store contract (attempt bodies rebuilt from messages): ${backend}`, () => {
    let store: Store;
    freshStoreEachTest(factory, (fresh) => {
      store = fresh.store;
    });

    /** Publishes `message` to one endpoint, then settles its delivery with an attempt whose request is `request`. */
    async function attemptWith(endpoint: Partial<Endpoint>, message: Partial<Message>, request: (m: Message) => AttemptRequest) {
      const app = await store.createApp(makeApp());
      const ep = await store.createEndpoint(makeEndpoint(app.id, endpoint));
      const published = await store.publish({ message: makeMessage(app.id, message), idempotencySince: T - DAY, now: T });
      const [claimed] = await store.claimDue(claimRequest());
      const st = settlement(claimed!, 'token-a', { kind: 'success' });
      st.attempt.request = request(published.message);
      await store.settle([st]);
      const [attempt] = (await store.listAttemptsForMessage(app.id, published.message.id, { limit: 10 })).data;
      return { app, ep, message: published.message, attempt: attempt! };
    }
    const headers = (m: Message) => ({ 'user-agent': 'Herald/test', 'content-type': 'application/json', 'webhook-id': m.id, 'webhook-signature': 'v1,abc' });

    it.each([
      ['standard', {}, '{"type":"member.added","timestamp":"2026-11-30T09:00:00+01:00","data":{"big":12345678901234567890,"f":1.0}}'],
      ['event', { eventId: 'evt_1' }, '{"event":"evt_1","eventType":"member.added","data":{"big":12345678901234567890,"f":1.0},"createdAt":"2026-11-30T09:00:00+01:00"}'],
      ['raw', {}, '{"big":12345678901234567890,"f":1.0}'],
      ['entity-ref', { entity: { type: 'Agreement', id: 25 } }, '{"eventType":"member.added","entityType":"Agreement","entityId":25}'],
    ] as const)('reads a %s body rebuilt from the message, in the request as it was recorded', async (format, extra, body) => {
      const { attempt } = await attemptWith({ payloadFormat: format }, { dataJson: '{"big":12345678901234567890,"f":1.0}', eventTime: '2026-11-30T09:00:00+01:00', ...extra },
        (m) => ({ method: 'POST', url: 'https://example.com/hook?a=1', headers: headers(m), body: null, bodyFrom: format }));
      // Same keys in the same order as an attempt that stored its body: the API's JSON is unchanged.
      expect(JSON.stringify(attempt.request)).toBe(JSON.stringify({ method: 'POST', url: 'https://example.com/hook?a=1', headers: headers({ id: attempt.msgId } as Message), body }));
    });

    it('cuts a rebuilt body where a stored one was cut (64 KiB), characters outside the BMP included', async () => {
      const dataJson = JSON.stringify({ text: '𝄞é'.repeat(30_000) });
      const { attempt } = await attemptWith({ payloadFormat: 'standard' }, { dataJson, eventTime: '2026-11-30T09:00:00Z' },
        (m) => ({ method: 'POST', url: 'https://example.com/hook', headers: headers(m), body: null, bodyFrom: 'standard' }));
      const sent = `{"type":"member.added","timestamp":"2026-11-30T09:00:00Z","data":${dataJson}}`;
      expect(attempt.request.body).toBe(sent.slice(0, MAX_RECORDED_BODY));
    });

    it('rebuilds in the format recorded with the attempt, not the endpoint\'s current one', async () => {
      const { ep, app, attempt } = await attemptWith({ payloadFormat: 'raw' }, { dataJson: '{"n":1}' },
        (m) => ({ method: 'POST', url: 'https://example.com/hook', headers: headers(m), body: null, bodyFrom: 'raw' }));
      await store.updateEndpoint({ ...ep, payloadFormat: 'standard' });
      const [again] = (await store.listAttemptsForEndpoint(app.id, ep.id, { limit: 10 })).data;
      expect(again!.request.body).toBe('{"n":1}');
      expect(attempt.request.body).toBe('{"n":1}');
    });

    it('reads an attempt that stored its body (a transformed request, or one written before) as stored', async () => {
      const { attempt } = await attemptWith({}, { dataJson: '{"n":1}' },
        (m) => ({ method: 'PUT', url: 'https://example.com/orders/1', headers: headers(m), body: '{"order":1}' }));
      expect(attempt.request).toEqual({ method: 'PUT', url: 'https://example.com/orders/1', headers: headers({ id: attempt.msgId } as Message), body: '{"order":1}' });
      expect(attempt.request).not.toHaveProperty('bodyFrom');
    });

    it('reads a null body once the message\'s payload and the attempt\'s bodies are purged', async () => {
      const { app, message } = await attemptWith({}, { dataJson: '{"n":1}' },
        (m) => ({ method: 'POST', url: 'https://example.com/hook', headers: headers(m), body: null, bodyFrom: 'standard' }));
      await store.purgeMessagePayloads({ beforeId: idFloorAt('msg', Date.now() + DAY), afterId: null, limit: 10, now: T });
      await store.purgeAttemptBodies({ beforeId: idFloorAt('atm', Date.now() + DAY), afterId: null, limit: 10, now: T });
      const [attempt] = (await store.listAttemptsForMessage(app.id, message.id, { limit: 10 })).data;
      expect(attempt!.request).toEqual({ method: 'POST', url: 'https://example.com/hook', headers: headers(message), body: null });
    });
  });
}
