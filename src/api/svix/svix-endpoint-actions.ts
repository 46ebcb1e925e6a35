import { Type } from 'typebox';
import { EndpointUnreadableError } from '../../store/errors.js';
import { rotateEndpointSecret } from '../../services/secret-rotation.js';
import { tenantApp } from '../tenancy.js';
import type { Api } from '../routes/context.js';
import type { SvixContext } from './svix-plugin.js';
import { SvixEventExampleIn, SvixHeadersIn, SvixHeadersPatchIn, SvixRecoverIn, SvixSecretRotateIn } from './svix-bodies.js';
import { ApiError } from '../../errors/api-errors.js';
import { getSvixEndpoint } from './svix-endpoint-lookup.js';
import { SvixEndpointParams } from './svix-endpoints.js';
import { SVIX_TAG, svixOperate, svixRead, svixWrite, toSvixId } from './svix-wire.js';

// An endpoint's secret, custom headers, recovery and example: Svix's sub-routes of
// /app/{app_id}/endpoint/{endpoint_id}, over the same services as Herald's own routes.

const tags = [SVIX_TAG];
const base = '/api/v1/app/:appId/endpoint/:endpointId';
const params = SvixEndpointParams;
/** Reading a secret is an admin's (a secret lets its holder forge webhooks): as Herald's secret route. */
const secretRead = { access: 'app', role: 'admin' } as const;

export function svixEndpointActionRoutes(api: Api, ctx: SvixContext): void {
  const endpointOf = (req: { params: { endpointId: string } } & Parameters<typeof tenantApp>[0]) =>
    getSvixEndpoint(ctx, tenantApp(req).id, req.params.endpointId);

  api.get(`${base}/secret`, { config: secretRead, schema: { tags, params } }, async (req) => {
    const endpoint = await endpointOf(req);
    if (endpoint.unreadable) throw new EndpointUnreadableError(endpoint.id, endpoint.unreadable);
    return { key: endpoint.secrets[0]!.secret };
  });

  api.post(`${base}/secret/rotate`, { config: svixWrite, schema: { tags, params, body: SvixSecretRotateIn } }, async (req, reply) => {
    const endpoint = await endpointOf(req);
    await rotateEndpointSecret(ctx.store, endpoint, {
      ...(req.body.key ? { secret: req.body.key } : {}),
      ...(req.body.gracePeriodSeconds !== undefined && req.body.gracePeriodSeconds !== null ? { graceSeconds: req.body.gracePeriodSeconds } : {}),
    });
    return reply.status(204).send();
  });

  // Herald does not redact any custom header, so `sensitive` is always empty.
  api.get(`${base}/headers`, { config: svixRead, schema: { tags, params } }, async (req) => ({ headers: (await endpointOf(req)).headers, sensitive: [] }));

  api.put(`${base}/headers`, { config: svixWrite, schema: { tags, params, body: SvixHeadersIn } }, async (req, reply) => {
    const endpoint = await endpointOf(req);
    await ctx.endpoints.update(endpoint.appId, endpoint.id, { headers: req.body.headers });
    return reply.status(204).send();
  });

  // PATCH: a null value, or a name in deleteHeaders, removes that header; others are set.
  api.patch(`${base}/headers`, { config: svixWrite, schema: { tags, params, body: SvixHeadersPatchIn } }, async (req, reply) => {
    const endpoint = await endpointOf(req);
    const next: Record<string, string> = { ...endpoint.headers };
    const drop = (name: string) => {
      for (const key of Object.keys(next)) if (key.toLowerCase() === name.toLowerCase()) delete next[key];
    };
    for (const [name, value] of Object.entries(req.body.headers)) {
      drop(name);
      if (value !== null) next[name] = value;
    }
    for (const name of req.body.deleteHeaders ?? []) drop(name);
    await ctx.endpoints.update(endpoint.appId, endpoint.id, { headers: next });
    return reply.status(204).send();
  });

  // Recover: resend what failed in [since, until) (Herald's bulk recovery task); no `until`: up to now.
  api.post(`${base}/recover`, { config: svixOperate, schema: { tags, params, body: SvixRecoverIn } }, async (req, reply) => {
    const { since, until } = windowOf(req.body, 'failures created in [since, until) are recovered');
    const task = await ctx.recovery.recover(await endpointOf(req), since, until);
    reply.status(202);
    return { id: toSvixId(task.id), status: task.status, task: 'endpoint.recover', updatedAt: task.updatedAt };
  });

  // Replay-missing: the app's messages created in [since, until) that the endpoint never got and its
  // filters take now are sent to it, as a background task (services/replay-missing.ts).
  api.post(`${base}/replay-missing`, { config: svixOperate, schema: { tags, params, body: SvixRecoverIn } }, async (req, reply) => {
    const { since, until } = windowOf(req.body, 'messages created in [since, until) are replayed');
    const task = await ctx.recovery.replayMissing(await endpointOf(req), since, until);
    reply.status(202);
    return { id: toSvixId(task.id), status: task.status, task: 'endpoint.replay', updatedAt: task.updatedAt };
  });

  // Sends the event type's `exampleIndex`-th example from the catalogue (default the first; Herald's
  // test event), signed as usual. An index beyond the type's examples answers 422, as Svix does; a
  // type without examples sends Herald's test payload for index 0.
  api.post(`${base}/send-example`, { config: svixWrite, schema: { tags, params, body: SvixEventExampleIn } }, async (req, reply) => {
    const endpoint = await endpointOf(req);
    const index = req.body.exampleIndex ?? 0;
    let example: unknown;
    if (index > 0) {
      const examples = (await ctx.store.getEventType(req.body.eventType))?.examples ?? [];
      if (index >= examples.length) {
        throw new ApiError('validation_error', `exampleIndex ${index} is out of range: event type "${req.body.eventType}" has ${examples.length} example${examples.length === 1 ? '' : 's'} in the catalogue (indexes from 0)`);
      }
      example = examples[index];
    }
    const { message } = await ctx.messages.sendTest(endpoint, req.body.eventType, example);
    reply.status(202);
    return {
      id: message.id,
      eventType: message.eventType,
      eventId: message.eventId ?? null,
      payload: JSON.parse(message.dataJson) as unknown,
      channels: null,
      timestamp: message.createdAt,
    };
  });

  // Deliveries to the endpoint per status, created in [since, until) (both optional). `sending`: the
  // pending ones in flight now (claimed under a live lease); `pending` the rest, waiting their turn.
  api.get(`${base}/stats`, { config: svixRead, schema: { tags, params, querystring: StatsQuery } }, async (req) => {
    const endpoint = await endpointOf(req);
    const iso = (t: string | null | undefined) => (t ? new Date(t).toISOString() : null);
    const [since, until] = [iso(req.query.since), iso(req.query.until)];
    const counts = await ctx.store.deliveryStatusCounts(endpoint.appId, endpoint.id, since, until);
    // Read after the counts: a delivery claimed in between is still pending there, never counted twice.
    const sending = Math.min(counts.pending, await ctx.store.inFlightCount(endpoint.appId, endpoint.id, since, until, Date.now()));
    return { success: counts.success, pending: counts.pending - sending, sending, fail: counts.failed, canceled: counts.cancelled };
  });
}

const StatsQuery = Type.Object(
  {
    since: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
    until: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
  },
  { additionalProperties: false },
);

/** A recover or replay-missing body's [since, until): `until`, when given, must be later; `what` says what the window selects. */
function windowOf(body: { since: string; until?: string | null }, what: string): { since: Date; until: Date | undefined } {
  const since = new Date(body.since);
  const until = body.until ? new Date(body.until) : undefined;
  if (until && until.getTime() <= since.getTime()) {
    throw new ApiError('validation_error', `until (${body.until}) must be later than since (${body.since}): ${what}`);
  }
  return { since, until };
}
