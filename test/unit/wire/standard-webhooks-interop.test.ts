// Herald's standard-webhooks output must verify with the Standard Webhooks reference library.
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateSecret, renderRequest, signatureHeaders } from '../../../src/wire/index.js';
import { agreementMessage, endpoint } from './fixtures.js';

const now = () => Math.floor(Date.now() / 1000);

describe('standard-webhooks interoperability with the standardwebhooks package', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('verifies a rendered request for every payload format that POSTs', () => {
    const secret = generateSecret('standard-webhooks');
    for (const payloadFormat of ['standard', 'event', 'raw', 'entity-ref'] as const) {
      const request = renderRequest(agreementMessage(), endpoint({ payloadFormat, secrets: [secret] }), {
        timestamp: now(),
        userAgent: 'Herald/test',
      });
      expect(() => new Webhook(secret).verify(request.body!, request.headers)).not.toThrow();
    }
  });

  it('returns the standard body parsed, with type, timestamp and data', () => {
    const secret = generateSecret('standard-webhooks');
    const msg = agreementMessage();
    const request = renderRequest(msg, endpoint({ secrets: [secret] }), { timestamp: now(), userAgent: 'Herald/test' });
    expect(new Webhook(secret).verify(request.body!, request.headers)).toEqual({
      type: msg.eventType,
      timestamp: msg.createdAt,
      data: JSON.parse(msg.dataJson),
    });
  });

  it('matches the library at the spec vector time', () => {
    vi.useFakeTimers();
    vi.setSystemTime(1614265330 * 1000);
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = '{"test": 2432232314}';
    const headers = signatureHeaders({ scheme: 'standard-webhooks' }, [secret], {
      msg: agreementMessage({ id: 'msg_p5jXN8AQM9LWM0D4loKWxJek' }),
      timestamp: 1614265330,
      body,
    });
    expect(new Webhook(secret).verify(body, headers)).toEqual({ test: 2432232314 });
    expect(headers['webhook-signature']).toBe(
      new Webhook(secret).sign('msg_p5jXN8AQM9LWM0D4loKWxJek', new Date(1614265330 * 1000), body),
    );
  });

  it('during rotation, sends one v1 value per secret and each secret verifies alone', () => {
    const newest = generateSecret('standard-webhooks');
    const previous = generateSecret('standard-webhooks');
    const request = renderRequest(agreementMessage(), endpoint({ secrets: [newest, previous] }), {
      timestamp: now(),
      userAgent: 'Herald/test',
    });
    const values = request.headers['webhook-signature']!.split(' ');
    expect(values).toHaveLength(2);
    expect(values.every((v) => v.startsWith('v1,'))).toBe(true);
    expect(() => new Webhook(newest).verify(request.body!, request.headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(request.body!, request.headers)).not.toThrow();
    expect(() => new Webhook(generateSecret('standard-webhooks')).verify(request.body!, request.headers)).toThrow();
  });
});
