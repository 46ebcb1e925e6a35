import { Type } from 'typebox';
import type { DeliveryStatus, Endpoint } from '../../domain/model.js';
import type { EndpointMessage, EndpointMessageQuery, Page, PageRequest } from '../../store/store.js';
import type { DeliveryRecord } from '../../store/insights.js';
import { tenantApp } from '../tenancy.js';
import type { Api } from '../routes/context.js';
import type { SvixContext } from './svix-plugin.js';
import { getSvixEndpoint } from './svix-endpoint-lookup.js';
import { svixEndpointJson } from './svix-json.js';
import { eventTypesOf, isoOf, SvixMessageListQuery } from './svix-message-bodies.js';
import { svixMessageJson } from './svix-message-json.js';
import { getSvixMessage } from './svix-message-lookup.js';
import { SVIX_TAG, svixList, SvixListQuery, svixRead, type SvixListSource } from './svix-wire.js';

// Svix's "attempted messages" of an endpoint and "attempted destinations" of a message: each
// message-endpoint pair once, with where its delivery stands. A resend or a recovery makes a newer
// delivery of the same pair in Herald; as in Svix, where one pair has one destination, the newest
// delivery is the pair's state.

const tags = [SVIX_TAG];
const id = Type.String({ maxLength: 128 });

/**
 * Svix's MessageStatus of a delivery: pending (1) until a first try, sending (3) while it is being
 * retried, then success (0), fail (2) or canceled (4, a transformation's choice).
 */
function svixStatus(status: DeliveryStatus, attempts: number): 0 | 1 | 2 | 3 | 4 {
  if (status === 'pending') return attempts > 0 ? 3 : 1;
  return ({ success: 0, failed: 2, cancelled: 4 } as const)[status];
}
const STATUS_TEXT = ['success', 'pending', 'fail', 'sending', 'canceled'] as const;

/** Svix's status filter as the store's: 1 and 3 are both Herald's pending, before and after a first try. */
const STATUS_FILTER: Record<number, Pick<EndpointMessageQuery, 'status' | 'attempted'>> = {
  0: { status: 'success' }, 1: { status: 'pending', attempted: false }, 2: { status: 'failed' },
  3: { status: 'pending', attempted: true }, 4: { status: 'cancelled' },
};

/** Where a delivery stands, as Svix's EndpointMessageOut and MessageEndpointOut carry it. */
function destinationState(d: { status: DeliveryStatus; attempts: number; nextAttemptAt: number }) {
  const status = svixStatus(d.status, d.attempts);
  return { status, statusText: STATUS_TEXT[status], nextAttempt: d.status === 'pending' ? new Date(d.nextAttemptAt).toISOString() : null };
}

const AttemptedMessagesQuery = Type.Object(
  { ...SvixMessageListQuery.properties, status: Type.Optional(Type.Integer({ minimum: 0, maximum: 4 })), expanded_statuses: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

/** One page of a message's current deliveries (a message has one per endpoint it went to), keyed by endpoint id. */
function pageOf(deliveries: DeliveryRecord[], p: PageRequest): Page<DeliveryRecord> {
  const ascending = p.order !== 'desc';
  const sorted = [...deliveries].sort((a, b) => (a.endpointId < b.endpointId ? -1 : 1) * (ascending ? 1 : -1));
  const beyond = p.iterator === undefined ? sorted : sorted.filter((d) => (ascending ? d.endpointId > p.iterator! : d.endpointId < p.iterator!));
  const data = beyond.slice(0, p.limit);
  const done = beyond.length <= p.limit;
  return { data, done, iterator: done ? null : data[data.length - 1]!.endpointId };
}

export function svixAttemptedRoutes(api: Api, ctx: SvixContext): void {
  // Newest message first, as Svix (no `order` here); prevIterator pages back.
  api.get('/api/v1/app/:appId/endpoint/:endpointId/msg', { config: svixRead, schema: { tags, params: Type.Object({ appId: id, endpointId: id }), querystring: AttemptedMessagesQuery } }, async (req) => {
    const q = req.query;
    const app = tenantApp(req);
    const endpoint = await getSvixEndpoint(ctx, app.id, req.params.endpointId);
    const withContent = q.with_content ?? true;
    const filters: Omit<EndpointMessageQuery, 'limit'> = {
      eventTypes: eventTypesOf(q.event_types), channel: q.channel, tag: q.tag, before: isoOf(q.before), after: isoOf(q.after),
      ...(q.status === undefined ? {} : STATUS_FILTER[q.status]),
    };
    const source = { kind: 'msg', defaultOrder: 'descending', keyOf: (m) => m.id, fetch: (p) => ctx.store.listEndpointMessages(app.id, endpoint.id, { ...filters, ...p }) } satisfies SvixListSource<EndpointMessage>;
    return svixList(
      q,
      source,
      (m) => ({ ...svixMessageJson(m.message, withContent), ...destinationState(m) }),
    );
  });

  // The endpoints a message went to, by endpoint id ascending unless `order` says otherwise (Svix's default).
  api.get('/api/v1/app/:appId/msg/:msgId/endpoint', { config: svixRead, schema: { tags, params: Type.Object({ appId: id, msgId: id }), querystring: SvixListQuery } }, async (req) => {
    const app = tenantApp(req);
    const message = await getSvixMessage(ctx, app.id, req.params.msgId);
    const deliveries = await ctx.store.currentDeliveries(app.id, [message.id]);
    const endpoints = new Map<string, Endpoint>();
    const source = { kind: 'ep', defaultOrder: 'ascending', keyOf: (d) => d.endpointId, fetch: async (p) => pageOf(deliveries, p) } satisfies SvixListSource<DeliveryRecord>;
    const result = await svixList(req.query, source, (d) => d);
    for (const d of result.data) {
      const endpoint = await ctx.store.getEndpoint(app.id, d.endpointId);
      if (endpoint) endpoints.set(d.endpointId, endpoint);
    }
    // A deleted endpoint's deliveries go with it; one deleted meanwhile is left out of the page.
    const data = result.data.filter((d) => endpoints.has(d.endpointId)).map((d) => {
      const { metadata: _metadata, eventTypes: _eventTypes, ...endpoint } = svixEndpointJson(endpoints.get(d.endpointId)!);
      return { ...endpoint, ...destinationState(d) };
    });
    return { ...result, data };
  });
}
