import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors/api-errors.js';
import { EventCatalogue } from '../../src/services/event-catalogue.js';
import { PublishValidator } from '../../src/services/event-catalogue-validator.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';

// The publish path's schema cache, over two stores on one database (this process and another one
// sharing it: one SQLite file, or one PostgreSQL schema): no store read per message while fresh, other processes' catalogue
// writes seen after the refresh interval, this process's own writes at once.

const REFRESH_MS = 2000;
const objectSchema = { type: 'object', required: ['id'], properties: { id: { type: 'string' } } };

warnIfNoPostgres('the publish validator on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

describe.each(stores)('PublishValidator ($store)', ({ pg }) => {
  let dir: string;
  let schema: TestSchema | null;
  let here: Store;
  let other: Store;
  let reads: number;
  let clock: number;
  let validator: PublishValidator;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-validator-'));
    schema = pg ? testSchema('validator') : null;
    const location = schema?.url ?? join(dir, 'herald.db');
    here = await openStore(location);
    other = await openStore(location);
    reads = 0;
    clock = 1_000_000;
    const counted = { listValidatedEventTypes: () => { reads++; return here.listValidatedEventTypes(); } };
    validator = new PublishValidator(counted, REFRESH_MS, () => clock);
  });
  afterEach(async () => {
    await here.close();
    await other.close();
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The outcome of checking one message: 'ok', or the schema_mismatch errors. */
  async function check(data: unknown, eventType = 'member.added'): Promise<'ok' | unknown> {
    try {
      await validator.refuseMismatches([{ eventType, data }], false);
      return 'ok';
    } catch (err) {
      if (err instanceof ApiError && err.code === 'schema_mismatch') return err.fields?.errors;
      throw err;
    }
  }

  it('reads the store once per refresh interval, not per message, and sees another process\'s writes after it', async () => {
    expect(await check(42)).toBe('ok');
    expect(reads).toBe(1);
    await new EventCatalogue(other, null).put({ name: 'member.added', schema: objectSchema, validation: 'reject' });

    // Fresh: a thousand publishes, no store read, the other process's write not yet seen.
    for (let i = 0; i < 1000; i++) expect(validator.refuseMismatches([{ eventType: 'member.added', data: 42 }], false)).toBeNull();
    expect(reads).toBe(1);

    clock += REFRESH_MS;
    expect(await check(42)).toEqual([{ path: '', message: 'must be object' }]);
    expect(await check({})).toEqual([{ path: '/id', message: 'is required' }]);
    expect(await check({ id: 'm1' })).toBe('ok');
    expect(reads).toBe(2);

    // The other process changes the schema: a new revision, recompiled at the next refresh.
    await new EventCatalogue(other, null).update('member.added', { schema: { type: 'integer' } });
    clock += REFRESH_MS;
    expect(await check(42)).toBe('ok');
    await new EventCatalogue(other, null).update('member.added', { validation: 'off' });
    clock += REFRESH_MS;
    expect(await check('anything')).toBe('ok');
  });

  it("applies this process's own catalogue writes to the next publish, without waiting for the interval", async () => {
    const catalogue = new EventCatalogue(here, validator);
    expect(await check(42)).toBe('ok');
    await catalogue.put({ name: 'member.added', schema: objectSchema, validation: 'reject' });
    expect(await check(42)).toEqual([{ path: '', message: 'must be object' }]);
    await catalogue.update('member.added', { validation: 'off' });
    expect(await check(42)).toBe('ok');
    await catalogue.update('member.added', { validation: 'reject' });
    await catalogue.delete('member.added');
    expect(await check(42)).toBe('ok');
  });

  it('reports every failing message of a batch by index', async () => {
    await new EventCatalogue(here, validator).put({ name: 'member.added', schema: objectSchema, validation: 'reject' });
    const batch = [{ eventType: 'member.added', data: { id: 'a' } }, { eventType: 'member.added', data: 1 }, { eventType: 'other.type', data: 1 }, { eventType: 'member.added', data: {} }];
    const refused = await Promise.resolve(validator.refuseMismatches(batch, true)).then(() => null, (err: ApiError) => err);
    expect(refused?.statusCode).toBe(422);
    expect(refused?.fields?.errors).toEqual([
      { index: 1, errors: [{ path: '', message: 'must be object' }] },
      { index: 3, errors: [{ path: '/id', message: 'is required' }] },
    ]);
  });
});
