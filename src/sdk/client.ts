import type * as T from './client-types.js';
import { seg, Transport, type HeraldClientOptions } from './client-transport.js';

export type * from './client-types.js';
export { HeraldApiError, HeraldNetworkError, type HeraldClientOptions } from './client-transport.js';
/** Wrap JSON text as `data` to publish it byte for byte (big integers, `1.0`, escapes kept). */
export { RawJson } from '../wire/raw-json-text.js';

const V1 = '/api/v1';
type Page<X> = Promise<T.PageOut<X>>;

/**
 * Typed client for Herald's API. Each route is one method: to add a route, add one line to its
 * group below (and, if it is a new resource, a group).
 *
 *   const herald = new Herald({ url: 'http://127.0.0.1:8080', token: process.env.HERALD_TOKEN! });
 *   await herald.messages.create('app_…', { eventType: 'invoice.paid', data: { id: 42 } });
 *   await herald.messages.create('app_…', { eventType: 'invoice.paid', data: new RawJson('{"id":1234567890123456789}') });
 */
export class Herald {
  readonly apps;
  readonly eventTypes;
  readonly endpoints;
  readonly messages;
  readonly attempts;
  readonly tokens;
  readonly tasks;
  readonly branding;
  readonly operatorTokens;
  readonly auditLog;

  constructor(options: HeraldClientOptions) {
    const http = new Transport(options);

    this.apps = {
      create: (body: T.AppCreateInput) => http.call<T.AppOut>('POST', `${V1}/apps`, { body }),
      list: (query: T.PageQuery = {}): Page<T.AppOut> => http.call('GET', `${V1}/apps`, { query }),
      get: (appId: string) => http.call<T.AppOut>('GET', `${V1}/apps/${seg(appId)}`),
      update: (appId: string, body: T.AppPatchInput) => http.call<T.AppOut>('PATCH', `${V1}/apps/${seg(appId)}`, { body }),
      delete: (appId: string) => http.call<void>('DELETE', `${V1}/apps/${seg(appId)}`),
    };

    this.eventTypes = {
      /** Creates the type, or updates the fields given of an existing one. */
      create: (body: T.EventTypeCreateInput) => http.call<T.EventTypeOut>('POST', `${V1}/event-types`, { body }),
      list: (query: T.EventTypeListQuery = {}): Page<T.EventTypeOut> => http.call('GET', `${V1}/event-types`, { query }),
      get: (name: string) => http.call<T.EventTypeOut>('GET', `${V1}/event-types/${seg(name)}`),
      update: (name: string, body: T.EventTypePatchInput) => http.call<T.EventTypeOut>('PATCH', `${V1}/event-types/${seg(name)}`, { body }),
      delete: (name: string) => http.call<void>('DELETE', `${V1}/event-types/${seg(name)}`),
      /** One event type per entry of an OpenAPI 3.1 document's `webhooks` (docs/event-catalogue.md). */
      import: (document: T.EventTypeImportInput) => http.call<T.EventTypeImportOut>('POST', `${V1}/event-types/import`, { body: document }),
    };

    const ep = (appId: string, endpointId: string) => `${V1}/apps/${seg(appId)}/endpoints/${seg(endpointId)}`;
    this.endpoints = {
      create: (appId: string, body: T.EndpointCreateInput) =>
        http.call<T.EndpointWithSecretOut>('POST', `${V1}/apps/${seg(appId)}/endpoints`, { body }),
      list: (appId: string, query: T.PageQuery = {}): Page<T.EndpointOut> =>
        http.call('GET', `${V1}/apps/${seg(appId)}/endpoints`, { query }),
      get: (appId: string, endpointId: string) => http.call<T.EndpointOut>('GET', ep(appId, endpointId)),
      update: (appId: string, endpointId: string, body: T.EndpointPatchInput) =>
        http.call<T.EndpointOut>('PATCH', ep(appId, endpointId), { body }),
      delete: (appId: string, endpointId: string) => http.call<void>('DELETE', ep(appId, endpointId)),
      secret: (appId: string, endpointId: string) => http.call<T.SecretOut>('GET', `${ep(appId, endpointId)}/secret`),
      /** A new secret; the old one keeps signing beside it for `graceSeconds` (standard-webhooks). */
      rotateSecret: (appId: string, endpointId: string, body: T.SecretRotateInput = {}) =>
        http.call<T.RotatedSecretOut>('POST', `${ep(appId, endpointId)}/secret/rotate`, { body }),
      /** Sends a test message to this endpoint only, whatever its filters. */
      test: (appId: string, endpointId: string, body: T.TestEventInput = {}) =>
        http.call<T.MessageOut>('POST', `${ep(appId, endpointId)}/test`, { body }),
      /** Runs a transformation (the saved one, or `body.transformation`) against an example message; sends nothing. */
      testTransformation: (appId: string, endpointId: string, body: T.TransformationTestInput = {}) =>
        http.call<T.TransformationTestOut>('POST', `${ep(appId, endpointId)}/transformation/test`, { body }),
      /** The endpoint's deliveries still to be sent (pending and failing), soonest due first, with their next retry time. */
      deliveries: (appId: string, endpointId: string, query: T.EndpointDeliveryListParams = {}): Page<T.DeliveryOut> =>
        http.call('GET', `${ep(appId, endpointId)}/deliveries`, { query }),
      /** Resends every failed delivery since `since` (ISO time) in the background; follow it with `tasks.get`. */
      recover: (appId: string, endpointId: string, body: T.RecoverInput) =>
        http.call<T.TaskOut>('POST', `${ep(appId, endpointId)}/recover`, { body }),
    };

    const msg = (appId: string, msgId: string) => `${V1}/apps/${seg(appId)}/messages/${seg(msgId)}`;
    this.messages = {
      /** Resolves once the message and its deliveries are stored (202). */
      create: (appId: string, body: T.MessageCreateInput, opts: { idempotencyKey?: string } = {}) =>
        http.call<T.PublishedMessageOut>('POST', `${V1}/apps/${seg(appId)}/messages`, {
          body,
          headers: opts.idempotencyKey === undefined ? undefined : { 'idempotency-key': opts.idempotencyKey },
        }),
      /** Up to 1,000 messages in one call; each result says whether it was a duplicate. */
      createBatch: (appId: string, messages: T.MessageCreateInput[]) =>
        http.call<{ data: T.PublishedMessageOut[] }>('POST', `${V1}/apps/${seg(appId)}/messages/batch`, { body: { messages } satisfies T.MessageBatchInput }),
      list: (appId: string, query: T.MessageListParams = {}): Page<T.MessageWithDeliveryOut> =>
        http.call('GET', `${V1}/apps/${seg(appId)}/messages`, { query }),
      /** Messages published with `entity: { type, id }`, newest first. */
      listByEntity: (appId: string, entityType: string, entityId: string | number, query: T.PageQuery = {}): Page<T.MessageWithDeliveryOut> =>
        http.call('GET', `${V1}/apps/${seg(appId)}/entities/${seg(entityType)}/${seg(String(entityId))}/messages`, { query }),
      get: (appId: string, msgId: string) => http.call<T.MessageWithDeliveryOut>('GET', msg(appId, msgId)),
      resend: (appId: string, msgId: string, endpointId: string) =>
        http.call<T.ResendOut>('POST', `${msg(appId, msgId)}/endpoints/${seg(endpointId)}/resend`),
      /** Clears the message's payload and its attempts' bodies (a payload sent by mistake); it can no longer be resent. */
      expungeContent: (appId: string, msgId: string) => http.call<T.ExpungedContentOut>('DELETE', `${msg(appId, msgId)}/content`),
    };

    this.attempts = {
      listByMessage: (appId: string, msgId: string, query: T.AttemptListParams = {}): Page<T.AttemptOut> =>
        http.call('GET', `${msg(appId, msgId)}/attempts`, { query }),
      listByEndpoint: (appId: string, endpointId: string, query: T.AttemptListParams = {}): Page<T.AttemptOut> =>
        http.call('GET', `${ep(appId, endpointId)}/attempts`, { query }),
      /** Attempts, success rate and latency per hour over the last 24 hours. */
      stats: (appId: string, endpointId: string) => http.call<T.EndpointStatsOut>('GET', `${ep(appId, endpointId)}/stats`),
    };

    // Admin token only: app-scoped tokens for a tenant's backend, and links to the tenant portal.
    this.tokens = {
      create: (appId: string, body: T.TokenCreateInput = {}) => http.call<T.IssuedTokenOut>('POST', `${V1}/apps/${seg(appId)}/tokens`, { body }),
      list: (appId: string, query: T.PageQuery = {}): Page<T.TokenOut> => http.call('GET', `${V1}/apps/${seg(appId)}/tokens`, { query }),
      delete: (appId: string, tokenId: string) => http.call<void>('DELETE', `${V1}/apps/${seg(appId)}/tokens/${seg(tokenId)}`),
      portalLink: (appId: string, body: T.PortalLinkInput = {}) => http.call<T.PortalLinkOut>('POST', `${V1}/apps/${seg(appId)}/portal-link`, { body }),
      /** Every portal link of the app stops working at once. */
      revokePortalLinks: (appId: string) => http.call<void>('DELETE', `${V1}/apps/${seg(appId)}/portal-links`),
      /** What the calling token may do in the app (for a portal link: its capabilities and event types). */
      portalSession: (appId: string) => http.call<T.PortalSessionOut>('GET', `${V1}/apps/${seg(appId)}/portal-session`),
    };

    // How the app's portal looks (docs/branding.md); setting it takes the admin token.
    const brand = (appId: string) => `${V1}/apps/${seg(appId)}/branding`;
    this.branding = {
      get: (appId: string) => http.call<T.BrandingOut>('GET', brand(appId)),
      set: (appId: string, body: T.BrandingInput) => http.call<T.BrandingOut>('PUT', brand(appId), { body }),
      /** Back to the server's branding, logo included. */
      clear: (appId: string) => http.call<void>('DELETE', brand(appId)),
      /** A PNG, JPEG or WebP of at most 64 KiB, e.g. `setLogo(app, 'image/png', readFileSync('logo.png'))`. */
      setLogo: (appId: string, contentType: string, bytes: Uint8Array) =>
        http.call<T.BrandingOut>('PUT', `${brand(appId)}/logo`, { raw: { contentType, bytes } }),
      deleteLogo: (appId: string) => http.call<void>('DELETE', `${brand(appId)}/logo`),
    };

    // Named operator tokens over every app (docs/operators.md): issued and revoked by an admin.
    this.operatorTokens = {
      create: (body: T.OperatorTokenInput) => http.call<T.IssuedOperatorTokenOut>('POST', `${V1}/tokens`, { body }),
      list: (query: T.PageQuery = {}): Page<T.OperatorTokenOut> => http.call('GET', `${V1}/tokens`, { query }),
      delete: (tokenId: string) => http.call<void>('DELETE', `${V1}/tokens/${seg(tokenId)}`),
    };

    this.auditLog = {
      /** Who changed what, newest first. */
      list: (query: T.AuditLogParams = {}): Page<T.AuditEntryOut> => http.call('GET', `${V1}/audit-log`, { query }),
    };

    this.tasks = {
      /** A background task's progress (bulk recovery). */
      get: (appId: string, taskId: string) => http.call<T.TaskOut>('GET', `${V1}/apps/${seg(appId)}/tasks/${seg(taskId)}`),
    };
  }

  /**
   * Every item of a paginated list, fetching pages as you iterate:
   *   for await (const m of herald.paginate((q) => herald.messages.list(appId, q))) …
   */
  async *paginate<X>(list: (query: { iterator?: string; limit?: number }) => Promise<T.PageOut<X>>, limit = 100): AsyncGenerator<X> {
    let iterator: string | undefined;
    for (;;) {
      const page = await list({ limit, iterator });
      yield* page.data;
      if (page.done || page.iterator === null) return;
      iterator = page.iterator;
    }
  }
}
