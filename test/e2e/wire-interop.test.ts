import { verify as verifyGithub } from '@octokit/webhooks-methods';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Third-party verifiers, as the receivers of those ecosystems run them: if Stripe's and GitHub's
// own libraries accept Herald's deliveries, so will code written from their docs.
let herald: TestHerald;
let receiver: Receiver;
let appId: string;

beforeAll(async () => {
  herald = await startTestHerald();
  receiver = await startReceiver();
  appId = (await herald.api('POST', '/api/v1/apps', { name: 'interop' })).body.id;
});
afterAll(async () => {
  await herald.stop();
  await receiver.close();
});

async function deliverOnce(endpoint: Record<string, unknown>, path: string) {
  const ep = await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: `${receiver.url}${path}`, eventTypes: [path.slice(1)], ...endpoint });
  expect(ep.status, JSON.stringify(ep.body)).toBe(201);
  const before = receiver.requests.length;
  await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: path.slice(1), data: { object: { id: 'in_42', amount: 4200 } } });
  await receiver.waitFor(before + 1);
  return { req: receiver.requests[before]!, secret: ep.body.secret as string };
}

describe('signatures verified by the ecosystems’ own libraries', () => {
  it('stripe: the stripe package’s webhooks.constructEvent accepts the delivery, and rejects it with another secret', async () => {
    const { req, secret } = await deliverOnce({ signature: { scheme: 'stripe' }, secret: 'whsec_interop_stripe_secret' }, '/stripe.event');
    expect(secret).toBe('whsec_interop_stripe_secret');
    const stripe = new Stripe('sk_test_not_used_for_network');
    const event = stripe.webhooks.constructEvent(req.body, req.headers['stripe-signature']!, secret) as unknown as { data: unknown };
    expect(event.data).toEqual({ object: { id: 'in_42', amount: 4200 } });
    expect(() => stripe.webhooks.constructEvent(req.body, req.headers['stripe-signature']!, 'whsec_wrong')).toThrow();
  });

  it('GitHub-style hmac-sha256: @octokit/webhooks-methods verifies X-Hub-Signature-256', async () => {
    const { req, secret } = await deliverOnce(
      { payloadFormat: 'raw', signature: { scheme: 'hmac-sha256', header: 'X-Hub-Signature-256', prefix: 'sha256=' }, secret: 'github-style-secret' },
      '/github.event',
    );
    const signature = req.headers['x-hub-signature-256']!;
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(JSON.parse(req.body)).toEqual({ object: { id: 'in_42', amount: 4200 } });
    expect(await verifyGithub(secret, req.body, signature)).toBe(true);
    expect(await verifyGithub('another-secret', req.body, signature)).toBe(false);
  });
});
