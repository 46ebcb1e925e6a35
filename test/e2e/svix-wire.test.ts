import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// The Svix wire foundation (src/api/svix): Svix's health route, its error shape on its own routes
// (Herald's routes keep theirs), and 501 for Svix features Herald does not have.

describe('Svix wire foundation', () => {
  let herald: TestHerald;
  beforeAll(async () => {
    herald = await startTestHerald();
  });
  afterAll(async () => {
    await herald?.stop();
  });

  it('GET /api/v1/health answers 204 without a token', async () => {
    const res = await fetch(`${herald.url}/api/v1/health`);
    expect(res.status).toBe(204);
  });

  it('a Svix feature Herald lacks answers 501 {code, detail} naming the route', async () => {
    const res = await herald.api('POST', '/api/v1/stream', { name: 'x' });
    expect(res.status).toBe(501);
    expect(res.body).toEqual({ code: 'not_implemented', detail: expect.stringContaining('POST /api/v1/stream') });
    const poll = await herald.api('GET', '/api/v1/app/app_x/poller/sink_1/consumer/c1');
    expect(poll.status).toBe(501);
    expect(poll.body.detail).toContain('GET /api/v1/app/:app_id/poller/*');
  });

  it('Svix routes answer errors as {code, detail}; Herald routes keep {code, message}', async () => {
    const svix = await fetch(`${herald.url}/api/v1/stream`, { headers: { authorization: 'Bearer wrong' } });
    expect(svix.status).toBe(401);
    expect(await svix.json()).toEqual({ code: 'unauthorized', detail: expect.any(String) });
    const own = await fetch(`${herald.url}/api/v1/apps`, { headers: { authorization: 'Bearer wrong' } });
    expect(own.status).toBe(401);
    expect(await own.json()).toEqual({ code: 'unauthorized', message: expect.any(String) });
  });
});
