import { describe, expect, it } from 'vitest';
import { Ordering, Svix } from 'svix';
import { bothStores, useSvixHerald } from '../helpers/svix-herald.js';
import { eventually } from '../helpers/test-herald.js';

// Svix's lists page both ways: `iterator` forwards, `prevIterator` back to exactly the page before,
// in the list's `order` (applications, endpoints and event types; messages and attempts run newest
// first). Driven through HTTP and through the pinned svix SDK, on both stores.

const stores = bothStores('Svix list paging on PostgreSQL');

interface ListOut { data: unknown[]; iterator?: string | null; prevIterator?: string | null; done: boolean }

/** Three pages forwards from the start, then back from the third with prevIterator: the keys of each page. */
async function forwardThenBack(list: (iterator: string | null) => Promise<ListOut>, keyOf: (item: never) => string) {
  const keys = (page: ListOut) => page.data.map((item) => keyOf(item as never));
  const forward: ListOut[] = [await list(null)];
  for (let i = 0; i < 2; i++) forward.push(await list(forward[i]!.iterator!));
  const back2 = await list(forward[2]!.prevIterator!);
  const back1 = await list(back2.prevIterator!);
  const beforeFirst = await list(back1.prevIterator!);
  return {
    forward: forward.map(keys), forwardDone: forward.map((p) => p.done),
    back: [keys(back2), keys(back1)], backDone: [back2.done, back1.done],
    beforeFirst, back2,
  };
}

describe.each(stores)('Svix list paging ($store)', ({ pg }) => {
  const env = useSvixHerald('svix-paging', pg);
  const get = async (path: string) => {
    const res = await env.herald.api('GET', `/api/v1${path}`);
    expect(res.status).toBe(200);
    return res.body as ListOut;
  };
  const withIterator = (path: string, iterator: string | null) => (iterator === null ? path : `${path}&iterator=${encodeURIComponent(iterator)}`);

  /** The pages a list of these keys (in the list's order) must come in, 2 to a page. */
  const pagesOf = (keys: string[]) => [keys.slice(0, 2), keys.slice(2, 4), keys.slice(4, 6)];

  it('applications: oldest first by default (as Svix), newest first with order=descending; prevIterator pages back', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await env.svix.application.create({ name: `Paged ${i}` })).id);
    const ascending = [...ids].sort();
    expect((await get('/app?limit=250')).data.map((a) => (a as { id: string }).id)).toEqual(ascending);

    const http = await forwardThenBack((it) => get(withIterator('/app?limit=2', it)), (a: { id: string }) => a.id);
    expect(http.forward).toEqual(pagesOf(ascending));
    expect(http.forwardDone).toEqual([false, false, true]);
    expect(http.back).toEqual([ascending.slice(2, 4), ascending.slice(0, 2)]);
    expect(http.backDone).toEqual([false, true]);
    expect(http.beforeFirst).toEqual({ data: [], iterator: null, prevIterator: null, done: true });
    // A page reached backwards continues forwards with its own iterator.
    expect((await get(withIterator('/app?limit=2', http.back2.iterator!))).data.map((a) => (a as { id: string }).id)).toEqual(ascending.slice(4, 6));

    const descending = [...ascending].reverse();
    const sdk = await forwardThenBack((iterator) => env.svix.application.list({ limit: 2, iterator, order: Ordering.Descending }), (a: { id: string }) => a.id);
    expect(sdk.forward).toEqual(pagesOf(descending));
    expect(sdk.back).toEqual([descending.slice(2, 4), descending.slice(0, 2)]);
    const sdkAscending = await forwardThenBack((iterator) => env.svix.application.list({ limit: 2, iterator, order: Ordering.Ascending }), (a: { id: string }) => a.id);
    expect(sdkAscending.forward).toEqual(pagesOf(ascending));
    expect(sdkAscending.back).toEqual([ascending.slice(2, 4), ascending.slice(0, 2)]);
  });

  it('endpoints: newest first by default (as Svix), oldest first with order=ascending', async () => {
    const app = await env.svix.application.create({ name: 'Endpoints paged' });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await env.svix.endpoint.create(app.id, { url: `${env.receiver.url}/ep${i}` })).id);
    const ascending = [...ids].sort();
    const descending = [...ascending].reverse();

    const http = await forwardThenBack((it) => get(withIterator(`/app/${app.id}/endpoint?limit=2`, it)), (e: { id: string }) => e.id);
    expect(http.forward).toEqual(pagesOf(descending));
    expect(http.back).toEqual([descending.slice(2, 4), descending.slice(0, 2)]);
    const httpAsc = await forwardThenBack((it) => get(withIterator(`/app/${app.id}/endpoint?limit=2&order=ascending`, it)), (e: { id: string }) => e.id);
    expect(httpAsc.forward).toEqual(pagesOf(ascending));
    expect(httpAsc.back).toEqual([ascending.slice(2, 4), ascending.slice(0, 2)]);

    const sdk = await forwardThenBack((iterator) => env.svix.endpoint.list(app.id, { limit: 2, iterator, order: Ordering.Ascending }), (e: { id: string }) => e.id);
    expect(sdk.forward).toEqual(pagesOf(ascending));
    expect(sdk.back).toEqual([ascending.slice(2, 4), ascending.slice(0, 2)]);
    const sdkDefault = await forwardThenBack((iterator) => env.svix.endpoint.list(app.id, { limit: 2, iterator }), (e: { id: string }) => e.id);
    expect(sdkDefault.forward).toEqual(pagesOf(descending));
    expect(sdkDefault.back).toEqual([descending.slice(2, 4), descending.slice(0, 2)]);
  });

  it('event types: by name A to Z by default, Z to A with order=descending, a name starting with "-" included', async () => {
    const names = ['-dash.first', 'paged.a', 'paged.b', 'paged.c', 'paged.d', 'paged.e'];
    for (const name of [...names].reverse()) await env.svix.eventType.create({ name, description: name });
    const all = (await get('/event-type?limit=250')).data.map((e) => (e as { name: string }).name);
    expect(all).toEqual([...all].sort());
    const ours = all.filter((n) => names.includes(n));
    expect(ours).toEqual([...names].sort());
    // Only these six types exist in this Herald, so the pages are theirs.
    expect(all).toEqual(ours);

    const http = await forwardThenBack((it) => get(withIterator('/event-type?limit=2', it)), (e: { name: string }) => e.name);
    expect(http.forward).toEqual(pagesOf(ours));
    expect(http.back).toEqual([ours.slice(2, 4), ours.slice(0, 2)]);
    const reversed = [...ours].reverse();
    const sdk = await forwardThenBack((iterator) => env.svix.eventType.list({ limit: 2, iterator, order: Ordering.Descending }), (e: { name: string }) => e.name);
    expect(sdk.forward).toEqual(pagesOf(reversed));
    expect(sdk.back).toEqual([reversed.slice(2, 4), reversed.slice(0, 2)]);
    // The forward iterator after "-dash.first" is not read as a way back.
    const firstPage = await get('/event-type?limit=1');
    expect(firstPage.data.map((e) => (e as { name: string }).name)).toEqual(['-dash.first']);
    expect((await get(withIterator('/event-type?limit=1', firstPage.iterator!))).data.map((e) => (e as { name: string }).name)).toEqual(['paged.a']);
  });

  it('messages and attempts: newest first, prevIterator pages back', async () => {
    const app = await env.svix.application.create({ name: 'Messages paged' });
    const ep = await env.svix.endpoint.create(app.id, { url: `${env.receiver.url}/msgs` });
    const msgIds: string[] = [];
    for (let i = 0; i < 6; i++) msgIds.push((await env.svix.message.create(app.id, { eventType: 'paged.a', payload: { i } })).id);
    const newestFirst = [...msgIds].sort().reverse();

    const http = await forwardThenBack((it) => get(withIterator(`/app/${app.id}/msg?limit=2`, it)), (m: { id: string }) => m.id);
    expect(http.forward).toEqual(pagesOf(newestFirst));
    expect(http.back).toEqual([newestFirst.slice(2, 4), newestFirst.slice(0, 2)]);
    const sdk = await forwardThenBack((iterator) => env.svix.message.list(app.id, { limit: 2, iterator }), (m: { id: string }) => m.id);
    expect(sdk.forward).toEqual(pagesOf(newestFirst));
    expect(sdk.back).toEqual([newestFirst.slice(2, 4), newestFirst.slice(0, 2)]);

    const attempts = await eventually(async () => {
      const all = await env.svix.messageAttempt.listByEndpoint(app.id, ep.id, { limit: 250 });
      return all.data.length === 6 ? all.data.map((a) => a.id) : null;
    });
    expect(attempts).toEqual([...attempts].sort().reverse());
    const byEndpoint = await forwardThenBack((iterator) => env.svix.messageAttempt.listByEndpoint(app.id, ep.id, { limit: 2, iterator }), (a: { id: string }) => a.id);
    expect(byEndpoint.forward).toEqual(pagesOf(attempts));
    expect(byEndpoint.back).toEqual([attempts.slice(2, 4), attempts.slice(0, 2)]);
    expect(byEndpoint.back2.prevIterator).toMatch(/^-atmpt_/);

    // One message's attempts: its first delivery and two resends, one to a page.
    const msgId = msgIds[0]!;
    for (let i = 0; i < 2; i++) await env.svix.messageAttempt.resend(app.id, msgId, ep.id);
    const ofMessage = await eventually(async () => {
      const all = await get(`/app/${app.id}/attempt/msg/${msgId}?limit=250`);
      return all.data.length === 3 ? all.data.map((a) => (a as { id: string }).id) : null;
    });
    const byMessage = await forwardThenBack((it) => get(withIterator(`/app/${app.id}/attempt/msg/${msgId}?limit=1`, it)), (a: { id: string }) => a.id);
    expect(byMessage.forward).toEqual(ofMessage.map((id) => [id]));
    expect(byMessage.back).toEqual([[ofMessage[1]], [ofMessage[0]]]);
  });

  it('pages back from an event type whose name has the longest length a name may have', async () => {
    const long = `z.${'x'.repeat(126)}`;
    await env.svix.eventType.create({ name: long, description: 'long' });
    const last = await get('/event-type?limit=1&order=descending');
    expect(last.data.map((e) => (e as { name: string }).name)).toEqual([long]);
    expect(last.prevIterator).toBe(`-${long}`);
    // Back from the first page of a descending list: nothing lies before it.
    expect(await get(withIterator('/event-type?limit=1&order=descending', last.prevIterator!))).toEqual({ data: [], iterator: null, prevIterator: null, done: true });
    const next = await get(withIterator('/event-type?limit=1&order=descending', last.iterator!));
    expect(next.data).toHaveLength(1);
    expect((await get(withIterator('/event-type?limit=1&order=descending', next.prevIterator!))).data.map((e) => (e as { name: string }).name)).toEqual([long]);
  });

  it('answers an order that is not Svix\'s with 422', async () => {
    const res = await env.herald.api('GET', '/api/v1/app?order=sideways');
    expect(res.status).toBe(422);
    expect(res.body.detail[0].loc).toEqual(['query', 'order']);
  });
});
