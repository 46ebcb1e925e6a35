import type { ClaimedDelivery } from '../store/store.js';
import { AgentPool } from './agent-pool.js';
import { deliverOne, type AttemptResult } from './deliver-one.js';
import { InFlightRequests } from './http-sender.js';
import type { NetworkPolicy } from './network-guard.js';

/** Where the delivery loop's requests are rendered, signed and sent: this thread or delivery threads. */
export interface Deliverer {
  /** Never rejects for a failed request: every failure is an attempt (see deliverOne). */
  deliver(claimed: ClaimedDelivery): Promise<AttemptResult>;
  /** Cuts off every request in flight (a stop's grace period is over); each ends as `aborted`. */
  abortAll(): void;
  close(): Promise<void>;
}

export interface DelivererOptions {
  userAgent: string;
  defaultRetrySchedule: readonly number[];
  policy: NetworkPolicy;
}

/** Sends on the calling thread, with one keep-alive pool per origin (AgentPool). */
export class InProcessDeliverer implements Deliverer {
  private readonly agents: AgentPool;
  private readonly context: Parameters<typeof deliverOne>[1];
  private readonly inFlight = new InFlightRequests();

  constructor(options: DelivererOptions) {
    const agents = new AgentPool(options.policy);
    this.agents = agents;
    this.context = {
      userAgent: options.userAgent,
      defaultRetrySchedule: options.defaultRetrySchedule,
      dispatcherFor: (endpoint) => agents.forEndpoint(endpoint.tls, endpoint.timeoutMs),
    };
  }

  deliver(claimed: ClaimedDelivery): Promise<AttemptResult> {
    return deliverOne(claimed, this.context, this.inFlight);
  }

  abortAll(): void {
    this.inFlight.cancelAll();
  }

  close(): Promise<void> {
    return this.agents.close();
  }
}
