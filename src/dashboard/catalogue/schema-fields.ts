/** One row of an event type's field table. */
export interface SchemaField {
  /** Dotted from `data`: `object.email`; array items as `lines[].amount`. */
  name: string;
  type: string;
  required: boolean;
  description: string | null;
}

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Deeper nesting than this is not listed (a readable table, not a dump). */
const MAX_DEPTH = 6;
const MAX_ROWS = 300;

/**
 * The fields of a JSON Schema as a flat table: top-level and nested object properties with dotted
 * names. Local references (`#/$defs/X`, `#/definitions/X`) are followed; a recursive one is listed
 * once and not expanded again. `allOf` parts are merged; `oneOf`/`anyOf` show as "one of".
 */
export function schemaFields(root: Schema | null): SchemaField[] {
  if (!root) return [];
  const rows: SchemaField[] = [];
  const walk = (start: Schema, prefix: string, depth: number, outer: Set<string>) => {
    if (depth > MAX_DEPTH || rows.length >= MAX_ROWS) return;
    // The root itself may be a reference (an imported schema is `{$ref: '#/$defs/…', $defs}`).
    const { schema, seen } = resolve(root, start, outer);
    const { properties, required } = collect(root, schema, seen);
    for (const [key, raw] of Object.entries(properties)) {
      const ref = isSchema(raw) && typeof raw.$ref === 'string' ? raw.$ref : null;
      // Resolved afresh, so a recursive reference still shows its type; it is just not expanded again.
      const { schema: prop, seen: followed } = resolve(root, isSchema(raw) ? raw : {}, new Set());
      const inner = new Set([...seen, ...followed]);
      const name = prefix ? `${prefix}.${key}` : key;
      rows.push({ name, type: typeOf(root, prop, inner), required: required.has(key), description: describe(raw, prop) });
      if (ref && seen.has(ref)) continue;
      if (hasProperties(root, prop, inner)) walk(prop, name, depth + 1, inner);
      const items = isSchema(prop.items) ? resolve(root, prop.items, inner) : null;
      if (items && hasProperties(root, items.schema, items.seen)) walk(items.schema, `${name}[]`, depth + 1, items.seen);
    }
  };
  walk(root, '', 0, new Set());
  return rows;
}

function resolve(root: Schema, schema: Schema, seen: Set<string>): { schema: Schema; seen: Set<string> } {
  let current = schema;
  let visited = seen;
  for (let hops = 0; typeof current.$ref === 'string' && hops < 16; hops++) {
    const ref = current.$ref;
    if (visited.has(ref)) break;
    visited = new Set(visited).add(ref);
    const target = pointer(root, ref);
    if (!target) break;
    // Keywords beside $ref (2020-12 allows them) describe this use of it: keep them over the target's.
    const { $ref: _ref, ...siblings } = current;
    current = { ...target, ...siblings };
  }
  return { schema: current, seen: visited };
}

function pointer(root: Schema, ref: string): Schema | null {
  if (!ref.startsWith('#/')) return null;
  let node: unknown = root;
  for (const token of ref.slice(2).split('/')) {
    const key = decodeURIComponent(token).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isSchema(node) && Object.hasOwn(node, key) ? node[key] : undefined;
  }
  return isSchema(node) ? node : null;
}

/** Properties and required names of a schema, its `allOf` parts merged in. */
function collect(root: Schema, schema: Schema, seen: Set<string>): { properties: Record<string, unknown>; required: Set<string> } {
  const properties: Record<string, unknown> = {};
  const required = new Set<string>();
  const add = (s: Schema) => {
    if (isSchema(s.properties)) Object.assign(properties, s.properties);
    if (Array.isArray(s.required)) s.required.forEach((r) => typeof r === 'string' && required.add(r));
    if (Array.isArray(s.allOf)) s.allOf.forEach((part) => isSchema(part) && add(resolve(root, part, seen).schema));
  };
  add(schema);
  return { properties, required };
}

function hasProperties(root: Schema, schema: Schema, seen: Set<string>): boolean {
  return Object.keys(collect(root, schema, seen).properties).length > 0;
}

function typeOf(root: Schema, schema: Schema, seen: Set<string>): string {
  const types = Array.isArray(schema.type) ? schema.type.map(String) : typeof schema.type === 'string' ? [schema.type] : [];
  let text = types.join(' | ');
  if (types.includes('array') && isSchema(schema.items)) {
    const itemType = typeOf(root, resolve(root, schema.items, seen).schema, seen);
    if (itemType) text = text.replace('array', `array of ${itemType}`);
  }
  if (!text && hasProperties(root, schema, seen)) text = 'object';
  if (Array.isArray(schema.enum)) text = `${text ? `${text}: ` : ''}${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if ('const' in schema) text = `${text ? `${text}: ` : ''}${JSON.stringify(schema.const)}`;
  const choices = (Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : null) as unknown[] | null;
  if (!text && choices) text = `one of ${choices.map((c) => (isSchema(c) ? typeOf(root, resolve(root, c, seen).schema, seen) || 'any' : 'any')).join(' | ')}`;
  if (typeof schema.format === 'string') text = `${text || 'string'} (${schema.format})`;
  return text || 'any';
}

function describe(raw: unknown, resolved: Schema): string | null {
  for (const s of [raw, resolved]) {
    if (isSchema(s) && typeof s.description === 'string') return s.description;
    if (isSchema(s) && typeof s.title === 'string') return s.title;
  }
  return null;
}
