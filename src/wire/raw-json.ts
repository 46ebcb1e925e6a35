/**
 * Finds the exact source text of a message's `data` in a JSON request body, so Herald stores and
 * sends the bytes that were published rather than a re-serialisation of what JSON.parse made of
 * them (which turns 1234567890123456789 into 1234567890123456800, 1e400 into null, 1.0 into 1,
 * "\u00e9" into "é"). Node 20 has no JSON.parse source-text access, hence this scanner.
 *
 * It runs only on text JSON.parse has already accepted, so it does not validate: it walks the
 * text once, left to right, skipping every value it is not after without building anything.
 * Keys are compared after decoding their escapes, and the last of duplicate keys wins, both
 * exactly as JSON.parse does, so the text found is always the one the parsed body holds.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

/** The text of the top-level member `data` of a JSON object, or undefined if there is none. */
export function dataText(json: string): string | undefined {
  return memberText(json, 'data');
}

/** The text of the top-level member `name` of a JSON object (Svix's `payload`), or undefined if there is none. */
export function memberText(json: string, name: string): string | undefined {
  const scan = new Scan(json);
  const pos = scan.ws(0);
  if (json.charCodeAt(pos) !== LBRACE) return undefined;
  scan.member(pos, name);
  return scan.match();
}

/**
 * The text of `messages[i].data` for each element of the top-level `messages` array (the batch
 * publish body), in order; undefined where an element has no `data` or is not an object, and
 * undefined overall when the last top-level `messages` is not an array.
 */
export function batchDataTexts(json: string): Array<string | undefined> | undefined {
  const scan = new Scan(json);
  const pos = scan.ws(0);
  if (json.charCodeAt(pos) !== LBRACE) return undefined;
  let texts: Array<string | undefined> | undefined;
  scan.members(pos, (keyStart, keyEnd, valueStart) => {
    if (!scan.keyIs(keyStart, keyEnd, 'messages')) return scan.value(valueStart);
    if (json.charCodeAt(valueStart) !== LBRACKET) {
      texts = undefined;
      return scan.value(valueStart);
    }
    // Scanned element by element rather than skipped, so the body is still read once.
    texts = [];
    return scan.elements(valueStart, texts);
  });
  return texts;
}

/** Positions are indexes into `json`; every method returns the index just past what it read. */
class Scan {
  private matchStart = -1;
  private matchEnd = -1;

  constructor(private readonly json: string) {}

  /** Skips JSON whitespace (space, tab, LF, CR). */
  ws(pos: number): number {
    const json = this.json;
    for (;;) {
      const c = json.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return pos;
      pos++;
    }
  }

  /** `pos` at a `{`: the first key's opening quote, or -1 for an empty object. */
  firstMember(pos: number): number {
    pos = this.ws(pos + 1);
    return this.json.charCodeAt(pos) === RBRACE ? -1 : pos;
  }

  /** After a member's value: the next key's opening quote, or -1 at the object's `}`. */
  nextMember(pos: number): number {
    pos = this.ws(pos);
    return this.json.charCodeAt(pos) === COMMA ? this.ws(pos + 1) : -1;
  }

  /** `pos` at an opening quote: the index after the closing one. */
  string(pos: number): number {
    const json = this.json;
    let from = pos + 1;
    for (;;) {
      const quote = json.indexOf('"', from);
      if (quote < 0) throw new Error('unterminated string in JSON that was already parsed');
      // Escaped when preceded by an odd run of backslashes.
      let backslashes = 0;
      while (json.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
      if ((backslashes & 1) === 0) return quote + 1;
      from = quote + 1;
    }
  }

  /** `pos` at the first character of any value: the index after its last character. */
  value(pos: number): number {
    const json = this.json;
    const c = json.charCodeAt(pos);
    if (c === QUOTE) return this.string(pos);
    if (c === LBRACE || c === LBRACKET) return this.container(pos);
    // A number, true, false or null: runs to a delimiter or whitespace.
    let end = pos + 1;
    for (;;) {
      const d = json.charCodeAt(end);
      if (d !== d || d === COMMA || d === RBRACE || d === RBRACKET || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) return end;
      end++;
    }
  }

  /** `pos` at `{` or `[`: the index after the matching close, counting only brackets outside strings. */
  private container(pos: number): number {
    const json = this.json;
    let depth = 0;
    for (;;) {
      const c = json.charCodeAt(pos);
      if (c === QUOTE) {
        pos = this.string(pos);
        continue;
      }
      if (c === LBRACE || c === LBRACKET) depth++;
      else if (c === RBRACE || c === RBRACKET) {
        if (--depth === 0) return pos + 1;
      } else if (c !== c) throw new Error('unbalanced brackets in JSON that was already parsed');
      pos++;
    }
  }

  /**
   * `pos` at `{`: calls `visit` with each member's key token [keyStart, keyEnd) and the start of its
   * value; `visit` returns the index after the value. Returns the index after the closing `}`.
   */
  members(pos: number, visit: (keyStart: number, keyEnd: number, valueStart: number) => number): number {
    const json = this.json;
    pos = this.ws(pos + 1);
    if (json.charCodeAt(pos) === RBRACE) return pos + 1;
    for (;;) {
      const keyEnd = this.string(pos);
      const valueEnd = visit(pos, keyEnd, this.ws(this.ws(keyEnd) + 1)); // past the colon
      pos = this.ws(valueEnd);
      if (json.charCodeAt(pos) !== COMMA) return pos + 1; // at `}`
      pos = this.ws(pos + 1);
    }
  }

  /** `pos` at `{`: remembers the value of the last member named `key` (see match()); returns the index after `}`. */
  member(pos: number, key: string): number {
    this.matchStart = -1;
    return this.members(pos, (keyStart, keyEnd, valueStart) => {
      const valueEnd = this.value(valueStart);
      if (this.keyIs(keyStart, keyEnd, key)) {
        this.matchStart = valueStart;
        this.matchEnd = valueEnd;
      }
      return valueEnd;
    });
  }

  /** The text member() found, or undefined. */
  match(): string | undefined {
    return this.matchStart < 0 ? undefined : this.json.slice(this.matchStart, this.matchEnd);
  }

  /** `pos` at `[`: pushes each element's `data` text (undefined if none) to `out`; returns the index after `]`. */
  elements(pos: number, out: Array<string | undefined>): number {
    const json = this.json;
    pos = this.ws(pos + 1);
    if (json.charCodeAt(pos) === RBRACKET) return pos + 1;
    for (;;) {
      let end: number;
      if (json.charCodeAt(pos) === LBRACE) {
        end = this.member(pos, 'data');
        out.push(this.match());
      } else {
        end = this.value(pos);
        out.push(undefined);
      }
      pos = this.ws(end);
      if (json.charCodeAt(pos) !== COMMA) return pos + 1; // at `]`
      pos = this.ws(pos + 1);
    }
  }

  /**
   * Whether the string token [open, after) decodes to `key` (ASCII, no escapes of its own). Keys
   * without a backslash are compared directly; escaped ones (`"d\u0061ta"`) are decoded on the fly.
   */
  keyIs(open: number, after: number, key: string): boolean {
    const json = this.json;
    const start = open + 1;
    const end = after - 1;
    if (end - start === key.length && json.startsWith(key, start)) return true;
    if (end - start < key.length) return false;
    let i = start;
    let k = 0;
    while (i < end) {
      let c = json.charCodeAt(i);
      if (c === BACKSLASH) {
        const e = json.charCodeAt(i + 1);
        if (e === 0x75 /* u */) {
          c = parseInt(json.slice(i + 2, i + 6), 16);
          i += 6;
        } else {
          c = e === 0x62 ? 0x08 : e === 0x66 ? 0x0c : e === 0x6e ? 0x0a : e === 0x72 ? 0x0d : e === 0x74 ? 0x09 : e;
          i += 2;
        }
      } else i++;
      if (k >= key.length || c !== key.charCodeAt(k)) return false;
      k++;
    }
    return k === key.length;
  }
}
