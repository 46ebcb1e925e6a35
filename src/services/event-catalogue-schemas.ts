import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { ApiError, type SchemaProblem } from '../errors/api-errors.js';

// JSON Schema 2020-12 for event types' `data` (docs/event-catalogue.md), with ajv. Schemas come from
// the admin (or an imported OpenAPI document), so unknown keywords such as OpenAPI's `example` are
// allowed (strict: false), while a schema that breaks the 2020-12 meta-schema, or that ajv cannot
// compile (a $ref it cannot resolve, a pattern that is not a regular expression), is refused.
// Formats ajv-formats does not know are not checked; ajv's logger is off so that is not written to
// the console per schema.

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';
/** At most this many problems are reported per value: enough to fix it, not a flood. */
const MAX_PROBLEMS = 20;

const newAjv = () => addFormats(new Ajv2020({ strict: false, allErrors: true, validateSchema: true, logger: false }));
/** Only used to check schemas against the meta-schema; each schema compiles in an Ajv of its own. */
const metaChecker = newAjv();

/** Throws a 400 `invalid_schema` saying what is wrong with `schema`. */
export function checkSchema(schema: Record<string, unknown>): void {
  const declared = schema.$schema;
  if (declared !== undefined && declared !== DRAFT_2020_12 && declared !== `${DRAFT_2020_12}#`) {
    throw new ApiError('invalid_schema', `schema: "$schema" must be ${DRAFT_2020_12} (JSON Schema 2020-12) or left out; it is ${JSON.stringify(declared)}`);
  }
  if (!metaChecker.validateSchema(schema)) {
    const text = metaChecker.errorsText(metaChecker.errors, { dataVar: 'schema', separator: '; ' });
    throw new ApiError('invalid_schema', `schema is not a valid JSON Schema 2020-12: ${text}`);
  }
  compileSchema(schema);
}

/**
 * A validate function for `schema`. Each schema gets its own Ajv instance, so two event types
 * declaring the same `$id` cannot collide; compiling happens when a type is written or its
 * revision changes, never per message.
 */
export function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  try {
    return newAjv().compile(schema);
  } catch (err) {
    throw new ApiError('invalid_schema', `schema cannot be compiled: ${(err as Error).message}`);
  }
}

/** What in `data` fails `validate`, as JSON Pointers into `data`; empty when it matches. */
export function schemaProblems(validate: ValidateFunction, data: unknown): SchemaProblem[] {
  if (validate(data)) return [];
  return (validate.errors ?? []).slice(0, MAX_PROBLEMS).map(problem);
}

const pointerToken = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * ajv's instancePath is a JSON Pointer to the value that failed. A missing or unexpected property
 * points at the property itself (`/member/email`), where the person fixing the data will look.
 */
function problem(error: ErrorObject): SchemaProblem {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') {
    return { path: `${error.instancePath}/${pointerToken(String(params.missingProperty))}`, message: 'is required' };
  }
  if (error.keyword === 'additionalProperties' || error.keyword === 'unevaluatedProperties') {
    const key = String(params.additionalProperty ?? params.unevaluatedProperty);
    return { path: `${error.instancePath}/${pointerToken(key)}`, message: 'is not an allowed property' };
  }
  return { path: error.instancePath, message: error.message ?? `fails "${error.keyword}"` };
}
