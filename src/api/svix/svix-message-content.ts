import { Type } from 'typebox';
import { notFound } from '../../errors/api-errors.js';
import { tenantApp } from '../tenancy.js';
import type { Api } from '../routes/context.js';
import type { SvixContext } from './svix-plugin.js';
import { getSvixMessage } from './svix-message-lookup.js';
import { SVIX_TAG, svixWrite } from './svix-wire.js';

// Svix's expunge of a message's content (a payload sent by mistake): the payload and the attempts'
// recorded bodies are cleared as retention clears them (store expungeMessageContent), and the
// message then reads `payload: {"expired": true}` and can no longer be resent. A message with a
// delivery still pending keeps its payload until that delivery settles (docs/svix-messages.md).

const MessageParams = Type.Object({ appId: Type.String({ maxLength: 128 }), msgId: Type.String({ maxLength: 128 }) });

export function svixMessageContentRoutes(api: Api, ctx: SvixContext): void {
  api.delete('/api/v1/app/:appId/msg/:msgId/content', { config: svixWrite, schema: { tags: [SVIX_TAG], params: MessageParams } }, async (req, reply) => {
    const appId = tenantApp(req).id;
    const message = await getSvixMessage(ctx, appId, req.params.msgId);
    if ((await ctx.store.expungeMessageContent(appId, message.id, Date.now())) === 'not_found') throw notFound('message', req.params.msgId);
    return reply.status(204).send();
  });
}
