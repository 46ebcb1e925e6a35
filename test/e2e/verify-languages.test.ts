import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PG_URL, testSchema, warnIfNoPostgres, type TestSchema } from '../helpers/pg.js';
import { startReceiver, type Receiver, type ReceivedRequest } from '../helpers/receiver.js';
import { skipOutsideCi } from '../helpers/skip-outside-ci.js';
import { eventually, startTestHerald, type TestHerald } from '../helpers/test-herald.js';
import { cleanUpRuntimes, RUNTIMES } from '../helpers/verify-runtimes.js';

// docs/verify's receiver functions, run in their real runtimes (python3, go, ruby, php, java) on
// requests Herald really delivered: each must accept the genuine request and refuse it tampered,
// signed with another secret, or (for schemes with a timestamp) verified too late.

warnIfNoPostgres('verification in five languages on PostgreSQL');
const stores = [{ store: 'SQLite', pg: false }, ...(TEST_PG_URL ? [{ store: 'PostgreSQL', pg: true }] : [])];
const runtimes = RUNTIMES.map((rt) => ({ ...rt, skip: skipOutsideCi(`${rt.language} verification snippets`, rt.missing) }));

/** One endpoint per scheme and per vendor recipe, with what its verifier needs besides the request. */
const VARIANTS = [
  { name: 'standard', endpoint: {}, scheme: 'standard-webhooks' },
  { name: 'timestamped', endpoint: { payloadFormat: 'event', signature: { scheme: 'timestamped' }, secret: 'orn_sëcret_value' }, scheme: 'timestamped', header: 'officernd-signature' },
  { name: 'peopleforce', endpoint: { payloadFormat: 'raw', signature: { scheme: 'hmac-sha256', header: 'x-peopleforce-signature', prefix: 'sha256=' }, secret: 'pf_secret_value' }, scheme: 'hmac-sha256', header: 'x-peopleforce-signature', prefix: 'sha256=' },
  { name: 'esigning', endpoint: { payloadFormat: 'raw', signature: { scheme: 'hmac-sha256', header: 'X-Signature' }, secret: 'HeaderSecret', query: { key: 'QueryParameterKey' } }, scheme: 'hmac-sha256', header: 'x-signature', prefix: '' },
  { name: 'github', endpoint: { signature: { scheme: 'hmac-sha256', header: 'X-Hub-Signature-256', prefix: 'sha256=' }, secret: 'github-style-secret' }, scheme: 'hmac-sha256', header: 'x-hub-signature-256', prefix: 'sha256=' },
  { name: 'stripe', endpoint: { signature: { scheme: 'stripe' }, secret: 'whsec_stripe_style_secret' }, scheme: 'stripe', header: 'stripe-signature' },
  { name: 'entityget', endpoint: { method: 'GET', secret: 'mySecretValue' }, scheme: 'entity-path', header: 'x-ioffice-signature', entity: { type: 'Agreement', id: 25 } },
  { name: 'entitypost', endpoint: { payloadFormat: 'entity-ref', signature: { scheme: 'entity-path' }, secret: 'mySecretValue' }, scheme: 'entity-path', header: 'x-ioffice-signature', entity: { type: 'Room Booking', id: 'Zoë/7' } },
] as const;
type Variant = (typeof VARIANTS)[number];

const DATA = { object: { id: 'in_42', amount: 4200, name: 'Zoë ☃ “Brown”', big: 1234567890123456789n } };
const dataJson = JSON.stringify(DATA, (_, v) => (typeof v === 'bigint' ? `__${v}__` : v)).replace(/"__(\d+)__"/, '$1');

interface Delivery { variant: Variant; req: ReceivedRequest; secret: string; oldSecret?: string }

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** The cases file the harnesses read: `key value` lines, every value base64 (bytes stay exact). */
function caseText(label: string, d: Delivery, change: { body?: string; path?: string; secret?: string; now?: number }): string {
  const v = d.variant;
  const lines = [
    `case ${label} ${v.scheme}`,
    `secret ${b64(change.secret ?? d.secret)}`,
    `now ${change.now ?? Math.floor(Date.now() / 1000)}`,
    `path ${b64(change.path ?? d.req.url)}`,
    `body ${b64(change.body ?? d.req.body)}`,
  ];
  if ('header' in v) lines.push(`sig ${b64(d.req.headers[v.header] ?? '')}`);
  if ('prefix' in v) lines.push(`prefix ${b64(v.prefix)}`);
  for (const [name, value] of Object.entries(d.req.headers)) lines.push(`header ${name} ${Buffer.from(value, 'latin1').toString('base64')}`);
  return [...lines, 'end', ''].join('\n');
}

/** The attempt's signed Unix time, from whichever header carries it. */
function signedAt(d: Delivery): number | null {
  if (d.variant.scheme === 'standard-webhooks') return Number(d.req.headers['webhook-timestamp']);
  const t = /(?:^|,)t=(\d+)/.exec(d.req.headers[(d.variant as { header: string }).header] ?? '');
  return t ? Number(t[1]) : null;
}

/** Every case with the verdict a correct verifier gives. */
function casesFor(d: Delivery): Array<[string, boolean, string]> {
  const n = d.variant.name;
  const cases: Array<[string, boolean, string]> = [[`${n}-genuine`, true, caseText(`${n}-genuine`, d, {})]];
  const tampered =
    n === 'entityget' ? { path: d.req.url.replace(/\/25$/, '/26') }
    : n === 'entitypost' ? { body: d.req.body.replace('"Zoë/7"', '"Zoë/8"') }
    : { body: d.req.body.replace('4200', '4201') };
  // A tampering that changed nothing would make the refusal below meaningless.
  expect(tampered.body ?? tampered.path).not.toBe(tampered.body === undefined ? d.req.url : d.req.body);
  cases.push([`${n}-tampered`, false, caseText(`${n}-tampered`, d, tampered)]);
  cases.push([`${n}-wrong-secret`, false, caseText(`${n}-wrong-secret`, d, { secret: d.secret.startsWith('whsec_') ? 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' : 'another-secret' })]);
  const ts = signedAt(d);
  if (ts !== null) {
    cases.push([`${n}-late-within-tolerance`, true, caseText(`${n}-late-within-tolerance`, d, { now: ts + 290 })]);
    cases.push([`${n}-stale`, false, caseText(`${n}-stale`, d, { now: ts + 600 })]);
    cases.push([`${n}-from-the-future`, false, caseText(`${n}-from-the-future`, d, { now: ts - 600 })]);
  }
  if (d.oldSecret) cases.push([`${n}-old-secret-in-grace`, true, caseText(`${n}-old-secret-in-grace`, d, { secret: d.oldSecret })]);
  return cases;
}

beforeAll(async () => {
  await Promise.all(runtimes.filter((rt) => !rt.skip).map((rt) => rt.prepare()));
}, 180_000);
afterAll(() => cleanUpRuntimes());

describe.each(stores)('receiver verification in five languages against real deliveries ($store)', ({ pg }) => {
  let herald: TestHerald;
  let schema: TestSchema | null = null;
  let receiver: Receiver;
  let casesFile: string;
  const expected: Record<string, boolean> = {};

  beforeAll(async () => {
    schema = pg ? testSchema('verify-languages') : null;
    herald = await startTestHerald(schema ? { database: schema.url } : {});
    receiver = await startReceiver();
    const app = (await herald.api('POST', '/api/v1/apps', { name: 'verify-languages' })).body;
    const deliveries: Delivery[] = [];
    for (const variant of VARIANTS) {
      const eventType = `verify.${variant.name}`;
      const ep = await herald.api('POST', `/api/v1/apps/${app.id}/endpoints`, { url: `${receiver.url}/hooks/${variant.name}`, eventTypes: [eventType], ...variant.endpoint });
      expect(ep.status, JSON.stringify(ep.body)).toBe(201);
      // Sent as text so the big integer reaches Herald (and the receivers) digit for digit.
      const publish = () =>
        fetch(`${herald.url}/api/v1/apps/${app.id}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${herald.token}`, 'content-type': 'application/json' },
          body: `{"eventType":"${eventType}","data":${dataJson}${'entity' in variant ? `,"entity":${JSON.stringify(variant.entity)}` : ''}}`,
        });
      expect((await publish()).status).toBe(202);
      const req = await eventually(() => receiver.requests.find((r) => r.url.startsWith(`/hooks/${variant.name}`)));
      deliveries.push({ variant, req, secret: ep.body.secret });
      if (variant.name === 'standard') {
        // During a rotation's grace period a Standard Webhooks request carries both signatures.
        const rotated = await herald.api('POST', `/api/v1/apps/${app.id}/endpoints/${ep.body.id}/secret/rotate`, {});
        expect(rotated.status).toBe(200);
        expect((await publish()).status).toBe(202);
        const second = await eventually(() => receiver.requests.filter((r) => r.url === '/hooks/standard')[1]);
        expect(second.headers['webhook-signature']!.split(' ')).toHaveLength(2);
        deliveries.push({ variant: { ...variant, name: 'rotating' } as unknown as Variant, req: second, secret: rotated.body.secret, oldSecret: ep.body.secret });
      }
    }
    const all = deliveries.flatMap(casesFor);
    for (const [label, verdict] of all) expected[label] = verdict;
    casesFile = join(herald.dataDir, 'cases.txt');
    writeFileSync(casesFile, all.map(([, , text]) => text).join(''));
  }, 60_000);
  afterAll(async () => {
    await herald?.stop();
    await receiver?.close();
    await schema?.drop();
  });

  it.each(runtimes)('$language: genuine deliveries accepted; tampered, wrong-secret and stale ones refused', async (rt) => {
    if (rt.skip) return;
    expect(Object.keys(expected).length).toBeGreaterThanOrEqual(40); // 9 deliveries, 3 to 7 cases each
    const verdicts = Object.fromEntries(await rt.verify(casesFile));
    expect(verdicts).toEqual(expected);
  }, 60_000);
});
