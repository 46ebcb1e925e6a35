import { describe, expect, it } from 'vitest';
import { formatAccepts, PAYLOAD_FORMATS, renderBody } from '../../../src/wire/index.js';
import { agreementMessage } from './fixtures.js';

describe('renderBody', () => {
  // Whitespace and key order that re-serialising would change, to prove dataJson is spliced verbatim.
  const dataJson = '{ "z": 1,\n  "a": [1.0, "é"] }';
  const msg = agreementMessage({ dataJson });

  it('standard: type, timestamp, data', () => {
    const body = renderBody(msg, 'standard', 'POST')!;
    expect(body).toBe(`{"type":"CREATE","timestamp":"2020-10-14T15:14:18.042Z","data":${dataJson}}`);
    expect(JSON.parse(body)).toEqual({ type: msg.eventType, timestamp: msg.createdAt, data: JSON.parse(dataJson) });
  });

  it('event: event, eventType, data, createdAt in that order', () => {
    const body = renderBody(msg, 'event', 'POST')!;
    expect(body).toBe(`{"event":"${msg.id}","eventType":"CREATE","data":${dataJson},"createdAt":"2020-10-14T15:14:18.042Z"}`);
    expect(Object.keys(JSON.parse(body))).toEqual(['event', 'eventType', 'data', 'createdAt']);
  });

  it('raw: the data exactly as published', () => {
    expect(renderBody(msg, 'raw', 'POST')).toBe(dataJson);
  });

  it('entity-ref: the entity, keeping the id JSON type', () => {
    expect(renderBody(msg, 'entity-ref', 'POST')).toBe('{"eventType":"CREATE","entityType":"Agreement","entityId":25}');
    const stringId = agreementMessage({ entity: { type: 'Agreement', id: '25' } });
    expect(renderBody(stringId, 'entity-ref', 'POST')).toBe('{"eventType":"CREATE","entityType":"Agreement","entityId":"25"}');
  });

  it('escapes string fields as JSON', () => {
    const quoted = agreementMessage({ eventType: 'a"b', entity: { type: 'x\\y', id: 1 } });
    expect(JSON.parse(renderBody(quoted, 'standard', 'POST')!).type).toBe('a"b');
    expect(JSON.parse(renderBody(quoted, 'entity-ref', 'POST')!)).toEqual({ eventType: 'a"b', entityType: 'x\\y', entityId: 1 });
  });

  it('GET has no body', () => {
    for (const format of PAYLOAD_FORMATS) expect(renderBody(msg, format, 'GET')).toBeUndefined();
  });

  it('entity-ref POST without an entity is an error, not a body with nulls', () => {
    expect(() => renderBody(agreementMessage({ entity: null }), 'entity-ref', 'POST')).toThrow(/entity-ref/);
  });
});

describe('formatAccepts', () => {
  it('accepts every message for body formats', () => {
    for (const format of ['standard', 'event', 'raw'] as const) {
      expect(formatAccepts(format, { entity: null })).toBe(true);
      expect(formatAccepts(format, {})).toBe(true);
    }
  });

  it('entity-ref requires an entity', () => {
    expect(formatAccepts('entity-ref', { entity: { type: 'Agreement', id: 25 } })).toBe(true);
    expect(formatAccepts('entity-ref', { entity: null })).toBe(false);
    expect(formatAccepts('entity-ref', {})).toBe(false);
  });

  it('entity-ref rejects entities a URL path cannot carry', () => {
    expect(formatAccepts('entity-ref', { entity: { type: '', id: 25 } })).toBe(false);
    expect(formatAccepts('entity-ref', { entity: { type: 'Agreement', id: '..' } })).toBe(false);
    expect(formatAccepts('entity-ref', { eventType: '.', entity: { type: 'Agreement', id: 25 } })).toBe(false);
  });
});
