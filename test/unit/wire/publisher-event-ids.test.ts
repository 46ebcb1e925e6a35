import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderBody, renderRequest } from '../../../src/wire/index.js';
import { agreementMessage, endpoint } from './fixtures.js';

// A publisher's own event id and time (publish `eventId`, `timestamp`) in each payload format; the
// mapping README's wire-format table and docs/wire-formats.md state.

const OPTS = { timestamp: 1602237976, userAgent: 'Herald/1.2.3' };
const chosen = agreementMessage({ eventId: '5f8715ca1e74e400d4164ea6', eventTime: '2020-10-14T17:14:18.042+02:00', dataJson: '{"n": 1.0}' });

describe('publisher-chosen event ids and times, per payload format', () => {
  it('event: "event" is the eventId and "createdAt" the timestamp, as given; data byte-exact', () => {
    expect(renderBody(chosen, 'event', 'POST')).toBe(
      '{"event":"5f8715ca1e74e400d4164ea6","eventType":"CREATE","data":{"n": 1.0},"createdAt":"2020-10-14T17:14:18.042+02:00"}',
    );
  });

  it("standard: the payload's timestamp is the publisher's time (standard has no event id in the body)", () => {
    expect(renderBody(chosen, 'standard', 'POST')).toBe('{"type":"CREATE","timestamp":"2020-10-14T17:14:18.042+02:00","data":{"n": 1.0}}');
  });

  it('raw and entity-ref carry neither, so they are unchanged', () => {
    const plain = agreementMessage({ dataJson: '{"n": 1.0}' });
    for (const format of ['raw', 'entity-ref'] as const) expect(renderBody(chosen, format, 'POST')).toBe(renderBody(plain, format, 'POST'));
  });

  it("without them, Herald's own id and time are used", () => {
    const plain = agreementMessage();
    expect(renderBody(plain, 'event', 'POST')).toContain(`"event":"${plain.id}"`);
    expect(renderBody(plain, 'event', 'POST')).toContain(`"createdAt":"${plain.createdAt}"`);
    expect(renderBody(plain, 'standard', 'POST')).toContain(`"timestamp":"${plain.createdAt}"`);
  });

  it('webhook-id and the Standard Webhooks signature keep the message id (the deduplication key)', () => {
    const request = renderRequest(chosen, endpoint(), OPTS);
    expect(request.headers['webhook-id']).toBe(chosen.id);
    const key = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64');
    const expected = createHmac('sha256', key).update(`${chosen.id}.${OPTS.timestamp}.${request.body}`).digest('base64');
    expect(request.headers['webhook-signature']).toBe(`v1,${expected}`);
  });
});
