import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import type { CliIo } from '../../src/cli/cli-io.js';
import { toolingCommands } from '../../src/cli/tooling-commands.js';

export interface CliRun {
  /** What the process would exit with: the command's own code, or 1 when it threw (as main.ts does). */
  code: number;
  out: string;
  err: string;
  /** Stops a long-running command (`listen`), as Ctrl-C would. */
  interrupt(): Promise<void>;
}

export interface CliRunOptions {
  env?: Record<string, string>;
  stdin?: string | Buffer;
  /** Defaults to an empty temporary folder, so no real ~/.config/herald/cli.json is read. */
  homeDir?: string;
}

function exitOverrideAll(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) exitOverrideAll(sub);
}

/** Runs `herald <args>` in-process with the client-side commands main.ts registers. */
export async function runCli(args: string[], options: CliRunOptions = {}): Promise<CliRun> {
  let code = 0;
  const stops: Array<() => Promise<void>> = [];
  const run = {
    code: 0,
    out: '',
    err: '',
    interrupt: async () => {
      for (const stop of stops.splice(0)) await stop();
    },
  };
  const io: CliIo = {
    out: (text) => void (run.out += text),
    err: (text) => void (run.err += text),
    env: { ...options.env },
    homeDir: options.homeDir ?? mkdtempSync(join(tmpdir(), 'herald-cli-home-')),
    cwd: process.cwd(),
    readStdin: async () => (options.stdin === undefined ? Buffer.alloc(0) : Buffer.from(options.stdin)),
    setExitCode: (c) => void (code = c),
    onInterrupt: (stop) => void stops.push(stop),
  };
  const program = new Command('herald').configureOutput({ writeOut: io.out, writeErr: io.err });
  for (const command of toolingCommands(io)) program.addCommand(command);
  exitOverrideAll(program);
  try {
    await program.parseAsync(['node', 'herald', ...args]);
  } catch (err) {
    const e = err as Error & { exitCode?: number; code?: string };
    // Commander's own exits (--help, usage errors) already printed; others are printed as main.ts does.
    if (e.exitCode !== undefined && e.code?.startsWith('commander.')) code = e.exitCode;
    else {
      run.err += `herald: ${e.message}\n`;
      code = 1;
    }
  }
  run.code = code;
  return run;
}
