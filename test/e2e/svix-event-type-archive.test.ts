import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Svix } from 'svix';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Svix's archived event types (migration 28): DELETE archives unless `expunge=true`; an archived
// type still reads, is left out of lists unless `include_archived`, and creating it again
// unarchives it with the new body's content. Through the pinned svix SDK and HTTP, on both stores.

warnIfNoPostgres('Svix archived event types on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];

describe.each(stores)('Svix archived event types ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null = null;
  let svix: Svix;

  beforeAll(async () => {
    schema = pg ? testSchema('svix-event-type-archive') : null;
    herald = await startTestHerald({ tokenRateLimit: 0, ...(schema ? { database: schema.url } : {}) });
    svix = new Svix(herald.token, { serverUrl: herald.url });
  });
  afterAll(async () => {
    await herald?.stop();
    await schema?.drop();
  });

  const listed = async (includeArchived?: boolean) => (await svix.eventType.list({ includeArchived })).data.map((e) => [e.name, e.archived]);

  it('archives on DELETE, lists archived types only when asked, unarchives on create, and expunges', async () => {
    const schemaV1 = { type: 'object', properties: { id: { type: 'string' } } };
    await svix.eventType.create({ name: 'arch.kept', description: 'kept' });
    await svix.eventType.create({ name: 'arch.gone', description: 'old text', schemas: { '1': schemaV1 } });
    await svix.eventType.delete('arch.gone');
    expect(await svix.eventType.get('arch.gone')).toMatchObject({ name: 'arch.gone', archived: true, description: 'old text' });
    expect(await listed()).toEqual([['arch.kept', false]]);
    expect(await listed(true)).toEqual([['arch.gone', true], ['arch.kept', false]]);
    // Herald's own catalogue list leaves it out too.
    expect((await herald.api('GET', '/api/v1/event-types')).body.data.map((e: { name: string }) => e.name)).toEqual(['arch.kept']);

    // Creating it again unarchives it, with this body's content only (Svix keeps neither description nor schemas).
    const back = await svix.eventType.create({ name: 'arch.gone', description: 'new text' });
    expect(back).toMatchObject({ archived: false, description: 'new text' });
    expect(back.schemas ?? null).toBeNull();
    // A live type still conflicts; PATCH and PUT set archived as given.
    expect((await herald.api('POST', '/api/v1/event-type', { name: 'arch.gone', description: 'x' })).status).toBe(409);
    expect((await svix.eventType.patch('arch.gone', { archived: true })).archived).toBe(true);
    expect((await svix.eventType.update('arch.gone', { description: 'put' })).archived).toBe(false);

    await svix.eventType.delete('arch.gone', { expunge: true });
    expect((await herald.api('GET', '/api/v1/event-type/arch.gone')).status).toBe(404);
    expect(await listed(true)).toEqual([['arch.kept', false]]);
    expect((await herald.api('DELETE', '/api/v1/event-type/arch.none')).status).toBe(404);
  });
});
