import type { Command } from 'commander';
import { RawJson, type MessageCreateInput } from '../sdk/client.js';
import { newCommand, type CliIo } from './cli-io.js';
import { addClientOptions, connect } from './client-config.js';

interface SendFlags {
  app: string;
  eventType: string;
  data: string;
  entity?: string;
  idempotencyKey?: string;
  eventId?: string;
  timestamp?: string;
  json?: boolean;
  url?: string;
  token?: string;
}

/** `Type:id`; an all-digit id is sent as a number, as entity-path receivers expect `Agreement 25`. */
export function parseEntity(raw: string): { type: string; id: string | number } {
  const colon = raw.indexOf(':');
  if (colon <= 0 || colon === raw.length - 1) throw new Error(`--entity must look like Type:id (e.g. Agreement:25), got "${raw}"`);
  const type = raw.slice(0, colon);
  const id = raw.slice(colon + 1);
  return { type, id: /^(0|[1-9]\d{0,14})$/.test(id) ? Number(id) : id };
}

/** The data as given, checked to be JSON but sent as its own text, so its numbers and escapes arrive unchanged. */
async function readData(raw: string, io: CliIo): Promise<RawJson> {
  const text = raw === '-' ? (await io.readStdin()).toString('utf8') : raw;
  try {
    JSON.parse(text);
    return new RawJson(text.trim());
  } catch (err) {
    throw new Error(`--data is not valid JSON (${(err as Error).message}); quote it for your shell, e.g. --data '{"id": 1}'`);
  }
}

export function sendCommand(io: CliIo): Command {
  const cmd = newCommand('send', io, 'publish a message through the API; Herald delivers it to every matching endpoint', [
    `herald send --app app_123 --event-type invoice.paid --data '{"id": 42, "amount": 1000}'`,
    `herald send --app billing --event-type CREATE --entity Agreement:25 --data '{}'`,
    `cat event.json | herald send --app billing --event-type order.created --data -`,
    `HERALD_URL=https://herald.example.com HERALD_TOKEN=… herald send --app billing --event-type ping --data '{}' --json`,
  ])
    .requiredOption('--app <id>', 'app id or uid')
    .requiredOption('--event-type <type>', 'event type, e.g. invoice.paid')
    .requiredOption('--data <json>', 'the message data as JSON, or - to read it from stdin')
    .option('--entity <Type:id>', 'what changed, for entity filters and entity-ref endpoints (e.g. Agreement:25)')
    .option('--idempotency-key <key>', 'same key within 24 h returns the earlier message instead of a new one')
    .option('--event-id <id>', 'your own event id, sent in envelope bodies (event) instead of the message id; a repeat within 24 h returns the earlier message')
    .option('--timestamp <time>', 'your own RFC 3339 time of the event, sent in bodies instead of the publish time, e.g. 2020-10-19T10:38:15.127Z')
    .option('--json', 'print the API response as JSON');
  addClientOptions(cmd);
  cmd.action(async (flags: SendFlags) => {
    const body: MessageCreateInput = { eventType: flags.eventType, data: await readData(flags.data, io) };
    if (flags.entity) body.entity = parseEntity(flags.entity);
    if (flags.eventId !== undefined) body.eventId = flags.eventId;
    if (flags.timestamp !== undefined) body.timestamp = flags.timestamp;
    const herald = connect(flags, io);
    const message = await herald.messages.create(flags.app, body, { idempotencyKey: flags.idempotencyKey });
    if (flags.json) {
      io.out(JSON.stringify(message, null, 2) + '\n');
    } else if (message.duplicate) {
      io.out(`✓ ${message.id} already published with this idempotency key or event id (${message.createdAt}); nothing new sent\n`);
    } else {
      const n = message.deliveries ?? 0;
      io.out(`✓ published ${message.id} (${message.eventType}) → ${n} endpoint${n === 1 ? '' : 's'}\n`);
    }
  });
  return cmd;
}
