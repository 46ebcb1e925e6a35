import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyInstance } from 'fastify';
import { ApiError } from '../../errors/api-errors.js';
import { toErrorBody } from '../error-handler.js';
import { humanMessage } from '../human-validation.js';

// Svix's error shapes, for the Svix routes only (Herald's routes keep `{code, message}`): every
// error is `{code, detail}`, and an invalid request is 422 `{detail: [{loc, msg, type}]}` (Svix's
// HTTPValidationError), which its SDKs surface as ApiException with that body.

interface SvixProblem {
  loc: string[];
  msg: string;
  type: string;
}

/** Installs on the Svix plugin's scope: Fastify keeps an error handler to the plugin that set it. */
export function installSvixErrors(scope: FastifyInstance): void {
  scope.setErrorHandler((error: FastifyError | ApiError | Error, request, reply) => {
    const validation = (error as FastifyError).validation as ErrorObject[] | undefined;
    if (validation) {
      const context = (error as FastifyError).validationContext ?? 'body';
      return reply.status(422).send({ detail: validation.map((e) => schemaProblem(e, context)) });
    }
    const answer = toErrorBody(error);
    // Herald's own checks beyond the schema (a uid shaped like an id, an unknown event type …) are
    // validation errors too; Svix reports those as 422 with the body as the place.
    if (answer.code === 'validation_error') {
      return reply.status(422).send({ detail: [{ loc: ['body'], msg: answer.message, type: 'value_error' }] });
    }
    if (answer.status >= 500 && answer.code !== 'store_unavailable' && answer.code !== 'not_implemented') {
      request.log.error({ err: error }, 'request failed');
    }
    if (answer.code === 'store_unavailable') void reply.header('retry-after', '5');
    return reply.status(answer.status).send({ code: answer.code, detail: answer.message });
  });
}

/** One ajv error as Svix's `{loc, msg, type}`: loc is ["body", "field", "0", …] as Svix writes it. */
function schemaProblem(error: ErrorObject, context: string): SvixProblem {
  const part = context === 'querystring' ? 'query' : context === 'params' ? 'path' : context;
  const segments = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  const extra = (error.params as { additionalProperty?: string }).additionalProperty;
  const loc = [part, ...segments, ...(missing ? [missing] : []), ...(extra ? [extra] : [])];
  const type = error.keyword === 'required' ? 'value_error.missing' : error.keyword === 'type' ? 'type_error' : `value_error.${error.keyword}`;
  return { loc, msg: humanMessage([error], context), type };
}
