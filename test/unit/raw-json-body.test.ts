import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { parseJsonBody } from '../../src/api/raw-json-body.js';

const parse = (text: string) => {
  const req = { jsonText: null } as FastifyRequest;
  const value = parseJsonBody(req, text);
  return { value, kept: req.jsonText };
};

const refusal = (text: string) => {
  try {
    parse(text);
  } catch (err) {
    return { code: (err as { code?: string }).code, message: (err as Error).message };
  }
  return null;
};

describe('parseJsonBody', () => {
  it('keeps the text as received (less a byte order mark)', () => {
    expect(parse('{"data": 1.0 }').kept).toBe('{"data": 1.0 }');
    expect(parse('\uFEFF{"a":1}')).toEqual({ value: { a: 1 }, kept: '{"a":1}' });
  });

  it('answers text that is not JSON with invalid_json', () => {
    expect(refusal('{"a":')).toMatchObject({ code: 'invalid_json', message: expect.stringMatching(/^request body is not valid JSON: /) });
  });

  it('refuses __proto__ and constructor.prototype keys outside a message`s data, naming where', () => {
    const cases: Array<[string, string]> = [
      ['{"__proto__":{}}', 'body.__proto__'],
      ['{"a":[{"b":{"\\u005F\\u005fproto__":1}}]}', 'body.a.0.b.__proto__'],
      ['{"constructor":{"prototype":{}}}', 'body.constructor.prototype'],
      ['{"entity":{"constructor":{"prototype":1}}}', 'body.entity.constructor.prototype'],
      ['{"x":{"data":{"__proto__":1}}}', 'body.x.data.__proto__'],
      ['{"messages":[{"data":1,"__proto__":1}]}', 'body.messages.0.__proto__'],
      ['{"messages":[{"data":1,"x":{"data":{"__proto__":1}}}]}', 'body.messages.0.x.data.__proto__'],
      ['[{"data":{"__proto__":1}}]', 'body.0.data.__proto__'],
    ];
    for (const [text, where] of cases) {
      const err = refusal(text);
      expect(err, text).toMatchObject({ code: 'validation_error' });
      expect(err!.message, text).toBe(`${where}: keys named __proto__ or constructor.prototype are not accepted (except inside a message's data, which is delivered as published)`);
    }
  });

  it('keeps such keys inside a message`s data as plain own properties, polluting nothing', () => {
    const { value } = parse('{"data":{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}}}}');
    const data = (value as { data: object }).data;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.keys(data)).toEqual(['__proto__', 'constructor']);
    const batch = parse('{"messages":[{"data":{"__proto__":{"isAdmin":true}}}]}').value as { messages: Array<{ data: object }> };
    expect(Object.getPrototypeOf(batch.messages[0]!.data)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('allows a constructor key that is not an object with a prototype', () => {
    expect(parse('{"constructor":"x","a":{"constructor":{"name":"y"}}}').value).toEqual({ constructor: 'x', a: { constructor: { name: 'y' } } });
  });

  it('refuses nesting deeper than 512 levels', () => {
    expect(refusal(`{"data":${'['.repeat(600)}${']'.repeat(600)}}`)).toMatchObject({ code: 'validation_error', message: expect.stringMatching(/nested more than 512/) });
  });
});
