import { ApiRequestError } from '../api/client';

/** Error messages keyed by form field, plus whatever names no field (shown above the form). */
export interface FieldErrors {
  fields: Record<string, string>;
  form: string | null;
}

/** Turns the API's words about a field into the sentence shown next to it (or null: keep the API's). */
export type Sentence = (field: string, rest: string, message: string) => string | null;

/**
 * Places an API error next to the field it is about. Errors start with the field as a client
 * writes it ("url must not be empty", "eventTypes[0] must use only…", "headers["x a"] is not…");
 * the service's own codes are about one field each; `fieldFor` maps the rest.
 */
export function toFieldErrors(
  err: unknown,
  known: readonly string[],
  fieldFor: (code: string, message: string) => string | null = () => null,
  sentence: Sentence = () => null,
): FieldErrors {
  if (!(err instanceof ApiRequestError)) return { fields: {}, form: (err as Error).message };
  // Schema and setting errors (validation_error) start with the field; other codes are whole sentences.
  const head = err.code === 'validation_error' ? /^([A-Za-z]+(?:\.[A-Za-z]+)?)(\[[^\]]*\])?(?:\.[A-Za-z]+)?[ :]/.exec(err.message) : null;
  const path = head?.[1];
  const candidates = path ? [path, path.split('.')[0]!] : [];
  const byCode = fieldFor(err.code, err.message);
  const field = [...candidates, byCode].find((f): f is string => !!f && known.includes(f));
  if (!field) return { fields: {}, form: plainWords(err.message) };
  // "url must not be empty" reads better next to the URL field as "Must not be empty".
  const rest = head && field === path ? err.message.slice(head[0].length - 1).replace(/^[ :]+/, '') : err.message;
  return { fields: { [field]: sentence(field, rest, err.message) ?? capitalise(plainWords(rest)) }, form: null };
}

/**
 * Said for people even if a validator's own wording reaches the page (an older server, a proxy):
 * "must NOT have more than 128 characters" → "must be at most 128 characters long".
 */
export function plainWords(message: string): string {
  return message
    .replace(/must NOT have fewer than 1 characters/g, 'must not be empty')
    .replace(/must NOT have more than (\d+) characters/g, 'must be at most $1 characters long')
    .replace(/must NOT have fewer than (\d+) characters/g, 'must be at least $1 characters long')
    .replace(/must NOT have more than (\d+) items/g, 'may list at most $1 items')
    .replace(/must NOT have additional properties/g, 'has a field Herald does not know')
    .replace(/(has an invalid format )?\(?must match (pattern )?"?\^[^;]*?\$"?\)?(?=;|$)/g, 'is not in the expected format')
    .replace(/must be equal to one of the allowed values|must match a schema in anyOf/g, 'is not one of the allowed values');
}

export const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
