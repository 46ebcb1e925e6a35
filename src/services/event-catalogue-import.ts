import { EVENT_TYPE_PATTERN } from '../schemas/bodies.js';

// Reads event types out of an OpenAPI 3.1 document's top-level `webhooks` map (the way OpenAPI
// describes the requests an API sends rather than receives): one event type per entry, named by
// its key. Only local references (`#/...`) are followed; a document is never fetched from anywhere.

export interface ImportedDefinition {
  name: string;
  description: string | null;
  group: string | null;
  schema: Record<string, unknown>;
  examples: unknown[];
  deprecated: boolean;
}

export type ImportCandidate = { name: string; definition: ImportedDefinition } | { name: string; skip: string };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const NAME = new RegExp(EVENT_TYPE_PATTERN);
const METHODS = ['post', 'put', 'patch', 'delete', 'get'] as const;
const SCHEMA_REF = '#/components/schemas/';
/** Deeper chains of `$ref` to `$ref` than this are treated as a loop. */
const MAX_REF_HOPS = 32;

class Unsupported extends Error {}

export function webhookCandidates(doc: Json): ImportCandidate[] {
  const webhooks = isObject(doc.webhooks) ? doc.webhooks : {};
  return Object.entries(webhooks).map(([name, item]): ImportCandidate => {
    if (!NAME.test(name)) return { name, skip: "the name must be 1 to 128 letters, digits, '.', '_', ':' or '-'" };
    try {
      return { name, definition: definitionOf(doc, name, item) };
    } catch (err) {
      if (err instanceof Unsupported) return { name, skip: err.message };
      throw err;
    }
  });
}

function definitionOf(doc: Json, name: string, item: unknown): ImportedDefinition {
  const pathItem = resolve(doc, item);
  const operation = METHODS.map((m) => resolve(doc, pathItem[m])).find((op) => Object.keys(op).length > 0);
  if (!operation) throw new Unsupported('the webhook has no operation (post, put, patch, delete or get)');
  const content = resolve(doc, operation.requestBody).content;
  const mediaKey = isObject(content) ? Object.keys(content).find((k) => /^application\/(?:[\w.+-]+\+)?json\b/i.test(k)) : undefined;
  const media = mediaKey ? resolve(doc, (content as Json)[mediaKey]) : {};
  if (!isObject(media.schema)) throw new Unsupported('the webhook has no application/json request body schema');
  const schema = bundle(doc, media.schema);
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.slice(0, 1024) : null);
  return {
    name,
    description: text(operation.summary) ?? text(operation.description) ?? text(pathItem.summary) ?? text(pathItem.description),
    group: Array.isArray(operation.tags) && typeof operation.tags[0] === 'string' ? operation.tags[0].slice(0, 128) || null : null,
    schema,
    examples: exampleOf(doc, media),
    deprecated: operation.deprecated === true,
  };
}

/** The media type's `example`, else its first `examples` entry's value, else the schema's own example. */
function exampleOf(doc: Json, media: Json): unknown[] {
  if (media.example !== undefined) return [media.example];
  if (isObject(media.examples)) {
    for (const entry of Object.values(media.examples)) {
      const example = resolve(doc, entry);
      if (example.value !== undefined) return [example.value];
    }
  }
  const schema = resolve(doc, media.schema);
  if (schema.example !== undefined) return [schema.example];
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return [schema.examples[0]];
  return [];
}

/** Follows local `$ref`s until a plain object (or {} for anything else). */
function resolve(doc: Json, node: unknown): Json {
  let current = node;
  for (let hop = 0; isObject(current) && typeof current.$ref === 'string'; hop++) {
    if (hop >= MAX_REF_HOPS) throw new Unsupported('a $ref chain loops');
    current = pointer(doc, current.$ref);
  }
  return isObject(current) ? current : {};
}

function pointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Unsupported(`only local references are followed; ${JSON.stringify(ref.slice(0, 200))} is not one`);
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node) && !Array.isArray(node)) throw new Unsupported(`${ref} does not resolve`);
    node = Object.hasOwn(node, key) ? (node as Json)[key] : undefined;
  }
  if (node === undefined) throw new Unsupported(`${ref} does not resolve`);
  return node;
}

/**
 * The schema with every `#/components/schemas/X` it uses (also indirectly, also recursively)
 * copied into its `$defs` and its references pointed there, so it stands alone as JSON Schema.
 */
function bundle(doc: Json, root: Json): Json {
  const defs: Json = Object.create(null) as Json;
  const seen = new Set<string>();
  const pending: string[] = [];
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!isObject(node)) return node;
    const out: Json = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) {
        if (!value.startsWith(SCHEMA_REF) || value.slice(SCHEMA_REF.length).includes('/')) {
          throw new Unsupported(`the schema refers to ${JSON.stringify(value.slice(0, 200))}; only #/components/schemas/… references are followed`);
        }
        const token = value.slice(SCHEMA_REF.length);
        if (!seen.has(token)) {
          seen.add(token);
          pending.push(token);
        }
        out.$ref = `#/$defs/${token}`;
      } else {
        out[key] = rewrite(value);
      }
    }
    return out;
  };
  const schema = rewrite(root) as Json;
  while (pending.length > 0) {
    const token = pending.shift()!;
    defs[decodeToken(token)] = rewrite(pointer(doc, SCHEMA_REF + token));
  }
  if (Object.keys(defs).length === 0) return schema;
  return { ...schema, $defs: { ...(isObject(schema.$defs) ? schema.$defs : {}), ...defs } };
}

const decodeToken = (token: string) => decodeURIComponent(token).replace(/~1/g, '/').replace(/~0/g, '~');
