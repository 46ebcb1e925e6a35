import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createLogger } from '../../src/observability/logger.js';
import { DEFAULT_CONFIG, type ServerConfig } from '../../src/config/options.js';
import { startHerald, type RunningHerald } from '../../src/herald.js';
import { testSchema } from './pg.js';

export interface TestHerald extends RunningHerald {
  token: string;
  dataDir: string;
  /** Calls the API as the admin; returns status and parsed JSON body. */
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T; headers: Headers }>;
  stop(): Promise<void>;
}

/** Fast retries and polling so retry tests take milliseconds; loopback receivers allowed. */
export const TEST_CONFIG: Partial<ServerConfig> = {
  host: '127.0.0.1',
  port: 0,
  allowPrivateNetworks: true,
  retrySchedule: [50, 100, 150, 200],
  pollInterval: 25,
  shutdownGrace: 2000,
  // The delivery thread, as on any machine with two cores; test/e2e/delivery-threads covers 0 and 2.
  deliveryThreads: 1,
  logLevel: 'silent',
  adminToken: 'test-admin-token',
};

/** `logger`: pass one to inspect what Herald logs (e.g. warnings); silent by default. */
export async function startTestHerald(overrides: Partial<ServerConfig> = {}, logger?: Logger): Promise<TestHerald> {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'herald-test-'));
  // HERALD_TEST_STORE=postgres runs the suite on PostgreSQL, one schema per data folder: a test
  // restarting Herald on its own folder finds its data again (and that schema outlives stop()).
  const pgSchema = overrides.database === undefined && process.env.HERALD_TEST_STORE === 'postgres' ? testSchema('e2e', dataDir) : null;
  const config: ServerConfig = { ...DEFAULT_CONFIG, ...TEST_CONFIG, dataDir, ...(pgSchema ? { database: pgSchema.url } : {}), ...overrides };
  const herald = await startHerald(config, logger ?? createLogger(config.logLevel)).catch(async (err: unknown) => {
    if (!overrides.dataDir) await pgSchema?.drop();
    throw err;
  });
  const token = herald.adminToken.token;
  return {
    ...herald,
    token,
    dataDir,
    async api(method, path, body, headers = {}) {
      const res = await fetch(herald.url + path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
    },
    async stop() {
      await herald.close();
      if (!overrides.dataDir) {
        await pgSchema?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Polls `check` until it returns a truthy value or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 10_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v as T;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
}
