// The one registry of API errors: each has a stable `code` clients can switch on and an HTTP status.
// It sits below every layer (as Fastify keeps lib/errors.js) so a service can refuse a request with
// the right code without importing from api/; the API's error handler maps each code to its status.
export const API_ERRORS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  /** A named operator token whose role is below what the route needs (docs/operators.md). */
  operator_role_required: 403,
  admin_role_required: 403,
  not_found: 404,
  validation_error: 400,
  invalid_json: 400,
  invalid_url: 400,
  insecure_url: 400,
  destination_blocked: 400,
  invalid_secret: 400,
  invalid_wire_config: 400,
  invalid_tls: 400,
  /** An endpoint's payload filter (CEL) that does not compile or breaks a bound; `position`, `line`, `column` point at it. */
  invalid_filter: 400,
  /** An endpoint's transformation that does not compile, define handler, or is too long; `line` and `column` point at it. */
  invalid_transformation: 400,
  invalid_schema: 400,
  conflict: 409,
  endpoint_unreadable: 409,
  /** requireHttps switched on for an app that still has http:// endpoints (named in the message and `endpoints`). */
  insecure_endpoints: 409,
  unsupported_media_type: 415,
  /** A logo whose bytes are not the image its content-type names (or not an accepted image at all). */
  invalid_image: 400,
  /** A resend of a message whose payload retention already purged: nothing is left to send. */
  message_purged: 410,
  schema_mismatch: 422,
  invalid_example: 422,
  payload_too_large: 413,
  request_timeout: 408,
  rate_limited: 429,
  headers_too_large: 431,
  internal_error: 500,
  /** A route of Svix's API for a feature Herald does not have (streams, connectors …): src/api/svix. */
  not_implemented: 501,
  store_unavailable: 503,
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

export class ApiError extends Error {
  readonly statusCode: number;
  /** Top-level fields of the answer besides code and message, e.g. `errors` of a schema_mismatch. */
  fields?: Record<string, unknown>;
  constructor(readonly code: ApiErrorCode, message: string, readonly details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = API_ERRORS[code];
  }
}

/** One place in a JSON value that failed its schema: a JSON Pointer (RFC 6901; '' is the value itself) and why. */
export interface SchemaProblem {
  path: string;
  message: string;
}

/** An ApiError whose answer lists what failed as `errors` (schema_mismatch, invalid_example). */
export function errorWithList(code: ApiErrorCode, message: string, errors: unknown[]): ApiError {
  const error = new ApiError(code, message);
  error.fields = { errors };
  return error;
}

export const notFound = (what: string, id: string) => new ApiError('not_found', `${what} "${id}" not found`);
