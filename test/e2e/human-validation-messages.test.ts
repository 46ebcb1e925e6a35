import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// Issue 16: a refused endpoint or app answers with sentences a person can act on, naming the
// field, and never ajv's own wording (what the validator did, not what to type).

const AJV_WORDING = /must match pattern|must NOT have|must match a schema in anyOf|must be equal to (one of the allowed values|constant)|must have required property|must NOT have additional properties|\^\[|\{1,128\}/;

let herald: TestHerald;
let appId: string;

beforeAll(async () => {
  herald = await startTestHerald({ tokenRateLimit: 0 });
  appId = (await herald.api('POST', '/api/v1/apps', { name: 'sentences' })).body.id;
});
afterAll(async () => {
  await herald?.stop();
});

/** [what is sent, the field the message must start with, words it must contain] */
type Case = [string, Record<string, unknown>, string, RegExp];

const endpointCases: Case[] = [
  ['an event type with a space', { eventTypes: ['member removed'] }, 'eventTypes[0]', /letters, digits, '\.', '_', ':' or '-'.*128 characters/],
  ['an empty url', { url: '' }, 'url', /must not be empty/],
  ['a url of 3000 characters', { url: `https://example.com/${'a'.repeat(3000)}` }, 'url', /at most 2048 characters/],
  ['a method Herald does not send', { method: 'PUT' }, 'method', /one of "POST", "GET"/],
  ['an unknown payload format', { payloadFormat: 'xml' }, 'payloadFormat', /one of "standard", "event", "raw", "entity-ref"/],
  ['an unknown ordering', { ordering: 'fifo' }, 'ordering', /one of "unordered", "entity"/],
  ['a signature header with a space', { signature: { scheme: 'hmac-sha256', header: 'x sig' } }, 'signature.header', /HTTP header name.*no spaces/],
  ['a timeout that is not a duration', { timeout: '10 minutes' }, 'timeout', /ISO 8601 duration such as PT30S/],
  ['a negative rate limit', { rateLimit: -1 }, 'rateLimit', /must be more than 0/],
  ['a rate limit given as text', { rateLimit: 'fast' }, 'rateLimit', /must be a number \(or null\)/],
  ['a misspelt field', { retrySchedul: ['5s'] }, 'the body', /has no field "retrySchedul": check its spelling/],
  ['a retry schedule of 21 steps', { retrySchedule: Array(21).fill('5s') }, 'retrySchedule', /at most 20 items/],
  ['the same event type twice', { eventTypes: ['a.b', 'a.b'] }, 'eventTypes', /lists the same value twice/],
  ['a tls CA that is not text', { tls: { ca: 5 } }, 'tls.ca', /must be text/],
  ['disabled as text', { disabled: 'yes' }, 'disabled', /must be true or false/],
];

describe('validation messages are sentences naming the field', () => {
  it.each(endpointCases)('endpoint create: %s', async (_name, body, field, words) => {
    const res = await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: 'https://example.com/hook', ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.code).toBe('validation_error');
    expect(res.body.message.startsWith(`${field} `), res.body.message).toBe(true);
    expect(res.body.message).toMatch(words);
    expect(res.body.message).not.toMatch(AJV_WORDING);
    // The details say the same per field, in the same words: no raw validator objects.
    expect(res.body.details).toEqual([{ field, message: expect.stringMatching(words) }]);
  });

  it('says the same on PATCH', async () => {
    const created = await herald.api('POST', `/api/v1/apps/${appId}/endpoints`, { url: 'https://example.com/hook' });
    const res = await herald.api('PATCH', `/api/v1/apps/${appId}/endpoints/${created.body.id}`, { eventTypes: ['ok', 'has space'] });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^eventTypes\[1\] must use only letters, digits/);
    expect(res.body.message).not.toMatch(AJV_WORDING);
  });

  it.each<Case>([
    ['an app uid with a space', { name: 'x', uid: 'acme corp' }, 'uid', /letters, digits, '\.', '_' or '-'.*128 characters/],
    ['an app without a name', {}, 'name', /is required/],
    ['an empty app name', { name: '' }, 'name', /must not be empty/],
    ['an app name that is a number', { name: 7 }, 'name', /must be text/],
  ])('app create: %s', async (_name, body, field, words) => {
    const res = await herald.api('POST', '/api/v1/apps', body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.message.startsWith(`${field} `), res.body.message).toBe(true);
    expect(res.body.message).toMatch(words);
    expect(res.body.message).not.toMatch(AJV_WORDING);
  });

  it('names batch items and query parameters the way a client writes them', async () => {
    const batch = await herald.api('POST', `/api/v1/apps/${appId}/messages/batch`, { messages: [{ eventType: 'a.b', data: 1 }, { eventType: 'a b', data: 1 }] });
    expect(batch.status).toBe(400);
    expect(batch.body.message).toMatch(/^messages\[1\]\.eventType must use only letters/);
    const limit = await herald.api('GET', '/api/v1/apps?limit=0');
    expect(limit.status).toBe(400);
    expect(limit.body.message).toBe('query parameter limit must be at least 1');
  });
});
