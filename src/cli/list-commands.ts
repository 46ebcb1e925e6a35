import type { Command } from 'commander';
import type { AttemptOut, EndpointOut, MessageOut, PageOut } from '../sdk/client.js';
import { newCommand, type CliIo } from './cli-io.js';
import { addClientOptions, connect } from './client-config.js';
import { recoverCommand } from './recover-command.js';
import { renderTable, type Column } from './table.js';

interface ListFlags {
  app: string;
  limit?: string;
  iterator?: string;
  json?: boolean;
  url?: string;
  token?: string;
}

function limitOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 250) throw new Error(`--limit must be a whole number from 1 to 250, got "${raw}"`);
  return n;
}

/** The options every list shares: which app, paging, output, and how to reach the API. */
function listCommand(name: string, io: CliIo, description: string, examples: string[]): Command {
  const cmd = newCommand(name, io, description, examples)
    .requiredOption('--app <id>', 'app id or uid')
    .option('--limit <n>', 'items per page, 1 to 250 (default 50)')
    .option('--iterator <cursor>', 'continue after this item (printed below a full page)')
    .option('--json', 'print the API response (data, iterator, done) as JSON');
  return addClientOptions(cmd);
}

function print<Row>(io: CliIo, flags: ListFlags, page: PageOut<Row>, columns: Column<Row>[], noun: string): void {
  if (flags.json) {
    io.out(JSON.stringify(page, null, 2) + '\n');
    return;
  }
  if (page.data.length === 0) {
    io.out(`no ${noun}\n`);
    return;
  }
  io.out(renderTable(columns, page.data));
  if (!page.done && page.iterator) io.out(`\nmore: add --iterator ${page.iterator}\n`);
}

const ENDPOINT_COLUMNS: Column<EndpointOut>[] = [
  { header: 'ID', value: (e) => e.id },
  { header: 'URL', value: (e) => e.url },
  { header: 'SCHEME', value: (e) => e.signature.scheme },
  { header: 'FORMAT', value: (e) => `${e.method} ${e.payloadFormat}` },
  { header: 'EVENTS', value: (e) => (e.eventTypes.length ? e.eventTypes.join(',') : 'all') },
  { header: 'STATE', value: (e) => (e.disabled ? 'disabled' : 'enabled') },
];

const MESSAGE_COLUMNS: Column<MessageOut>[] = [
  { header: 'ID', value: (m) => m.id },
  { header: 'EVENT TYPE', value: (m) => m.eventType },
  { header: 'ENTITY', value: (m) => (m.entity ? `${m.entity.type}:${m.entity.id}` : null) },
  { header: 'CREATED', value: (m) => m.createdAt },
];

const ATTEMPT_COLUMNS: Column<AttemptOut>[] = [
  { header: 'ID', value: (a) => a.id },
  { header: 'MESSAGE', value: (a) => a.msgId },
  { header: 'ENDPOINT', value: (a) => a.endpointId },
  { header: '#', value: (a) => a.attempt },
  { header: 'STATUS', value: (a) => a.status },
  { header: 'HTTP', value: (a) => a.responseStatus },
  { header: 'MS', value: (a) => a.durationMs },
  { header: 'ERROR', value: (a) => a.error },
  { header: 'AT', value: (a) => a.createdAt },
];

function endpointsCommand(io: CliIo): Command {
  const list = listCommand('list', io, "list an app's endpoints", ['herald endpoints list --app app_123', 'herald endpoints list --app billing --json']);
  list.action(async (flags: ListFlags) => {
    const page = await connect(flags, io).endpoints.list(flags.app, { limit: limitOf(flags.limit), iterator: flags.iterator });
    print(io, flags, page, ENDPOINT_COLUMNS, 'endpoints');
  });
  return newCommand('endpoints', io, 'inspect endpoints, recover failed deliveries').addCommand(list).addCommand(recoverCommand(io));
}

function messagesCommand(io: CliIo): Command {
  const list = listCommand('list', io, "list an app's messages, newest first", [
    'herald messages list --app app_123',
    'herald messages list --app billing --event-type invoice.paid --limit 10',
  ]).option('--event-type <type>', 'only messages of this event type');
  list.action(async (flags: ListFlags & { eventType?: string }) => {
    const query = { limit: limitOf(flags.limit), iterator: flags.iterator, eventType: flags.eventType };
    print(io, flags, await connect(flags, io).messages.list(flags.app, query), MESSAGE_COLUMNS, 'messages');
  });
  return newCommand('messages', io, 'inspect published messages').addCommand(list);
}

function attemptsCommand(io: CliIo): Command {
  const list = listCommand('list', io, 'list delivery attempts of one message or one endpoint, newest first', [
    'herald attempts list --app app_123 --msg msg_2Xk…',
    'herald attempts list --app app_123 --endpoint ep_9Qd… --status failed',
  ])
    .option('--msg <id>', 'attempts for this message')
    .option('--endpoint <id>', 'attempts to this endpoint')
    .option('--status <status>', 'success, failed or cancelled');
  list.action(async (flags: ListFlags & { msg?: string; endpoint?: string; status?: string }) => {
    if (Boolean(flags.msg) === Boolean(flags.endpoint)) throw new Error('pass exactly one of --msg <id> or --endpoint <id>');
    if (flags.status !== undefined && flags.status !== 'success' && flags.status !== 'failed' && flags.status !== 'cancelled') {
      throw new Error(`--status must be success, failed or cancelled, got "${flags.status}"`);
    }
    const query = { limit: limitOf(flags.limit), iterator: flags.iterator, status: flags.status as 'success' | 'failed' | 'cancelled' | undefined };
    const herald = connect(flags, io);
    const page = flags.msg
      ? await herald.attempts.listByMessage(flags.app, flags.msg, query)
      : await herald.attempts.listByEndpoint(flags.app, flags.endpoint!, query);
    print(io, flags, page, ATTEMPT_COLUMNS, 'attempts');
  });
  return newCommand('attempts', io, 'inspect delivery attempts').addCommand(list);
}

export function listCommands(io: CliIo): Command[] {
  return [endpointsCommand(io), messagesCommand(io), attemptsCommand(io)];
}
