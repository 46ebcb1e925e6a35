import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HERALD_BIN } from '../helpers/spawn-herald.js';

// Every server option is checked in one place, before anything starts: a bad value, typed as a flag
// or set in its HERALD_* variable, stops a real `herald serve` / `herald worker` with a message that
// names both the flag and the variable, and leaves the data folder as it was.

interface Exit {
  code: number | null;
  stderr: string;
  dataDir: string;
}

/** Runs the built CLI; a process that starts instead of refusing is killed after 20 s (and fails). */
function run(args: string[], env: Record<string, string> = {}): Promise<Exit> {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-bad-option-'));
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('HERALD_')));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [HERALD_BIN, ...args, '--data-dir', dataDir, '--host', '127.0.0.1'],
      { env: { ...clean, HERALD_ADMIN_TOKEN: 'a-token-for-a-process-that-should-not-start', ...env }, timeout: 20_000 },
      (err, _stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr, dataDir }),
    );
  });
}

const CASES = [
  { command: 'serve', flag: '--allowed-networks', env: 'HERALD_ALLOWED_NETWORKS', bad: '10.0.0.0/8,not-a-network', shown: 'not-a-network' },
  { command: 'serve', flag: '--log-level', env: 'HERALD_LOG_LEVEL', bad: 'loud', shown: 'loud' },
  { command: 'serve', flag: '--port', env: 'HERALD_PORT', bad: 'eighty', shown: 'eighty' },
  { command: 'worker', flag: '--health-port', env: 'HERALD_HEALTH_PORT', bad: '70000', shown: '70000' },
  { command: 'worker', flag: '--allowed-networks', env: 'HERALD_ALLOWED_NETWORKS', bad: '10.0.0.0/33', shown: '10.0.0.0/33' },
  { command: 'worker', flag: '--log-level', env: 'HERALD_LOG_LEVEL', bad: 'INFO!', shown: 'INFO!' },
];

describe('a bad option value stops Herald at start, naming its flag and its variable', () => {
  for (const c of CASES) {
    for (const via of ['flag', 'variable'] as const) {
      it(`herald ${c.command} with ${c.flag} "${c.bad}" as a ${via}`, async () => {
        const port = c.command === 'serve' && c.flag !== '--port' ? ['--port', '0'] : [];
        const exit = via === 'flag'
          ? await run([c.command, ...port, `${c.flag}=${c.bad}`])
          : await run([c.command, ...port], { [c.env]: c.bad });
        expect(exit.code, exit.stderr).not.toBe(0);
        expect(exit.code, 'refused rather than killed after starting').not.toBeNull();
        expect(exit.stderr).toContain(c.flag);
        expect(exit.stderr).toContain(c.env);
        expect(exit.stderr).toContain(`"${c.shown}"`);
        expect(exit.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
        // Refused before anything ran: no admin token, key or database written.
        expect(readdirSync(exit.dataDir)).toEqual([]);
      });
    }
  }
});
