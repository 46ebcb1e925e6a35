import type { Endpoint } from '../../domain/model.js';
import { notFound } from '../../errors/api-errors.js';
import type { ApiContext } from '../routes/context.js';

/**
 * `{endpoint_id}` as Svix takes it: the id, or the endpoint's uid. Herald indexes endpoints by id
 * only, so a uid is found by walking the app's endpoints (an app has tens, not thousands).
 */
export async function findSvixEndpoint(ctx: ApiContext, appId: string, idOrUid: string): Promise<Endpoint | null> {
  if (idOrUid.startsWith('ep_')) return ctx.store.getEndpoint(appId, idOrUid);
  let iterator: string | undefined;
  for (;;) {
    const page = await ctx.store.listEndpoints(appId, { limit: 250, iterator });
    const found = page.data.find((ep) => ep.uid === idOrUid);
    if (found) return found;
    if (page.done || page.iterator === null) return null;
    iterator = page.iterator;
  }
}

export async function getSvixEndpoint(ctx: ApiContext, appId: string, idOrUid: string): Promise<Endpoint> {
  const endpoint = await findSvixEndpoint(ctx, appId, idOrUid);
  if (!endpoint) throw notFound('endpoint', idOrUid);
  return endpoint;
}
