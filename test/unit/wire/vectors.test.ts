// The six test vectors of WIRE-FORMATS.md, each through the public API.
import { describe, expect, it } from 'vitest';
import { renderBody, renderRequest, renderUrl, signatureHeaders } from '../../../src/wire/index.js';
import { agreementMessage, endpoint } from './fixtures.js';

describe('WIRE-FORMATS.md test vectors', () => {
  it('1. standard-webhooks (the Standard Webhooks reference vector)', () => {
    const msg = agreementMessage({ id: 'msg_p5jXN8AQM9LWM0D4loKWxJek' });
    const headers = signatureHeaders(
      { scheme: 'standard-webhooks' },
      ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      { msg, timestamp: 1614265330, body: '{"test": 2432232314}' },
    );
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('2. entity-path (seed 000): signature, GET path and POST body', () => {
    const msg = agreementMessage();
    const sig = { scheme: 'entity-path' as const };
    expect(signatureHeaders(sig, ['mySecret'], { msg, timestamp: 1602237976, body: undefined })).toEqual({
      'x-ioffice-signature': '6206491ddab1218e7d6a9c8b3fbaa43da7858ee678dc6cd53a4dcabf0216568e',
    });

    const url = 'https://www.webhookexampleioffice.com/webhook';
    const get = renderRequest(msg, endpoint({ url, method: 'GET', payloadFormat: 'entity-ref', signature: sig, secrets: ['mySecret'] }), {
      timestamp: 1602237976,
      userAgent: 'Herald/test',
    });
    expect(get.url).toBe(`${url}/CREATE/Agreement/25`);
    expect(get.body).toBeUndefined();
    expect(get.headers['x-ioffice-signature']).toBe('6206491ddab1218e7d6a9c8b3fbaa43da7858ee678dc6cd53a4dcabf0216568e');

    expect(renderBody(msg, 'entity-ref', 'POST')).toBe('{"eventType":"CREATE","entityType":"Agreement","entityId":25}');
    expect(renderUrl(msg, { url, payloadFormat: 'entity-ref' })).toBe(`${url}/CREATE/Agreement/25`);
  });

  it('3. timestamped (seed 001): the event body and its signature', () => {
    const msg = agreementMessage({
      id: '5f8715ca1e74e400d4164ea6',
      eventType: 'member.removed',
      createdAt: '2020-10-14T15:14:18.042Z',
      dataJson: '{"object":{"_id":"5e8c9df14d46c7001064c3ef","name":"Jonathan Brown"}}',
      entity: null,
    });
    const body = renderBody(msg, 'event', 'POST');
    expect(body).toBe(
      '{"event":"5f8715ca1e74e400d4164ea6","eventType":"member.removed","data":{"object":{"_id":"5e8c9df14d46c7001064c3ef","name":"Jonathan Brown"}},"createdAt":"2020-10-14T15:14:18.042Z"}',
    );
    expect(signatureHeaders({ scheme: 'timestamped' }, ['orn_secret'], { msg, timestamp: 1602237976, body })).toEqual({
      'officernd-signature': 't=1602237976,signature=6590f61312731f235237ad89caba863b795e5372c1de0b2b07fb631d45af43c2',
    });
  });

  it('4. hmac-sha256 with prefix sha256= (seed 003)', () => {
    const body = '{"action":"employee_create","data":{"id":130333}}';
    const msg = agreementMessage({ dataJson: body });
    expect(renderBody(msg, 'raw', 'POST')).toBe(body);
    const sig = { scheme: 'hmac-sha256' as const, header: 'x-peopleforce-signature', prefix: 'sha256=' };
    expect(signatureHeaders(sig, ['pf_secret'], { msg, timestamp: 1602237976, body })).toEqual({
      'x-peopleforce-signature': 'sha256=8d7128382c5b5e5c2994f45f8bd73bc954a477b6758409b552f8a3132167849a',
    });
  });

  it('5. stripe', () => {
    const body = '{"action":"employee_create","data":{"id":130333}}';
    const headers = signatureHeaders({ scheme: 'stripe' }, ['whsec_test'], { msg: agreementMessage(), timestamp: 1602237976, body });
    expect(headers).toEqual({
      'stripe-signature': 't=1602237976,v1=f784abe461c22c875d681dd7b310a940954d5130649b66975e8a3094036cee30',
    });
  });

  it('6. hmac-sha256 without prefix (seed 004 X-Signature)', () => {
    const body =
      '{"orderId":"07c6ad8c-d1ba-4e73-9bbf-c70a085a449c","eventType":"OrderAccepted","taskId":"07c6ad8c-d1ba-4e73-9bbf-c70a085a449c"}';
    const msg = agreementMessage({ eventType: 'OrderAccepted', dataJson: body, entity: null });
    const request = renderRequest(
      msg,
      endpoint({ url: 'http://www.example.org/automation/', payloadFormat: 'raw', signature: { scheme: 'hmac-sha256', header: 'X-Signature' }, secrets: ['HeaderSecret'] }),
      { timestamp: 1602237976, userAgent: 'Herald/test' },
    );
    expect(request.body).toBe(body);
    expect(request.headers['X-Signature']).toBe('10b0022efbff7e5e6505ff7223cf9dac6f086ee175ae30c6737fd2f2908c9fb6');
  });
});
