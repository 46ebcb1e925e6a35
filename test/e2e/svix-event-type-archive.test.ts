import { describe, expect, it } from 'vitest';
import { Svix } from 'svix';
import { bothStores, useSvixHerald } from '../helpers/svix-herald.js';

// Svix's archived event types (migration 28): DELETE archives unless `expunge=true`; an archived
// type still reads, is left out of lists unless `include_archived`, and creating it again
// unarchives it with the new body's content. Through the pinned svix SDK and HTTP, on both stores.

const stores = bothStores('Svix archived event types on PostgreSQL');

describe.each(stores)('Svix archived event types ($store)', ({ pg }) => {
  const env = useSvixHerald('svix-event-type-archive', pg);

  const listed = async (includeArchived?: boolean) => (await env.svix.eventType.list({ includeArchived })).data.map((e) => [e.name, e.archived]);

  it('archives on DELETE, lists archived types only when asked, unarchives on create, and expunges', async () => {
    const schemaV1 = { type: 'object', properties: { id: { type: 'string' } } };
    await env.svix.eventType.create({ name: 'arch.kept', description: 'kept' });
    await env.svix.eventType.create({ name: 'arch.gone', description: 'old text', schemas: { '1': schemaV1 } });
    await env.svix.eventType.delete('arch.gone');
    expect(await env.svix.eventType.get('arch.gone')).toMatchObject({ name: 'arch.gone', archived: true, description: 'old text' });
    expect(await listed()).toEqual([['arch.kept', false]]);
    expect(await listed(true)).toEqual([['arch.gone', true], ['arch.kept', false]]);
    // Herald's own catalogue list leaves it out too.
    expect((await env.herald.api('GET', '/api/v1/event-types')).body.data.map((e: { name: string }) => e.name)).toEqual(['arch.kept']);

    // Creating it again unarchives it, with this body's content only (Svix keeps neither description nor schemas).
    const back = await env.svix.eventType.create({ name: 'arch.gone', description: 'new text' });
    expect(back).toMatchObject({ archived: false, description: 'new text' });
    expect(back.schemas ?? null).toBeNull();
    // A live type still conflicts; PATCH and PUT set archived as given.
    expect((await env.herald.api('POST', '/api/v1/event-type', { name: 'arch.gone', description: 'x' })).status).toBe(409);
    expect((await env.svix.eventType.patch('arch.gone', { archived: true })).archived).toBe(true);
    expect((await env.svix.eventType.update('arch.gone', { description: 'put' })).archived).toBe(false);

    await env.svix.eventType.delete('arch.gone', { expunge: true });
    expect((await env.herald.api('GET', '/api/v1/event-type/arch.gone')).status).toBe(404);
    expect(await listed(true)).toEqual([['arch.kept', false]]);
    expect((await env.herald.api('DELETE', '/api/v1/event-type/arch.none')).status).toBe(404);
  });
});
