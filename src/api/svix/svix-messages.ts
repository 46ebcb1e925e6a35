import { Type } from 'typebox';
import { ApiError } from '../../errors/api-errors.js';
import { deliverAtOf } from '../deliver-at-input.js';
import type { MessageCreateBody } from '../../schemas/bodies.js';
import { memberText } from '../../wire/raw-json.js';
import { AppParams } from '../schemas.js';
import { tenantApp } from '../tenancy.js';
import type { Api } from '../routes/context.js';
import type { SvixContext } from './svix-plugin.js';
import { refuseUnsupported } from './svix-json.js';
import { svixMessageJson } from './svix-message-json.js';
import { getSvixMessage } from './svix-message-lookup.js';
import { appForMessage, resolveExistingApp } from './svix-message-app.js';
import { eventTypesOf, isoOf, svixRetentionHours, SvixMessageIn, SvixMessageListQuery, SvixWithContentQuery } from './svix-message-bodies.js';
import { SVIX_TAG, svixList, svixRead, svixWrite, type SvixListSource } from './svix-wire.js';
import type { Message } from '../../domain/model.js';
import type { SvixMessageFields } from '../../services/message-service.js';

// Svix's messages over Herald's publish (services/message-service.ts): `payload` is Herald's
// `data` (its text stored and signed exactly as sent), `eventId` Herald's publisher event id,
// `channels` Herald's channels (docs/channels.md), `payloadRetentionPeriod`/`Hours` Herald's
// `retentionHours`: the message's payload is purged at its own time (docs/svix-messages.md).

const tags = [SVIX_TAG];
const MessageParams = Type.Object({ appId: Type.String({ maxLength: 128 }), msgId: Type.String({ maxLength: 128 }) });

export function svixMessageRoutes(api: Api, ctx: SvixContext): void {
  // `:app_id`, not `:appId`: `application` may create the app it names (svix-message-app.ts resolves it).
  const CreateParams = Type.Object({ app_id: Type.String({ maxLength: 128 }) });
  api.post('/api/v1/app/:app_id/msg', {
    config: svixWrite,
    schema: { tags, params: CreateParams, querystring: SvixWithContentQuery, body: SvixMessageIn },
    preValidation: (req, _reply) => resolveExistingApp(ctx, req),
  }, async (req, reply) => {
    const body = req.body;
    refuseUnsupported('POST /api/v1/app/{app_id}/msg', { transformationsParams: body.transformationsParams });
    // As Svix: the payload is a JSON object (it is the webhook's body).
    if (typeof body.payload !== 'object' || body.payload === null || Array.isArray(body.payload)) {
      throw new ApiError('validation_error', 'payload must be a JSON object: it is sent as the webhook\'s body');
    }
    const payloadText = req.jsonText === null ? undefined : memberText(req.jsonText, 'payload');
    if (payloadText === undefined) throw new Error('the published text of "payload" was not found in a validated request body');
    const header = req.headers['idempotency-key'];
    if (Array.isArray(header) || (header !== undefined && (header.length < 1 || header.length > 256))) {
      throw new ApiError('validation_error', 'idempotency-key header must be one value of 1 to 256 characters');
    }
    const herald: MessageCreateBody & SvixMessageFields = { eventType: body.eventType, data: body.payload };
    if (body.tags?.length) herald.tags = body.tags;
    if (body.deliverAt) herald.deliverAt = deliverAtOf(body.deliverAt);
    if (body.eventId) herald.eventId = body.eventId;
    if (body.channels?.length) herald.channels = body.channels;
    const retentionHours = svixRetentionHours(body);
    if (retentionHours !== undefined) herald.retentionHours = retentionHours;
    // The header also becomes the message's idempotency key, so a retry is answered by the same
    // message even after the plugin's kept answer (svix-idempotency.ts) has expired.
    const app = await appForMessage(ctx, req, req.params.app_id, body.application);
    const result = await ctx.messages.publish(app.id, herald, payloadText, header, req.id);
    // Svix answers a repeated eventId (within a day) with 409; a repeated idempotency-key is a retry
    // of the same request and gets the same message back.
    if (!result.created && body.eventId && (header === undefined || result.message.idempotencyKey !== header)) {
      throw new ApiError('conflict', `a message with eventId "${body.eventId}" was created in the last 24 hours (${result.message.id}); eventIds are unique per app for a day`);
    }
    reply.status(202);
    return svixMessageJson(result.message, req.query.with_content ?? true);
  });

  api.get('/api/v1/app/:appId/msg', { config: svixRead, schema: { tags, params: AppParams, querystring: SvixMessageListQuery } }, async (req) => {
    const q = req.query;
    const withContent = q.with_content ?? true;
    const appId = tenantApp(req).id;
    const filters = { eventTypes: eventTypesOf(q.event_types), channel: q.channel, tag: q.tag, before: isoOf(q.before), after: isoOf(q.after) };
    // Newest first (Svix takes no `order` here); prevIterator pages back.
    const source = { kind: 'msg', defaultOrder: 'descending', keyOf: (m) => m.id, fetch: (p) => ctx.store.listMessages(appId, { ...filters, ...p }) } satisfies SvixListSource<Message>;
    return svixList(q, source, (m) => svixMessageJson(m, withContent));
  });

  api.get('/api/v1/app/:appId/msg/:msgId', { config: svixRead, schema: { tags, params: MessageParams, querystring: SvixWithContentQuery } }, async (req) =>
    svixMessageJson(await getSvixMessage(ctx, tenantApp(req).id, req.params.msgId), req.query.with_content ?? true),
  );
}
