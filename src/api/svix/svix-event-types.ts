import { Type } from 'typebox';
import { ApiError } from '../../errors/api-errors.js';
import type { EventTypeImportBody, EventTypePatchBody } from '../../schemas/bodies.js';
import type { Api } from '../routes/context.js';
import type { SvixContext } from './svix-plugin.js';
import { SvixEventTypeImportIn, SvixEventTypeIn, SvixEventTypePatch, SvixEventTypeUpdate, type SvixEventTypePatchBody } from './svix-bodies.js';
import { refuseUnsupported, svixEventTypeJson } from './svix-json.js';
import { SVIX_TAG, svixAdminWrite, svixList, SvixListQuery, svixRead, type SvixListSource } from './svix-wire.js';
import type { EventType } from '../../domain/model.js';

// Svix's event types over Herald's event catalogue (services/event-catalogue.ts), environment-wide
// as in Svix. Svix versions a type's schema (`schemas: {"1": {...}}`); Herald keeps one schema per
// type, so a body with more than one version is refused rather than half kept.

const tags = [SVIX_TAG];
const NameParams = Type.Object({ event_type_name: Type.String({ maxLength: 256 }) });
const ListQuery = Type.Object(
  { ...SvixListQuery.properties, with_content: Type.Optional(Type.Boolean()), include_archived: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
const DeleteQuery = Type.Object({ expunge: Type.Optional(Type.Boolean()) }, { additionalProperties: false });

/** Svix's `schemas` → Herald's one schema: the single version given, or (a bare schema) itself. */
function oneSchema(schemas: Record<string, unknown> | null | undefined): Record<string, unknown> | null | undefined {
  if (schemas === undefined || schemas === null) return schemas;
  const keys = Object.keys(schemas);
  if (keys.length === 0) return null;
  if (!keys.every((k) => /^\d+$/.test(k))) return schemas;
  if (keys.length > 1) {
    throw new ApiError('not_implemented', `Herald keeps one schema per event type; this body has versions ${keys.join(', ')}: send only one (docs/svix-compatibility.md)`);
  }
  const schema = schemas[keys[0]!];
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) throw new ApiError('validation_error', `schemas["${keys[0]}"] must be a JSON Schema object`);
  return schema as Record<string, unknown>;
}

function heraldFields(route: string, body: SvixEventTypePatchBody): EventTypePatchBody {
  refuseUnsupported(route, { featureFlags: body.featureFlags, featureFlag: body.featureFlag });
  const out: EventTypePatchBody = {};
  if (body.description !== undefined) out.description = body.description;
  if (body.deprecated !== undefined) out.deprecated = body.deprecated;
  if (body.groupName !== undefined) out.group = body.groupName;
  const schema = oneSchema(body.schemas);
  if (schema !== undefined) out.schema = schema;
  // Svix keeps a type's examples in its schema (`examples`, which send-example sends); Herald's
  // catalogue keeps them beside it, where the test event and the portal find them.
  if (schema && Array.isArray(schema.examples)) out.examples = schema.examples as unknown[];
  return out;
}

export function svixEventTypeRoutes(api: Api, ctx: SvixContext): void {
  api.get('/api/v1/event-type', { config: svixRead, schema: { tags, querystring: ListQuery } }, async (req) => {
    // By name, A to Z unless `order` says otherwise. Without with_content Svix leaves the schemas out of a list.
    const source = { kind: 'event-type', defaultOrder: 'ascending', keyOf: (et) => et.name, fetch: (p) => ctx.eventTypes.list({ ...p, includeArchived: req.query.include_archived === true }) } satisfies SvixListSource<EventType>;
    return svixList(req.query, source, (et) => ({ ...svixEventTypeJson(et), ...(req.query.with_content ? {} : { schemas: null }) }));
  });

  api.post('/api/v1/event-type', { config: svixAdminWrite, schema: { tags, body: SvixEventTypeIn } }, async (req, reply) => {
    const fields = heraldFields('POST /api/v1/event-type', req.body);
    const existing = await ctx.store.getEventType(req.body.name);
    if (existing && !existing.archived) throw new ApiError('conflict', `event type "${req.body.name}" already exists: PUT or PATCH /api/v1/event-type/${req.body.name} changes it`);
    // Creating an archived type unarchives it with this body's content, as Svix does: what the body
    // leaves out is cleared, not kept from before.
    const replaced = existing ? { description: null, group: null, schema: null, examples: [], deprecated: false, validation: 'off' as const } : {};
    await ctx.eventTypes.put({ name: req.body.name, ...replaced, ...fields });
    const eventType = await ctx.eventTypes.setArchived(req.body.name, req.body.archived === true);
    reply.status(201);
    return svixEventTypeJson(eventType);
  });

  api.post('/api/v1/event-type/import/openapi', { config: svixAdminWrite, bodyLimit: 4 * api.initialConfig.bodyLimit!, schema: { tags, body: SvixEventTypeImportIn } }, async (req) => {
    const doc = importedDocument(req.body.spec, req.body.specRaw);
    const dryRun = req.body.dryRun === true;
    const result = await ctx.eventTypes.importWith(doc, { dryRun, replaceAll: req.body.replaceAll === true });
    // `modified`: the names created or changed, and those replaceAll removes (Svix archives them;
    // Herald, with no archive, removes them, as its DELETE does), listed again in Herald's `removed`.
    // A dry run answers the same and writes nothing; `to_modify` then holds the types as they would
    // be. Svix has no field for entries that could not be imported; Herald adds `skipped` (name and
    // reason) so they are not lost without a word.
    return {
      data: {
        modified: [...result.created, ...result.updated, ...result.removed],
        to_modify: dryRun ? result.types.map(svixEventTypeFromOpenApi) : null,
        removed: result.removed,
        skipped: result.skipped,
      },
    };
  });

  api.get('/api/v1/event-type/:event_type_name', { config: svixRead, schema: { tags, params: NameParams } }, async (req) =>
    svixEventTypeJson(await ctx.eventTypes.get(req.params.event_type_name)),
  );

  api.put('/api/v1/event-type/:event_type_name', { config: svixAdminWrite, schema: { tags, params: NameParams, body: SvixEventTypeUpdate } }, async (req, reply) => {
    const { created } = await ctx.eventTypes.put({ name: req.params.event_type_name, ...heraldFields('PUT /api/v1/event-type/{event_type_name}', req.body) });
    // PUT replaces: archived left out is false (unarchives).
    const eventType = await ctx.eventTypes.setArchived(req.params.event_type_name, req.body.archived === true);
    if (created) reply.status(201);
    return svixEventTypeJson(eventType);
  });

  api.patch('/api/v1/event-type/:event_type_name', { config: svixAdminWrite, schema: { tags, params: NameParams, body: SvixEventTypePatch } }, async (req) => {
    const name = req.params.event_type_name;
    let eventType = await ctx.eventTypes.update(name, heraldFields('PATCH /api/v1/event-type/{event_type_name}', req.body));
    if (req.body.archived !== undefined) eventType = await ctx.eventTypes.setArchived(name, req.body.archived);
    return svixEventTypeJson(eventType);
  });

  // As Svix: archives (the type stays, readable, hidden from lists unless include_archived) unless
  // `expunge=true`, which removes it from the catalogue.
  api.delete('/api/v1/event-type/:event_type_name', { config: svixAdminWrite, schema: { tags, params: NameParams, querystring: DeleteQuery } }, async (req, reply) => {
    if (req.query.expunge) await ctx.eventTypes.delete(req.params.event_type_name);
    else await ctx.eventTypes.setArchived(req.params.event_type_name, true);
    return reply.status(204).send();
  });
}

/** Svix's EventTypeFromOpenApi: a type as an import would write it (its schema as it is, not keyed by version). */
function svixEventTypeFromOpenApi(et: EventType) {
  return { name: et.name, description: et.description ?? '', schemas: et.schema, deprecated: et.deprecated, groupName: et.group, featureFlags: null };
}

/** `spec` (parsed) or `specRaw` (JSON text; Herald does not read YAML): exactly one of them. */
function importedDocument(spec: Record<string, unknown> | null | undefined, specRaw: string | null | undefined): EventTypeImportBody {
  const given = [spec, specRaw].filter((v) => v !== undefined && v !== null);
  if (given.length !== 1) throw new ApiError('bad_request', 'send exactly one of spec (the OpenAPI document as JSON) and specRaw (as text)');
  let doc: unknown = spec;
  if (typeof specRaw === 'string') {
    try {
      doc = JSON.parse(specRaw);
    } catch {
      throw new ApiError('validation_error', 'specRaw is not JSON; Herald reads OpenAPI documents as JSON only (convert YAML first)');
    }
  }
  const d = doc as { openapi?: unknown; webhooks?: unknown };
  if (typeof d !== 'object' || d === null || typeof d.openapi !== 'string' || !d.openapi.startsWith('3.1.')) {
    throw new ApiError('validation_error', 'the spec must be an OpenAPI 3.1 document (openapi: "3.1.x") with webhooks');
  }
  if (typeof d.webhooks !== 'object' || d.webhooks === null) throw new ApiError('validation_error', 'the spec has no webhooks to import');
  return doc as EventTypeImportBody;
}
