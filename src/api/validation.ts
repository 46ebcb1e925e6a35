import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifySchemaValidationError } from 'fastify';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * Bodies are validated strictly (no type coercion: `"5"` is not a number, unknown fields are
 * errors), while path and query strings are text by nature and are coerced to the schema's types.
 */
export function installValidation(app: FastifyInstance): void {
  const common = { useDefaults: true, removeAdditional: false, strict: false, allErrors: false } as const;
  const bodyAjv = addFormats(new Ajv({ ...common, coerceTypes: false }));
  const textAjv = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object),
  );
  app.setSchemaErrorFormatter((errors, dataVar) => new Error(errors.map((e) => describe(e, dataVar)).join('; ')));
}

function describe(error: FastifySchemaValidationError | ErrorObject, dataVar: string): string {
  const path = `${dataVar}${(error as ErrorObject).instancePath ?? ''}`.replace(/\//g, '.');
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') return `${path} has an unknown field "${String(params.additionalProperty)}"`;
  if (error.keyword === 'required') return `${path} is missing the required field "${String(params.missingProperty)}"`;
  if (error.keyword === 'pattern') return `${path} has an invalid format (must match ${String(params.pattern)})`;
  return `${path} ${error.message ?? 'is invalid'}`;
}
