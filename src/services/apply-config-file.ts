import type { Logger } from 'pino';
import { formatIsoDuration } from '../domain/durations.js';
import type { App, Endpoint } from '../domain/model.js';
import { ApiError } from '../errors/api-errors.js';
import type { EndpointCreateBody } from '../schemas/bodies.js';
import { ConfigFileError, loadConfigFile, type ConfigEndpoint, type LoadedConfigFile } from '../config/config-file.js';
import type { Store } from '../store/store.js';
import { generateSecret, validateSecret } from '../wire/index.js';
import type { AppService } from './app-service.js';
import type { EndpointService } from './endpoint-service.js';
import { applyEndpointSettings, DEFAULT_TIMEOUT_MS, parseSchedule } from './endpoint-settings.js';
import { checkAppAllowsUrl, refuseIfHttpEndpoints } from './https-only.js';
import { prepareTransformationCheck } from './transformation-check.js';

export interface ConfigTargets {
  store: Store;
  apps: AppService;
  endpoints: EndpointService;
}

type AppEntry = LoadedConfigFile['apps'][number];

export interface ApplySummary {
  created: number;
  updated: number;
  unchanged: number;
  disabled: number;
}

/**
 * Makes the declared apps and endpoints exist as declared, idempotently: an unchanged file writes
 * nothing. The file is the truth for what it declares (a field left out means its default, and API
 * edits to a declared endpoint are overwritten at the next start); endpoints created through the API
 * are never touched. A declared endpoint removed from its app's list is disabled, not deleted, so
 * its attempt history survives. Nothing is written unless the whole file is valid.
 */
export async function applyConfigFile(path: string, targets: ConfigTargets, log: Logger): Promise<ApplySummary> {
  const file = loadConfigFile(path);
  await inFileTerms(file, () => checkConfig(file, targets.endpoints, path));
  await checkHttpsSwitches(file, targets.store, path);
  // Said at every start, not only when something changes (e.g. TLS verification skipped by a file's default).
  for (const warning of file.warnings ?? []) log.warn({ path }, `config file: ${warning}`);
  const summary: ApplySummary = { created: 0, updated: 0, unchanged: 0, disabled: 0 };
  for (const [i, entry] of file.apps.entries()) {
    await withPath(path, `apps[${i}]`, () => applyApp(entry, i, targets, summary, log));
  }
  log.info({ path, ...summary }, 'config file applied');
  return summary;
}

/** Every endpoint field set, defaults included, so that removing a field from the file resets it. */
export function declaredBody(entry: ConfigEndpoint): EndpointCreateBody {
  const { uid: _uid, enabled, disabled, secret, ...fields } = entry;
  const get = fields.method === 'GET';
  return {
    name: null, description: null, eventTypes: null, entityTypes: null, method: 'POST',
    // The same defaults as creating through the API (EndpointService.create).
    payloadFormat: get ? 'entity-ref' : 'standard',
    signature: { scheme: get ? 'entity-path' : 'standard-webhooks' },
    headers: {}, query: {}, timeout: formatIsoDuration(DEFAULT_TIMEOUT_MS), tls: null, retrySchedule: null, rateLimit: null,
    transformation: null, filter: null, channels: null,
    ...fields,
    disabled: enabled !== undefined ? !enabled : (disabled ?? false),
    ...(secret !== undefined ? { secret } : {}),
  };
}

/** A file translated from another product's shape names its own keys in errors, not Herald's (`webHook.endpoint`). */
async function inFileTerms(file: LoadedConfigFile, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (!(err instanceof ConfigFileError) || !file.pathNames) throw err;
    const message = file.pathNames.reduce((text, [herald, own]) => text.split(herald).join(own), err.message);
    throw new ConfigFileError(message);
  }
}

async function checkConfig(file: LoadedConfigFile, endpoints: EndpointService, path: string): Promise<void> {
  const appUids = new Set<string>();
  for (const [i, app] of file.apps.entries()) {
    const at = `apps[${i}]`;
    if (appUids.has(app.uid)) fail(path, `${at}.uid "${app.uid}" is declared twice`);
    appUids.add(app.uid);
    if (app.retrySchedule) await withPath(path, `${at}.retrySchedule`, async () => void parseSchedule(app.retrySchedule!));
    const uids = new Set<string>();
    for (const [j, entry] of (app.endpoints ?? []).entries()) {
      const where = `${at}.endpoints[${j}]`;
      if (uids.has(entry.uid)) fail(path, `${where}.uid "${entry.uid}" is declared twice in app "${app.uid}"`);
      uids.add(entry.uid);
      if (entry.enabled !== undefined && entry.disabled !== undefined) fail(path, `${where} sets both "enabled" and "disabled": keep one`);
      await withPath(path, where, async () => {
        await prepareTransformationCheck(entry);
        applyEndpointSettings(blankEndpoint(), declaredBody(entry), new Date().toISOString());
        await endpoints.checkUrl(entry.url);
        checkAppAllowsUrl(app, entry.url);
      });
    }
  }
}

/** An app the file switches to requireHttps must have no http:// endpoint the file does not declare (checked before writing). */
async function checkHttpsSwitches(file: LoadedConfigFile, store: Store, path: string): Promise<void> {
  for (const [i, entry] of file.apps.entries()) {
    if (!entry.requireHttps || entry.createOnly) continue;
    const current = await store.getApp(entry.uid);
    if (!current || current.requireHttps) continue;
    const declared = new Set((entry.endpoints ?? []).map((ep) => ep.uid));
    await withPath(path, `apps[${i}]`, () => refuseIfHttpEndpoints(store, current.id, (ep) => !ep.uid || !declared.has(ep.uid)));
  }
}

async function applyApp(entry: AppEntry, index: number, targets: ConfigTargets, summary: ApplySummary, log: Logger): Promise<void> {
  const app = await upsertApp(entry, targets, summary, log);
  const existing = await declaredEndpointsOf(targets.store, app.id);
  const declared = new Set<string>();
  for (const [j, ep] of (entry.endpoints ?? []).entries()) {
    declared.add(ep.uid);
    const change = await upsertEndpoint(app, ep, existing.get(ep.uid), targets.endpoints);
    summary[change]++;
    if (change !== 'unchanged') log.info({ app: entry.uid, endpoint: ep.uid, index: j }, `config file: endpoint ${change}`);
  }
  for (const [uid, ep] of existing) {
    if (declared.has(uid) || ep.disabled) continue;
    await targets.endpoints.update(app.id, ep.id, { disabled: true });
    summary.disabled++;
    log.warn({ app: entry.uid, endpoint: uid, endpointId: ep.id, appIndex: index }, 'config file: endpoint no longer declared, disabled (history kept)');
  }
  // Switched on last, once the file's endpoints are https://: refused (naming them) if http:// ones remain.
  if (entry.requireHttps && !app.requireHttps) {
    await targets.apps.update(app.id, { requireHttps: true });
    log.info({ app: entry.uid }, 'config file: app now requires https:// endpoints');
  }
}

async function upsertApp(entry: AppEntry, { store, apps }: ConfigTargets, summary: ApplySummary, log: Logger): Promise<App> {
  const current = await store.getApp(entry.uid);
  if (current && entry.createOnly) return current;
  const retrySchedule = entry.retrySchedule ?? null;
  if (!current) {
    summary.created++;
    log.info({ app: entry.uid }, 'config file: app created');
    return apps.create({ name: entry.name, uid: entry.uid, retrySchedule, requireHttps: entry.requireHttps ?? false });
  }
  const schedule = retrySchedule ? parseSchedule(retrySchedule) : null;
  // requireHttps is switched off here but on only after the endpoints (applyApp).
  const requireHttps = Boolean(entry.requireHttps && current.requireHttps);
  if (current.name === entry.name && stableJson(current.retrySchedule) === stableJson(schedule) && requireHttps === Boolean(current.requireHttps)) return current;
  summary.updated++;
  log.info({ app: entry.uid }, 'config file: app updated');
  return apps.update(current.id, { name: entry.name, retrySchedule, requireHttps });
}

async function upsertEndpoint(
  app: App,
  entry: ConfigEndpoint,
  current: Endpoint | undefined,
  endpoints: EndpointService,
): Promise<'created' | 'updated' | 'unchanged'> {
  const body = declaredBody(entry);
  if (!current) {
    await endpoints.create(app.id, body, entry.uid);
    return 'created';
  }
  const patch = { ...body };
  const currentSecret = current.secrets[0]?.secret;
  // Re-declaring the same secret must not drop old secrets still inside a rotation grace period.
  if (patch.secret === currentSecret) delete patch.secret;
  // No secret declared: keep the one Herald generated, unless the declared scheme cannot use it.
  if (patch.secret === undefined && (!currentSecret || validateSecret(body.signature!.scheme, currentSecret))) {
    patch.secret = generateSecret(body.signature!.scheme);
  }
  const next = applyEndpointSettings(current, patch, current.updatedAt);
  if (stableJson(next) === stableJson(current)) return 'unchanged';
  await endpoints.update(app.id, current.id, patch);
  return 'updated';
}

/** The app's endpoints that a config file declared, by their uid. */
async function declaredEndpointsOf(store: Store, appId: string): Promise<Map<string, Endpoint>> {
  const byUid = new Map<string, Endpoint>();
  let iterator: string | undefined;
  for (;;) {
    const page = await store.listEndpoints(appId, { limit: 250, iterator });
    for (const ep of page.data) if (ep.uid) byUid.set(ep.uid, ep);
    if (page.done || !page.iterator) return byUid;
    iterator = page.iterator;
  }
}

function blankEndpoint(): Endpoint {
  const now = new Date(0).toISOString();
  return {
    id: 'ep_check', appId: 'app_check', uid: null, url: '', name: null, description: null, eventTypes: null,
    entityTypes: null, method: 'POST', payloadFormat: 'standard', signature: { scheme: 'standard-webhooks' },
    secrets: [], headers: {}, query: {}, timeoutMs: DEFAULT_TIMEOUT_MS, tls: null, retrySchedule: null,
    rateLimit: null, disabled: false, createdAt: now, updatedAt: now,
  };
}

/** Names the field an API rule refused: the same rules as the API, reported against the file. */
async function withPath<T>(path: string, at: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ConfigFileError) throw err;
    if (!(err instanceof ApiError)) throw err;
    const field = FIELD_OF_CODE[err.code];
    fail(path, `${at}${field ? `.${field}` : ''}: ${err.message}`);
  }
}

const FIELD_OF_CODE: Partial<Record<ApiError['code'], string>> = {
  invalid_secret: 'secret',
  invalid_url: 'url',
  insecure_url: 'url',
  destination_blocked: 'url',
};

function fail(path: string, message: string): never {
  throw new ConfigFileError(`config file ${path}: ${message}`);
}

/** JSON with sorted keys, so that equal settings compare equal whatever order they were written in. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
