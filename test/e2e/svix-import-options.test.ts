import { describe, expect, it } from 'vitest';
import { Svix } from 'svix';
import { bothStores, useSvixHerald } from '../helpers/svix-herald.js';

// Svix's event-type import options: `dryRun` answers what would change and writes nothing;
// `replaceAll` removes the types the document does not name (Svix archives them; Herald has no
// archive). Through the pinned svix SDK and plain HTTP, against a real Herald, on both stores.

const stores = bothStores('Svix import dryRun and replaceAll on PostgreSQL');

/** An OpenAPI 3.1 document whose webhooks are these types, each with a schema and an example. */
function spec(types: Record<string, { description: string; example: Record<string, unknown> }>) {
  const webhooks: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(types)) {
    webhooks[name] = {
      post: {
        description: t.description,
        requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] }, example: t.example } } },
      },
    };
  }
  return { openapi: '3.1.0', info: { title: 'Events', version: '1' }, webhooks };
}

describe.each(stores)('Svix import dryRun and replaceAll ($store)', ({ pg }) => {
  const env = useSvixHerald('svix-import-options', pg);
  const names = async () => (await env.svix.eventType.list({ limit: 250 })).data.map((t) => t.name).sort();

  it('dryRun answers the types an import would create or change, as they would be, and writes nothing', async () => {
    await env.svix.eventType.create({ name: 'dry.kept', description: 'before' });
    const doc = spec({ 'dry.kept': { description: 'after', example: { id: 'k' } }, 'dry.new': { description: 'new one', example: { id: 'n' } } });
    const dry = await env.svix.eventType.importOpenapi({ spec: doc, dryRun: true });
    expect([...dry.data.modified].sort()).toEqual(['dry.kept', 'dry.new']);
    const planned = new Map((dry.data.toModify ?? []).map((t) => [t.name, t]));
    expect(planned.get('dry.new')).toMatchObject({ description: 'new one', deprecated: false, schemas: { type: 'object', required: ['id'] } });
    expect(planned.get('dry.kept')).toMatchObject({ description: 'after' });
    // Nothing was written.
    expect(await names()).toEqual(['dry.kept']);
    expect((await env.svix.eventType.get('dry.kept')).description).toBe('before');

    // An entry that would fail (its example does not match its schema) is reported, not planned.
    const bad = spec({ 'dry.bad': { description: 'bad', example: { nope: true } } });
    const badDry = await env.herald.api('POST', '/api/v1/event-type/import/openapi', { spec: bad, dryRun: true });
    expect(badDry.status).toBe(200);
    expect(badDry.body.data).toMatchObject({ modified: [], to_modify: [], skipped: [{ name: 'dry.bad' }] });

    // The same import for real does what the dry run said.
    const real = await env.svix.eventType.importOpenapi({ spec: doc });
    expect([...real.data.modified].sort()).toEqual(['dry.kept', 'dry.new']);
    expect(real.data.toModify ?? null).toBeNull();
    expect((await env.svix.eventType.get('dry.kept')).description).toBe('after');
    for (const name of await names()) await env.svix.eventType.delete(name);
  });

  it('replaceAll removes the types the document does not name; with dryRun it only says which', async () => {
    for (const name of ['rep.stays', 'rep.gone1', 'rep.gone2']) await env.svix.eventType.create({ name, description: name });
    const doc = spec({ 'rep.stays': { description: 'still here', example: { id: 's' } }, 'rep.added': { description: 'added', example: { id: 'a' } } });

    const dry = await env.herald.api('POST', '/api/v1/event-type/import/openapi', { spec: doc, replaceAll: true, dryRun: true });
    expect(dry.status).toBe(200);
    expect([...dry.body.data.modified].sort()).toEqual(['rep.added', 'rep.gone1', 'rep.gone2', 'rep.stays']);
    expect(dry.body.data.removed).toEqual(['rep.gone1', 'rep.gone2']);
    expect(await names()).toEqual(['rep.gone1', 'rep.gone2', 'rep.stays']);

    const real = await env.svix.eventType.importOpenapi({ spec: doc, replaceAll: true });
    expect([...real.data.modified].sort()).toEqual(['rep.added', 'rep.gone1', 'rep.gone2', 'rep.stays']);
    expect(await names()).toEqual(['rep.added', 'rep.stays']);
    expect((await env.herald.api('GET', '/api/v1/event-type/rep.gone1')).status).toBe(404);

    // Without replaceAll nothing is removed.
    await env.svix.eventType.create({ name: 'rep.extra', description: 'extra' });
    await env.svix.eventType.importOpenapi({ spec: doc });
    expect(await names()).toEqual(['rep.added', 'rep.extra', 'rep.stays']);
  });
});
