import type { ClaimedDelivery } from '../store/store.js';
import { AgentPool } from './agent-pool.js';
import { deliverOne, type AttemptResult } from './deliver-one.js';
import { EndpointSlots } from './endpoint-slots.js';
import { InFlightRequests } from './http-sender.js';
import type { NetworkPolicy } from './network-guard.js';

/** Where the delivery loop's requests are rendered, signed and sent: this thread or delivery threads. */
export interface Deliverer {
  /** Never rejects for a failed request: every failure is an attempt (see deliverOne). */
  deliver(claimed: ClaimedDelivery): Promise<AttemptResult>;
  /**
   * Cuts off every request in flight (a stop's grace period is over); each ends as `aborted`. A
   * delivery still waiting for its endpoint's slot is not sent: its promise rejects.
   */
  abortAll(): void;
  close(): Promise<void>;
}

export interface DelivererOptions {
  userAgent: string;
  defaultRetrySchedule: readonly number[];
  policy: NetworkPolicy;
  /**
   * Most requests in flight to one endpoint from this deliverer; more wait their turn here
   * (endpoint-slots.ts). Absent: no limit of its own (the delivery loop never gives it more).
   */
  perEndpointConcurrency?: number;
}

/** Sends on the calling thread, with one keep-alive pool per origin (AgentPool). */
export class InProcessDeliverer implements Deliverer {
  private readonly agents: AgentPool;
  private readonly context: Parameters<typeof deliverOne>[1];
  private readonly inFlight = new InFlightRequests();
  private readonly slots: EndpointSlots | null;

  constructor(options: DelivererOptions) {
    this.slots = options.perEndpointConcurrency ? new EndpointSlots(options.perEndpointConcurrency) : null;
    const agents = new AgentPool(options.policy);
    this.agents = agents;
    this.context = {
      userAgent: options.userAgent,
      defaultRetrySchedule: options.defaultRetrySchedule,
      dispatcherFor: (endpoint) => agents.forEndpoint(endpoint.tls, endpoint.timeoutMs),
    };
  }

  deliver(claimed: ClaimedDelivery): Promise<AttemptResult> {
    if (!this.slots) return deliverOne(claimed, this.context, this.inFlight);
    return this.slots.run(claimed.endpoint.id, () => deliverOne(claimed, this.context, this.inFlight));
  }

  /** Cuts off the requests in flight; deliveries still waiting for a slot are dropped unsent (they reject). */
  abortAll(): void {
    this.slots?.dropWaiting(new Error('stopped before it was sent'));
    this.inFlight.cancelAll();
  }

  close(): Promise<void> {
    return this.agents.close();
  }
}
