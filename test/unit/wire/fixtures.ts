import type { WireEndpoint, WireMessage } from '../../../src/wire/index.js';

/** Seed 000's example: Agreement 25 created. */
export function agreementMessage(overrides: Partial<WireMessage> = {}): WireMessage {
  return {
    id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    eventType: 'CREATE',
    createdAt: '2020-10-14T15:14:18.042Z',
    dataJson: '{"name":"Lease"}',
    entity: { type: 'Agreement', id: 25 },
    ...overrides,
  };
}

export function endpoint(overrides: Partial<WireEndpoint> = {}): WireEndpoint {
  return {
    url: 'https://receiver.example/hooks',
    method: 'POST',
    payloadFormat: 'standard',
    signature: { scheme: 'standard-webhooks' },
    secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    ...overrides,
  };
}

/** The request target as a Node server sees it (`req.url`): path and query, no origin. */
export function pathOf(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}
