import { rotateEndpointSecret } from '../../services/secret-rotation.js';
import { SecretRotate } from '../../schemas/bodies.js';
import { EndpointParams } from '../schemas.js';
import type { Api, ApiContext } from './context.js';
import { portalNeeds } from '../route-access.js';

export function secretRoutes(api: Api, ctx: ApiContext): void {
  api.post(
    '/api/v1/apps/:appId/endpoints/:endpointId/secret/rotate',
    { config: portalNeeds('secrets:rotate'), schema: { params: EndpointParams, body: SecretRotate, tags: ['endpoints'] } },
    async (req) => {
      const app = await ctx.apps.get(req.params.appId);
      const endpoint = await ctx.endpoints.get(app.id, req.params.endpointId);
      const { endpoint: rotated, oldSecretsExpireAt } = await rotateEndpointSecret(ctx.store, endpoint, req.body ?? {});
      // Like the create response, this shows the secret once so it can be copied to the receiver.
      return { secret: rotated.secrets[0]!.secret, oldSecretsExpireAt };
    },
  );
}
