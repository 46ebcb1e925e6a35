import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  defaultSignatureHeader,
  generateSecret,
  PAYLOAD_FORMATS,
  SIGNATURE_SCHEMES,
  validateSecret,
  validateWireConfig,
} from '../../../src/wire/index.js';

const whsec = (bytes: number) => `whsec_${randomBytes(bytes).toString('base64')}`;

describe('validateWireConfig', () => {
  it('accepts the combinations the seeds use', () => {
    const valid = [
      { method: 'POST', payloadFormat: 'standard', signature: { scheme: 'standard-webhooks' } },
      { method: 'POST', payloadFormat: 'event', signature: { scheme: 'timestamped' } },
      { method: 'POST', payloadFormat: 'raw', signature: { scheme: 'hmac-sha256', header: 'x-peopleforce-signature', prefix: 'sha256=' } },
      { method: 'POST', payloadFormat: 'raw', signature: { scheme: 'hmac-sha256', header: 'X-Signature' } },
      { method: 'POST', payloadFormat: 'raw', signature: { scheme: 'none' } },
      { method: 'POST', payloadFormat: 'standard', signature: { scheme: 'stripe' } },
      { method: 'POST', payloadFormat: 'entity-ref', signature: { scheme: 'entity-path' } },
      { method: 'GET', payloadFormat: 'entity-ref', signature: { scheme: 'entity-path', header: 'x-eptura-signature' } },
      { method: 'GET', payloadFormat: 'entity-ref', signature: { scheme: 'none' } },
    ] as const;
    for (const cfg of valid) expect(validateWireConfig(cfg), JSON.stringify(cfg)).toBeNull();
  });

  it('GET only with entity-ref', () => {
    expect(validateWireConfig({ method: 'GET', payloadFormat: 'standard', signature: { scheme: 'none' } })).toBe(
      'method GET requires payloadFormat "entity-ref"',
    );
  });

  it('entity-path only with entity-ref', () => {
    expect(validateWireConfig({ method: 'POST', payloadFormat: 'raw', signature: { scheme: 'entity-path' } })).toBe(
      'signature scheme "entity-path" requires payloadFormat "entity-ref"',
    );
  });

  it('GET with a scheme that signs the (absent) body', () => {
    for (const scheme of ['standard-webhooks', 'timestamped', 'hmac-sha256', 'stripe'] as const) {
      expect(validateWireConfig({ method: 'GET', payloadFormat: 'entity-ref', signature: { scheme } })).toMatch(
        /signs the request body, which a GET request does not have/,
      );
    }
  });

  it('unknown method, format or scheme', () => {
    const base = { method: 'POST', payloadFormat: 'standard', signature: { scheme: 'none' } } as const;
    expect(validateWireConfig({ ...base, method: 'PUT' as 'POST' })).toBe('method must be "POST" or "GET"');
    expect(validateWireConfig({ ...base, payloadFormat: 'xml' as 'raw' })).toBe('unknown payloadFormat "xml"');
    expect(validateWireConfig({ ...base, signature: { scheme: 'md5' as 'none' } })).toBe('unknown signature scheme "md5"');
  });

  it('header names only where the scheme lets them vary, and valid and unreserved', () => {
    const post = (signature: object) => validateWireConfig({ method: 'POST', payloadFormat: 'standard', signature } as never);
    expect(post({ scheme: 'stripe', header: 'x-stripe' })).toBe('signature scheme "stripe" does not allow a custom header name');
    expect(post({ scheme: 'standard-webhooks', header: 'x-sig' })).toBe(
      'signature scheme "standard-webhooks" does not allow a custom header name',
    );
    expect(post({ scheme: 'hmac-sha256', header: 'x sig' })).toBe('signature header "x sig" is not a valid HTTP header name');
    expect(post({ scheme: 'hmac-sha256', header: 'Content-Type' })).toBe('signature header "Content-Type" is reserved');
    expect(post({ scheme: 'timestamped', header: 'webhook-id' })).toBe('signature header "webhook-id" is reserved');
  });

  it('prefix only for hmac-sha256, and printable', () => {
    const post = (signature: object) => validateWireConfig({ method: 'POST', payloadFormat: 'standard', signature } as never);
    expect(post({ scheme: 'timestamped', prefix: 'sha256=' })).toBe('signature scheme "timestamped" does not allow a prefix');
    expect(post({ scheme: 'hmac-sha256', prefix: 'sha256=\r\nx-evil: 1' })).toMatch(/prefix must be/);
  });

  it('custom headers, when given, must be valid and not reserved', () => {
    const cfg = (headers: Record<string, string>) =>
      validateWireConfig({ method: 'POST', payloadFormat: 'standard', signature: { scheme: 'stripe' }, headers });
    expect(cfg({ 'X-Tenant': 'acme' })).toBeNull();
    expect(cfg({ 'Webhook-Id': 'x' })).toBe('header "Webhook-Id" is reserved and set by Herald');
    expect(cfg({ 'Stripe-Signature': 'x' })).toBe('header "Stripe-Signature" is reserved and set by Herald');
    expect(cfg({ 'bad name': 'x' })).toBe('header "bad name" is not a valid HTTP header name');
    expect(cfg({ 'X-Tenant': 'a\r\nb' })).toBe('header "X-Tenant" has a value with control characters');
  });
});

describe('validateSecret', () => {
  it('standard-webhooks: whsec_ + base64 of 24 to 64 bytes', () => {
    expect(validateSecret('standard-webhooks', whsec(23))).toMatch(/24 to 64 bytes, got 23/);
    expect(validateSecret('standard-webhooks', whsec(24))).toBeNull();
    expect(validateSecret('standard-webhooks', whsec(64))).toBeNull();
    expect(validateSecret('standard-webhooks', whsec(65))).toMatch(/24 to 64 bytes, got 65/);
    expect(validateSecret('standard-webhooks', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toBeNull();
  });

  it('standard-webhooks: prefix and strict base64', () => {
    expect(validateSecret('standard-webhooks', randomBytes(32).toString('base64'))).toMatch(/must start with "whsec_"/);
    expect(validateSecret('standard-webhooks', `${whsec(32)}!`)).toMatch(/valid base64/);
    expect(validateSecret('standard-webhooks', whsec(32).replace(/=+$/, ''))).toMatch(/valid base64/);
  });

  it('other schemes: any string of 8 to 256 characters', () => {
    for (const scheme of ['timestamped', 'hmac-sha256', 'stripe', 'entity-path'] as const) {
      expect(validateSecret(scheme, 'x'.repeat(7))).toMatch(/8 to 256 characters, got 7/);
      expect(validateSecret(scheme, 'x'.repeat(8))).toBeNull();
      expect(validateSecret(scheme, 'x'.repeat(256))).toBeNull();
      expect(validateSecret(scheme, 'x'.repeat(257))).toMatch(/got 257/);
    }
    // Characters, not UTF-16 units: 8 emoji are 8 characters.
    expect(validateSecret('hmac-sha256', '🔑'.repeat(8))).toBeNull();
    expect(validateSecret('entity-path', 'mySecret')).toBeNull();
  });

  it('none accepts any secret or none', () => {
    expect(validateSecret('none', '')).toBeNull();
    expect(validateSecret('none', 'x')).toBeNull();
  });
});

describe('generateSecret', () => {
  it('produces a secret every scheme accepts, different each time', () => {
    for (const scheme of SIGNATURE_SCHEMES) {
      const secret = generateSecret(scheme);
      expect(validateSecret(scheme, secret)).toBeNull();
      expect(generateSecret(scheme)).not.toBe(secret);
    }
  });

  it('standard-webhooks and none: whsec_ + 32 random bytes, so none can switch to standard-webhooks', () => {
    for (const scheme of ['standard-webhooks', 'none'] as const) {
      const secret = generateSecret(scheme);
      expect(secret.startsWith('whsec_')).toBe(true);
      expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
      expect(validateSecret('standard-webhooks', secret)).toBeNull();
    }
  });

  it('other schemes: URL-safe, at least 32 characters', () => {
    for (const scheme of ['timestamped', 'hmac-sha256', 'stripe', 'entity-path'] as const) {
      expect(generateSecret(scheme)).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    }
  });
});

describe('scheme and format lists', () => {
  it('default signature headers follow the spec table', () => {
    expect(defaultSignatureHeader('standard-webhooks')).toBe('webhook-signature');
    expect(defaultSignatureHeader('timestamped')).toBe('officernd-signature');
    expect(defaultSignatureHeader('hmac-sha256')).toBe('x-signature');
    expect(defaultSignatureHeader('stripe')).toBe('stripe-signature');
    expect(defaultSignatureHeader('entity-path')).toBe('x-ioffice-signature');
    expect(defaultSignatureHeader('none')).toBeNull();
  });

  it('lists every scheme and format', () => {
    expect([...SIGNATURE_SCHEMES].sort()).toEqual(['entity-path', 'hmac-sha256', 'none', 'standard-webhooks', 'stripe', 'svix', 'timestamped']);
    expect([...PAYLOAD_FORMATS].sort()).toEqual(['entity-ref', 'event', 'raw', 'standard']);
    expect(Object.isFrozen(SIGNATURE_SCHEMES) && Object.isFrozen(PAYLOAD_FORMATS)).toBe(true);
  });
});
