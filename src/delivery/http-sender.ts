import { request, type Dispatcher } from 'undici';
import type { RenderedRequest } from '../wire/index.js';
import type { SendResult } from './attempt-outcome.js';
import { describeTlsFailure } from './tls-failure.js';

/** Attempts keep at most this much of a response body: enough to debug, bounded for hostile receivers. */
export const MAX_RECORDED_BODY = 64 * 1024;

export async function sendRequest(
  req: RenderedRequest,
  dispatcher: Dispatcher,
  timeoutMs: number,
  abort?: AbortSignal,
): Promise<SendResult> {
  const started = performance.now();
  // One deadline for connect + headers + body, as endpoints configure a single timeout. A plain
  // controller and timer: AbortSignal.timeout() and AbortSignal.any() cost several times more per
  // request (weak references, a finalizer), which showed in the delivery thread's profile.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = () => controller.abort();
  abort?.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      dispatcher,
      signal: controller.signal,
    });
    const body = await readCapped(res.body, MAX_RECORDED_BODY);
    return {
      status: res.statusCode,
      headers: flattenHeaders(res.headers),
      body,
      error: null,
      durationMs: Math.round(performance.now() - started),
    };
  } catch (err) {
    return {
      status: null,
      headers: {},
      body: null,
      error: timedOut ? `timed out after ${timeoutMs} ms` : (describeTlsFailure(err) ?? describeError(err)),
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    clearTimeout(timer);
    abort?.removeEventListener('abort', onAbort);
  }
}

/** The body as text, at most `limit` bytes; a bigger one is cut off and its connection dropped. */
function readCapped(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
  // Events rather than `for await`: an async iterator per response cost more than the read itself.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).subarray(0, limit).toString('utf8'));
    body.on('data', (chunk: Buffer) => {
      if (size >= limit) return;
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) {
        // Stop reading a huge answer: the connection is dropped rather than drained.
        body.off('end', done);
        body.destroy();
        resolve(Buffer.concat(chunks).subarray(0, limit).toString('utf8'));
      }
    });
    body.once('end', done);
    body.once('error', reject);
  });
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** The most specific message in an error's cause chain (undici wraps the socket error). */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as { message?: string; code?: string; cause?: unknown };
    if (e.message) parts.push(e.code ? `${e.message} (${e.code})` : e.message);
    current = e.cause;
  }
  return parts.length ? parts[parts.length - 1]! : String(err);
}
