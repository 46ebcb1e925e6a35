// The one registry of API errors: each has a stable `code` clients can switch on and an HTTP status.
// It sits below every layer (as Fastify keeps lib/errors.js) so a service can refuse a request with
// the right code without importing from api/; the API's error handler maps each code to its status.
export const API_ERRORS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  validation_error: 400,
  invalid_json: 400,
  invalid_url: 400,
  insecure_url: 400,
  destination_blocked: 400,
  invalid_secret: 400,
  invalid_wire_config: 400,
  invalid_tls: 400,
  conflict: 409,
  endpoint_unreadable: 409,
  unsupported_media_type: 415,
  /** A logo whose bytes are not the image its content-type names (or not an accepted image at all). */
  invalid_image: 400,
  payload_too_large: 413,
  request_timeout: 408,
  rate_limited: 429,
  headers_too_large: 431,
  internal_error: 500,
  store_unavailable: 503,
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

export class ApiError extends Error {
  readonly statusCode: number;
  constructor(readonly code: ApiErrorCode, message: string, readonly details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = API_ERRORS[code];
  }
}

export const notFound = (what: string, id: string) => new ApiError('not_found', `${what} "${id}" not found`);
