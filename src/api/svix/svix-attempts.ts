import { Type } from 'typebox';
import type { Attempt, Message } from '../../domain/model.js';
import { notFound } from '../../errors/api-errors.js';
import type { AttemptQuery, Page, PageRequest } from '../../store/store.js';
import { tenantApp } from '../tenancy.js';
import type { Api } from '../routes/context.js';
import type { SvixContext } from './svix-plugin.js';
import { getSvixEndpoint } from './svix-endpoint-lookup.js';
import { eventTypesOf, isoOf, SvixAttemptListQuery, type SvixAttemptListQueryValue } from './svix-message-bodies.js';
import { svixAttemptJson } from './svix-message-json.js';
import { getSvixMessage } from './svix-message-lookup.js';
import { EMPTY_SVIX_LIST, fromSvixId, SVIX_TAG, svixList, svixOperate, svixRead } from './svix-wire.js';

// Svix's message attempts over Herald's attempt log: by endpoint, by message, one attempt, and a
// resend of a message to an endpoint (a new delivery of the same message id, as Herald's resend).

const tags = [SVIX_TAG];
const id = Type.String({ maxLength: 128 });
const EndpointAttemptsParams = Type.Object({ appId: id, endpointId: id });
const MessageAttemptsParams = Type.Object({ appId: id, msgId: id });
const AttemptParams = Type.Object({ appId: id, msgId: id, attemptId: id });
const ResendParams = Type.Object({ appId: id, msgId: id, endpointId: id });

/** Svix's MessageStatus filter as Herald's attempt status; null: a status no attempt has (pending, sending). */
const STATUS_OF: Record<number, AttemptQuery['status'] | null> = { 0: 'success', 1: null, 2: 'failed', 3: null, 4: 'cancelled' };

/** The store filters for Svix's list options; null when the answer is empty whatever is stored. */
function attemptFilters(q: SvixAttemptListQueryValue): Omit<AttemptQuery, 'limit'> | null {
  // Herald's attempts are settled records, never pending or sending.
  const status = q.status === undefined ? undefined : STATUS_OF[q.status];
  if (status === null) return null;
  return {
    status, eventTypes: eventTypesOf(q.event_types), channel: q.channel, tag: q.tag, before: isoOf(q.before), after: isoOf(q.after),
    statusCodeClass: q.status_code_class as AttemptQuery['statusCodeClass'],
  };
}

export function svixAttemptRoutes(api: Api, ctx: SvixContext): void {
  /** Svix's attempt lists run newest first (no `order`) and page back with prevIterator. */
  const attemptList = async (appId: string, q: SvixAttemptListQueryValue, fetch: (page: PageRequest) => Promise<Page<Attempt>>) => {
    const withContent = q.with_content ?? true;
    const result = await svixList(q, { kind: 'atm', defaultOrder: 'descending', keyOf: (a) => a.id, fetch }, (a) => a);
    const messages = new Map<string, Message>();
    if (q.with_msg) {
      for (const msgId of new Set(result.data.map((a) => a.msgId))) {
        const message = await ctx.store.getMessage(appId, msgId);
        if (message) messages.set(msgId, message);
      }
    }
    return { ...result, data: result.data.map((a) => svixAttemptJson(a, withContent, messages.get(a.msgId))) };
  };

  api.get('/api/v1/app/:appId/attempt/endpoint/:endpointId', { config: svixRead, schema: { tags, params: EndpointAttemptsParams, querystring: SvixAttemptListQuery } }, async (req) => {
    const app = tenantApp(req);
    const endpoint = await getSvixEndpoint(ctx, app.id, req.params.endpointId);
    const filters = attemptFilters(req.query);
    if (!filters) return EMPTY_SVIX_LIST;
    return attemptList(app.id, req.query, (p) => ctx.store.listAttemptsForEndpoint(app.id, endpoint.id, { ...filters, ...p }));
  });

  api.get('/api/v1/app/:appId/attempt/msg/:msgId', { config: svixRead, schema: { tags, params: MessageAttemptsParams, querystring: SvixAttemptListQuery } }, async (req) => {
    const app = tenantApp(req);
    const message = await getSvixMessage(ctx, app.id, req.params.msgId);
    const filters = attemptFilters(req.query);
    if (!filters) return EMPTY_SVIX_LIST;
    if (req.query.endpoint_id !== undefined) filters.endpointId = (await getSvixEndpoint(ctx, app.id, req.query.endpoint_id)).id;
    return attemptList(app.id, req.query, (p) => ctx.store.listAttemptsForMessage(app.id, message.id, { ...filters, ...p }));
  });

  api.get('/api/v1/app/:appId/msg/:msgId/attempt/:attemptId', { config: svixRead, schema: { tags, params: AttemptParams } }, async (req) => {
    const app = tenantApp(req);
    const msgId = (await getSvixMessage(ctx, app.id, req.params.msgId)).id;
    const wanted = fromSvixId(req.params.attemptId);
    // A message has a handful of attempts (its retries and resends): walked page by page.
    let iterator: string | undefined;
    for (;;) {
      const found = await ctx.store.listAttemptsForMessage(app.id, msgId, { limit: 250, iterator });
      const attempt = found.data.find((a) => a.id === wanted);
      if (attempt) return svixAttemptJson(attempt);
      if (found.done || found.iterator === null) throw notFound('attempt', req.params.attemptId);
      iterator = found.iterator;
    }
  });

  api.post('/api/v1/app/:appId/msg/:msgId/endpoint/:endpointId/resend', { config: svixOperate, schema: { tags, params: ResendParams } }, async (req, reply) => {
    const app = tenantApp(req);
    const endpoint = await getSvixEndpoint(ctx, app.id, req.params.endpointId);
    await ctx.messages.resend(app.id, (await getSvixMessage(ctx, app.id, req.params.msgId)).id, endpoint);
    // Svix answers 202 with an empty object (its EmptyResponse).
    reply.status(202);
    return {};
  });
}
