import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-errors.js';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './json-depth.js';
import { batchDataTexts, dataText } from '../wire/raw-json.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON body's text as received (BOM removed), kept so a message's `data` is stored as published. */
    jsonText: string | null;
  }
}

/**
 * Parses a JSON request body and keeps its text on the request. `__proto__` and
 * `constructor.prototype` keys are refused with a 400 that says so, except inside a message's
 * `data` (`data`, `messages[i].data`): that is the publisher's payload, which Herald never reads,
 * merges or copies into objects of its own; it stores and sends its text as published. JSON.parse
 * itself makes such keys plain own properties, so parsing alone cannot pollute a prototype.
 */
export function parseJsonBody(req: FastifyRequest, text: string): unknown {
  // A UTF-8 byte order mark is tolerated (as Fastify's own parser does) and not kept.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ApiError('invalid_json', `request body is not valid JSON: ${(err as Error).message}`);
  }
  if (nestedDeeperThan(value, MAX_JSON_DEPTH)) {
    throw new ApiError('validation_error', `request body is nested more than ${MAX_JSON_DEPTH} levels deep`);
  }
  // The walk below is only needed when such a key may be present, escaped or not (the test Fastify's own parser uses).
  if (SUSPECT_KEY.test(text)) {
    const path = forbiddenKeyPath(value);
    if (path) {
      throw new ApiError(
        'validation_error',
        `${path}: keys named __proto__ or constructor.prototype are not accepted (except inside a message's data, which is delivered as published)`,
      );
    }
  }
  req.jsonText = text;
  return value;
}

const SUSPECT_KEY =
  /"(?:_|\\u005[Ff])(?:_|\\u005[Ff])(?:p|\\u0070)(?:r|\\u0072)(?:o|\\u006[Ff])(?:t|\\u0074)(?:o|\\u006[Ff])(?:_|\\u005[Ff])(?:_|\\u005[Ff])"|"(?:c|\\u0063)(?:o|\\u006[Ff])(?:n|\\u006[Ee])(?:s|\\u0073)(?:t|\\u0074)(?:r|\\u0072)(?:u|\\u0075)(?:c|\\u0063)(?:t|\\u0074)(?:o|\\u006[Ff])(?:r|\\u0072)"/;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';
const own = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

/** Where the first `__proto__` or `constructor.prototype` key outside a message's data is, e.g. `body.entity.__proto__`. */
export function forbiddenKeyPath(body: unknown): string | undefined {
  const pending: Array<{ value: object; path: string }> = [];
  if (isObject(body)) pending.push({ value: body, path: 'body' });
  while (pending.length > 0) {
    const { value, path } = pending.pop()!;
    if (!Array.isArray(value)) {
      if (own(value, '__proto__')) return `${path}.__proto__`;
      const ctor = own(value, 'constructor') ? (value as Record<string, unknown>).constructor : undefined;
      if (isObject(ctor) && own(ctor, 'prototype')) return `${path}.constructor.prototype`;
    }
    for (const [key, child] of Object.entries(value)) {
      if (!isObject(child) || isMessageData(path, key)) continue;
      pending.push({ value: child, path: `${path}.${key}` });
    }
  }
  return undefined;
}

/**
 * `body.data` (a publish) or `body.messages.<i>.data` (a batch publish). Other routes' schemas have
 * no such fields and refuse unknown ones, so skipping them there lets nothing through.
 */
function isMessageData(parentPath: string, key: string): boolean {
  return key === 'data' && (parentPath === 'body' || /^body\.messages\.\d+$/.test(parentPath));
}

/** The published text of `data` in this publish request (after its body passed the schema). */
export function publishedDataText(req: FastifyRequest): string {
  const text = req.jsonText === null ? undefined : dataText(req.jsonText);
  if (text === undefined) throw new Error('the published text of "data" was not found in a validated request body');
  return text;
}

/** The published text of each `messages[i].data` in this batch publish request. */
export function publishedBatchDataTexts(req: FastifyRequest, count: number): string[] {
  const texts = req.jsonText === null ? undefined : batchDataTexts(req.jsonText);
  if (!texts || texts.length !== count || texts.some((t) => t === undefined)) {
    throw new Error('the published text of "messages[i].data" was not found in a validated request body');
  }
  return texts as string[];
}
