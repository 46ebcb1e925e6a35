import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';

const Branding = Type.Object({
  productName: Type.Union([Type.String(), Type.Null()], {
    description: 'the product that runs this Herald (--product-name), named to customers in the portal; null when unset',
  }),
});

/**
 * What the dashboard shows customers before (or without) a valid token: an expired portal link's
 * screen names the product to ask for a new one. Public on purpose: it is the operator's product
 * name, nothing about any tenant.
 */
export function brandingRoutes(app: FastifyInstance, options: { productName: string | null }): void {
  const body = { productName: options.productName };
  app.get('/branding', { schema: { summary: 'The product name shown to customers in the portal', response: { 200: Branding } } }, async () => body);
}
