import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { humanMessage } from './human-validation.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * Bodies are validated strictly (no type coercion: `"5"` is not a number, unknown fields are
 * errors), while path and query strings are text by nature and are coerced to the schema's types.
 * Errors are said in words (human-validation.ts), never as ajv's own text.
 */
export function installValidation(app: FastifyInstance): void {
  const common = { useDefaults: true, removeAdditional: false, strict: false, allErrors: false } as const;
  const bodyAjv = addFormats(new Ajv({ ...common, coerceTypes: false }));
  const textAjv = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object),
  );
  app.setSchemaErrorFormatter((errors, dataVar) => new Error(humanMessage(errors as unknown as ErrorObject[], dataVar)));
}
