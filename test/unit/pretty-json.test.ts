import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prettyJsonText } from '../../src/dashboard/messages/pretty-json.js';

/** The text with whitespace outside strings removed: what indentation may change, and nothing else. */
function significant(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"|\s+/g, (m) => (m.startsWith('"') ? m : ''));
}

describe('the dashboard pretty-prints a payload without changing it', () => {
  it('keeps numbers and escapes JSON.parse would change', () => {
    const published = '{"orderId":1234567890123456789,"amount":1.0,"big":1e400,"name":"Ren\\u00e9e","list":[ 1 ,2],"empty":{}}';
    expect(prettyJsonText(published)).toBe([
      '{',
      '  "orderId": 1234567890123456789,',
      '  "amount": 1.0,',
      '  "big": 1e400,',
      '  "name": "Ren\\u00e9e",',
      '  "list": [',
      '    1,',
      '    2',
      '  ],',
      '  "empty": {}',
      '}',
    ].join('\n'));
  });

  it('keeps strings with quotes, braces and spaces whole', () => {
    expect(prettyJsonText('{"a":"x \\" {, ]: y"}')).toBe('{\n  "a": "x \\" {, ]: y"\n}');
  });

  it('changes only whitespace outside strings, and reads back to the same value', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        const pretty = prettyJsonText(text);
        expect(significant(pretty)).toBe(significant(text));
        expect(JSON.parse(pretty)).toEqual(JSON.parse(text));
        expect(prettyJsonText(pretty)).toBe(pretty);
      }),
      { numRuns: 500 },
    );
  });
});
