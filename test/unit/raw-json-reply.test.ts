import { describe, expect, it } from 'vitest';
import { RawJson, stringifyWithRawJson } from '../../src/wire/raw-json-text.js';

describe('stringifyWithRawJson', () => {
  it('writes each RawJson text verbatim, everything else as JSON.stringify does', () => {
    const answer = {
      id: 'msg_1',
      data: new RawJson('{ "id" : 1234567890123456789,\n "n": 1.0 }'),
      list: [{ data: new RawJson('"\\u00e9"') }, { data: new RawJson('-0') }],
      text: 'a "quoted" \u0000 string',
    };
    expect(stringifyWithRawJson(answer)).toBe(
      '{"id":"msg_1","data":{ "id" : 1234567890123456789,\n "n": 1.0 },"list":[{"data":"\\u00e9"},{"data":-0}],"text":"a \\"quoted\\" \\u0000 string"}',
    );
  });

  it('is JSON.stringify when there is no RawJson', () => {
    const value = { a: [1, 'b', null], c: { d: true } };
    expect(stringifyWithRawJson(value)).toBe(JSON.stringify(value));
  });

  it('leaves strings that look like its marker alone', () => {
    const lookalike = '\u0000herald-raw-json:00000000-0000-0000-0000-000000000000';
    expect(stringifyWithRawJson({ s: lookalike, data: new RawJson('1.0') })).toBe(`{"s":${JSON.stringify(lookalike)},"data":1.0}`);
  });

  it('outside it, a RawJson stringifies as its parsed value (valid JSON, never a marker)', () => {
    expect(JSON.stringify({ data: new RawJson(' [1.0, "x"] ') })).toBe('{"data":[1,"x"]}');
  });
});
