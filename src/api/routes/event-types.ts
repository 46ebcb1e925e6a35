import { Type } from 'typebox';
import type { EventType } from '../../domain/model.js';
import { EventTypeCreate, EventTypeImport, EventTypeName, EventTypePatch } from '../../schemas/bodies.js';
import { Pagination } from '../schemas.js';
import { page, type Api, type ApiContext } from './context.js';
import { adminAccess, portalAnyLink } from '../route-access.js';
import { maySeeEventType } from '../portal-scope.js';
import { notFound } from '../../errors/api-errors.js';

// The event catalogue (docs/event-catalogue.md). It is the same for every app: the admin writes it;
// app tokens and portal links read it (the portal shows it and its endpoint form picks from it).

const EventTypeParams = Type.Object({ name: EventTypeName });
const EventTypeListQuery = Type.Object(
  { ...Pagination.properties, group: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: "only this group's types" })) },
  { additionalProperties: false },
);
/** OpenAPI documents run bigger than single API bodies. */
const IMPORT_BODY_LIMIT_FACTOR = 16;

export function eventTypeJson(e: EventType) {
  return {
    name: e.name, description: e.description, group: e.group, schema: e.schema, examples: e.examples,
    deprecated: e.deprecated, validation: e.validation, createdAt: e.createdAt, updatedAt: e.updatedAt,
  };
}

export function eventTypeRoutes(api: Api, ctx: ApiContext): void {
  // Creates, or updates the fields given of an existing type (POST always upserted): 201 either way, as before.
  api.post('/api/v1/event-types', { config: adminAccess, schema: { body: EventTypeCreate, tags: ['event-types'] } }, async (req, reply) => {
    const { eventType } = await ctx.eventTypes.put(req.body);
    reply.status(201);
    return eventTypeJson(eventType);
  });

  api.post('/api/v1/event-types/import', { config: adminAccess, bodyLimit: IMPORT_BODY_LIMIT_FACTOR * api.initialConfig.bodyLimit!, schema: { body: EventTypeImport, tags: ['event-types'] } }, async (req) =>
    ctx.eventTypes.import(req.body),
  );

  api.get('/api/v1/event-types', { config: portalAnyLink, schema: { querystring: EventTypeListQuery, tags: ['event-types'] } }, async (req) => {
    const result = await ctx.eventTypes.list({ ...page(req.query, 'event-type'), group: req.query.group });
    // A portal link limited to some event types sees only those (portal-scope.ts); the page's
    // iterator still moves past the ones it skips.
    return { ...result, data: result.data.filter((e) => maySeeEventType(req, e.name)).map(eventTypeJson) };
  });

  api.get('/api/v1/event-types/:name', { config: portalAnyLink, schema: { params: EventTypeParams, tags: ['event-types'] } }, async (req) => {
    if (!maySeeEventType(req, req.params.name)) throw notFound('event type', req.params.name);
    return eventTypeJson(await ctx.eventTypes.get(req.params.name));
  });

  api.patch('/api/v1/event-types/:name', { config: adminAccess, schema: { params: EventTypeParams, body: EventTypePatch, tags: ['event-types'] } }, async (req) =>
    eventTypeJson(await ctx.eventTypes.update(req.params.name, req.body)),
  );

  api.delete('/api/v1/event-types/:name', { config: adminAccess, schema: { params: EventTypeParams, tags: ['event-types'] } }, async (req, reply) => {
    await ctx.eventTypes.delete(req.params.name);
    return reply.status(204).send();
  });
}
