import type { Logger } from 'pino';
import { newId } from '../domain/ids.js';
import type { Endpoint } from '../domain/model.js';
import { ApiError, notFound } from '../errors/api-errors.js';
import type { EndpointCreateBody, EndpointPatchBody } from '../schemas/bodies.js';
import type { Store } from '../store/store.js';
import { assertUrlAllowed, BlockedDestinationError, InvalidUrlError, type NetworkPolicy } from '../delivery/network-guard.js';
import { applyEndpointSettings, DEFAULT_TIMEOUT_MS } from './endpoint-settings.js';
import { prepareTransformationCheck } from './transformation-check.js';
import { checkAppAllowsUrl } from './https-only.js';

export interface EndpointServiceOptions {
  /** Refuse `http://` URLs (--require-https), for API and config file alike. */
  requireHttps: boolean;
  /** An update enabled or disabled the endpoint (operational events, failure streak reset). */
  onToggle?(before: Endpoint, after: Endpoint): Promise<void>;
}

export class EndpointService {
  constructor(
    private readonly store: Store,
    private readonly policy: NetworkPolicy,
    private readonly log: Logger,
    private readonly options: EndpointServiceOptions = { requireHttps: false },
  ) {}

  /** `uid` is the key a config file declares for the endpoint (see config-file.ts); `metadata` is Svix's (src/api/svix). */
  async create(appId: string, body: EndpointCreateBody, uid: string | null = null, metadata?: Record<string, string>): Promise<Endpoint> {
    await prepareTransformationCheck(body);
    checkAppAllowsUrl(await this.store.getApp(appId), body.url);
    await this.checkUrl(body.url);
    const now = new Date().toISOString();
    const blank: Endpoint = {
      id: newId('ep'), appId, uid, url: body.url, name: null, description: null, eventTypes: null, entityTypes: null,
      method: 'POST', payloadFormat: 'standard', signature: { scheme: 'standard-webhooks' }, secrets: [],
      headers: {}, query: {}, timeoutMs: DEFAULT_TIMEOUT_MS, tls: null, retrySchedule: null, rateLimit: null,
      disabled: false, ordering: 'unordered', createdAt: now, updatedAt: now,
    };
    // GET carries no body to sign, so a GET endpoint defaults to the path-based format and
    // signature that receivers of GET webhooks expect (the entity-path shape, as iOFFICE/Eptura send;
    // see the wire format reference in docs/).
    if (body.method === 'GET') {
      blank.payloadFormat = 'entity-ref';
      blank.signature = { scheme: 'entity-path' };
    }
    if (metadata && Object.keys(metadata).length > 0) blank.metadata = metadata;
    const created = await this.store.createEndpoint(applyEndpointSettings(blank, body, now));
    this.warnIfVerificationSkipped(null, created);
    return created;
  }

  async get(appId: string, endpointId: string): Promise<Endpoint> {
    const endpoint = await this.store.getEndpoint(appId, endpointId);
    if (!endpoint) throw notFound('endpoint', endpointId);
    return endpoint;
  }

  /** `metadata` (Svix's, src/api/svix) replaces the endpoint's when given; `{}` clears it. */
  async update(appId: string, endpointId: string, body: EndpointPatchBody, metadata?: Record<string, string>): Promise<Endpoint> {
    await prepareTransformationCheck(body);
    const current = await this.get(appId, endpointId);
    if (body.url !== undefined && body.url !== current.url) {
      checkAppAllowsUrl(await this.store.getApp(appId), body.url);
      await this.checkUrl(body.url);
    }
    const next = applyEndpointSettings(current, body, new Date().toISOString());
    if (metadata !== undefined) next.metadata = metadata;
    const updated = await this.store.updateEndpoint(next);
    this.warnIfVerificationSkipped(current, updated);
    if (current.disabled !== updated.disabled) await this.options.onToggle?.(current, updated);
    return updated;
  }

  /** Skipping certificate checks is an explicit opt-in (some receivers' setups expect "trust all"); make it visible in the log. */
  private warnIfVerificationSkipped(before: Endpoint | null, after: Endpoint): void {
    if (!after.tls?.insecureSkipVerify || before?.tls?.insecureSkipVerify) return;
    this.log.warn(
      { appId: after.appId, endpointId: after.id, url: after.url },
      'TLS certificate verification is disabled for this endpoint (tls.insecureSkipVerify): anyone on the network path can impersonate the receiver',
    );
  }

  /** Public so a config file can be checked as a whole before anything is written. */
  async checkUrl(url: string): Promise<void> {
    if (this.options.requireHttps && protocolOf(url) === 'http:') {
      throw new ApiError('insecure_url', `endpoint URL "${url.slice(0, 200)}" must use https:// (this server runs with --require-https)`);
    }
    try {
      await assertUrlAllowed(url, this.policy);
    } catch (err) {
      if (err instanceof BlockedDestinationError) throw new ApiError('destination_blocked', err.message);
      if (err instanceof InvalidUrlError) throw new ApiError('invalid_url', err.message);
      throw err;
    }
  }
}

function protocolOf(url: string): string | null {
  try {
    return new URL(url).protocol;
  } catch {
    return null; // assertUrlAllowed explains what is wrong with it
  }
}
