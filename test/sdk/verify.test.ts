import { describe, expect, it } from 'vitest';
import { verify, WebhookVerificationError, type VerifyWebhookOptions } from '../../src/sdk/verify.js';
import { SCHEME_CASES, schemeOptions, signedRequest, TS } from './signed-request.js';

function reasonOf(options: VerifyWebhookOptions): string {
  try {
    verify(options);
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookVerificationError);
    return (err as WebhookVerificationError).reason;
  }
  throw new Error('expected verify to throw');
}

describe.each(SCHEME_CASES)('verify(): $name', (c) => {
  const req = signedRequest(c);
  const options = (changes: Partial<VerifyWebhookOptions> = {}): VerifyWebhookOptions => ({
    ...schemeOptions(c),
    secret: req.secret,
    headers: req.headers,
    body: req.body,
    method: req.method,
    url: req.path,
    now: TS,
    ...changes,
  });

  it('returns the payload of a genuine request', () => {
    const payload = verify(options());
    if (c.method === 'GET') expect(payload).toEqual({ eventType: 'CREATE', entityType: 'Agreement', entityId: '25' });
    else expect(payload).toEqual(JSON.parse(req.body!));
  });

  it('rejects a wrong secret, naming the reason', () => {
    const other = signedRequest(c).secret;
    expect(reasonOf(options({ secret: other }))).toBe('signature mismatch');
  });

  it('accepts any one of several secrets (rotation)', () => {
    expect(() => verify(options({ secret: [signedRequest(c).secret, req.secret] }))).not.toThrow();
  });

  if (c.method === 'POST') {
    it('rejects a tampered body, and accepts the body as bytes', () => {
      const tampered = req.body!.replace('25', '26');
      expect(reasonOf(options({ body: tampered }))).toMatch(/signature mismatch|does not match/);
      expect(verify(options({ body: new TextEncoder().encode(req.body!) }))).toEqual(JSON.parse(req.body!));
    });
  } else {
    it('rejects a request for another entity', () => {
      expect(reasonOf(options({ url: req.path.replace('/25', '/26') }))).toBe('signature mismatch');
    });
  }
});

describe('verify(): timestamps', () => {
  const timestamped = SCHEME_CASES.filter((c) => ['standard-webhooks', 'timestamped', 'stripe'].includes(c.name));

  it.each(timestamped)('$name: accepts up to 5 minutes either way by default, and no more', (c) => {
    const req = signedRequest(c);
    const base = { ...schemeOptions(c), secret: req.secret, headers: req.headers, body: req.body };
    expect(() => verify({ ...base, now: TS + 300 })).not.toThrow();
    expect(() => verify({ ...base, now: TS - 300 })).not.toThrow();
    expect(reasonOf({ ...base, now: TS + 301 })).toBe('timestamp too old (301s, tolerance 300s)');
    expect(reasonOf({ ...base, now: TS - 301 })).toBe('timestamp too new (301s ahead, tolerance 300s)');
    expect(() => verify({ ...base, now: TS + 3600, toleranceSeconds: 3600 })).not.toThrow();
  });

  it('uses the clock when `now` is not given', () => {
    const c = SCHEME_CASES[0]!;
    const fresh = signedRequest(c, undefined, Math.floor(Date.now() / 1000));
    expect(() => verify({ secret: fresh.secret, headers: fresh.headers, body: fresh.body })).not.toThrow();
    const stale = signedRequest(c);
    expect(reasonOf({ secret: stale.secret, headers: stale.headers, body: stale.body })).toMatch(/^timestamp too old/);
  });
});

describe('verify(): request shapes', () => {
  const c = SCHEME_CASES[0]!;
  const req = signedRequest(c);

  it('reads a fetch Headers object (Next.js, Hono) and is case-insensitive', () => {
    const headers = new Headers(Object.entries(req.headers).map(([k, v]) => [k.toUpperCase(), v] as [string, string]));
    expect(verify({ secret: req.secret, headers, body: req.body, now: TS })).toEqual(JSON.parse(req.body!));
  });

  it('names a missing header', () => {
    const { 'webhook-signature': _dropped, ...headers } = req.headers;
    expect(reasonOf({ secret: req.secret, headers, body: req.body, now: TS })).toBe('missing header webhook-signature');
  });

  it('refuses an empty secret list', () => {
    expect(reasonOf({ secret: [], headers: req.headers, body: req.body, now: TS })).toBe('no secret configured');
  });
});
