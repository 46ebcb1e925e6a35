import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { verify, WebhookVerificationError } from '../../src/sdk/verify.js';
import { signedRequest, SCHEME_CASES, TS } from './signed-request.js';

// The most common receiver mistake: handing verify() the body a JSON parser already parsed. The
// signature covers the bytes Herald sent, so that can never verify; it must say so, and how to get
// the raw body, rather than report a "signature mismatch" that looks like a forgery or a wrong secret.

const standard = SCHEME_CASES[0]!;
const req = signedRequest(standard);
const base = { secret: req.secret, headers: req.headers, now: TS };

function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected verify to throw');
}

describe('verify() given a parsed body', () => {
  it('throws a TypeError saying to pass the raw body, with Express and Fastify recipes', () => {
    for (const parsed of [JSON.parse(req.body!), [1, 2], 42, true]) {
      const err = errorOf(() => verify({ ...base, body: parsed as never }));
      expect(err).toBeInstanceOf(TypeError);
      expect(err).not.toBeInstanceOf(WebhookVerificationError);
      expect(err.message).toMatch(/raw (request )?body/);
      expect(err.message).toContain('express.raw(');
      expect(err.message).toMatch(/Fastify.*(rawBody|parseAs: 'buffer')/s);
      expect(err.message).not.toMatch(/signature mismatch/);
    }
  });

  it('still verifies the raw body as a string, a Buffer, a Uint8Array or an ArrayBuffer', () => {
    const bytes = Buffer.from(req.body!);
    const copy = new Uint8Array(bytes);
    for (const body of [req.body!, bytes, copy, copy.buffer]) {
      expect(verify({ ...base, body: body as never })).toEqual(JSON.parse(req.body!));
    }
  });
});

describe('on real frameworks', () => {
  const servers: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const close of servers) await close();
  });

  /** POSTs Herald's signed request to `url` and returns what the receiver answered. */
  const deliver = async (url: string) => {
    const res = await fetch(url, { method: 'POST', headers: req.headers as Record<string, string>, body: req.body });
    return { status: res.status, text: await res.text() };
  };

  it('Express: express.json() then verify() explains express.raw; express.raw() verifies', async () => {
    const app = express();
    const handler = (r: express.Request, res: express.Response) => {
      try {
        verify({ ...base, body: r.body });
        res.status(204).end();
      } catch (err) {
        res.status(500).send((err as Error).message);
      }
    };
    app.post('/parsed', express.json(), handler);
    app.post('/raw', express.raw({ type: 'application/json' }), handler);
    const server = await new Promise<import('node:http').Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    servers.push(() => new Promise((resolve) => server.close(resolve)));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const parsed = await deliver(`${url}/parsed`);
    expect(parsed.status).toBe(500);
    expect(parsed.text).toContain('express.raw(');
    expect((await deliver(`${url}/raw`)).status).toBe(204);
  });

  it("Fastify: the default JSON parser then verify() explains rawBody / parseAs: 'buffer'", async () => {
    const app = Fastify();
    app.post('/parsed', async (request, reply) => {
      try {
        verify({ ...base, body: request.body as never });
        return reply.code(204).send();
      } catch (err) {
        return reply.code(500).send((err as Error).message);
      }
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    servers.push(() => app.close());
    const parsed = await deliver(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/parsed`);
    expect(parsed.status).toBe(500);
    expect(parsed.text).toMatch(/Fastify/);
    expect(parsed.text).toMatch(/rawBody|parseAs: 'buffer'/);
  });
});
