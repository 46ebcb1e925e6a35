import { validateWireConfig } from './config-validation.js';
import { renderBody } from './payload.js';
import { reservedHeaderNames } from './reserved-headers.js';
import { signatureHeaders } from './signer.js';
import type { RenderedRequest, WireEndpoint, WireMessage } from './types.js';
import { renderUrl } from './url.js';

export interface RenderOptions {
  /** The attempt's Unix time in seconds; a new one per attempt, so retries are not stale replays. */
  timestamp: number;
  /** The full user-agent value, e.g. `Herald/0.1.0`. */
  userAgent: string;
}

/**
 * The complete request for one attempt. The body returned is exactly the string that was signed,
 * so the caller must send it unchanged. Headers are keyed case-insensitively (one entry per name)
 * because HTTP clients merge names that differ only in case, which would corrupt a signature header.
 */
export function renderRequest(msg: WireMessage, endpoint: WireEndpoint, opts: RenderOptions): RenderedRequest {
  // The hot path (no transformation): one header map, signed in place, no intermediate request.
  const { body, url, byLowerName, set } = draftParts(msg, endpoint, opts);
  const signed = signatureHeaders(endpoint.signature, endpoint.secrets, { msg, timestamp: opts.timestamp, body });
  for (const [name, value] of Object.entries(signed)) set(name, value);
  return { method: endpoint.method, url, headers: Object.fromEntries(byLowerName.values()), body };
}

/**
 * The request before it is signed: method, URL, body and every header but the signature's. An
 * endpoint's transformation rewrites this draft, and signRequest then signs what it became, so a
 * signature always covers the bytes sent.
 */
export function draftRequest(msg: WireMessage, endpoint: WireEndpoint, opts: RenderOptions): RenderedRequest {
  const { body, url, byLowerName } = draftParts(msg, endpoint, opts);
  return { method: endpoint.method, url, headers: Object.fromEntries(byLowerName.values()), body };
}

function draftParts(msg: WireMessage, endpoint: WireEndpoint, opts: RenderOptions) {
  // Rendering an invalid combination (say GET with a standard body) would send something no receiver
  // expects. Custom headers are left out of this check: reserved ones are dropped below instead.
  const { method, payloadFormat, signature } = endpoint;
  const invalid = validateWireConfig({ method, payloadFormat, signature });
  if (invalid) throw new Error(`cannot render request: ${invalid}`);

  const body = renderBody(msg, endpoint.payloadFormat, endpoint.method);
  const url = renderUrl(msg, endpoint);
  const reserved = reservedHeaderNames(endpoint.signature);
  const byLowerName = new Map<string, [name: string, value: string]>();
  const set = (name: string, value: string) => byLowerName.set(name.toLowerCase(), [name, value]);

  // The default user-agent first: an endpoint's own `User-Agent` header replaces it (some receivers
  // allow-list the agent the product used before moving to Herald).
  set('user-agent', opts.userAgent);
  for (const [name, value] of Object.entries(endpoint.headers ?? {})) {
    if (!reserved.has(name.toLowerCase())) set(name, value);
  }
  if (body !== undefined) set('content-type', 'application/json');
  // Every scheme, not only Standard Webhooks: the id is what lets any receiver drop duplicates.
  set('webhook-id', msg.id);
  return { body, url, byLowerName, set };
}

/** Adds the signature headers over the (transformed) draft's body, replacing any of the same name in any case. */
export function signRequest(draft: RenderedRequest, msg: WireMessage, endpoint: WireEndpoint, opts: RenderOptions): RenderedRequest {
  const headers = { ...draft.headers };
  const signed = signatureHeaders(endpoint.signature, endpoint.secrets, { msg, timestamp: opts.timestamp, body: draft.body });
  for (const [name, value] of Object.entries(signed)) {
    for (const existing of Object.keys(headers)) if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
    headers[name] = value;
  }
  return { ...draft, headers };
}
