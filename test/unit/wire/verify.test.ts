import { describe, expect, it } from 'vitest';
import {
  generateSecret,
  renderRequest,
  signatureHeaders,
  verifySignature,
  WebhookVerificationError,
  type RenderedRequest,
  type SignatureConfig,
  type WireEndpoint,
} from '../../../src/wire/index.js';
import { agreementMessage, pathOf } from './fixtures.js';

const TS = 1602237976;

interface Case {
  name: string;
  endpoint: Omit<WireEndpoint, 'secrets' | 'url'>;
  timestamped: boolean;
}

const CASES: Case[] = [
  { name: 'standard-webhooks', endpoint: { method: 'POST', payloadFormat: 'standard', signature: { scheme: 'standard-webhooks' } }, timestamped: true },
  { name: 'timestamped', endpoint: { method: 'POST', payloadFormat: 'event', signature: { scheme: 'timestamped' } }, timestamped: true },
  { name: 'hmac-sha256', endpoint: { method: 'POST', payloadFormat: 'raw', signature: { scheme: 'hmac-sha256', prefix: 'sha256=' } }, timestamped: false },
  { name: 'stripe', endpoint: { method: 'POST', payloadFormat: 'standard', signature: { scheme: 'stripe' } }, timestamped: true },
  { name: 'entity-path POST', endpoint: { method: 'POST', payloadFormat: 'entity-ref', signature: { scheme: 'entity-path' } }, timestamped: false },
  { name: 'entity-path GET', endpoint: { method: 'GET', payloadFormat: 'entity-ref', signature: { scheme: 'entity-path' } }, timestamped: false },
];

function render(c: Case, secret: string, msg = agreementMessage()): RenderedRequest {
  return renderRequest(msg, { ...c.endpoint, url: 'https://receiver.example/hooks?tenant=7', secrets: [secret] }, {
    timestamp: TS,
    userAgent: 'Herald/test',
  });
}

function received(request: RenderedRequest, changes: Partial<{ url: string; body: string | Buffer | undefined; headers: Record<string, string> }> = {}) {
  return { method: request.method, url: pathOf(request.url), headers: request.headers, body: request.body, ...changes };
}

function reasonOf(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookVerificationError);
    return (err as WebhookVerificationError).reason;
  }
  throw new Error('expected a WebhookVerificationError');
}

describe.each(CASES)('verifySignature round trip: $name', (c) => {
  const secret = generateSecret(c.endpoint.signature.scheme);
  const sig: SignatureConfig = c.endpoint.signature;
  const request = render(c, secret);
  const header = Object.keys(request.headers).find((h) => h.endsWith('signature'))!;

  it('accepts what renderRequest signed, with a string or Buffer body', () => {
    expect(() => verifySignature(sig, secret, received(request), { now: TS })).not.toThrow();
    const asBuffer = request.body === undefined ? undefined : Buffer.from(request.body);
    expect(() => verifySignature(sig, secret, received(request, { body: asBuffer }), { now: TS })).not.toThrow();
  });

  it('reads header names case-insensitively', () => {
    const upper = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toUpperCase(), v]));
    expect(() => verifySignature(sig, secret, received(request, { headers: upper }), { now: TS })).not.toThrow();
  });

  it('rejects a wrong secret', () => {
    const other = generateSecret(c.endpoint.signature.scheme);
    expect(reasonOf(() => verifySignature(sig, other, received(request), { now: TS }))).toBe('signature mismatch');
  });

  it('rejects tampered content', () => {
    const tampered = render(c, secret, agreementMessage({ dataJson: '{"name":"Forged"}', entity: { type: 'Agreement', id: 26 } }));
    // Signature of the original, content of the forgery.
    const forged = received(tampered, { headers: request.headers });
    expect(reasonOf(() => verifySignature(sig, secret, forged, { now: TS }))).toBe('signature mismatch');
  });

  it('rejects a missing signature header', () => {
    const { [header]: _dropped, ...rest } = request.headers;
    expect(reasonOf(() => verifySignature(sig, secret, received(request, { headers: rest }), { now: TS }))).toBe(
      `missing header ${header.toLowerCase()}`,
    );
  });

  it('rejects a malformed signature header', () => {
    const headers = { ...request.headers, [header]: 'not a signature' };
    expect(reasonOf(() => verifySignature(sig, secret, received(request, { headers }), { now: TS }))).toMatch(/^malformed header/);
  });

  if (c.timestamped) {
    it('rejects timestamps outside the tolerance, either way', () => {
      expect(reasonOf(() => verifySignature(sig, secret, received(request), { now: TS + 301 }))).toMatch(/^timestamp too old/);
      expect(reasonOf(() => verifySignature(sig, secret, received(request), { now: TS - 301 }))).toMatch(/^timestamp too new/);
      expect(() => verifySignature(sig, secret, received(request), { now: TS + 300 })).not.toThrow();
      expect(() => verifySignature(sig, secret, received(request), { now: TS + 3600, toleranceSeconds: 3600 })).not.toThrow();
    });
  } else {
    it('has no timestamp to expire', () => {
      expect(() => verifySignature(sig, secret, received(request), { now: TS + 86_400 * 365 })).not.toThrow();
    });
  }
});

describe('verifySignature details', () => {
  it('accepts anything for scheme none', () => {
    expect(() => verifySignature({ scheme: 'none' }, '', { headers: {}, body: 'x' })).not.toThrow();
  });

  it('requires the timestamp header of standard-webhooks', () => {
    const secret = generateSecret('standard-webhooks');
    const request = render(CASES[0]!, secret);
    const { 'webhook-timestamp': _ts, ...headers } = request.headers;
    expect(reasonOf(() => verifySignature({ scheme: 'standard-webhooks' }, secret, received(request, { headers }), { now: TS }))).toBe(
      'missing header webhook-timestamp',
    );
  });

  it('signs non-Standard-Webhooks schemes with the newest secret only during rotation', () => {
    const [newest, previous] = [generateSecret('stripe'), generateSecret('stripe')];
    const body = '{"a":1}';
    const headers = signatureHeaders({ scheme: 'stripe' }, [newest, previous], { msg: agreementMessage(), timestamp: TS, body });
    expect(headers['stripe-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(() => verifySignature({ scheme: 'stripe' }, newest, { headers, body }, { now: TS })).not.toThrow();
    expect(() => verifySignature({ scheme: 'stripe' }, previous, { headers, body }, { now: TS })).toThrow(WebhookVerificationError);
  });

  it('uses a configured header name and prefix', () => {
    const sig: SignatureConfig = { scheme: 'hmac-sha256', header: 'X-Hub-Signature-256', prefix: 'sha256=' };
    const body = '{"a":1}';
    const headers = signatureHeaders(sig, ['github-secret'], { msg: agreementMessage(), timestamp: TS, body });
    expect(Object.keys(headers)).toEqual(['X-Hub-Signature-256']);
    expect(() => verifySignature(sig, 'github-secret', { headers, body })).not.toThrow();
    // Without the prefix the value no longer has the configured shape.
    expect(reasonOf(() => verifySignature({ ...sig, prefix: '' }, 'github-secret', { headers, body }))).toMatch(/^malformed header/);
  });

  it('entity-path: round-trips percent-encoded path segments', () => {
    const c = CASES[5]!;
    const msg = agreementMessage({ entity: { type: 'Floor Plan', id: 'a/b?c' } });
    const request = render(c, 'entity-secret', msg);
    expect(pathOf(request.url)).toBe('/hooks/CREATE/Floor%20Plan/a%2Fb%3Fc?tenant=7');
    expect(() => verifySignature(c.endpoint.signature, 'entity-secret', received(request))).not.toThrow();
  });

  it('entity-path POST: rejects a body that disagrees with the path', () => {
    const c = CASES[4]!;
    const request = render(c, 'entity-secret');
    const body = '{"eventType":"DELETE","entityType":"Agreement","entityId":25}';
    expect(reasonOf(() => verifySignature(c.endpoint.signature, 'entity-secret', received(request, { body })))).toBe(
      'entity in request path does not match request body',
    );
  });

  it('entity-path POST: verifies from the body alone when no URL is given', () => {
    const c = CASES[4]!;
    const request = render(c, 'entity-secret');
    const { url: _url, ...withoutUrl } = received(request);
    expect(() => verifySignature(c.endpoint.signature, 'entity-secret', withoutUrl)).not.toThrow();
  });

  it('entity-path GET: needs the request path', () => {
    const c = CASES[5]!;
    const request = render(c, 'entity-secret');
    expect(reasonOf(() => verifySignature(c.endpoint.signature, 'entity-secret', { ...received(request), url: '/' }))).toBe(
      'no eventType/entityType/entityId in request path or body',
    );
  });

  it('rejects duplicate single-valued signature headers', () => {
    const body = '{"a":1}';
    const headers = signatureHeaders({ scheme: 'hmac-sha256' }, ['12345678'], { msg: agreementMessage(), timestamp: TS, body });
    const doubled = { 'x-signature': [headers['x-signature']!, headers['x-signature']!] };
    expect(reasonOf(() => verifySignature({ scheme: 'hmac-sha256' }, '12345678', { headers: doubled, body }))).toBe(
      'more than one header x-signature',
    );
  });

  it('accepts standard-webhooks signatures split across repeated headers', () => {
    const [a, b] = [generateSecret('standard-webhooks'), generateSecret('standard-webhooks')];
    const body = '{"a":1}';
    const headers = signatureHeaders({ scheme: 'standard-webhooks' }, [a, b], { msg: agreementMessage(), timestamp: TS, body });
    const split = { ...headers, 'webhook-signature': headers['webhook-signature']!.split(' ') };
    expect(() => verifySignature({ scheme: 'standard-webhooks' }, b, { headers: split, body }, { now: TS })).not.toThrow();
  });
});

