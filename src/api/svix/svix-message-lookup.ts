import type { Message } from '../../domain/model.js';
import { notFound } from '../../errors/api-errors.js';
import type { ApiContext } from '../routes/context.js';

/**
 * `{msg_id}` as Svix takes it: the message id, or the publisher's `eventId` (the message holding
 * that event id's claim, store/rows.ts event_key). The id is tried first: an eventId may look like one.
 */
export async function getSvixMessage(ctx: ApiContext, appId: string, idOrEventId: string): Promise<Message> {
  const message = (idOrEventId.startsWith('msg_') ? await ctx.store.getMessage(appId, idOrEventId) : null)
    ?? await ctx.store.getMessageByEventId(appId, idOrEventId);
  if (!message) throw notFound('message', idOrEventId);
  return message;
}
