import type { FastifyError, FastifyInstance } from 'fastify';
import { EndpointUnreadableError, isStoreUnavailable, StoreConflictError } from '../store/errors.js';
import { API_ERRORS, ApiError, type ApiErrorCode } from './errors.js';

/** Turns every failure into `{code, message}` with the right status; nothing reaches the client as a stack. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError | Error, request, reply) => {
    const body = toErrorBody(error);
    if (body.status >= 500 && body.code !== 'store_unavailable') request.log.error({ err: error }, 'request failed');
    else if (body.code === 'store_unavailable') request.log.warn({ err: error }, 'store unavailable');
    if (body.code === 'store_unavailable') void reply.header('retry-after', '5');
    void reply.status(body.status).send({ code: body.code, message: body.message, ...(body.details ? { details: body.details } : {}) });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ code: 'not_found', message: `no route for ${request.method} ${request.url.split('?')[0]}` });
  });
}

function toErrorBody(error: Error & { code?: string; statusCode?: number; validation?: unknown[]; validationContext?: string }) {
  if (error instanceof ApiError) return { status: error.statusCode, code: error.code, message: error.message, details: error.details };
  if (error instanceof StoreConflictError) return { status: 409, code: 'conflict', message: error.message };
  // A damaged endpoint row (a value that cannot be decrypted): a clear answer, not an internal error.
  if (error instanceof EndpointUnreadableError) return { status: 409, code: 'endpoint_unreadable', message: error.message };
  if (isStoreUnavailable(error)) {
    return { status: 503, code: 'store_unavailable', message: 'the database is unreachable right now; nothing was stored, retry shortly' };
  }
  if (error.validation) {
    return { status: 400, code: 'validation_error', message: error.message, details: error.validation };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'payload_too_large', message: error.message };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'unsupported_media_type', message: 'send JSON with content-type: application/json' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, code: 'invalid_json', message: error.message };
  }
  if (error instanceof SyntaxError) return { status: 400, code: 'invalid_json', message: `request body is not valid JSON: ${error.message}` };
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // A library's own 4xx (e.g. @fastify/static's 403 for a path with %00): keep its status when the
    // registry has a code for it, so `code` and status never disagree; otherwise a plain 400.
    const code = codeForStatus(status);
    return code ? { status, code, message: error.message } : { status: 400, code: 'validation_error' as const, message: error.message };
  }
  return { status: 500, code: 'internal_error', message: 'internal error; the details are in the server log' };
}

/** The first registry code with this status (for 400: validation_error, the general one). */
function codeForStatus(status: number): ApiErrorCode | undefined {
  return (Object.keys(API_ERRORS) as ApiErrorCode[]).find((code) => API_ERRORS[code] === status);
}
