/**
 * At most `limit` requests in flight to one endpoint; the rest wait their turn, first come first
 * served. This is what lets the delivery loop lease an endpoint more deliveries than its concurrency
 * (DeliveryLoopLimits.perEndpointQueue): the next ones wait here, on the thread that sends, and start
 * the moment a request ends instead of after a round trip through the main thread, which a large
 * publish transaction can hold for tens of milliseconds.
 */
export class EndpointSlots {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, Array<() => void>>();
  /** Set by dropWaiting: turns not yet started end without running. */
  private dropped: Error | null = null;

  constructor(private readonly limit: number) {}

  /** Runs `task` once fewer than `limit` tasks of this endpoint run; rejects if dropWaiting comes first. */
  run<T>(endpointId: string, task: () => Promise<T>): Promise<T> {
    const running = this.running.get(endpointId) ?? 0;
    if (running < this.limit && !this.waiting.has(endpointId)) {
      this.running.set(endpointId, running + 1);
      return this.started(endpointId, task);
    }
    return new Promise<void>((resolve) => {
      const queue = this.waiting.get(endpointId);
      if (queue) queue.push(resolve);
      else this.waiting.set(endpointId, [resolve]);
    }).then(() => {
      if (this.dropped) throw this.dropped;
      return this.started(endpointId, task);
    });
  }

  /** Every waiting turn ends without running its task (a stop's grace period is over). */
  dropWaiting(reason: Error): void {
    this.dropped = reason;
    for (const [endpointId, queue] of [...this.waiting]) {
      this.waiting.delete(endpointId);
      for (const wake of queue) wake();
    }
  }

  /** Turns waiting for this endpoint (for tests and metrics). */
  waitingFor(endpointId: string): number {
    return this.waiting.get(endpointId)?.length ?? 0;
  }

  private started<T>(endpointId: string, task: () => Promise<T>): Promise<T> {
    let result: Promise<T>;
    try {
      result = task();
    } catch (err) {
      result = Promise.reject(err);
    }
    return result.finally(() => this.finished(endpointId));
  }

  /** A request ended: its slot goes to the next in line, or is freed. */
  private finished(endpointId: string): void {
    const queue = this.waiting.get(endpointId);
    const next = queue?.shift();
    if (queue && queue.length === 0) this.waiting.delete(endpointId);
    if (next) next(); // the slot passes on: the running count stays
    else {
      const left = (this.running.get(endpointId) ?? 1) - 1;
      if (left <= 0) this.running.delete(endpointId);
      else this.running.set(endpointId, left);
    }
  }
}
