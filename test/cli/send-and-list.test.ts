import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { runCli } from './run-cli.js';

/** A loopback port nothing listens on (it was free a moment ago). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

let herald: TestHerald;
let receiver: Receiver;
let env: Record<string, string>;
let endpointId: string;

beforeAll(async () => {
  herald = await startTestHerald();
  receiver = await startReceiver();
  env = { HERALD_URL: herald.url, HERALD_TOKEN: herald.token };
  await herald.api('POST', '/api/v1/apps', { name: 'Billing', uid: 'billing' });
  endpointId = (await herald.api('POST', '/api/v1/apps/billing/endpoints', { url: `${receiver.url}/hooks`, eventTypes: ['invoice.paid', 'CREATE'] })).body.id;
});
afterAll(async () => {
  await herald.stop();
  await receiver.close();
});

describe('herald send', () => {
  it('publishes a message that is stored and delivered', async () => {
    const run = await runCli(['send', '--app', 'billing', '--event-type', 'invoice.paid', '--data', '{"id": 42, "amount": 1000}'], { env });
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const id = /✓ published (msg_\S+) \(invoice\.paid\) → 1 endpoint\n/.exec(run.out)?.[1];
    expect(id, run.out).toBeTruthy();

    const stored = await herald.api('GET', `/api/v1/apps/billing/messages/${id}`);
    expect(stored.body).toMatchObject({ eventType: 'invoice.paid', data: { id: 42, amount: 1000 } });
    const [delivered] = await receiver.waitFor(1);
    expect(JSON.parse(delivered!.body)).toMatchObject({ type: 'invoice.paid', data: { id: 42, amount: 1000 } });
  });

  it('sends an entity, reads data from stdin, and prints JSON with --json', async () => {
    const run = await runCli(['send', '--app', 'billing', '--event-type', 'CREATE', '--entity', 'Agreement:25', '--data', '-', '--json'], { env, stdin: '{"name":"Lease"}' });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ eventType: 'CREATE', entity: { type: 'Agreement', id: 25 }, data: { name: 'Lease' }, duplicate: false });
  });

  it('sends --data as written: big integers, 1.0 and escapes arrive unchanged', async () => {
    const data = '{"orderId": 1234567890123456789, "amount": 1.0, "name": "Ren\\u00e9e"}';
    const run = await runCli(['send', '--app', 'billing', '--event-type', 'invoice.paid', '--data', data], { env });
    expect(run.code, run.err).toBe(0);
    const id = /✓ published (msg_\S+)/.exec(run.out)?.[1];
    const delivered = await eventually(() => receiver.requests.find((r) => r.headers['webhook-id'] === id));
    expect(delivered.body).toContain(`"data":${data}}`);
  });

  it('explains bad input and API errors', async () => {
    const badJson = await runCli(['send', '--app', 'billing', '--event-type', 'x', '--data', '{id: 1}'], { env });
    expect(badJson.code).toBe(1);
    expect(badJson.err).toMatch(/--data is not valid JSON/);
    const noApp = await runCli(['send', '--app', 'nope', '--event-type', 'x', '--data', '{}'], { env });
    expect(noApp).toMatchObject({ code: 1, err: 'herald: app "nope" not found\n' });
    const closed = await freePort();
    const unreachable = await runCli(['send', '--app', 'billing', '--event-type', 'x', '--data', '{}', '--url', `http://127.0.0.1:${closed}`, '--token', 't']);
    expect(unreachable.err).toBe(`herald: Herald request POST http://127.0.0.1:${closed}/api/v1/apps/billing/messages failed: connect ECONNREFUSED 127.0.0.1:${closed}\n`);
    const noToken = await runCli(['send', '--app', 'billing', '--event-type', 'x', '--data', '{}']);
    expect(noToken.err).toMatch(/no API token: pass --token, set HERALD_TOKEN, or put .* in .*herald\/cli\.json/);
  });

  it('reads URL and token from the config file, with flags and environment taking precedence', async () => {
    const home = mkdtempSync(join(tmpdir(), 'herald-home-'));
    mkdirSync(join(home, '.config', 'herald'), { recursive: true });
    writeFileSync(join(home, '.config', 'herald', 'cli.json'), JSON.stringify({ url: herald.url, token: herald.token }));
    const args = ['send', '--app', 'billing', '--event-type', 'invoice.paid', '--data', '{}'];
    expect((await runCli(args, { homeDir: home })).code).toBe(0);
    expect((await runCli(args, { homeDir: home, env: { HERALD_TOKEN: 'wrong' } })).err).toMatch(/invalid or expired API token|invalid API token/);
    expect((await runCli([...args, '--token', herald.token], { homeDir: home, env: { HERALD_TOKEN: 'wrong' } })).code).toBe(0);
  });
});

describe('herald endpoints|messages|attempts list', () => {
  it('prints tables, and JSON with --json', async () => {
    const endpoints = await runCli(['endpoints', 'list', '--app', 'billing'], { env });
    expect(endpoints.code).toBe(0);
    const [header, row] = endpoints.out.trimEnd().split('\n');
    expect(header).toMatch(/^ID\s+URL\s+SCHEME\s+FORMAT\s+EVENTS\s+STATE$/);
    expect(row).toContain(endpointId);
    expect(row).toMatch(/standard-webhooks\s+POST standard\s+invoice\.paid,CREATE\s+enabled/);

    const messages = await runCli(['messages', 'list', '--app', 'billing', '--event-type', 'CREATE'], { env });
    expect(messages.out).toMatch(/^ID\s+EVENT TYPE\s+ENTITY\s+CREATED\n/);
    expect(messages.out).toMatch(/msg_\S+\s+CREATE\s+Agreement:25\s+\d{4}-/);

    const json = await runCli(['messages', 'list', '--app', 'billing', '--json', '--limit', '1'], { env });
    const page = JSON.parse(json.out);
    expect(page.data).toHaveLength(1);
    expect(page.done).toBe(false);
    const table = await runCli(['messages', 'list', '--app', 'billing', '--limit', '1'], { env });
    expect(table.out).toContain(`more: add --iterator ${page.iterator}`);
  });

  it('lists attempts by message or by endpoint', async () => {
    const msgId = JSON.parse((await runCli(['messages', 'list', '--app', 'billing', '--json', '--event-type', 'invoice.paid', '--limit', '1'], { env })).out).data[0].id;
    const byMessage = await eventually(async () => {
      const run = await runCli(['attempts', 'list', '--app', 'billing', '--msg', msgId], { env });
      return run.out.includes('success') ? run : null;
    });
    expect(byMessage.out).toMatch(new RegExp(`^ID\\s+MESSAGE\\s+ENDPOINT\\s+#\\s+STATUS\\s+HTTP\\s+MS\\s+ERROR\\s+AT\\n.*${msgId}\\s+${endpointId}\\s+1\\s+success\\s+200`));
    const byEndpoint = JSON.parse((await runCli(['attempts', 'list', '--app', 'billing', '--endpoint', endpointId, '--json'], { env })).out);
    expect(byEndpoint.data.length).toBeGreaterThan(0);
    const neither = await runCli(['attempts', 'list', '--app', 'billing'], { env });
    expect(neither.err).toContain('pass exactly one of --msg <id> or --endpoint <id>');
  });

  it('every command has --help with examples', async () => {
    for (const args of [['send'], ['endpoints', 'list'], ['messages', 'list'], ['attempts', 'list'], ['listen']]) {
      const help = await runCli([...args, '--help']);
      expect(help.code, args.join(' ')).toBe(0);
      expect(help.out, args.join(' ')).toContain('Examples:');
    }
  });
});
