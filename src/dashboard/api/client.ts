import type { Session } from './session';

/** An error answer of the API (`{code, message}`), or a network failure (status 0). */
export class ApiRequestError extends Error {
  /** `errors`: the answer's list of problems, when it has one (schema_mismatch, invalid_example). */
  constructor(readonly status: number, readonly code: string, message: string, readonly errors?: unknown[]) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

export type Query = Record<string, string | number | undefined>;

/**
 * The dashboard's only door to Herald: the public API with the session's token, same origin.
 * `onUnauthorized` lets the shell send the user back to the login screen when the token is
 * refused (a revoked token, an expired portal link).
 */
export class ApiClient {
  constructor(private readonly session: Session, private readonly onUnauthorized: (message: string) => void) {}

  get isAdmin(): boolean {
    return this.session.kind === 'admin';
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, undefined, query);
  }

  /** The answer's JSON text as sent, for values JSON.parse would change (a message's data). */
  getText(path: string): Promise<string> {
    return this.request<string>('GET', path, undefined, undefined, true);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  /** JSON, or a file sent as its raw bytes with its own content-type (a portal logo). */
  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  delete(path: string): Promise<void> {
    return this.request<void>('DELETE', path);
  }

  async request<T>(method: string, path: string, body?: unknown, query?: Query, asText = false): Promise<T> {
    const qs = query ? new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '').map(([k, v]) => [k, String(v)])).toString() : '';
    let res: Response;
    try {
      res = await fetch(`api/v1${path}${qs ? `?${qs}` : ''}`, {
        method,
        headers: {
          authorization: `Bearer ${this.session.token}`,
          ...(body === undefined ? {} : { 'content-type': body instanceof Blob ? body.type : 'application/json' }),
        },
        body: body === undefined ? undefined : body instanceof Blob ? body : JSON.stringify(body),
      });
    } catch (err) {
      throw new ApiRequestError(0, 'network_error', `Herald did not answer: ${(err as Error).message}`);
    }
    const text = await res.text();
    const json = text ? safeParse(text) : null;
    if (res.ok) return (asText ? text : json) as T;
    const error = json as { code?: string; message?: string; errors?: unknown } | null;
    const problems = Array.isArray(error?.errors) ? error.errors : undefined;
    const failure = new ApiRequestError(res.status, error?.code ?? 'http_error', error?.message ?? `HTTP ${res.status}`, problems);
    if (res.status === 401) this.onUnauthorized(failure.message);
    throw failure;
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 200) };
  }
}

/** Path segment: ids are safe, but event types and entity ids are user text. */
export const seg = (s: string) => encodeURIComponent(s);
