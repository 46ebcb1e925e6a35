/** Hop-by-hop and length headers belong to the first connection; fetch sets its own. */
const NOT_FORWARDED = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'proxy-connection', 'te', 'trailer']);

export interface ForwardResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * The URL a received request is forwarded to: the target plus the received path and query, so an
 * `entity-ref` GET keeps its `/{eventType}/{entityType}/{entityId}` (which its signature covers).
 * A request to `/` goes to the target URL itself.
 */
export function forwardUrl(target: string, receivedPath: string): string {
  const base = new URL(target);
  const received = new URL(receivedPath, 'http://listener.invalid');
  if (received.pathname !== '/') base.pathname = base.pathname.replace(/\/+$/, '') + received.pathname;
  for (const [key, value] of received.searchParams) base.searchParams.append(key, value);
  return base.toString();
}

/** Replays the request byte for byte (signatures stay valid) and returns the target's answer. */
export async function forwardRequest(
  target: string,
  req: { method: string; path: string; headers: Record<string, string | string[] | undefined>; body: Buffer },
): Promise<ForwardResult> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || NOT_FORWARDED.has(name.toLowerCase())) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const res = await fetch(forwardUrl(target, req.path), {
    method: req.method,
    headers,
    body: req.method === 'GET' || req.method === 'HEAD' || req.body.length === 0 ? undefined : req.body,
    // Herald itself treats a 3xx as a failure; show it rather than hide it by following.
    redirect: 'manual',
    signal: AbortSignal.timeout(30_000),
  });
  const responseHeaders: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!NOT_FORWARDED.has(name) && name !== 'content-encoding') responseHeaders[name] = value;
  });
  return { status: res.status, headers: responseHeaders, body: Buffer.from(await res.arrayBuffer()) };
}
