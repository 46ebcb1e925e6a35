import { ApiRequestError } from '../api/client';

/** Error messages keyed by form field, plus whatever names no field (shown above the form). */
export interface FieldErrors {
  fields: Record<string, string>;
  form: string | null;
}

/**
 * Places an API error next to the field it is about. Schema errors name their field
 * ("body.url must NOT have fewer than 1 characters", "body.signature.header has an invalid
 * format"); the service's own codes are about one field each; `fieldFor` maps the rest.
 */
export function toFieldErrors(
  err: unknown,
  known: readonly string[],
  fieldFor: (code: string, message: string) => string | null = () => null,
): FieldErrors {
  if (!(err instanceof ApiRequestError)) return { fields: {}, form: (err as Error).message };
  const path = /^body\.([A-Za-z]+(?:\.[A-Za-z]+)?)/.exec(err.message)?.[1];
  const candidates = path ? [path, path.split('.')[0]!] : [];
  const byCode = fieldFor(err.code, err.message);
  const field = [...candidates, byCode].find((f): f is string => !!f && known.includes(f));
  if (!field) return { fields: {}, form: err.message };
  // "body.url must …" reads better next to the URL field as "must …".
  const message = path && err.message.startsWith(`body.${path} `) ? capitalise(err.message.slice(`body.${path} `.length)) : err.message;
  return { fields: { [field]: message }, form: null };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
