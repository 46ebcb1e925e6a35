import { generateSecret, renderRequest, type PayloadFormat, type SignatureConfig } from '../../src/wire/index.js';

export const TS = 1_700_000_000;

export interface SchemeCase {
  name: string;
  method: 'POST' | 'GET';
  payloadFormat: PayloadFormat;
  signature: SignatureConfig;
}

/** One case per signature scheme, each with the payload format its receivers use. */
export const SCHEME_CASES: SchemeCase[] = [
  { name: 'standard-webhooks', method: 'POST', payloadFormat: 'standard', signature: { scheme: 'standard-webhooks' } },
  { name: 'timestamped', method: 'POST', payloadFormat: 'event', signature: { scheme: 'timestamped' } },
  { name: 'hmac-sha256', method: 'POST', payloadFormat: 'raw', signature: { scheme: 'hmac-sha256', header: 'x-hub-signature-256', prefix: 'sha256=' } },
  { name: 'stripe', method: 'POST', payloadFormat: 'standard', signature: { scheme: 'stripe' } },
  { name: 'entity-path POST', method: 'POST', payloadFormat: 'entity-ref', signature: { scheme: 'entity-path' } },
  { name: 'entity-path GET', method: 'GET', payloadFormat: 'entity-ref', signature: { scheme: 'entity-path' } },
];

/** A request exactly as Herald would send it for this case, as a receiver sees it (path, not URL). */
export function signedRequest(c: SchemeCase, secret = generateSecret(c.signature.scheme), timestamp = TS) {
  const rendered = renderRequest(
    { id: 'msg_2b7Yq1', eventType: 'CREATE', createdAt: '2024-01-01T00:00:00.000Z', dataJson: '{"name":"Lease","n":25}', entity: { type: 'Agreement', id: 25 } },
    { url: 'http://receiver.test/hooks', method: c.method, payloadFormat: c.payloadFormat, signature: c.signature, secrets: [secret] },
    { timestamp, userAgent: 'Herald/test' },
  );
  const url = new URL(rendered.url);
  return { secret, method: rendered.method, path: url.pathname + url.search, headers: rendered.headers, body: rendered.body };
}

/** The options `verify` needs for this case's scheme. */
export const schemeOptions = (c: SchemeCase) => ({ scheme: c.signature.scheme, header: c.signature.header, prefix: c.signature.prefix });
