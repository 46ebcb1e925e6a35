/**
 * Tiny `{name}` templates: the building block that lets a signature scheme be plain data
 * (signed content, header value, extra headers) rather than code.
 */

export type TemplateToken =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'var'; readonly name: string };

export type Template = readonly TemplateToken[];

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

/** Parses once, up front, so a typo in a preset or custom scheme fails at definition time, not per request. */
export function parseTemplate(source: string, allowed: readonly string[]): Template {
  const tokens: TemplateToken[] = [];
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER)) {
    const name = match[1]!;
    if (!allowed.includes(name)) {
      throw new Error(`unknown placeholder {${name}} in template "${source}" (allowed: ${allowed.join(', ')})`);
    }
    if (match.index > last) tokens.push({ kind: 'literal', text: source.slice(last, match.index) });
    tokens.push({ kind: 'var', name });
    last = match.index + match[0].length;
  }
  if (last < source.length) tokens.push({ kind: 'literal', text: source.slice(last) });
  return Object.freeze(tokens);
}

export function templateUses(template: Template, name: string): boolean {
  return template.some((t) => t.kind === 'var' && t.name === name);
}

function lookup<T>(vars: Readonly<Record<string, T | undefined>>, name: string): T {
  const value = vars[name];
  if (value === undefined) throw new Error(`template placeholder {${name}} has no value`);
  return value;
}

/**
 * Bytes rather than a string because the body may arrive as a Buffer on the receiving side, and
 * decoding it to text first could alter invalid UTF-8 and break a signature over the real bytes.
 */
export function renderBytes(template: Template, vars: Readonly<Record<string, string | Buffer | undefined>>): Buffer {
  return Buffer.concat(
    template.map((t) => {
      if (t.kind === 'literal') return Buffer.from(t.text, 'utf8');
      const value = lookup(vars, t.name);
      return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    }),
  );
}

export function renderText(template: Template, vars: Readonly<Record<string, string | undefined>>): string {
  return template.map((t) => (t.kind === 'literal' ? t.text : lookup(vars, t.name))).join('');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Inverse of `renderText`, for verification: placeholders listed in `patterns` become capture
 * groups, those in `fixed` must appear literally. Returns null when the text does not fit.
 */
export function matchTemplate(
  template: Template,
  text: string,
  patterns: Readonly<Record<string, string>>,
  fixed: Readonly<Record<string, string>>,
): Record<string, string> | null {
  const names: string[] = [];
  let source = '^';
  for (const t of template) {
    if (t.kind === 'literal') source += escapeRegExp(t.text);
    else if (t.name in fixed) source += escapeRegExp(fixed[t.name]!);
    else if (t.name in patterns) {
      source += `(${patterns[t.name]})`;
      names.push(t.name);
    } else throw new Error(`template placeholder {${t.name}} cannot be matched`);
  }
  const match = new RegExp(`${source}$`).exec(text);
  if (!match) return null;
  const out: Record<string, string> = {};
  names.forEach((name, i) => {
    out[name] = match[i + 1]!;
  });
  return out;
}
