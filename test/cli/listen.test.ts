import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret } from '../../src/wire/index.js';
import { startReceiver } from '../helpers/receiver.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { runCli, type CliRun } from './run-cli.js';

let herald: TestHerald;
const running: CliRun[] = [];

beforeAll(async () => {
  herald = await startTestHerald();
});
afterAll(async () => {
  await Promise.all(running.map((run) => run.interrupt()));
  await herald.stop();
});

/** Starts `herald listen` on a free port and returns its printed receiving URL. */
async function listen(args: string[]): Promise<{ run: CliRun; url: string }> {
  const run = await runCli(['listen', '--port', '0', ...args]);
  running.push(run);
  const url = /receiving on (http:\/\/\S+)/.exec(run.out)?.[1];
  if (!url) throw new Error(`listen did not start: ${run.out}${run.err}`);
  return { run, url };
}

let apps = 0;
/** A fresh app with one endpoint pointing at `url`, so each test sees only its own deliveries. */
async function appWithEndpoint(url: string, endpoint: Record<string, unknown>): Promise<string> {
  const app = await herald.api('POST', '/api/v1/apps', { name: `listen ${++apps}` });
  const res = await herald.api('POST', `/api/v1/apps/${app.body.id}/endpoints`, { url, ...endpoint });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return app.body.id;
}

async function publish(appId: string) {
  const res = await herald.api('POST', `/api/v1/apps/${appId}/messages`, { eventType: 'CREATE', data: { name: 'Lease' }, entity: { type: 'Agreement', id: 25 } });
  expect(res.status).toBe(202);
  return res.body.id as string;
}

const waitForVerdict = (run: CliRun) => eventually(() => /^[✓✗·] .*$/m.exec(run.out)?.[0]);

interface SchemeCase {
  name: string;
  flags: string[];
  endpoint: Record<string, unknown>;
  secret: string;
  /** What the listener shows as the request line. */
  requestLine: RegExp;
}

const CASES: SchemeCase[] = [
  { name: 'standard-webhooks', flags: [], endpoint: {}, secret: generateSecret('standard-webhooks'), requestLine: /POST \/hooks$/m },
  { name: 'timestamped', flags: ['--scheme', 'timestamped'], endpoint: { payloadFormat: 'event', signature: { scheme: 'timestamped' } }, secret: 'orn_secret_123', requestLine: /POST \/hooks$/m },
  {
    name: 'hmac-sha256',
    flags: ['--scheme', 'hmac-sha256', '--header-name', 'x-peopleforce-signature', '--prefix', 'sha256='],
    endpoint: { payloadFormat: 'raw', signature: { scheme: 'hmac-sha256', header: 'x-peopleforce-signature', prefix: 'sha256=' } },
    secret: 'pf_secret_123',
    requestLine: /POST \/hooks$/m,
  },
  { name: 'stripe', flags: ['--scheme', 'stripe'], endpoint: { signature: { scheme: 'stripe' } }, secret: 'whsec_stripe_test', requestLine: /POST \/hooks$/m },
  {
    name: 'entity-path GET',
    flags: ['--scheme', 'entity-path'],
    endpoint: { method: 'GET', payloadFormat: 'entity-ref', signature: { scheme: 'entity-path' } },
    secret: 'mySecret-1234',
    requestLine: /GET \/hooks\/CREATE\/Agreement\/25$/m,
  },
];

describe('herald listen', () => {
  it.each(CASES)('shows a real $name delivery from Herald with ✓', async (c) => {
    const { run, url } = await listen([...c.flags, '--secret', c.secret]);
    const scheme = c.name.split(' ')[0];
    expect(run.out).toContain(`checking ${scheme}`);
    const msgId = await publish(await appWithEndpoint(`${url}/hooks`, { ...c.endpoint, secret: c.secret }));

    expect(await waitForVerdict(run)).toMatch(new RegExp(`^✓ signature valid \\(${scheme}`));
    expect(run.out).toMatch(c.requestLine);
    expect(run.out).toContain(`  webhook-id: ${msgId}`);
    expect(run.out).toMatch(/^  user-agent: Herald\//m);
    if (c.endpoint.method !== 'GET') expect(run.out).toMatch(/^body:\n  \{\n {4}"/m); // pretty-printed JSON
    expect(run.out).toContain('→ answered 200');
  });

  it('shows ✗ with the reason when the secret is wrong', async () => {
    const { run, url } = await listen(['--scheme', 'timestamped', '--secret', 'not-the-secret']);
    await publish(await appWithEndpoint(url, { payloadFormat: 'event', signature: { scheme: 'timestamped' }, secret: 'the-real-secret' }));
    expect(await waitForVerdict(run)).toBe('✗ signature invalid (timestamped): signature mismatch');
  });

  it('answers with --status, so retries can be watched', async () => {
    const { run, url } = await listen(['--status', '503']);
    const appId = await appWithEndpoint(url, {});
    const msgId = await publish(appId);
    await eventually(() => run.out.includes('→ answered 503'));
    const attempt = await eventually(async () => (await herald.api('GET', `/api/v1/apps/${appId}/messages/${msgId}/attempts`)).body.data[0]);
    expect(attempt).toMatchObject({ status: 'failed', responseStatus: 503 });
  });

  it('forwards each request unchanged and answers with the target response', async () => {
    const target = await startReceiver(() => ({ status: 201, body: 'created' }));
    try {
      const secret = generateSecret('standard-webhooks');
      const { run, url } = await listen(['--secret', secret, '--forward-to', `${target.url}/app/webhooks`]);
      const appId = await appWithEndpoint(`${url}/hooks?tenant=7`, { secret });
      const msgId = await publish(appId);
      const [forwarded] = await target.waitFor(1);
      expect(forwarded!.url).toBe('/app/webhooks/hooks?tenant=7');
      expect(forwarded!.headers['webhook-id']).toBe(msgId);
      expect(forwarded!.headers['webhook-signature']).toMatch(/^v1,/);
      expect(JSON.parse(forwarded!.body)).toMatchObject({ type: 'CREATE', data: { name: 'Lease' } });
      await eventually(() => run.out.includes(`→ forwarded to ${target.url}/app/webhooks/hooks?tenant=7: 201`));
      expect(run.out).toMatch(/^query:\n  tenant = 7$/m);
      const attempt = await eventually(async () => (await herald.api('GET', `/api/v1/apps/${appId}/messages/${msgId}/attempts`)).body.data[0]);
      expect(attempt).toMatchObject({ status: 'success', responseStatus: 201 });
    } finally {
      await target.close();
    }
  });

  it('shows requests on a live page at /_herald, streamed as server-sent events', async () => {
    const secret = generateSecret('standard-webhooks');
    const { url } = await listen(['--secret', secret]);
    const page = await fetch(`${url}/_herald`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain("new EventSource('/_herald/events')");
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//); // nothing loaded from elsewhere

    const events = await fetch(`${url}/_herald/events`);
    expect(events.headers.get('content-type')).toBe('text/event-stream');
    const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
    const msgId = await publish(await appWithEndpoint(`${url}/hooks`, { secret }));
    let stream = '';
    while (!/^data: .*\n\n/m.test(stream)) stream += (await reader.read()).value ?? '';
    await reader.cancel();
    const event = JSON.parse(/^data: (.*)$/m.exec(stream)![1]!);
    expect(event).toMatchObject({ method: 'POST', path: '/hooks', signature: { result: 'valid' }, headers: { 'webhook-id': msgId }, json: { type: 'CREATE' } });

    const history = (await (await fetch(`${url}/_herald/requests`)).json()) as Array<{ seq: number }>;
    expect(history.map((r) => r.seq)).toEqual([1]);
  });
});
