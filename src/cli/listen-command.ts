import { Option, type Command } from 'commander';
import { newCommand, type CliIo } from './cli-io.js';
import { formatCaptured } from './listen-format.js';
import { startListener } from './listen-server.js';
import { addSchemeOptions, describeScheme, verifyConfig, type SchemeFlags } from './scheme-options.js';

interface ListenFlags extends SchemeFlags {
  port: string;
  host: string;
  forwardTo?: string;
  status: string;
}

function whole(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

export function listenCommand(io: CliIo): Command {
  const cmd = newCommand('listen', io, 'run a local receiver that prints each request, checks its signature (✓/✗) and answers it', [
    'herald listen --secret whsec_…                        # Standard Webhooks on http://127.0.0.1:9000',
    'herald listen --scheme stripe --secret whsec_test --port 4000',
    'herald listen --scheme hmac-sha256 --header-name x-hub-signature-256 --prefix sha256= --secret s3cret',
    'herald listen --scheme entity-path --secret mySecret --forward-to http://localhost:3000/hooks',
    'herald listen --status 503                            # watch Herald retry',
  ], [
    'Point an endpoint at the printed URL; open http://127.0.0.1:9000/_herald for the live page.',
    'With --forward-to, each request is replayed unchanged to that URL plus the received path and query,',
    'and the listener answers with its response (502 if it cannot be reached).',
  ].join('\n'))
    .option('--port <port>', 'port to listen on (0: any free port)', '9000')
    .option('--host <host>', 'interface to listen on', '127.0.0.1');
  addSchemeOptions(cmd)
    .option('--forward-to <url>', 'also send each request on to this URL and answer with its response')
    .addOption(new Option('--status <code>', 'status to answer with when not forwarding').default('200'));
  cmd.action(async (flags: ListenFlags) => {
    const status = whole('--status', flags.status, 100, 599);
    const port = whole('--port', flags.port, 0, 65535);
    if (flags.forwardTo) new URL(flags.forwardTo); // a typo fails now, not at the first request
    const label = describeScheme(flags);
    const listener = await startListener({
      port,
      host: flags.host,
      status,
      forwardTo: flags.forwardTo,
      verification: flags.secret?.length ? verifyConfig({ ...flags, secret: flags.secret }) : null,
      onRequest: (captured) => io.out(formatCaptured(captured, label)),
    });
    const checking = flags.secret?.length ? `checking ${label} signatures` : 'not checking signatures (no --secret)';
    io.out(
      [
        `herald listen: receiving on ${listener.url}  (${checking})`,
        `  live page: ${listener.pageUrl}`,
        `  answering: ${flags.forwardTo ? `with the response of ${flags.forwardTo}` : status}`,
        '  Ctrl-C to stop',
        '',
        '',
      ].join('\n'),
    );
    io.onInterrupt(() => listener.close());
  });
  return cmd;
}
