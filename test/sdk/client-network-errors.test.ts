import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { Herald, HeraldApiError, HeraldNetworkError } from '../../src/sdk/client.js';
import { freePort } from '../helpers/spawn-herald.js';

// When the client cannot reach Herald at all, the error must say which request to which address
// failed, so a wrong URL or port is obvious, and must never show the token.

const TOKEN = 'secret-token-that-must-not-leak';

async function failure(run: () => Promise<unknown>): Promise<Error> {
  try {
    await run();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

describe('client network errors', () => {
  const servers: Server[] = [];
  afterAll(() => {
    for (const s of servers) s.close();
  });

  it('connection refused: names the method and URL, and why', async () => {
    const port = await freePort(); // nothing listens there any more
    const client = new Herald({ url: `http://127.0.0.1:${port}/`, token: TOKEN });
    const err = await failure(() => client.apps.list({ limit: 5 }));
    expect(err).toBeInstanceOf(HeraldNetworkError);
    expect(err).not.toBeInstanceOf(HeraldApiError);
    expect(err.message).toContain(`GET http://127.0.0.1:${port}/api/v1/apps?limit=5`);
    expect(err.message).toMatch(/ECONNREFUSED|refused/);
    expect(err.message).not.toContain(TOKEN);
    expect((err as HeraldNetworkError).url).toBe(`http://127.0.0.1:${port}/api/v1/apps?limit=5`);
  });

  it('DNS failure: names the URL', async () => {
    const client = new Herald({ url: 'http://herald.invalid:8080', token: TOKEN });
    const err = await failure(() => client.messages.create('app_x', { eventType: 'a.b', data: {} }));
    expect(err).toBeInstanceOf(HeraldNetworkError);
    expect(err.message).toContain('POST http://herald.invalid:8080/api/v1/apps/app_x/messages');
    expect(err.message).not.toContain(TOKEN);
  });

  it('timeout (timeoutMs): names the URL and the time waited', async () => {
    // Accepts the connection and never answers.
    const silent = createServer(() => {});
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const client = new Herald({ url: `http://127.0.0.1:${port}`, token: TOKEN, timeoutMs: 200 });
    const err = await failure(() => client.apps.get('app_1'));
    expect(err).toBeInstanceOf(HeraldNetworkError);
    expect(err.message).toContain(`GET http://127.0.0.1:${port}/api/v1/apps/app_1`);
    expect(err.message).toMatch(/timed out after 200 ms/);
  });

  it('refuses credentials in the base URL up front, without repeating them', async () => {
    const port = await freePort();
    const err = await failure(async () => new Herald({ url: `http://user:pa55word@127.0.0.1:${port}`, token: TOKEN }));
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toContain(`http://127.0.0.1:${port}`);
    expect(err.message).toMatch(/token/);
    expect(err.message).not.toContain('pa55word');
  });
});
