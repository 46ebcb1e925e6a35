import { describe, expect, it } from 'vitest';
import {
  generateSecret,
  renderBody,
  renderRequest,
  SIGNATURE_SCHEMES,
  validateWireConfig,
  type SignatureSchemeName,
  type WireEndpoint,
} from '../../../src/wire/index.js';
import { agreementMessage, endpoint } from './fixtures.js';

const OPTS = { timestamp: 1602237976, userAgent: 'Herald/1.2.3' };

/** A valid endpoint for each scheme (entity-path needs entity-ref). */
function endpointFor(scheme: SignatureSchemeName, overrides: Partial<WireEndpoint> = {}): WireEndpoint {
  return endpoint({
    payloadFormat: scheme === 'entity-path' ? 'entity-ref' : 'standard',
    signature: { scheme },
    secrets: [generateSecret(scheme)],
    ...overrides,
  });
}

const lowerNames = (headers: Record<string, string>) => Object.keys(headers).map((h) => h.toLowerCase());

describe('renderRequest', () => {
  it('POST: url, body, content-type, user-agent, webhook-id and signature', () => {
    const msg = agreementMessage();
    const request = renderRequest(msg, endpoint({ query: { key: 'QueryParameterKey' } }), OPTS);
    expect(request.method).toBe('POST');
    expect(request.url).toBe('https://receiver.example/hooks?key=QueryParameterKey');
    expect(request.body).toBe(renderBody(msg, 'standard', 'POST'));
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Herald/1.2.3',
      'webhook-id': msg.id,
      'webhook-timestamp': String(OPTS.timestamp),
    });
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
  });

  it('GET: no body and no content-type', () => {
    const request = renderRequest(
      agreementMessage(),
      endpoint({ method: 'GET', payloadFormat: 'entity-ref', signature: { scheme: 'entity-path' }, secrets: ['mySecret'] }),
      OPTS,
    );
    expect(request.method).toBe('GET');
    expect(request.body).toBeUndefined();
    expect(lowerNames(request.headers)).not.toContain('content-type');
  });

  it.each(SIGNATURE_SCHEMES)('sends webhook-id with scheme %s', (scheme) => {
    const msg = agreementMessage();
    expect(renderRequest(msg, endpointFor(scheme), OPTS).headers['webhook-id']).toBe(msg.id);
  });

  it('none: no signature header and no secret needed', () => {
    const request = renderRequest(agreementMessage(), endpointFor('none', { secrets: [] }), OPTS);
    expect(lowerNames(request.headers).sort()).toEqual(['content-type', 'user-agent', 'webhook-id']);
  });

  it('custom headers are sent, but cannot override reserved ones', () => {
    const msg = agreementMessage();
    const headers = {
      'X-Tenant': 'acme',
      'Content-Type': 'text/plain',
      'Content-Length': '1',
      Host: 'evil.example',
      'Webhook-Id': 'forged',
      'Webhook-Timestamp': '1',
      'Webhook-Signature': 'v1,forged',
      'Transfer-Encoding': 'chunked',
    };
    const request = renderRequest(msg, endpoint({ headers }), OPTS);
    expect(request.headers['X-Tenant']).toBe('acme');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toBe('Herald/1.2.3');
    expect(request.headers['webhook-id']).toBe(msg.id);
    expect(request.headers['webhook-timestamp']).toBe(String(OPTS.timestamp));
    expect(request.headers['webhook-signature']).not.toContain('forged');
    const names = lowerNames(request.headers);
    expect(new Set(names).size).toBe(names.length);
    for (const name of ['host', 'content-length', 'transfer-encoding']) expect(names).not.toContain(name);
  });

  it('an endpoint may set its own User-Agent, replacing Herald/<version>; a signature header may not be named so', () => {
    const request = renderRequest(agreementMessage(), endpoint({ headers: { 'User-Agent': 'OfficeRnD-Webhooks/1.0' } }), OPTS);
    expect(Object.entries(request.headers).filter(([name]) => name.toLowerCase() === 'user-agent')).toEqual([['User-Agent', 'OfficeRnD-Webhooks/1.0']]);
    expect(validateWireConfig({ method: 'POST', payloadFormat: 'raw', signature: { scheme: 'hmac-sha256', header: 'User-Agent' } })).toMatch(/reserved/);
    expect(validateWireConfig({ method: 'POST', payloadFormat: 'raw', signature: { scheme: 'hmac-sha256' }, headers: { 'user-agent': 'Acme/2' } })).toBeNull();
  });

  it("the scheme's own signature header is reserved, whatever its case", () => {
    const request = renderRequest(
      agreementMessage({ dataJson: '{"a":1}' }),
      endpointFor('hmac-sha256', { payloadFormat: 'raw', signature: { scheme: 'hmac-sha256', header: 'X-Signature' }, headers: { 'x-signature': 'forged' } }),
      OPTS,
    );
    expect(Object.keys(request.headers).filter((h) => h.toLowerCase() === 'x-signature')).toEqual(['X-Signature']);
    expect(request.headers['X-Signature']).toMatch(/^[0-9a-f]{64}$/);

    const stripe = renderRequest(agreementMessage(), endpointFor('stripe', { headers: { 'Stripe-Signature': 'forged' } }), OPTS);
    expect(stripe.headers['stripe-signature']).toMatch(/^t=1602237976,v1=[0-9a-f]{64}$/);
    expect(stripe.headers['Stripe-Signature']).toBeUndefined();
  });

  it('another scheme’s header name is an ordinary custom header', () => {
    const request = renderRequest(agreementMessage(), endpointFor('hmac-sha256', { headers: { 'Stripe-Signature': 'kept' } }), OPTS);
    expect(request.headers['Stripe-Signature']).toBe('kept');
  });

  it('refuses invalid configurations and unusable inputs', () => {
    expect(() => renderRequest(agreementMessage(), endpoint({ method: 'GET' }), OPTS)).toThrow(/method GET requires payloadFormat "entity-ref"/);
    expect(() => renderRequest(agreementMessage(), endpoint({ secrets: [] }), OPTS)).toThrow(/requires a secret/);
    expect(() => renderRequest(agreementMessage(), endpoint(), { ...OPTS, timestamp: OPTS.timestamp + 0.5 })).toThrow(RangeError);
    expect(() =>
      renderRequest(agreementMessage({ entity: null }), endpointFor('entity-path'), OPTS),
    ).toThrow(/entity-ref/);
  });
});
