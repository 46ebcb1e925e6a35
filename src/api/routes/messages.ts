import { traceContextOf } from '../../domain/trace-context.js';
import { ApiError, notFound } from '../../errors/api-errors.js';
import { MessageBatchCreate, MessageCreate, type MessageCreateBody } from '../../schemas/bodies.js';
import { deliverAtOf } from '../deliver-at-input.js';
import { AppParams, AttemptListQuery, EndpointParams, MessageListQuery, MessageParams, ResendParams } from '../schemas.js';
import { publishedBatchDataTexts, publishedDataText } from '../raw-json-body.js';
import { attemptJson, publishedJson } from '../serializers.js';
import { messagesWithDelivery } from '../message-deliveries.js';
import { tenantApp } from '../tenancy.js';
import { page, type Api, type ApiContext } from './context.js';
import { appAccess, portalNeeds } from '../route-access.js';
import { allowedEventTypes, visibleMessage } from '../portal-scope.js';

const BATCH_BODY_LIMIT_FACTOR = 16;

/** `deliverAt` as stored (ISO, UTC), refused (422) beyond a day ahead, as on Svix's route. */
const withDeliverAtChecked = (body: MessageCreateBody): MessageCreateBody => (body.deliverAt ? { ...body, deliverAt: deliverAtOf(body.deliverAt) } : body);

export function messageRoutes(api: Api, ctx: ApiContext): void {
  api.post('/api/v1/apps/:appId/messages', { config: appAccess, schema: { params: AppParams, body: MessageCreate, tags: ['messages'] } }, async (req, reply) => {
    const app = tenantApp(req);
    const header = req.headers['idempotency-key'];
    if (Array.isArray(header) || (header !== undefined && (header.length < 1 || header.length > 256))) {
      throw new ApiError('validation_error', 'Idempotency-Key header must be one value of 1 to 256 characters');
    }
    // 202 only now: the message and its deliveries are committed.
    const trace = traceContextOf(req.headers.traceparent, req.headers.tracestate);
    const result = await ctx.messages.publish(app.id, withDeliverAtChecked(req.body), publishedDataText(req), header, req.id, trace);
    reply.status(202);
    return publishedJson(result);
  });

  // Bulk ingest: bigger bodies than single calls are expected here (1,000 messages).
  api.post('/api/v1/apps/:appId/messages/batch', { config: appAccess, bodyLimit: BATCH_BODY_LIMIT_FACTOR * api.initialConfig.bodyLimit!, schema: { params: AppParams, body: MessageBatchCreate, tags: ['messages'] } }, async (req, reply) => {
    const { messages } = req.body;
    const trace = traceContextOf(req.headers.traceparent, req.headers.tracestate);
    const results = await ctx.messages.publishBatch(tenantApp(req).id, messages.map(withDeliverAtChecked), publishedBatchDataTexts(req, messages.length), req.id, trace);
    reply.status(202);
    return { data: results.map(publishedJson) };
  });

  api.get('/api/v1/apps/:appId/messages', { config: portalNeeds('messages:read'), schema: { params: AppParams, querystring: MessageListQuery, tags: ['messages'] } }, async (req) => {
    const app = tenantApp(req);
    // A scoped portal link lists only its event types (portal-scope.ts).
    const result = await ctx.store.listMessages(app.id, { ...page(req.query, 'msg'), eventType: req.query.eventType, channel: req.query.channel, tag: req.query.tag, eventTypes: allowedEventTypes(req) ?? undefined });
    return { ...result, data: await messagesWithDelivery(ctx.store, app.id, result.data) };
  });

  api.get('/api/v1/apps/:appId/messages/:msgId', { config: portalNeeds('messages:read'), schema: { params: MessageParams, tags: ['messages'] } }, async (req) => {
    const app = tenantApp(req);
    const [message] = await messagesWithDelivery(ctx.store, app.id, [visibleMessage(req, await ctx.messages.get(app.id, req.params.msgId))]);
    return message;
  });

  api.get('/api/v1/apps/:appId/messages/:msgId/attempts', { config: portalNeeds('messages:read'), schema: { params: MessageParams, querystring: AttemptListQuery, tags: ['attempts'] } }, async (req) => {
    const app = tenantApp(req);
    visibleMessage(req, await ctx.messages.get(app.id, req.params.msgId));
    const result = await ctx.store.listAttemptsForMessage(app.id, req.params.msgId, { ...page(req.query, 'atm'), status: req.query.status });
    return { ...result, data: result.data.map(attemptJson) };
  });

  api.get('/api/v1/apps/:appId/endpoints/:endpointId/attempts', { config: portalNeeds('endpoints:read'), schema: { params: EndpointParams, querystring: AttemptListQuery, tags: ['attempts'] } }, async (req) => {
    const app = tenantApp(req);
    await ctx.endpoints.get(app.id, req.params.endpointId);
    const result = await ctx.store.listAttemptsForEndpoint(app.id, req.params.endpointId, {
      ...page(req.query, 'atm'), status: req.query.status, eventTypes: allowedEventTypes(req) ?? undefined,
    });
    return { ...result, data: result.data.map(attemptJson) };
  });

  // A payload sent by mistake: cleared now with its attempts' bodies, as retention clears them (the
  // message then reads `data: null` and cannot be resent); with a delivery pending, once it settles.
  api.delete('/api/v1/apps/:appId/messages/:msgId/content', { config: appAccess, schema: { params: MessageParams, tags: ['messages'] } }, async (req) => {
    const app = tenantApp(req);
    const outcome = await ctx.store.expungeMessageContent(app.id, req.params.msgId, Date.now());
    if (outcome === 'not_found') throw notFound('message', req.params.msgId);
    return { id: req.params.msgId, content: outcome };
  });

  api.post('/api/v1/apps/:appId/messages/:msgId/endpoints/:endpointId/resend', { config: portalNeeds('messages:resend'), schema: { params: ResendParams, tags: ['messages'] } }, async (req, reply) => {
    const app = tenantApp(req);
    const endpoint = await ctx.endpoints.get(app.id, req.params.endpointId);
    visibleMessage(req, await ctx.messages.get(app.id, req.params.msgId));
    const delivery = await ctx.messages.resend(app.id, req.params.msgId, endpoint);
    reply.status(202);
    return { deliveryId: delivery.id, msgId: delivery.msgId, endpointId: delivery.endpointId, status: delivery.status };
  });
}
