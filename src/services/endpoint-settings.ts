import { parseDurationOption, parseIsoDuration } from '../domain/durations.js';
import type { Endpoint } from '../domain/model.js';
import { filterProblem } from '../domain/payload-filter.js';
import { ApiError } from '../errors/api-errors.js';
import type { EndpointPatchBody } from '../schemas/bodies.js';
import {
  generateSecret, validateSecret, validateWireConfig, type SignatureConfig,
} from '../wire/index.js';
import { customHeaderProblem } from '../wire/reserved-headers.js';
import { tlsFromBody, validateTlsSettings } from './tls-settings.js';
import { checkedTransformation } from './transformation-check.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
// From 100 ms (a receiver on the same network answering at once) up to 15 minutes (receivers that do
// their work before answering); the e-signing service's document shows PT60S.
export const MIN_TIMEOUT_MS = 100;
export const MAX_TIMEOUT_MS = 900_000;

/** Applies a create or patch body onto an endpoint and checks the result as a whole. */
export function applyEndpointSettings(base: Endpoint, body: EndpointPatchBody, now: string): Endpoint {
  const next: Endpoint = { ...base, updatedAt: now };
  if (body.url !== undefined) next.url = body.url;
  if (body.name !== undefined) next.name = body.name;
  if (body.description !== undefined) next.description = body.description;
  if (body.eventTypes !== undefined) next.eventTypes = body.eventTypes?.length ? body.eventTypes : null;
  if (body.entityTypes !== undefined) next.entityTypes = body.entityTypes?.length ? body.entityTypes : null;
  if (body.method !== undefined) next.method = body.method;
  if (body.payloadFormat !== undefined) next.payloadFormat = body.payloadFormat as Endpoint['payloadFormat'];
  if (body.signature !== undefined) next.signature = body.signature as SignatureConfig;
  if (body.headers !== undefined) next.headers = body.headers;
  if (body.query !== undefined) next.query = body.query;
  if (body.tls !== undefined) next.tls = tlsFromBody(body.tls);
  if (body.rateLimit !== undefined) next.rateLimit = body.rateLimit;
  if (body.disabled !== undefined) next.disabled = body.disabled;
  if (body.ordering !== undefined) next.ordering = body.ordering;
  if (body.transformation !== undefined) {
    // Absent when there is none, as the store reads it back (so a config file's re-apply is "unchanged").
    const transformation = checkedTransformation(body.transformation);
    if (transformation) next.transformation = transformation;
    else delete next.transformation;
  }
  if (body.filter !== undefined) {
    // Only when set, so an endpoint without one reads back (and compares, for a config file) as written.
    const filter = checkedFilter(body.filter);
    if (filter) next.filter = filter;
    else delete next.filter;
    // Counts belong to the filter they happened under (the store starts a new filter at zero).
    if (filter !== (base.filter ?? null)) delete next.filterErrors;
  }
  // Stored only when off (rows.ts), so an endpoint that forwards reads back as it was written.
  if (body.forwardTraceContext !== undefined) {
    if (body.forwardTraceContext) delete next.forwardTraceContext;
    else next.forwardTraceContext = false;
  }
  // Stored only when set, like the filter, so an endpoint without any reads back as it was written.
  if (body.channels !== undefined) {
    if (body.channels?.length) next.channels = body.channels;
    else delete next.channels;
  }
  if (body.timeout !== undefined) next.timeoutMs = parseTimeout(body.timeout);
  if (body.retrySchedule !== undefined) next.retrySchedule = body.retrySchedule ? parseSchedule(body.retrySchedule) : null;
  if (body.secret !== undefined) next.secrets = [{ secret: body.secret, expiresAt: null }];

  const wireError = validateWireConfig({ method: next.method, payloadFormat: next.payloadFormat, signature: next.signature });
  if (wireError) throw new ApiError('invalid_wire_config', wireError);
  if (body.tls !== undefined) {
    const tlsError = validateTlsSettings(next.tls);
    if (tlsError) throw new ApiError('invalid_tls', tlsError);
  }
  if (next.secrets.length === 0) next.secrets = [{ secret: generateSecret(next.signature.scheme), expiresAt: null }];
  const secretError = validateSecret(next.signature.scheme, next.secrets[0]!.secret);
  if (secretError) {
    const hint = body.secret === undefined ? ' (the current secret does not suit the new scheme: send a new `secret` with the change)' : '';
    throw new ApiError('invalid_secret', secretError + hint);
  }
  // Only what this change touches: an endpoint stored before these checks existed stays editable.
  if (body.headers !== undefined || body.signature !== undefined) checkHeaders(next);
  if (body.query !== undefined) checkQuery(next);
  return next;
}

function urlEncodable(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/** `headers["x-a"]`: the field as a client wrote it, escapes included, so odd names stay readable. */
const field = (map: string, key: string) => `${map}[${JSON.stringify(key)}]`;

function checkHeaders(ep: Endpoint): void {
  for (const [name, value] of Object.entries(ep.headers)) {
    const problem = customHeaderProblem(name, value, ep.signature);
    if (problem) throw new ApiError('validation_error', `${field('headers', name)} ${problem}`);
  }
}

function checkQuery(ep: Endpoint): void {  // Query parameters are URL-encoded when sent, so almost anything goes; only text that is not
  // well-formed UTF-16 (a lone surrogate, possible through a JSON \ud800 escape) cannot be encoded.
  for (const [key, value] of Object.entries(ep.query)) {
    if (!urlEncodable(key) || !urlEncodable(value)) {
      throw new ApiError('validation_error', `${field('query', key)} contains a lone UTF-16 surrogate, which cannot be URL-encoded`);
    }
  }
}

/** The filter to store: null for none ("" or only spaces), else one that compiles within its bounds. */
function checkedFilter(text: string | null): string | null {
  if (text === null || text.trim() === '') return null;
  const problem = filterProblem(text);
  if (!problem) return text;
  const error = new ApiError('invalid_filter', `filter: ${problem.message}`);
  error.fields = { position: problem.position, line: problem.line, column: problem.column };
  throw error;
}

export function parseTimeout(text: string): number {
  const ms = parseIsoDuration(text);
  if (ms === null || ms < MIN_TIMEOUT_MS || ms > MAX_TIMEOUT_MS) {
    throw new ApiError('validation_error', `timeout must be an ISO 8601 duration from PT0.1S (100 ms) to PT15M (15 minutes), got "${text}"`);
  }
  return ms;
}

/**
 * Steps in the forms the --retry-schedule flag takes (`5s`, `5m`, `2h`, `1d`, `500ms`) or ISO 8601
 * (`PT5S`): one parser for both, so a schedule copied from the flag into an app, an endpoint or a
 * config file means the same. Responses always give the steps back in ISO 8601.
 */
export function parseSchedule(steps: string[]): number[] {
  return steps.map((step, i) => {
    const ms = parseDurationOption(step);
    if (ms === null) {
      throw new ApiError('validation_error', `retrySchedule[${i}] "${step}" is not a duration: use e.g. "5s", "5m", "2h" or ISO 8601 "PT5S"`);
    }
    return ms;
  });
}
