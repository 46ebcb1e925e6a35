import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCommand } from '../../src/cli/serve-command.js';
import { resolveConfig } from '../../src/config/resolve-config.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { startTestHerald, type TestHerald } from '../helpers/test-herald.js';

// herald.config.json declares apps and endpoints as data; every start applies it idempotently.

let rx: Receiver;
let dataDir: string;
let configFile: string;

beforeAll(async () => {
  rx = await startReceiver();
  dataDir = mkdtempSync(join(tmpdir(), 'herald-config-'));
  configFile = join(dataDir, 'herald.config.json');
});
afterAll(async () => {
  await rx.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Seed 004's webhook (disabled, as it ships) and a PeopleForce-style one, in one app. */
function declaration(changes: { automation?: Record<string, unknown>; withPeopleForce?: boolean } = {}) {
  const automation = {
    uid: 'automation',
    url: `${rx.url}/automation`,
    enabled: false,
    payloadFormat: 'raw',
    signature: { scheme: 'hmac-sha256', header: 'X-Signature' },
    secret: 'HeaderSecret',
    query: { key: 'QueryParameterKey' },
    timeout: 'PT60S',
    ...changes.automation,
  };
  const peopleForce = {
    uid: 'peopleforce',
    url: `${rx.url}/pf`,
    payloadFormat: 'raw',
    signature: { scheme: 'hmac-sha256', header: 'x-peopleforce-signature', prefix: 'sha256=' },
    eventTypes: ['employee_create'],
  };
  return {
    apps: [{ uid: 'esign', name: 'E-signing', endpoints: changes.withPeopleForce === false ? [automation] : [automation, peopleForce] }],
  };
}

async function startWith(config: unknown): Promise<TestHerald> {
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  return startTestHerald({ dataDir, configFile });
}

async function endpointsByUid(herald: TestHerald) {
  const res = await herald.api('GET', '/api/v1/apps/esign/endpoints');
  return Object.fromEntries(res.body.data.map((ep: { uid: string | null; id: string }) => [ep.uid ?? ep.id, ep]));
}

describe('applying a config file', () => {
  let apiEndpointId: string;
  let firstState: Record<string, any>;
  let generatedSecret: string;

  it('creates the declared app and endpoints on the first start, honouring enabled: false', async () => {
    const herald = await startWith(declaration());
    try {
      const app = await herald.api('GET', '/api/v1/apps/esign');
      expect(app.body).toMatchObject({ uid: 'esign', name: 'E-signing' });
      const eps = await endpointsByUid(herald);
      expect(eps.automation).toMatchObject({
        uid: 'automation', disabled: true, payloadFormat: 'raw', timeout: 'PT1M',
        query: { key: 'QueryParameterKey' }, signature: { scheme: 'hmac-sha256', header: 'X-Signature' },
      });
      expect(eps.peopleforce).toMatchObject({ uid: 'peopleforce', disabled: false, eventTypes: ['employee_create'] });
      generatedSecret = (await herald.api('GET', `/api/v1/apps/esign/endpoints/${eps.peopleforce.id}/secret`)).body.secret;

      // Delivered like any endpoint; the disabled one receives nothing.
      const published = await herald.api('POST', '/api/v1/apps/esign/messages', { eventType: 'employee_create', data: { id: 130333 } });
      expect(published.body.deliveries).toBe(1);
      const [req] = await rx.waitFor(1);
      expect(req!.url).toBe('/pf');
      const expected = 'sha256=' + createHmac('sha256', generatedSecret).update(req!.body).digest('hex');
      expect(req!.headers['x-peopleforce-signature']).toBe(expected);

      const created = await herald.api('POST', '/api/v1/apps/esign/endpoints', { url: `${rx.url}/api-made`, disabled: true });
      apiEndpointId = created.body.id;
      expect(created.body.uid).toBeNull();
      firstState = await endpointsByUid(herald);
    } finally {
      await herald.stop();
    }
  });

  it('changes nothing when started again with the same file', async () => {
    const herald = await startWith(declaration());
    try {
      expect(await endpointsByUid(herald)).toEqual(firstState); // updatedAt included
      const secret = await herald.api('GET', `/api/v1/apps/esign/endpoints/${firstState.peopleforce.id}/secret`);
      expect(secret.body.secret).toBe(generatedSecret);
    } finally {
      await herald.stop();
    }
  });

  it('updates edited endpoints, disables removed ones and leaves API-made ones alone', async () => {
    const edited = declaration({ automation: { enabled: true, timeout: 'PT10S', query: undefined }, withPeopleForce: false });
    const herald = await startWith(edited);
    try {
      const eps = await endpointsByUid(herald);
      expect(eps.automation).toMatchObject({ id: firstState.automation.id, disabled: false, timeout: 'PT10S', query: {} });
      expect(eps.peopleforce).toMatchObject({ id: firstState.peopleforce.id, disabled: true });
      expect(eps[apiEndpointId]).toEqual(firstState[apiEndpointId]);
    } finally {
      await herald.stop();
    }
  });
});

describe('an invalid config file stops start-up with a message naming the field', () => {
  const endpoint = (fields: Record<string, unknown>) => ({
    apps: [{ uid: 'bad', name: 'Bad', endpoints: [{ uid: 'ep', url: 'http://127.0.0.1:9/x', ...fields }] }],
  });
  const cases: Array<[string, unknown, RegExp]> = [
    ['unknown field', endpoint({ enabeld: false }), /apps\[0\]\.endpoints\[0\] has an unknown field "enabeld"/],
    ['malformed timeout', endpoint({ timeout: '60 seconds' }), /apps\[0\]\.endpoints\[0\]\.timeout has an invalid format/],
    ['timeout out of range', endpoint({ timeout: 'PT16M' }), /apps\[0\]\.endpoints\[0\]: timeout must be .* PT0\.1S \(100 ms\) to PT15M/],
    ['secret unfit for the scheme', endpoint({ secret: 'plain' }), /apps\[0\]\.endpoints\[0\]\.secret: .*whsec_/],
    ['GET without entity-ref', endpoint({ method: 'GET', payloadFormat: 'raw' }), /apps\[0\]\.endpoints\[0\]: method GET requires/],
    ['missing endpoint uid', { apps: [{ uid: 'bad', name: 'Bad', endpoints: [{ url: 'http://127.0.0.1:9/x' }] }] }, /apps\[0\]\.endpoints\[0\] is missing the required field "uid"/],
    ['duplicate endpoint uid', { apps: [{ uid: 'bad', name: 'Bad', endpoints: [{ uid: 'a', url: 'http://127.0.0.1:9/x' }, { uid: 'a', url: 'http://127.0.0.1:9/y' }] }] }, /apps\[0\]\.endpoints\[1\]\.uid "a" is declared twice/],
    ['not JSON', '{ "apps": [', /not valid JSON/],
  ];
  it.each(cases)('%s', async (_name, content, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-badconfig-'));
    const file = join(dir, 'herald.config.json');
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    try {
      await expect(startTestHerald({ dataDir: dir, configFile: file })).rejects.toThrow(message);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes nothing when a later entry is invalid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-badconfig-'));
    const file = join(dir, 'herald.config.json');
    writeFileSync(file, JSON.stringify({
      apps: [{ uid: 'fine', name: 'Fine' }, { uid: 'broken', name: 'Broken', endpoints: [{ uid: 'x', url: 'not a url' }] }],
    }));
    try {
      await expect(startTestHerald({ dataDir: dir, configFile: file })).rejects.toThrow(/apps\[1\]\.endpoints\[0\]\.url/);
      const herald = await startTestHerald({ dataDir: dir });
      try {
        expect((await herald.api('GET', '/api/v1/apps/fine')).status).toBe(404);
      } finally {
        await herald.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('where the file comes from', () => {
  it('is read from --config, and --require-https applies to it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-cliconfig-'));
    const file = join(dir, 'herald.config.json');
    writeFileSync(file, JSON.stringify({ apps: [{ uid: 'a', name: 'A', endpoints: [{ uid: 'e', url: 'http://127.0.0.1:9/x' }] }] }));
    try {
      const serve = serveCommand().exitOverride();
      const args = ['--config', file, '--require-https', '--data-dir', dir, '--port', '0', '--log-level', 'silent'];
      await expect(serve.parseAsync(args, { from: 'user' })).rejects.toThrow(/apps\[0\]\.endpoints\[0\]\.url: .*must use https/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is read from HERALD_CONFIG; there is none by default', () => {
    expect(resolveConfig({}, {}).configFile).toBeNull();
    expect(resolveConfig({}, { HERALD_CONFIG: '/etc/herald/herald.config.json' }).configFile).toBe('/etc/herald/herald.config.json');
  });
});
