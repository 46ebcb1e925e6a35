import { randomUUID } from 'node:crypto';

/**
 * JSON text to splice verbatim into an API answer: a message's `data` exactly as it was published
 * and stored, where JSON.stringify of the parsed value would change it (1234567890123456789 →
 * 1234567890123456800, 1.0 → 1, spacing and escapes lost). Serialise answers holding one with
 * stringifyWithRawJson (the API's reply serializer); plain JSON.stringify falls back to the parsed value.
 */
export class RawJson {
  constructor(readonly text: string) {}

  toJSON(): unknown {
    if (collected) {
      collected.push(this.text);
      return MARKER;
    }
    return JSON.parse(this.text);
  }
}

// A string no client can produce: it starts with a NUL and carries a random id known only to this
// process. JSON.stringify writes it as MARKER_JSON, where the raw text then goes.
const MARKER = `\u0000herald-raw-json:${randomUUID()}`;
const MARKER_JSON = JSON.stringify(MARKER);

/** Texts of the RawJson values met by the JSON.stringify running now (it is synchronous, so one at a time). */
let collected: string[] | null = null;

/** JSON.stringify, except that each RawJson is written as its text, unchanged. */
export function stringifyWithRawJson(value: unknown): string {
  const texts: string[] = [];
  const outer = collected;
  collected = texts;
  let json: string;
  try {
    json = JSON.stringify(value);
  } finally {
    collected = outer;
  }
  if (texts.length === 0) return json;
  const parts = json.split(MARKER_JSON);
  if (parts.length !== texts.length + 1) throw new Error('raw JSON marker count mismatch while serialising a reply');
  let out = parts[0]!;
  for (let i = 0; i < texts.length; i++) out += texts[i]! + parts[i + 1]!;
  return out;
}
