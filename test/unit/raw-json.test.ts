import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchDataTexts, dataText } from '../../src/wire/raw-json.js';

// The scanner that finds the published text of `data` in a request body. Its answer must always be
// the text of the value JSON.parse put in `body.data`: checked on hand-written edge cases and on
// generated documents (random values, spacing, escapes, member order and duplicate keys).

describe('dataText', () => {
  const cases: Array<[string, string, string | undefined]> = [
    ['a big integer, kept to the digit', '{"eventType":"a.b","data":{"orderId":1234567890123456789,"amount":1e400}}', '{"orderId":1234567890123456789,"amount":1e400}'],
    ['a scalar', '{"data":9007199254740993}', '9007199254740993'],
    ['a number at the very end, without spaces', '{"data":-0}', '-0'],
    ['spacing inside kept, outside dropped', '{ "data" :\n\t {\n  "a" : [ 1.0 ,\r\n 2 ] }  \n}', '{\n  "a" : [ 1.0 ,\r\n 2 ] }'],
    ['escapes kept', '{"data":"\\u00e9\\/\\"\\\\"}', '"\\u00e9\\/\\"\\\\"'],
    ['a string ending in an escaped backslash', '{"x":"a\\\\","data":"b\\\\\\"c\\\\"}', '"b\\\\\\"c\\\\"'],
    ['"data" inside a string value is not a key', '{"eventType":"\\"data\\":5","data":true}', 'true'],
    ['a nested "data" is not the top-level one', '{"x":{"data":1},"data":[{"data":2}],"y":{"data":3}}', '[{"data":2}]'],
    ['the last of duplicate keys wins, as in JSON.parse', '{"data":1,"eventType":"a","data":{"b":2}}', '{"b":2}'],
    ['an escaped key is the same key', '{"data":1,"d\\u0061ta":2}', '2'],
    ['an upper-case escape too', '{"\\u0064\\u0041\\u0054\\u0041":0,"\\u0064\\u0061\\u0074\\u0061":null}', 'null'],
    ['a key that only starts like data', '{"data2":1,"dat":2,"\\u0064ata\\u0000":3}', undefined],
    ['brackets inside strings do not count', '{"data":{"a":"}]{[","b":["]"]},"z":"{"}', '{"a":"}]{[","b":["]"]}'],
    ['no data member', '{"eventType":"a.b"}', undefined],
    ['an empty object', '{ }', undefined],
    ['not an object', '[{"data":1}]', undefined],
    ['leading whitespace', ' \n{"data":"x"}', '"x"'],
    ['non-ASCII text as is', '{"data":"é😀","x":1}', '"é😀"'],
  ];
  for (const [name, json, expected] of cases) {
    it(name, () => {
      JSON.parse(json); // every case is valid JSON
      expect(dataText(json)).toBe(expected);
    });
  }
});

describe('batchDataTexts', () => {
  it('finds each message`s own data, in order', () => {
    const json = '{"messages":[{"eventType":"a","data":1.0},\n {"data" : { "x" : 1e400 } , "eventType":"b"},{"eventType":"c"}, 5 ,{"data":[]}]}';
    expect(batchDataTexts(json)).toEqual(['1.0', '{ "x" : 1e400 }', undefined, undefined, '[]']);
  });

  it('takes the last messages array and the last data of each message', () => {
    const json = '{"messages":[{"data":"old"}],"x":{"messages":[{"data":0}]},"messages":[{"data":1,"data":2},{"d\\u0061ta":3}]}';
    expect(batchDataTexts(json)).toEqual(['2', '3']);
  });

  it('handles an empty array, a missing array and a non-array messages', () => {
    expect(batchDataTexts('{"messages":[ ]}')).toEqual([]);
    expect(batchDataTexts('{"data":1}')).toBeUndefined();
    expect(batchDataTexts('{"messages":[{"data":1}],"messages":{"data":1}}')).toBeUndefined();
    expect(batchDataTexts('[]')).toBeUndefined();
  });
});

// ---- generated documents -------------------------------------------------------------------

const ws = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r'), maxLength: 3 });

const SHORT_ESCAPES: Record<number, string> = { 0x22: '\\"', 0x5c: '\\\\', 0x2f: '\\/', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t' };
const hex4 = (u: number, upper: boolean) => `\\u${u.toString(16).padStart(4, '0')[upper ? 'toUpperCase' : 'toLowerCase']()}`;

/** One code unit as JSON string text: literal when allowed, else (or by choice) a short or \u escape. */
function encodeUnit(u: number, mode: number): string {
  const mustEscape = u === 0x22 || u === 0x5c || u < 0x20;
  if (!mustEscape && mode === 0) return String.fromCharCode(u);
  if (SHORT_ESCAPES[u] && mode !== 2) return SHORT_ESCAPES[u]!;
  return hex4(u, mode === 3);
}

/** A string token with its characters written literally or escaped (short, \u lower or upper case) at random. */
const stringToken = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom('"', '\\', '/', '\n', '\u0000', 'd', 'a', 't', 'é', '\u2028', '😀'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
      fc.integer({ min: 0, max: 3 }),
    ),
    { maxLength: 6 },
  )
  .map((chars) => `"${chars.map(([ch, mode]) => [...Array(ch.length).keys()].map((i) => encodeUnit(ch.charCodeAt(i), mode)).join('')).join('')}"`);

/** Number tokens JSON.parse accepts, including ones it cannot represent exactly. */
const numberToken = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
  fc.constantFrom('1.0', '1e400', '-1E-400', '-0', '-0.0', '9007199254740993', '1E+2', '0.10', '123456789012345678901234567890.5'),
);

/** Any JSON value's text, spaced at random. */
const { value: valueToken } = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, numberToken, stringToken, fc.constantFrom('true', 'false', 'null'), tie('array'), tie('object')),
  array: fc
    .array(fc.tuple(ws, tie('value'), ws), { maxLength: 4 })
    .chain((items) => ws.map((inner) => (items.length === 0 ? `[${inner}]` : `[${items.map(([a, v, b]) => a + v + b).join(',')}]`))),
  object: fc
    .array(fc.tuple(ws, stringToken, ws, ws, tie('value'), ws), { maxLength: 4 })
    .chain((members) =>
      ws.map((inner) => (members.length === 0 ? `{${inner}}` : `{${members.map(([a, k, b, c, v, d]) => `${a}${k}${b}:${c}${v}${d}`).join(',')}}`)),
    ),
}));

const dataKey = fc.constantFrom('"data"', '"d\\u0061ta"', '"\\u0064ata"', '"\\u0064\\u0061\\u0074\\u0061"');
const otherKey = stringToken.filter((k) => JSON.parse(k) !== 'data' && JSON.parse(k) !== 'messages');

/** An object whose last `data` member is `data`, among other members and earlier `data` members. */
function objectWithData(data: string) {
  return fc
    .tuple(
      fc.array(fc.tuple(fc.oneof(otherKey, dataKey), valueToken), { maxLength: 3 }),
      fc.array(fc.tuple(otherKey, valueToken), { maxLength: 3 }),
      dataKey,
      fc.array(ws, { minLength: 8, maxLength: 8 }),
    )
    .map(([before, after, key, s]) => {
      const members = [...before.map(([k, v]) => `${k}${s[0]}:${s[1]}${v}`), `${key}${s[2]}:${s[3]}${data}`, ...after.map(([k, v]) => `${k}${s[4]}:${v}`)];
      return `${s[5]}{${s[6]}${members.join(`,${s[7]}`)}${s[4]}}${s[0]}`;
    });
}

describe('dataText on generated documents', () => {
  it('returns exactly the text of the value JSON.parse puts in body.data', () => {
    fc.assert(
      fc.property(valueToken.chain((data) => objectWithData(data).map((doc) => ({ data, doc }))), ({ data, doc }) => {
        expect(JSON.parse(doc).data).toEqual(JSON.parse(data));
        expect(dataText(doc)).toBe(data);
      }),
      { numRuns: 2000 },
    );
  });

  it('matches JSON.stringify output of any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), fc.integer({ min: 0, max: 4 }), (data, other, indent) => {
        const doc = JSON.stringify({ eventType: 'a.b', data, other }, null, indent);
        const text = dataText(doc)!;
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(data)));
        if (indent === 0) expect(text).toBe(JSON.stringify(data));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('batchDataTexts on generated documents', () => {
  it('returns each message`s data text, in order', () => {
    const batch = fc.array(valueToken, { minLength: 1, maxLength: 5 }).chain((datas) =>
      fc.tuple(...datas.map((d) => objectWithData(d))).map((messages) => ({ datas, messages })),
    );
    fc.assert(
      fc.property(batch, ws, valueToken, ({ datas, messages }, s, other) => {
        const doc = `{${s}"x":${other},"messages"${s}:${s}[${s}${messages.join(`${s},`)}${s}]${s}}`;
        expect(JSON.parse(doc).messages).toHaveLength(datas.length);
        expect(batchDataTexts(doc)).toEqual(datas);
      }),
      { numRuns: 500 },
    );
  });
});
