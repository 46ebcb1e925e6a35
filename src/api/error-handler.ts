import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyInstance } from 'fastify';
import { humanProblems } from './human-validation.js';
import { EndpointUnreadableError, isStoreUnavailable, StoreConflictError } from '../store/errors.js';
import { API_ERRORS, ApiError, type ApiErrorCode } from '../errors/api-errors.js';

/** Turns every failure into `{code, message}` with the right status; nothing reaches the client as a stack. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError | Error, request, reply) => {
    const answer = toErrorBody(error);
    if (answer.status >= 500 && answer.code !== 'store_unavailable') request.log.error({ err: error }, 'request failed');
    else if (answer.code === 'store_unavailable') request.log.warn({ err: error }, 'store unavailable');
    if (answer.code === 'store_unavailable') void reply.header('retry-after', '5');
    void reply.status(answer.status).send({
      ...(error instanceof ApiError ? error.fields : undefined),
      code: answer.code, message: answer.message, ...(answer.details ? { details: answer.details } : {}),
    });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(API_ERRORS.not_found).send({ code: 'not_found', message: `no route for ${request.method} ${request.url.split('?')[0]}` });
  });
}

export interface ErrorBody {
  status: number;
  code: ApiErrorCode;
  message: string;
  details?: unknown;
}

/** A body whose status is the registry's for `code`, so the two can never disagree. */
const body = (code: ApiErrorCode, message: string, details?: unknown): ErrorBody =>
  ({ status: API_ERRORS[code], code, message, ...(details === undefined ? {} : { details }) });

export function toErrorBody(error: Error & { code?: string; statusCode?: number; validation?: unknown[]; validationContext?: string }): ErrorBody {
  if (error instanceof ApiError) return body(error.code, error.message, error.details);
  if (error instanceof StoreConflictError) return body('conflict', error.message);
  // A damaged endpoint row (a value that cannot be decrypted): a clear answer, not an internal error.
  if (error instanceof EndpointUnreadableError) return body('endpoint_unreadable', error.message);
  if (isStoreUnavailable(error)) {
    return body('store_unavailable', 'the database is unreachable right now; nothing was stored, retry shortly');
  }
  // details: each field's problem in words (human-validation.ts), not ajv's raw error objects.
  if (error.validation) {
    return body('validation_error', error.message, humanProblems(error.validation as ErrorObject[], error.validationContext ?? 'body'));
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return body('payload_too_large', error.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return body('unsupported_media_type', 'send JSON with content-type: application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return body('invalid_json', error.message);
  }
  if (error instanceof SyntaxError) return body('invalid_json', `request body is not valid JSON: ${error.message}`);
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // A library's own 4xx (e.g. @fastify/static's 403 for a path with %00): keep its status when the
    // registry has a code for it, so `code` and status never disagree; otherwise a plain 400.
    const code = codeForStatus(status);
    return body(code ?? 'validation_error', error.message);
  }
  return body('internal_error', 'internal error; the details are in the server log');
}

/** The first registry code with this status (for 400: bad_request, the first listed). */
function codeForStatus(status: number): ApiErrorCode | undefined {
  return (Object.keys(API_ERRORS) as ApiErrorCode[]).find((code) => API_ERRORS[code] === status);
}
