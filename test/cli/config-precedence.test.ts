import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnHerald } from '../helpers/spawn-herald.js';

// README: each option comes from its flag, else its HERALD_* variable, else the default. Checked on
// a real `herald serve` through what a user sees: the portal link's URL (--public-url) and the
// largest accepted request body (--body-limit).

const TOKEN = 'precedence-token';
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Starts Herald, reads the portal link's origin, and tries publishing bodies of the given sizes. */
async function observe(flags: string[], env: Record<string, string>, sizes: number[]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-precedence-'));
  dirs.push(dataDir);
  // Empty values count as unset: only what each case passes matters, not the test's own environment.
  const herald = await spawnHerald(['serve', '--data-dir', dataDir, ...flags], {
    HERALD_ADMIN_TOKEN: TOKEN, HERALD_PUBLIC_URL: '', HERALD_BODY_LIMIT: '', ...env,
  });
  try {
    const call = (path: string, body: string) =>
      fetch(herald.url + path, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body });
    const app = (await (await call('/api/v1/apps', '{"name":"precedence"}')).json()) as { id: string };
    const link = (await (await call(`/api/v1/apps/${app.id}/portal-link`, '{}')).json()) as { url: string };
    const accepted: boolean[] = [];
    for (const bytes of sizes) {
      const body = JSON.stringify({ eventType: 'a.b', data: { pad: '' } });
      const padded = body.replace('"pad":""', `"pad":"${'x'.repeat(bytes - body.length)}"`);
      expect(padded).toHaveLength(bytes);
      const res = await call(`/api/v1/apps/${app.id}/messages`, padded);
      expect([202, 413], `a ${bytes}-byte publish`).toContain(res.status);
      accepted.push(res.status === 202);
    }
    return { origin: new URL(link.url).origin, url: herald.url, accepted };
  } finally {
    herald.process.kill('SIGTERM');
    await herald.exited;
  }
}

describe('flag > environment > default', () => {
  it('takes the flag over the environment variable', async () => {
    const seen = await observe(['--public-url', 'https://flag.example', '--body-limit', '4000'], {
      HERALD_PUBLIC_URL: 'https://env.example', HERALD_BODY_LIMIT: '100000',
    }, [3000, 5000]);
    expect(seen.origin).toBe('https://flag.example');
    expect(seen.accepted).toEqual([true, false]);
  });

  it('takes the environment variable when there is no flag', async () => {
    const seen = await observe([], { HERALD_PUBLIC_URL: 'https://env.example', HERALD_BODY_LIMIT: '4000' }, [3000, 5000]);
    expect(seen.origin).toBe('https://env.example');
    expect(seen.accepted).toEqual([true, false]);
  });

  it('falls back to the default with neither (public URL from host and port; 1 MiB bodies)', async () => {
    const seen = await observe([], {}, [5000, 1_048_576 + 1]);
    expect(seen.origin).toBe(seen.url);
    expect(seen.accepted).toEqual([true, false]);
  });
});
