import type { HttpMethod, RenderedRequest, SignatureConfig } from '../../wire/index.js';
import { customHeaderProblem, reservedHeaderNames } from '../../wire/reserved-headers.js';
import { TransformationError } from './transformation-error.js';

// What a transformation sees and what it may change (docs/transformations.md). It gets the request
// as drafted, before signing: method, URL, headers, payload (the parsed JSON body, or the body as a
// string when it is not JSON) and eventType. It may change the method, the URL's path and query,
// custom headers and the payload, or cancel the delivery. The scheme, host and port stay the
// endpoint's (its URL passed the destination checks; its TLS settings belong to that origin), and
// Herald's own headers (signature, webhook-id, content-type, user-agent, …) stay Herald's.

export const TRANSFORM_METHODS: readonly HttpMethod[] = ['POST', 'PUT', 'PATCH', 'DELETE', 'GET'];

export interface WebhookInput {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload: unknown;
  eventType: string;
}

export type TransformResult = { cancel: false; request: RenderedRequest } | { cancel: true; request: RenderedRequest };

/** The webhook object handed to `handler`, and the payload's JSON as parsed (to spot "unchanged"). */
export function webhookInput(draft: RenderedRequest, eventType: string): { input: WebhookInput; payloadJson: string | null } {
  let payload: unknown = null;
  let payloadJson: string | null = null;
  if (draft.body !== undefined) {
    try {
      payload = JSON.parse(draft.body);
      payloadJson = JSON.stringify(payload);
    } catch {
      payload = draft.body;
    }
  }
  return { input: { method: draft.method, url: draft.url, headers: { ...draft.headers }, payload, eventType }, payloadJson };
}

const fail = (text: string): never => {
  throw new TransformationError(text);
};

/** The request the handler's result describes, checked against what a transformation may change. */
export function transformedRequest(
  outputJson: string,
  draft: RenderedRequest,
  payloadJson: string | null,
  signature: SignatureConfig,
): TransformResult {
  const out = JSON.parse(outputJson) as unknown;
  if (out === null || typeof out !== 'object' || Array.isArray(out)) {
    fail(`handler returned ${outputJson.slice(0, 100)}: it must return the webhook object`);
  }
  const w = out as Record<string, unknown>;
  const method = checkMethod(w.method);
  const url = checkUrl(w.url, draft.url);
  const body = method === 'GET' ? undefined : bodyOf(w, draft, payloadJson);
  const headers = checkHeaders(w.headers, draft, signature, body !== undefined);
  return { cancel: w.cancel === true, request: { method, url, headers, body } };
}

function checkMethod(value: unknown): HttpMethod {
  const method = typeof value === 'string' ? value.toUpperCase() : value;
  if (!TRANSFORM_METHODS.includes(method as HttpMethod)) {
    fail(`webhook.method ${JSON.stringify(value)} is not one of ${TRANSFORM_METHODS.join(', ')}`);
  }
  return method as HttpMethod;
}

function checkUrl(value: unknown, original: string): string {
  if (value === original) return original;
  if (typeof value !== 'string') return fail('webhook.url must be a string');
  let next: URL;
  try {
    next = new URL(value);
  } catch {
    return fail(`webhook.url ${JSON.stringify(value.slice(0, 200))} is not an absolute URL`);
  }
  const before = new URL(original);
  if (next.origin !== before.origin || next.username !== before.username || next.password !== before.password) {
    fail(`webhook.url may change only the path and query: keep ${before.origin} (the endpoint's scheme, host and port)`);
  }
  return next.href.replace(/#.*$/, '');
}

function bodyOf(w: Record<string, unknown>, draft: RenderedRequest, payloadJson: string | null): string {
  if (!('payload' in w)) return fail('webhook.payload is missing: return the webhook with its payload (or set method "GET")');
  if (typeof w.payload === 'string') return w.payload;
  const json = JSON.stringify(w.payload);
  // Unchanged: send the body as rendered, so numbers and escapes keep their spelling (`raw`
  // promises the published bytes; a parse and a stringify would turn 1.0 into 1).
  if (json === payloadJson && draft.body !== undefined) return draft.body;
  return json;
}

function checkHeaders(value: unknown, draft: RenderedRequest, signature: SignatureConfig, hasBody: boolean): Record<string, string> {
  if (value === undefined || value === null) value = {};
  if (typeof value !== 'object' || Array.isArray(value)) return fail('webhook.headers must be an object of header names to strings');
  const reserved = reservedHeaderNames(signature);
  const drafted = new Map(Object.entries(draft.headers).map(([name, v]) => [name.toLowerCase(), v]));
  const byLowerName = new Map<string, [string, string]>();
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') fail(`webhook.headers[${JSON.stringify(name)}] must be a string`);
    const lower = name.toLowerCase();
    if (reserved.has(lower)) {
      // Left as it was (the handler returned the headers it was given): fine; changed: refused.
      if (drafted.get(lower) === v) continue;
      fail(`webhook.headers[${JSON.stringify(name)}] is set by Herald and cannot be changed by a transformation`);
    }
    const problem = customHeaderProblem(name, v as string, signature);
    if (problem) fail(`webhook.headers[${JSON.stringify(name)}] ${problem}`);
    byLowerName.set(lower, [name, v as string]);
  }
  // Herald's own headers, whatever the handler did with them; content-type only with a body.
  for (const [name, v] of Object.entries(draft.headers)) {
    const lower = name.toLowerCase();
    if (!reserved.has(lower) || lower === 'content-type') continue;
    byLowerName.set(lower, [name, v]);
  }
  if (hasBody) byLowerName.set('content-type', ['content-type', 'application/json']);
  return Object.fromEntries(byLowerName.values());
}
