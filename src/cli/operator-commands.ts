import type { Command } from 'commander';
import { parseDurationOption } from '../domain/durations.js';
import type { AuditEntryOut, OperatorTokenOut, PageOut } from '../sdk/client.js';
import { newCommand, type CliIo } from './cli-io.js';
import { addClientOptions, connect } from './client-config.js';
import { renderTable, type Column } from './table.js';

// `herald tokens` (named operator tokens) and `herald audit-log` (docs/operators.md): thin clients
// of POST/GET/DELETE /api/v1/tokens and GET /api/v1/audit-log.

interface ClientFlags {
  url?: string;
  token?: string;
  json?: boolean;
  limit?: string;
  iterator?: string;
}

const ROLES = ['viewer', 'operator', 'admin'] as const;

const TOKEN_COLUMNS: Column<OperatorTokenOut>[] = [
  { header: 'ID', value: (t) => t.id },
  { header: 'NAME', value: (t) => t.name },
  { header: 'ROLE', value: (t) => t.role },
  { header: 'EXPIRES', value: (t) => t.expiresAt ?? 'never' },
  { header: 'CREATED', value: (t) => t.createdAt },
];

const AUDIT_COLUMNS: Column<AuditEntryOut>[] = [
  { header: 'AT', value: (e) => e.at },
  { header: 'TOKEN', value: (e) => (e.token.kind === 'admin' ? 'admin token' : `${e.token.kind}:${e.token.name ?? e.token.id}`) },
  { header: 'ACTION', value: (e) => e.action },
  { header: 'TARGETS', value: (e) => Object.values(e.targets).join(' ') },
  { header: 'STATUS', value: (e) => `${e.status} ${e.outcome}` },
  { header: 'REQUEST', value: (e) => e.requestId },
];

function limitOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 250) throw new Error(`--limit must be a whole number from 1 to 250, got "${raw}"`);
  return n;
}

function printPage<Row>(io: CliIo, flags: ClientFlags, page: PageOut<Row>, columns: Column<Row>[], noun: string): void {
  if (flags.json) return void io.out(JSON.stringify(page, null, 2) + '\n');
  if (page.data.length === 0) return void io.out(`no ${noun}\n`);
  io.out(renderTable(columns, page.data));
  if (!page.done && page.iterator) io.out(`\nmore: add --iterator ${page.iterator}\n`);
}

function tokensCommand(io: CliIo): Command {
  const create = addClientOptions(
    newCommand('create', io, 'create a named operator token; its text is printed once', [
      'herald tokens create --name alice --role operator',
      'herald tokens create --name grafana --role viewer --expires-in 90d',
    ])
      .requiredOption('--name <name>', 'who or what holds it (unique)')
      .requiredOption('--role <role>', 'viewer (reads, no secrets), operator (also resend, recover, enable/disable) or admin')
      .option('--expires-in <duration>', 'e.g. 12h, 90d; absent: until revoked')
      .option('--json', 'print the API response as JSON'),
  );
  create.action(async (flags: ClientFlags & { name: string; role: string; expiresIn?: string }) => {
    if (!(ROLES as readonly string[]).includes(flags.role)) throw new Error(`--role must be viewer, operator or admin, got "${flags.role}"`);
    let expiresIn: number | undefined;
    if (flags.expiresIn !== undefined) {
      const ms = parseDurationOption(flags.expiresIn);
      if (ms === null || ms < 60_000) throw new Error(`--expires-in must be a duration of at least a minute, e.g. 12h or 90d, got "${flags.expiresIn}"`);
      expiresIn = Math.round(ms / 1000);
    }
    const issued = await connect(flags, io).operatorTokens.create({ name: flags.name, role: flags.role as (typeof ROLES)[number], expiresIn });
    if (flags.json) return void io.out(JSON.stringify(issued, null, 2) + '\n');
    io.out(`✓ created ${issued.id} "${issued.name}" (${issued.role}${issued.expiresAt ? `, expires ${issued.expiresAt}` : ''})\n`);
    io.out(`${issued.token}\n`);
    io.err('this is the only time the token is shown: Herald keeps only its hash\n');
  });

  const list = addClientOptions(
    newCommand('list', io, 'list named operator tokens, newest first (never their text)', ['herald tokens list'])
      .option('--limit <n>', 'items per page, 1 to 250 (default 50)')
      .option('--iterator <cursor>', 'continue after this item')
      .option('--json', 'print the API response as JSON'),
  );
  list.action(async (flags: ClientFlags) => {
    const page = await connect(flags, io).operatorTokens.list({ limit: limitOf(flags.limit), iterator: flags.iterator });
    printPage(io, flags, page, TOKEN_COLUMNS, 'operator tokens');
  });

  const revoke = addClientOptions(newCommand('revoke', io, 'revoke a named operator token: its next call answers 401', ['herald tokens revoke opt_01J…']).argument('<id>', 'the token id (herald tokens list)'));
  revoke.action(async (id: string, flags: ClientFlags) => {
    await connect(flags, io).operatorTokens.delete(id);
    io.out(`✓ revoked ${id}\n`);
  });
  return newCommand('tokens', io, 'named operator tokens with roles (admin, operator, viewer)').addCommand(create).addCommand(list).addCommand(revoke);
}

function auditLogCommand(io: CliIo): Command {
  const cmd = addClientOptions(
    newCommand('audit-log', io, 'who changed what: one entry per state-changing API call, newest first', [
      'herald audit-log',
      'herald audit-log --by alice --since 2026-11-30T00:00:00Z',
      'herald audit-log --app billing --action endpoints.disable --json',
    ])
      .option('--since <time>', 'only entries at or after this ISO 8601 time')
      .option('--by <name-or-id>', "only the changes of this token (name or id)")
      .option('--app <id>', 'only changes to this app (id or uid)')
      .option('--action <action>', 'e.g. endpoints.update, endpoints.disable, messages.resend')
      .option('--limit <n>', 'items per page, 1 to 250 (default 50)')
      .option('--iterator <cursor>', 'continue after this item')
      .option('--json', 'print the API response as JSON'),
  );
  cmd.action(async (flags: ClientFlags & { since?: string; app?: string; action?: string; by?: string }) => {
    const query = { limit: limitOf(flags.limit), iterator: flags.iterator, since: flags.since, token: flags.by, app: flags.app, action: flags.action };
    printPage(io, flags, await connect(flags, io).auditLog.list(query), AUDIT_COLUMNS, 'audit log entries');
  });
  return cmd;
}

export function operatorCommands(io: CliIo): Command[] {
  return [tokensCommand(io), auditLogCommand(io)];
}
