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

  for (const [name, value] of Object.entries(endpoint.headers ?? {})) {
    if (!reserved.has(name.toLowerCase())) set(name, value);
  }
  set('user-agent', opts.userAgent);
  if (body !== undefined) set('content-type', 'application/json');
  // Every scheme, not only Standard Webhooks: the id is what lets any receiver drop duplicates.
  set('webhook-id', msg.id);
  const signed = signatureHeaders(endpoint.signature, endpoint.secrets, { msg, timestamp: opts.timestamp, body });
  for (const [name, value] of Object.entries(signed)) set(name, value);

  return { method: endpoint.method, url, headers: Object.fromEntries(byLowerName.values()), body };
}
