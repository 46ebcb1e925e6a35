import type { ErrorObject } from 'ajv';
import { EVENT_TYPE_PATTERN, TAG_PATTERN } from '../schemas/bodies.js';

// Schema errors in words a person can act on. Ajv's own text ("must match pattern
// "^[A-Za-z0-9._:-]{1,128}$"", "must NOT have more than 128 characters") tells a reader what the
// validator did, not what to type; every API client and the dashboard form show these as they are.

/** A field problem: `field` as a client would write it (eventTypes[0], signature.header). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** What each pattern in the schemas means, said as what to type (keyed by the pattern's text). */
const PATTERN_SENTENCES: Record<string, string> = {
  [EVENT_TYPE_PATTERN]: "must use only letters, digits, '.', '_', ':' or '-' (at most 128 characters, no spaces), e.g. member.removed",
  '^[A-Za-z0-9._-]{1,128}$': "must use only letters, digits, '.', '_' or '-' (at most 128 characters, no spaces)",
  "^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$": "must be an HTTP header name: letters, digits and !#$%&'*+.^_`|~- only, no spaces (at most 128 characters)",
  '^P(?:\\d+D)?(?:T(?:\\d+H)?(?:\\d+M)?(?:\\d+(?:\\.\\d+)?S)?)?$': 'must be an ISO 8601 duration such as PT30S or PT5M',
  '^[^/]+$': "must not contain '/'",
  '^3\\.1\\.': 'must be an OpenAPI 3.1 version, e.g. "3.1.0"',
  '^#[0-9a-fA-F]{6}$': 'must be a colour written #rrggbb, e.g. #2457c5',
  [TAG_PATTERN]: "must use only letters, digits, '-', '_', '.', '/', '\\' or '#', no spaces (Svix's tag rule), e.g. project_1337",
};

const TYPE_WORDS: Record<string, string> = {
  string: 'text', number: 'a number', integer: 'a whole number', boolean: 'true or false',
  object: 'an object ({…})', array: 'a list ([…])', null: 'null',
};

const FORMAT_WORDS: Record<string, string> = {
  'date-time': 'an ISO 8601 time, e.g. 2026-01-31T09:00:00Z', uri: 'a URL', email: 'an email address', uuid: 'a UUID',
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const quote = (values: unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');

/** "/messages/0/eventType" → "messages[0].eventType" (JSON Pointer segments unescaped). */
export function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, seg) => (/^\d+$/.test(seg) ? `${path}[${seg}]` : /^[A-Za-z_$][\w$]*$/.test(seg) ? (path ? `${path}.${seg}` : seg) : `${path}[${JSON.stringify(seg)}]`), '');
}

/** How the request part is named before a field: body fields by their own name. */
function where(context: string, field: string): string {
  if (context === 'body') return field || 'the body';
  const part = context === 'querystring' ? 'query parameter' : context === 'params' ? 'path parameter' : context === 'headers' ? 'header' : context;
  return field ? `${part} ${field}` : `the ${part}s`;
}

function problem(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'pattern':
      return PATTERN_SENTENCES[String(p.pattern)] ?? 'is not in the expected format';
    case 'minLength':
      return Number(p.limit) === 1 ? 'must not be empty' : `must be at least ${plural(Number(p.limit), 'character')} long`;
    case 'maxLength':
      return `must be at most ${plural(Number(p.limit), 'character')} long`;
    case 'type':
      return `must be ${String(p.type).split(',').map((t) => TYPE_WORDS[t] ?? t).join(' or ')}`;
    case 'minItems':
      return `must list at least ${plural(Number(p.limit), 'item')}`;
    case 'maxItems':
      return `may list at most ${plural(Number(p.limit), 'item')}`;
    case 'uniqueItems':
      return `lists the same value twice (items ${String(p.j)} and ${String(p.i)})`;
    case 'maxProperties':
      return `may have at most ${plural(Number(p.limit), 'entry')}`.replace('entrys', 'entries');
    case 'minProperties':
      return `must have at least ${plural(Number(p.limit), 'entry')}`.replace('entrys', 'entries');
    case 'minimum':
      return `must be at least ${String(p.limit)}`;
    case 'maximum':
      return `must be at most ${String(p.limit)}`;
    case 'exclusiveMinimum':
      return `must be more than ${String(p.limit)}`;
    case 'exclusiveMaximum':
      return `must be less than ${String(p.limit)}`;
    case 'multipleOf':
      return `must be a multiple of ${String(p.multipleOf)}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'enum':
      return `must be one of ${quote(p.allowedValues as unknown[])}`;
    case 'format':
      return `must be ${FORMAT_WORDS[String(p.format)] ?? `a valid ${String(p.format)}`}`;
    default:
      return 'is not valid here';
  }
}

/**
 * One problem per field. `anyOf` (a choice of literals, or "this or null") is said once: as the
 * list of allowed values, or as what is wrong with the non-null choice, instead of ajv's one
 * line per failed branch plus "must match a schema in anyOf".
 */
export function humanProblems(errors: readonly ErrorObject[], context: string): FieldProblem[] {
  const anyOf = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const inside = (e: ErrorObject) => anyOf.some((a) => a !== e && e.schemaPath.startsWith(`${a.schemaPath}/`));
  const out: FieldProblem[] = [];
  for (const error of errors) {
    if (inside(error)) continue;
    const at = (path: string) => where(context, fieldPath(path));
    if (error.keyword === 'required') {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      out.push({ field: at(`${error.instancePath}/${missing}`), message: 'is required' });
    } else if (error.keyword === 'additionalProperties') {
      const extra = String((error.params as { additionalProperty: string }).additionalProperty);
      // An unknown query parameter is named itself; an unknown body field, by the object it is in.
      out.push(context !== 'body' && !error.instancePath
        ? { field: at(`/${extra.replace(/~/g, '~0').replace(/\//g, '~1')}`), message: 'is not one Herald knows: check its spelling, or leave it out' }
        : { field: at(error.instancePath), message: `has no field "${extra}": check its spelling, or leave it out` });
    } else if (error.keyword === 'anyOf' || error.keyword === 'oneOf') {
      out.push(choiceProblem(error, errors, context));
    } else {
      out.push({ field: at(error.instancePath), message: problem(error) });
    }
  }
  return out;
}

function choiceProblem(choice: ErrorObject, errors: readonly ErrorObject[], context: string): FieldProblem {
  const field = where(context, fieldPath(choice.instancePath));
  const branches = errors.filter((e) => e.schemaPath.startsWith(`${choice.schemaPath}/`));
  const isNull = (e: ErrorObject) => e.keyword === 'type' && (e.params as { type: string }).type === 'null';
  const consts = branches.filter((e) => e.keyword === 'const').map((e) => (e.params as { allowedValue: unknown }).allowedValue);
  const allowsNull = branches.some(isNull);
  const orNull = allowsNull ? ' (or null)' : '';
  if (consts.length > 0 && consts.length === branches.length - (allowsNull ? 1 : 0)) {
    return { field, message: `must be ${consts.length === 1 ? JSON.stringify(consts[0]) : `one of ${quote(consts)}`}${orNull}` };
  }
  // "this or null": what is wrong with "this" is the useful part, said about the field it is in.
  const real = branches.find((e) => !isNull(e));
  if (!real) return { field, message: 'is not valid here' };
  const said = humanProblems([real], context)[0]!;
  return real.instancePath === choice.instancePath && real.keyword === 'type' ? { ...said, message: `${said.message}${orNull}` } : said;
}

/** The API's message: each field named, then what to do about it. */
export function humanMessage(errors: readonly ErrorObject[], context: string): string {
  return humanProblems(errors, context).map((p) => `${p.field} ${p.message}`).join('; ');
}
