import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { EventType } from '../domain/model.js';
import { errorWithList, type SchemaProblem } from '../errors/api-errors.js';
import { compileSchema, schemaProblems } from './event-catalogue-schemas.js';

/** How stale this process's view of other processes' catalogue writes may get (PostgreSQL, several processes). */
export const VALIDATION_REFRESH_MS = 2000;

interface Compiled {
  revision: number;
  validate: ValidateFunction;
}

/**
 * The publish path's view of the event types with `validation: "reject"`, their schemas compiled.
 * Publishing reads no store row per message: the map is reloaded (one query for those few types) at
 * most every VALIDATION_REFRESH_MS, or at once after this process writes the catalogue. A schema is
 * recompiled only when its type's revision changed, so other processes' writes are picked up too.
 */
export class PublishValidator {
  private compiled = new Map<string, Compiled>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  /** Bumped by invalidate(): a load that began before a write must not count as fresh after it. */
  private generation = 0;
  /** The generation of the load whose map is in use. */
  private applied = 0;
  private loading: { generation: number; done: Promise<void> } | null = null;

  constructor(
    private readonly store: { listValidatedEventTypes(): Promise<EventType[]> },
    private readonly refreshMs = VALIDATION_REFRESH_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** null when the map is fresh (the common case: no await at all); otherwise resolves once reloaded. */
  ready(): Promise<void> | null {
    if (this.now() - this.loadedAt < this.refreshMs) return null;
    if (this.loading?.generation === this.generation) return this.loading.done;
    const generation = this.generation;
    const done = this.load(generation).finally(() => {
      if (this.loading?.done === done) this.loading = null;
    });
    this.loading = { generation, done };
    return done;
  }

  /** The catalogue changed in this process: the next publish reloads before it is checked. */
  invalidate(): void {
    this.generation++;
    this.loadedAt = Number.NEGATIVE_INFINITY;
  }

  /**
   * Refuses (422 schema_mismatch) messages whose data fails their type's schema; one message's
   * errors are `[{path, message}]`, a batch's `[{index, errors}]` for every failing message.
   * Returns null without awaiting anything when the map is fresh, the common case.
   */
  refuseMismatches(messages: ReadonlyArray<{ eventType: string; data: unknown }>, batch: boolean): Promise<void> | null {
    const pending = this.ready();
    if (pending) return pending.then(() => this.refuseNow(messages, batch));
    this.refuseNow(messages, batch);
    return null;
  }

  private refuseNow(messages: ReadonlyArray<{ eventType: string; data: unknown }>, batch: boolean): void {
    if (this.compiled.size === 0) return;
    const failing: Array<{ index: number; errors: SchemaProblem[] }> = [];
    messages.forEach((m, index) => {
      const errors = this.problems(m.eventType, m.data);
      if (errors.length > 0) failing.push({ index, errors });
    });
    if (failing.length === 0) return;
    if (!batch) {
      throw errorWithList('schema_mismatch', `data does not match the schema of event type "${messages[0]!.eventType}"`, failing[0]!.errors);
    }
    throw errorWithList(
      'schema_mismatch',
      `${failing.length} of ${messages.length} messages have data that does not match their event type's schema; nothing was published`,
      failing,
    );
  }

  /** What is wrong with `data` for `eventType`; empty when it matches or the type is not validated. Call after ready(). */
  problems(eventType: string, data: unknown): SchemaProblem[] {
    const entry = this.compiled.get(eventType);
    return entry ? schemaProblems(entry.validate, data) : [];
  }

  private async load(generation: number): Promise<void> {
    const types = await this.store.listValidatedEventTypes();
    const next = new Map<string, Compiled>();
    for (const type of types) {
      if (!type.schema) continue;
      const known = this.compiled.get(type.name);
      if (known && known.revision === type.revision) {
        next.set(type.name, known);
        continue;
      }
      try {
        next.set(type.name, { revision: type.revision, validate: compileSchema(type.schema) });
      } catch {
        // Checked when it was stored; a schema this ajv cannot compile any more validates nothing
        // rather than refusing every publish of the type.
      }
    }
    // A slower load begun before a write must not replace what a later load already found.
    if (generation < this.applied) return;
    this.applied = generation;
    this.compiled = next;
    if (generation === this.generation) this.loadedAt = this.now();
  }
}
