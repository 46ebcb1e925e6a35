// The `svix` scheme: Standard Webhooks under the header names Svix sends (svix-id, svix-timestamp,
// svix-signature), checked against the reference vector and Svix's own Webhook class.
import { Webhook } from 'svix';
import { describe, expect, it } from 'vitest';
import {
  generateSecret, isReservedHeader, renderRequest, signatureHeaders, validateSecret, verifySignature, WebhookVerificationError,
} from '../../../src/wire/index.js';
import { agreementMessage, endpoint } from './fixtures.js';

describe('svix signature scheme', () => {
  it('signs the Standard Webhooks reference vector under svix-* names only', () => {
    const headers = signatureHeaders({ scheme: 'svix' }, ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], {
      msg: agreementMessage({ id: 'msg_p5jXN8AQM9LWM0D4loKWxJek' }),
      timestamp: 1614265330,
      body: '{"test": 2432232314}',
    });
    expect(headers).toEqual({
      'svix-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'svix-timestamp': '1614265330',
      'svix-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('verifies with the svix package\'s Webhook class, and with Herald\'s verifier; a changed body does not', () => {
    const secret = generateSecret('svix');
    expect(secret).toMatch(/^whsec_/);
    const request = renderRequest(agreementMessage(), endpoint({ payloadFormat: 'raw', signature: { scheme: 'svix' }, secrets: [secret] }), {
      timestamp: Math.floor(Date.now() / 1000),
      userAgent: 'Herald/test',
    });
    // No webhook-timestamp or webhook-signature; webhook-id is Herald's on every scheme (duplicates).
    expect(Object.keys(request.headers).filter((h) => h.startsWith('webhook-'))).toEqual(['webhook-id']);
    expect(request.headers['svix-id']).toBe(request.headers['webhook-id']);
    expect(() => new Webhook(secret).verify(request.body!, request.headers)).not.toThrow();
    expect(() => verifySignature({ scheme: 'svix' }, secret, { headers: request.headers, body: request.body })).not.toThrow();
    expect(() => verifySignature({ scheme: 'svix' }, secret, { headers: request.headers, body: `${request.body} ` })).toThrow(WebhookVerificationError);
  });

  it('takes whsec_ secrets only, and reserves its headers from custom ones', () => {
    expect(validateSecret('svix', 'not-a-whsec-secret')).toMatch(/must start with "whsec_"/);
    expect(validateSecret('svix', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBeNull();
    expect(isReservedHeader('Svix-Signature', { scheme: 'svix' })).toBe(true);
    expect(isReservedHeader('svix-id', { scheme: 'svix' })).toBe(true);
    expect(isReservedHeader('svix-id', { scheme: 'standard-webhooks' })).toBe(false);
  });
});
