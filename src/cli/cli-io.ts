import { homedir } from 'node:os';
import { Command } from 'commander';

/**
 * What a client-side command touches outside itself. Passed in rather than read from `process`,
 * so tests run commands in-process and read what they printed and the exit code they chose.
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  homeDir: string;
  cwd: string;
  /** Resolves to an empty buffer when stdin is a terminal (nothing piped), instead of waiting. */
  readStdin(): Promise<Buffer>;
  /** Ends the command with this code without throwing (`herald verify` answers 0 or 1). */
  setExitCode(code: number): void;
  /** Runs `stop` on Ctrl-C or SIGTERM; long-running commands (`herald listen`) close with it. */
  onInterrupt(stop: () => Promise<void>): void;
}

export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    env: process.env,
    homeDir: homedir(),
    cwd: process.cwd(),
    async readStdin() {
      if (process.stdin.isTTY) return Buffer.alloc(0);
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
    setExitCode: (code) => {
      process.exitCode = code;
    },
    onInterrupt(stop) {
      const handler = () => void stop().finally(() => process.exit(process.exitCode ?? 0));
      process.once('SIGINT', handler);
      process.once('SIGTERM', handler);
    },
  };
}

/** A command whose help and usage errors go through `io`, with an examples section in --help. */
export function newCommand(name: string, io: CliIo, description: string, examples: string[] = [], notes = ''): Command {
  const cmd = new Command(name).description(description).configureOutput({ writeOut: io.out, writeErr: io.err });
  const sections = [examples.length > 0 ? `Examples:\n${examples.map((e) => `  ${e}`).join('\n')}` : '', notes].filter(Boolean);
  if (sections.length > 0) cmd.addHelpText('after', `\n${sections.join('\n\n')}\n`);
  return cmd;
}
