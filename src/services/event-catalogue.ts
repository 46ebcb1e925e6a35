import type { EventType } from '../domain/model.js';
import { ApiError, errorWithList, notFound, type SchemaProblem } from '../errors/api-errors.js';
import type { EventTypeCreateBody, EventTypeImportBody, EventTypePatchBody } from '../schemas/bodies.js';
import type { EventTypeQuery, Page, Store } from '../store/store.js';
import { checkSchema, compileSchema, schemaProblems } from './event-catalogue-schemas.js';
import { webhookCandidates } from './event-catalogue-import.js';
import type { PublishValidator } from './event-catalogue-validator.js';

export interface ImportResult {
  created: string[];
  updated: string[];
  skipped: Array<{ name: string; reason: string }>;
}

/** Svix's import options: `dryRun` checks and answers without writing; `replaceAll` removes the types the document does not name. */
export interface ImportOptions {
  dryRun?: boolean;
  replaceAll?: boolean;
}

export interface ImportReport extends ImportResult {
  /** The types created or updated, as stored (or, on a dry run, as they would be). */
  types: EventType[];
  /** With replaceAll: the types removed (or, on a dry run, that would be). */
  removed: string[];
}

/**
 * The event catalogue (docs/event-catalogue.md): event types with a group, a JSON Schema for their
 * data, examples valid against it, a deprecated flag and whether publishes are validated. Every
 * write is checked here (the API, config files and imports alike) and tells this process's
 * PublishValidator to reload.
 */
export class EventCatalogue {
  constructor(private readonly store: Store, private readonly validator: PublishValidator | null) {}

  /**
   * POST /event-types: creates the type, or updates an existing one (as POST always did), changing
   * only the fields given. `created` says which happened.
   */
  async put(body: EventTypeCreateBody, dryRun = false): Promise<{ eventType: EventType; created: boolean }> {
    const existing = await this.store.getEventType(body.name);
    const now = new Date().toISOString();
    const base: EventType = existing ?? {
      name: body.name, description: null, group: null, schema: null, examples: [], deprecated: false,
      validation: 'off', revision: 0, createdAt: now, updatedAt: now,
    };
    const next = merge(base, body, now);
    // A dry run (Svix's import dryRun) checks the type as a write would, and stores nothing.
    if (dryRun) {
      checkDefinition(next);
      return { eventType: next, created: existing === null };
    }
    const eventType = await this.write(next);
    return { eventType, created: eventType.revision === 1 };
  }

  async get(name: string): Promise<EventType> {
    const eventType = await this.store.getEventType(name);
    if (!eventType) throw notFound('event type', name);
    return eventType;
  }

  list(query: EventTypeQuery): Promise<Page<EventType>> {
    return this.store.listEventTypes(query);
  }

  async update(name: string, patch: EventTypePatchBody): Promise<EventType> {
    const existing = await this.get(name);
    return this.write(merge(existing, patch, new Date().toISOString()));
  }

  /** Svix's archive (DELETE without expunge) and unarchive: the type stays, hidden from lists while archived. */
  async setArchived(name: string, archived: boolean): Promise<EventType> {
    const existing = await this.get(name);
    if ((existing.archived ?? false) === archived) return existing;
    return this.write({ ...existing, archived, updatedAt: new Date().toISOString() });
  }

  async delete(name: string): Promise<void> {
    if (!(await this.store.deleteEventType(name))) throw notFound('event type', name);
    this.validator?.invalidate();
  }

  /** One event type per entry of the document's `webhooks`; entries that cannot be one are skipped, with the reason. */
  async import(doc: EventTypeImportBody): Promise<ImportResult> {
    const { created, updated, skipped } = await this.importWith(doc, {});
    return { created, updated, skipped };
  }

  /**
   * `import` with Svix's options. replaceAll keeps every type the document names, even one skipped
   * (it is in the document; only it could not be imported), and removes the others: Herald has no
   * archive, so this is what Svix's archiving is here (as DELETE is).
   */
  async importWith(doc: EventTypeImportBody, options: ImportOptions): Promise<ImportReport> {
    const dryRun = options.dryRun === true;
    const result: ImportReport = { created: [], updated: [], skipped: [], types: [], removed: [] };
    const candidates = webhookCandidates(doc);
    for (const candidate of candidates) {
      if ('skip' in candidate) {
        result.skipped.push({ name: candidate.name, reason: candidate.skip });
        continue;
      }
      const { name, ...fields } = candidate.definition;
      try {
        // An import describes the types; whether publishes are validated stays as the admin set it.
        const { eventType, created } = await this.put({ name, ...fields }, dryRun);
        (created ? result.created : result.updated).push(name);
        result.types.push(eventType);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        const details = (err.fields?.errors as Array<{ index: number; errors: SchemaProblem[] }> | undefined)
          ?.flatMap((e) => e.errors.map((p) => `${p.path || '(the example)'} ${p.message}`)).join('; ');
        result.skipped.push({ name, reason: details ? `${err.message}: ${details}` : err.message });
      }
    }
    if (options.replaceAll) {
      const named = new Set(candidates.map((c) => c.name));
      const others: string[] = [];
      for (let iterator: string | undefined; ; ) {
        const page = await this.store.listEventTypes({ limit: 250, iterator });
        others.push(...page.data.map((t) => t.name).filter((name) => !named.has(name)));
        if (page.done || page.iterator === null) break;
        iterator = page.iterator;
      }
      for (const name of others) {
        // Gone meanwhile (another request removed it): nothing left to remove.
        if (!dryRun && !(await this.store.deleteEventType(name))) continue;
        result.removed.push(name);
      }
      if (!dryRun && result.removed.length > 0) this.validator?.invalidate();
    }
    return result;
  }

  /** The data a test event sends for this type: its first example, or null when it has none. */
  async exampleOf(name: string): Promise<unknown> {
    const eventType = await this.store.getEventType(name);
    return eventType && eventType.examples.length > 0 ? eventType.examples[0] : null;
  }

  private async write(eventType: EventType): Promise<EventType> {
    checkDefinition(eventType);
    const stored = await this.store.upsertEventType(eventType);
    this.validator?.invalidate();
    return stored;
  }
}

function merge(base: EventType, change: EventTypePatchBody, now: string): EventType {
  const next: EventType = { ...base, updatedAt: now };
  if (change.description !== undefined) next.description = change.description;
  if (change.group !== undefined) next.group = change.group;
  if (change.schema !== undefined) next.schema = change.schema as Record<string, unknown> | null;
  if (change.examples !== undefined) next.examples = change.examples;
  if (change.deprecated !== undefined) next.deprecated = change.deprecated;
  if (change.validation !== undefined) next.validation = change.validation;
  return next;
}

/** A schema must be valid JSON Schema 2020-12, every example must match it, and validation needs a schema. */
function checkDefinition(eventType: EventType): void {
  if (eventType.validation === 'reject' && !eventType.schema) {
    throw new ApiError('validation_error', 'validation "reject" needs a schema to validate against: give one, or set validation to "off"');
  }
  if (!eventType.schema) return;
  checkSchema(eventType.schema);
  if (eventType.examples.length === 0) return;
  const validate = compileSchema(eventType.schema);
  const failing = eventType.examples
    .map((example, index) => ({ index, errors: schemaProblems(validate, example) }))
    .filter((e) => e.errors.length > 0);
  if (failing.length > 0) {
    const which = `${failing.length === 1 ? 'example' : 'examples'} ${failing.map((e) => e.index).join(', ')}`;
    throw errorWithList('invalid_example', `${which} of examples ${failing.length === 1 ? 'does' : 'do'} not match the schema (each error's path is a JSON Pointer into that example)`, failing);
  }
}
