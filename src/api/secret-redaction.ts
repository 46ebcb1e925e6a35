import type { FastifyInstance } from 'fastify';

// What a named viewer or operator token never sees (docs/operators.md): an endpoint's custom header
// and query values (Herald seals them at rest as secrets: they often carry the receiver's own API
// key), and those same values in recorded attempts. Signing secrets are refused outright by the
// routes' role (GET …/secret is admin only). Applied to answers, by shape, so every route that
// shows endpoints or attempts is covered, lists included.

export const HIDDEN = '(hidden: admin only)';
/** Headers Herald itself sets on a delivery: no secret in them (the signature proves, it does not reveal). */
const HERALD_HEADERS = new Set(['content-type', 'content-length', 'user-agent', 'webhook-id', 'webhook-timestamp', 'webhook-signature']);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function installSecretRedaction(app: FastifyInstance): void {
  app.addHook('preSerialization', async (request, _reply, payload) => {
    const p = request.principal;
    if (!p || p.kind !== 'admin' || p.role === 'admin' || !isObj(payload)) return payload;
    redact(payload);
    if (Array.isArray(payload.data)) for (const item of payload.data) if (isObj(item)) redact(item);
    return payload;
  });
}

function redact(value: Obj): void {
  // An endpoint (serializers.ts endpointJson).
  if ('signature' in value && 'payloadFormat' in value) {
    if (isObj(value.headers)) value.headers = hideAll(value.headers);
    if (isObj(value.query)) value.query = hideAll(value.query);
  }
  // An attempt (serializers.ts attemptJson): the request as sent.
  if ('deliveryId' in value && isObj(value.request)) {
    const request = { ...value.request };
    if (isObj(request.headers)) {
      request.headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, HERALD_HEADERS.has(k.toLowerCase()) ? v : HIDDEN]));
    }
    if (typeof request.url === 'string') request.url = hideQuery(request.url);
    value.request = request;
  }
}

const hideAll = (map: Obj): Obj => Object.fromEntries(Object.keys(map).map((k) => [k, HIDDEN]));

function hideQuery(url: string): string {
  try {
    const parsed = new URL(url);
    for (const key of [...new Set(parsed.searchParams.keys())]) parsed.searchParams.set(key, 'hidden');
    return parsed.toString();
  } catch {
    return url;
  }
}
