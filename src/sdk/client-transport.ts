import { stringifyWithRawJson } from '../wire/raw-json-text.js';

/** Thrown for every non-2xx answer; `code` is the API's stable error code (see src/errors/api-errors.ts). */
export class HeraldApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HeraldApiError';
  }
}

/**
 * Thrown when Herald could not be reached or did not answer (connection refused, DNS failure,
 * timeout, TLS error): the message names the request (method and URL, never the token) and the cause.
 */
export class HeraldNetworkError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Herald request ${method} ${url} failed: ${reason}`, options);
    this.name = 'HeraldNetworkError';
  }
}

export interface HeraldClientOptions {
  /** Herald's base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** An API token, sent as `Authorization: Bearer <token>`. */
  token: string;
  /** Defaults to the global fetch; pass undici's or a wrapped one for proxies and tests. */
  fetch?: typeof fetch;
  /** Give up on a request after this many ms (a HeraldNetworkError); default: no limit of its own. */
  timeoutMs?: number;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface CallOptions {
  query?: Query;
  body?: unknown;
  /** A body sent as these bytes with this content-type instead of JSON (a logo upload). */
  raw?: { contentType: string; bytes: Uint8Array };
  headers?: Record<string, string>;
}

/** Encodes one path segment; ids are URL-safe today, but uids are user-chosen. */
export const seg = (value: string) => encodeURIComponent(value);

/** The one place that speaks HTTP: every client method is a one-line call through `call`. */
export class Transport {
  private readonly base: string;
  private readonly doFetch: typeof fetch;

  constructor(private readonly options: HeraldClientOptions) {
    if (!options.url) throw new TypeError('Herald client: url is required');
    const parsed = new URL(options.url);
    if (parsed.username || parsed.password) {
      // fetch refuses such URLs anyway; say so now, without repeating the password.
      parsed.username = '';
      parsed.password = '';
      throw new TypeError(`Herald client: the url must not contain a user or password (${parsed.origin}); Herald authenticates with the token option`);
    }
    this.base = options.url.replace(/\/+$/, '');
    this.doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  async call<T>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
    const url = new URL(this.base + path);
    for (const [key, value] of Object.entries(opts.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${this.options.token}`, ...opts.headers };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.raw) headers['content-type'] = opts.raw.contentType;
    const body = opts.raw ? opts.raw.bytes : opts.body === undefined ? undefined : stringifyWithRawJson(opts.body);
    const signal = this.options.timeoutMs === undefined ? undefined : AbortSignal.timeout(this.options.timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await this.doFetch(url, { method, headers, body, signal });
      text = await res.text();
    } catch (err) {
      throw new HeraldNetworkError(method, url.toString(), this.reasonOf(err), { cause: err });
    }
    const parsed = text ? parseJson(text) : undefined;
    if (!res.ok) {
      const err = (parsed ?? {}) as { code?: unknown; message?: unknown; details?: unknown };
      throw new HeraldApiError(
        res.status,
        typeof err.code === 'string' ? err.code : `http_${res.status}`,
        typeof err.message === 'string' ? err.message : `${method} ${path} answered ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
        err.details,
      );
    }
    return parsed as T;
  }

  /** fetch says only "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND…) is in its cause. */
  private reasonOf(err: unknown): string {
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError') && this.options.timeoutMs !== undefined) {
      return `timed out after ${this.options.timeoutMs} ms`;
    }
    const parts: string[] = [];
    for (let e: unknown = err; e instanceof Error && parts.length < 4; e = e.cause) {
      const code = (e as { code?: unknown }).code;
      const text = typeof code === 'string' && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
      if (text && text !== 'fetch failed') parts.push(text);
    }
    return parts.length ? parts.join(': ') : String(err);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
