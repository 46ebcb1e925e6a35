import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { startReceiver } from '../helpers/receiver.js';
import { startTestHerald } from '../helpers/test-herald.js';

describe('logs', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanup) await c();
  });

  it('are JSON lines at every level and never contain a secret or a token', async () => {
    const failing = await startReceiver(() => ({ status: 500, body: 'nope' }));
    cleanup.push(() => failing.close());
    const logger = createLogger('trace', sink);
    const herald = await startTestHerald({ logLevel: 'trace', adminToken: 'admin-token-that-must-not-leak-123' }, logger);
    cleanup.push(() => herald.stop());

    const app = (await herald.api('POST', '/api/v1/apps', { name: 'logs' })).body;
    const appToken = (await herald.api('POST', `/api/v1/apps/${app.id}/tokens`, {})).body.token;
    const typed = 'typed-secret-value-9d8c7b6a';
    const ep = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, {
      url: failing.url, signature: { scheme: 'hmac-sha256' }, secret: typed, tls: { insecureSkipVerify: true },
    })).body;
    const std = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: failing.url })).body;
    const rotated = (await herald.api('POST', `/api/v1/apps/${app.id}/endpoints/${std.id}/secret/rotate`, {})).body;
    await herald.api('POST', `/api/v1/apps/${app.id}/messages`, { eventType: 'log.test', data: { hello: 'world' } });
    await failing.waitFor(2);
    // Failed auth with a token-like value, and a crash-free error path.
    await fetch(`${herald.url}/api/v1/apps`, { headers: { authorization: `Bearer ${appToken}x` } });
    await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: 'http://example.com', secret: 'whsec_bad' });
    await new Promise((r) => setTimeout(r, 300));

    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    // The insecureSkipVerify warning was logged, naming the endpoint but not its secret.
    expect(lines.some((l) => l.includes('insecureSkipVerify') || l.includes('verification'))).toBe(true);
    const all = lines.join('\n');
    for (const secret of ['admin-token-that-must-not-leak-123', appToken, typed, ep.secret, std.secret, rotated.secret]) {
      expect(all.includes(secret), `log contains ${secret}`).toBe(false);
    }
  });

  it('redacts secret-looking fields even if a future log call passes them', () => {
    const out: string[] = [];
    const logger = createLogger('info', new Writable({ write(c, _e, d) { out.push(c.toString()); d(); } }));
    logger.info({ endpoint: { secret: 's3cr3t', tls: { key: 'PRIVATE' } }, req: { headers: { authorization: 'Bearer abc' } } }, 'oops');
    const text = out.join('');
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('PRIVATE');
    expect(text).not.toContain('Bearer abc');
    expect(text).toContain('[redacted]');
  });
});
