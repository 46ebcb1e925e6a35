import { describe, expect, it } from 'vitest';
import { schemaFields } from '../../src/dashboard/catalogue/schema-fields.js';

// The catalogue's field table (dashboard and portal): what a customer reads about an event's data.

describe('schemaFields', () => {
  it('lists top-level and nested properties with dotted names, types, required and descriptions', () => {
    expect(schemaFields({
      type: 'object',
      required: ['id', 'member'],
      properties: {
        id: { type: 'string', description: 'the event id' },
        member: { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' }, age: { type: ['integer', 'null'] } } },
        lines: { type: 'array', items: { type: 'object', properties: { amount: { type: 'number', title: 'Amount' } } } },
        status: { enum: ['active', 'former'] },
      },
    })).toEqual([
      { name: 'id', type: 'string', required: true, description: 'the event id' },
      { name: 'member', type: 'object', required: true, description: null },
      { name: 'member.email', type: 'string (email)', required: true, description: null },
      { name: 'member.age', type: 'integer | null', required: false, description: null },
      { name: 'lines', type: 'array of object', required: false, description: null },
      { name: 'lines[].amount', type: 'number', required: false, description: 'Amount' },
      { name: 'status', type: '"active", "former"', required: false, description: null },
    ]);
  });

  it('follows local $refs (the root too), lists a recursive one once, and merges allOf', () => {
    const fields = schemaFields({
      $ref: '#/$defs/Node',
      $defs: {
        Node: { allOf: [{ $ref: '#/$defs/Named' }, { properties: { child: { $ref: '#/$defs/Node' } } }] },
        Named: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      },
    });
    // child is a Node again: listed, not expanded without end.
    expect(fields.map((f) => [f.name, f.type, f.required])).toEqual([['name', 'string', true], ['child', 'object', false]]);
    expect(schemaFields(null)).toEqual([]);
  });
});
