import type { Command } from 'commander';
import type { TaskOut } from '../sdk/client.js';
import { newCommand, type CliIo } from './cli-io.js';
import { addClientOptions, connect } from './client-config.js';

interface RecoverFlags {
  app: string;
  endpoint: string;
  since: string;
  wait: boolean;
  json?: boolean;
  url?: string;
  token?: string;
}

const POLL_MS = 250;
const BAR_WIDTH = 30;

/** `[██████░░░░] 60/100`: what a recovery has resent so far. */
export function progressBar(task: Pick<TaskOut, 'done' | 'total'>): string {
  const share = task.total > 0 ? Math.min(1, task.done / task.total) : 1;
  const filled = Math.round(share * BAR_WIDTH);
  return `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${task.done}/${task.total}`;
}

/** A relative `--since` (`2h`, `3d`) counts back from now; anything else must be an ISO 8601 time. */
export function parseSince(raw: string, now = Date.now()): string {
  const relative = /^(\d+)(m|h|d)$/.exec(raw.trim());
  if (relative) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd'];
    return new Date(now - Number(relative[1]) * unit).toISOString();
  }
  const at = Date.parse(raw);
  if (Number.isNaN(at)) throw new Error(`--since must be an ISO 8601 time (2025-01-31T00:00:00Z) or an age such as 6h or 2d, got "${raw}"`);
  return new Date(at).toISOString();
}

export function recoverCommand(io: CliIo): Command {
  const cmd = newCommand('recover', io, "resend every failed delivery of an endpoint since a time (after fixing the receiver)", [
    'herald endpoints recover --app billing --endpoint ep_2Xk… --since 2025-01-31T00:00:00Z',
    'herald endpoints recover --app billing --endpoint ep_2Xk… --since 6h --no-wait',
  ])
    .requiredOption('--app <id>', 'app id or uid')
    .requiredOption('--endpoint <id>', 'the endpoint whose failed deliveries are resent')
    .requiredOption('--since <time>', 'ISO 8601 time, or an age such as 6h or 2d')
    .option('--no-wait', 'start the recovery and print its task id without following it')
    .option('--json', 'print the task (as it ends, or as started with --no-wait) as JSON');
  addClientOptions(cmd);
  cmd.action(async (flags: RecoverFlags) => {
    const herald = connect(flags, io);
    let task = await herald.endpoints.recover(flags.app, flags.endpoint, { since: parseSince(flags.since) });
    if (flags.wait) {
      // One line redrawn in place (\r) while the task runs, then left as it ended.
      if (!flags.json) io.out(`\r${progressBar(task)}`);
      while (task.status === 'running') {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        task = await herald.tasks.get(flags.app, task.id);
        if (!flags.json) io.out(`\r${progressBar(task)}`);
      }
      if (!flags.json) io.out('\n');
    }
    if (flags.json) {
      io.out(JSON.stringify(task, null, 2) + '\n');
    } else if (task.status === 'running') {
      io.out(`✓ recovery ${task.id} started: ${task.total} message${task.total === 1 ? '' : 's'} to resend\n`);
    } else if (task.status === 'finished') {
      io.out(`✓ resent ${task.done} failed message${task.done === 1 ? '' : 's'} since ${task.since} (task ${task.id})\n`);
    } else {
      io.err(`recovery ${task.id} failed after ${task.done} of ${task.total}: ${task.error}\n`);
      io.setExitCode(1);
    }
  });
  return cmd;
}
