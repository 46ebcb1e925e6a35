import type { ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import * as bodies from '../../src/schemas/bodies.js';
import * as branding from '../../src/schemas/branding.js';
import * as routeSchemas from '../../src/api/schemas.js';
import { PortalLinkCreate, TokenCreate } from '../../src/api/routes/tokens.js';
import { fieldPath, humanProblems } from '../../src/api/human-validation.js';

// Every pattern a request schema uses is explained in words: a new one without a sentence would
// answer the generic "is not in the expected format", which tells a client nothing about what to type.

function patterns(value: unknown, out = new Set<string>()): Set<string> {
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'pattern' && typeof child === 'string') out.add(child);
      else patterns(child, out);
    }
  }
  return out;
}

const patternError = (pattern: string): ErrorObject =>
  ({ keyword: 'pattern', instancePath: '/x', schemaPath: '#/properties/x/pattern', params: { pattern }, message: `must match pattern "${pattern}"` });

describe('human validation messages', () => {
  const all = patterns([bodies, branding, routeSchemas, PortalLinkCreate, TokenCreate]);

  it('finds the schemas\' patterns (the walk works)', () => {
    expect(all.size).toBeGreaterThanOrEqual(5);
    expect(all.has(bodies.EVENT_TYPE_PATTERN)).toBe(true);
  });

  it.each([...all])('explains the pattern %s in words', (pattern) => {
    const [said] = humanProblems([patternError(pattern)], 'body');
    expect(said!.field).toBe('x');
    expect(said!.message).not.toBe('is not in the expected format');
    expect(said!.message).not.toContain(pattern);
  });

  it('names fields the way a client writes them', () => {
    expect(fieldPath('/messages/3/eventType')).toBe('messages[3].eventType');
    expect(fieldPath('/headers/x a')).toBe('headers["x a"]');
    expect(fieldPath('/a~1b/c~0d')).toBe('["a/b"]["c~d"]');
    expect(fieldPath('')).toBe('');
  });
});
