import { afterEach, beforeEach } from 'vitest';
import { newId } from '../../src/domain/ids.js';
import type { App, Attempt, Endpoint, EventType, Message } from '../../src/domain/model.js';
import type { OpenStoreOptions } from '../../src/store/open-store.js';
import type { ClaimRequest, ClaimedDelivery, Settlement, SettleOutcome, Store } from '../../src/store/store.js';

// What every store contract test starts from: a fresh store per test, and records to put in it.

export interface StoreFixture {
  store: Store;
  /** Another store on the same database, as a second Herald process would open it (e.g. with its own key). */
  openAnother(options?: OpenStoreOptions): Promise<Store>;
  /** `failed`: the test failed, so a backend may keep its data for inspection. */
  dispose(failed: boolean): Promise<void>;
}

/**
 * Each test of the surrounding describe gets a fresh store from `factory` (handed to `use`),
 * disposed after it; a backend may keep the data of a failed test for inspection.
 */
export function freshStoreEachTest(factory: () => Promise<StoreFixture>, use: (fixture: StoreFixture) => void): void {
  let fixture: StoreFixture;
  beforeEach(async () => {
    fixture = await factory();
    use(fixture);
  });
  afterEach(async (ctx) => {
    await fixture.dispose(ctx.task.result?.state === 'fail' || (ctx.task.result?.errors?.length ?? 0) > 0);
  });
}

/** The contract's clock: records are created at T, and claims pass times around it. */
export const T = Date.UTC(2030, 0, 1);
export const iso = (ms: number) => new Date(ms).toISOString();

export function makeApp(overrides: Partial<App> = {}): App {
  return { id: newId('app'), uid: null, name: 'Acme', retrySchedule: null, allowedOrigins: [], createdAt: iso(T), updatedAt: iso(T), ...overrides };
}

export function makeEventType(overrides: Partial<EventType> = {}): EventType {
  return {
    name: 'member.added', description: null, group: null, schema: null, examples: [], deprecated: false, validation: 'off',
    revision: 1, createdAt: iso(T), updatedAt: iso(T), ...overrides,
  };
}

export function makeEndpoint(appId: string, overrides: Partial<Endpoint> = {}): Endpoint {
  return {
    id: newId('ep'), appId, uid: null, url: 'https://example.com/hook', name: null, description: null, eventTypes: null,
    entityTypes: null, method: 'POST', payloadFormat: 'standard', signature: { scheme: 'standard-webhooks' },
    secrets: [{ secret: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=', expiresAt: null }], headers: {}, query: {},
    timeoutMs: 1000, tls: null, retrySchedule: null, rateLimit: null, disabled: false, ordering: 'unordered',
    createdAt: iso(T), updatedAt: iso(T),
    ...overrides,
  };
}

export function makeMessage(appId: string, overrides: Partial<Message> = {}): Message {
  return {
    id: newId('msg'), appId, eventType: 'member.added', dataJson: '{"id":1}', entity: null, idempotencyKey: null,
    createdAt: iso(T), requestId: null, orderingKey: null, ...overrides,
  };
}

/** A claim at T by 'token-a' with room for everything, unless overridden. */
export function claimRequest(overrides: Partial<ClaimRequest> = {}): ClaimRequest {
  return { now: T, limit: 100, leaseMarginMs: 500, perEndpointLimit: 64, inFlightByEndpoint: {}, leaseToken: 'token-a', ...overrides };
}

/** The settlement a worker holding `leaseToken` would write for `c`, with its attempt. */
export function settlement(c: ClaimedDelivery, leaseToken: string, outcome: SettleOutcome, now = T): Settlement {
  const ok = outcome.kind === 'success';
  const attempt: Attempt = {
    id: newId('atm'), deliveryId: c.delivery.id, msgId: c.message.id, endpointId: c.endpoint.id, appId: c.delivery.appId,
    attempt: c.delivery.attempts + 1, status: ok ? 'success' : 'failed', responseStatus: ok ? 200 : 500, durationMs: 12,
    createdAt: iso(now), request: { method: 'POST', url: c.endpoint.url, headers: { 'webhook-id': c.message.id }, body: c.message.dataJson },
    response: { headers: {}, body: ok ? 'ok' : 'boom' }, error: ok ? null : 'HTTP 500',
  };
  return { deliveryId: c.delivery.id, leaseToken, attempt, outcome, now };
}
