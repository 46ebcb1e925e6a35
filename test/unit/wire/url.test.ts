import { describe, expect, it } from 'vitest';
import { renderUrl } from '../../../src/wire/index.js';
import { agreementMessage } from './fixtures.js';

const msg = agreementMessage();
const QUERY = { key: 'QueryParameterKey' };

describe('renderUrl', () => {
  it('leaves the URL alone for body formats without query parameters', () => {
    for (const payloadFormat of ['standard', 'event', 'raw'] as const) {
      expect(renderUrl(msg, { url: 'https://r.example/a/b?x=1', payloadFormat })).toBe('https://r.example/a/b?x=1');
    }
  });

  it('adds query parameters (seed 004: key becomes ?key=QueryParameterKey)', () => {
    expect(renderUrl(msg, { url: 'http://www.example.org/automation/', payloadFormat: 'raw', query: QUERY })).toBe(
      'http://www.example.org/automation/?key=QueryParameterKey',
    );
    expect(renderUrl(msg, { url: 'http://www.example.org/automation', payloadFormat: 'raw', query: QUERY })).toBe(
      'http://www.example.org/automation?key=QueryParameterKey',
    );
  });

  it('appends to an existing query without re-encoding it', () => {
    const url = 'https://r.example/hook?a=b%20c&flag';
    expect(renderUrl(msg, { url, payloadFormat: 'raw', query: QUERY })).toBe(`${url}&key=QueryParameterKey`);
    expect(renderUrl(msg, { url: 'https://r.example/hook?', payloadFormat: 'raw', query: QUERY })).toBe(
      'https://r.example/hook?key=QueryParameterKey',
    );
    expect(renderUrl(msg, { url: 'https://r.example/hook?a=1&', payloadFormat: 'raw', query: QUERY })).toBe(
      'https://r.example/hook?a=1&key=QueryParameterKey',
    );
  });

  it('percent-encodes query keys and values', () => {
    expect(renderUrl(msg, { url: 'https://r.example/h', payloadFormat: 'raw', query: { 'a b': 'x&y=z', c: 'é' } })).toBe(
      'https://r.example/h?a%20b=x%26y%3Dz&c=%C3%A9',
    );
  });

  it('keeps a fragment after the query', () => {
    expect(renderUrl(msg, { url: 'https://r.example/h?a=1#top', payloadFormat: 'raw', query: QUERY })).toBe(
      'https://r.example/h?a=1&key=QueryParameterKey#top',
    );
  });

  it('entity-ref appends /{eventType}/{entity.type}/{entity.id} (seed 000)', () => {
    expect(renderUrl(msg, { url: 'https://r.example/webhook', payloadFormat: 'entity-ref' })).toBe(
      'https://r.example/webhook/CREATE/Agreement/25',
    );
  });

  it('entity-ref does not double a trailing slash', () => {
    expect(renderUrl(msg, { url: 'https://r.example/webhook/', payloadFormat: 'entity-ref' })).toBe(
      'https://r.example/webhook/CREATE/Agreement/25',
    );
    expect(renderUrl(msg, { url: 'https://r.example', payloadFormat: 'entity-ref' })).toBe('https://r.example/CREATE/Agreement/25');
  });

  it('entity-ref puts the path before an existing query and the added parameters', () => {
    expect(renderUrl(msg, { url: 'https://r.example/webhook/?t=1', payloadFormat: 'entity-ref', query: QUERY })).toBe(
      'https://r.example/webhook/CREATE/Agreement/25?t=1&key=QueryParameterKey',
    );
  });

  it('entity-ref URL-encodes each segment', () => {
    const odd = agreementMessage({ eventType: 'space:booked', entity: { type: 'Floor Plan', id: 'a/b#c' } });
    expect(renderUrl(odd, { url: 'https://r.example/w', payloadFormat: 'entity-ref' })).toBe(
      'https://r.example/w/space%3Abooked/Floor%20Plan/a%2Fb%23c',
    );
  });

  it('entity-ref refuses a message it cannot address', () => {
    expect(() => renderUrl(agreementMessage({ entity: null }), { url: 'https://r.example/w', payloadFormat: 'entity-ref' })).toThrow(
      /entity-ref/,
    );
    expect(() =>
      renderUrl(agreementMessage({ entity: { type: 'Agreement', id: '..' } }), { url: 'https://r.example/w', payloadFormat: 'entity-ref' }),
    ).toThrow(/entity-ref/);
  });
});
