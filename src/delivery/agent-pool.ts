import { createHash } from 'node:crypto';
import { Agent, type Dispatcher } from 'undici';
import type { TlsSettings } from '../domain/model.js';
import { guardedConnector, type NetworkPolicy } from './network-guard.js';

const AGENT_OPTIONS = {
  keepAliveTimeout: 30_000,
  // Headers/body deadlines are enforced by each request's own timeout signal; these are
  // only the outer bound (the longest timeout an endpoint may choose is 15 minutes).
  headersTimeout: 900_000,
  bodyTimeout: 900_000,
  connections: 256,
} as const;

/** The endpoints' default timeout (PT30S): endpoints that keep it share one Agent. */
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/**
 * undici keeps one connection pool per origin inside an Agent, so endpoints on different hosts
 * never queue behind each other. Endpoints with their own TLS settings (CA, client certificate,
 * or skipped verification) need an Agent of their own, shared by all endpoints with the same settings.
 */
export class AgentPool {
  private readonly shared: Agent;
  private readonly byTls = new Map<string, Agent>();

  constructor(private readonly policy: NetworkPolicy, private readonly maxTlsAgents = 500) {
    this.shared = new Agent({ ...AGENT_OPTIONS, connect: guardedConnector(policy, { timeout: DEFAULT_CONNECT_TIMEOUT_MS }) });
  }

  /**
   * `connectTimeoutMs` is the endpoint's timeout: undici does not abort a connection still being
   * set up (TCP + TLS handshake) when the request's signal fires, so the connector must give up at
   * the same deadline itself, or a hanging handshake would outlive a PT1S timeout by its 10 s default
   * (and cut a PT60S one short).
   */
  forEndpoint(tls: TlsSettings | null, connectTimeoutMs: number = DEFAULT_CONNECT_TIMEOUT_MS): Dispatcher {
    const custom = tls !== null && Object.keys(tls).length > 0;
    if (!custom && connectTimeoutMs === DEFAULT_CONNECT_TIMEOUT_MS) return this.shared;
    const key = createHash('sha256').update(JSON.stringify([custom ? tls : null, connectTimeoutMs])).digest('hex');
    let agent = this.byTls.get(key);
    if (!agent) {
      if (this.byTls.size >= this.maxTlsAgents) this.evictOldest();
      const tlsOptions = custom
        ? { ca: tls.ca, cert: tls.cert, key: tls.key, passphrase: tls.passphrase, rejectUnauthorized: !tls.insecureSkipVerify }
        : {};
      agent = new Agent({ ...AGENT_OPTIONS, connect: guardedConnector(this.policy, { ...tlsOptions, timeout: connectTimeoutMs }) });
      this.byTls.set(key, agent);
    }
    return agent;
  }

  private evictOldest(): void {
    const [key, agent] = this.byTls.entries().next().value as [string, Agent];
    this.byTls.delete(key);
    void agent.close();
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.shared.close(), ...[...this.byTls.values()].map((a) => a.close())]);
    this.byTls.clear();
  }
}
