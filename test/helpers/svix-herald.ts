import { afterAll, beforeAll } from 'vitest';
import { Svix } from 'svix';
import type { ServerConfig } from '../../src/config/options.js';
import { startReceiver, type Receiver, type Responder } from './receiver.js';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from './pg.js';
import { startTestHerald, type TestHerald } from './test-herald.js';

// The set-up every Svix e2e file shares: the stores to run on, and a Herald on one of them with a
// loopback receiver and Svix's own SDK pointed at it.

/** SQLite always; PostgreSQL when HERALD_TEST_PG_URL is set (a warning names what is skipped otherwise). */
export function bothStores(what: string): Array<{ store: string; pg: boolean }> {
  warnIfNoPostgres(what);
  return [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];
}

export interface SvixHerald {
  herald: TestHerald;
  receiver: Receiver;
  /** Svix's SDK with the admin token. */
  svix: Svix;
}

/**
 * Starts, before the enclosing describe block's tests, a Herald (on a fresh PostgreSQL schema named
 * after `label` when `pg`; no token rate limit), a receiver answering with `respond`, and the SDK;
 * stops them after. The fields are set once the block's beforeAll has run.
 */
export function useSvixHerald(label: string, pg: boolean, options: { respond?: Responder; config?: Partial<ServerConfig> } = {}): SvixHerald {
  const env = {} as SvixHerald;
  let schema: TestSchema | null = null;
  beforeAll(async () => {
    schema = pg ? testSchema(label) : null;
    env.herald = await startTestHerald({ tokenRateLimit: 0, ...options.config, ...(schema ? { database: schema.url } : {}) });
    env.receiver = await startReceiver(options.respond);
    env.svix = new Svix(env.herald.token, { serverUrl: env.herald.url });
  });
  afterAll(async () => {
    await env.herald?.stop();
    await env.receiver?.close();
    await schema?.drop();
  });
  return env;
}
