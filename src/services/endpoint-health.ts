import type { Logger } from 'pino';
import type { Endpoint } from '../domain/model.js';
import type { EndpointOutcome } from '../store/operations.js';
import type { Settlement, Store } from '../store/store.js';
import type { OperationalEvent, OperationalEvents } from './operational-events.js';

/** `message.attempt.failing` is sent when a delivery's attempt with this number fails (as Svix). */
export const FAILING_AFTER_ATTEMPTS = 4;

/** Longest a process trusts its own memory that an endpoint has no failure streak stored. */
const HEALTHY_RECHECK_MS = 5_000;

/** A burst of 410 answers from one endpoint is one `endpoint.disabled` event. */
const REPORT_ONCE_WITHIN_MS = 60_000;

export interface EndpointHealthOptions {
  /** An endpoint failing without a single success for this long (ms) is disabled; 0 = never. */
  failurePeriodMs: number;
}

/**
 * What follows a committed batch of settlements: each endpoint's failure streak is kept in the
 * store, endpoints failing for longer than the failure period are disabled (their pending
 * deliveries stay, the claim skips disabled endpoints), and operational events are published.
 * Errors are logged; delivery goes on regardless.
 */
export class EndpointHealth {
  /** Endpoints whose streak this process cleared recently, so a run of successes costs no writes. */
  private readonly clearedAt = new Map<string, number>();
  /** Endpoints reported disabled lately: a burst of 410 answers reports its endpoint once. */
  private readonly reportedDisabled = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly events: OperationalEvents,
    private readonly options: EndpointHealthOptions,
    private readonly logger: Logger,
  ) {}

  async settled(batch: Settlement[]): Promise<void> {
    const now = Date.now();
    const events = this.events.enabled ? this.attemptEvents(batch, now) : [];
    try {
      const outcomes = this.outcomesWorthWriting(batch, now);
      if (outcomes.length > 0) {
        const period = this.options.failurePeriodMs;
        const disabled = await this.store.trackEndpointFailures({
          outcomes, disableIfFailingSince: period > 0 ? now - period : Number.MIN_SAFE_INTEGER, now,
        });
        for (const o of outcomes) {
          if (o.ok) this.clearedAt.set(o.endpointId, now);
        }
        events.push(...this.reportStreakDisabled(disabled, now));
      }
    } catch (err) {
      this.logger.error({ err }, 'could not record endpoint failure streaks');
    }
    await this.events.publish(events);
  }

  /**
   * The failure-streak sweep (run by the background leader, failure-sweep.ts): disables endpoints
   * failing for the whole failure period even when no attempt to them settles now (their next retry
   * is hours away), and reports each. Answers how many it disabled.
   */
  async sweep(now: number): Promise<number> {
    const period = this.options.failurePeriodMs;
    if (period <= 0) return 0;
    const disabled = await this.store.disableFailingEndpoints(now - period, now);
    await this.events.publish(this.reportStreakDisabled(disabled, now));
    return disabled.length;
  }

  /** Logs each endpoint a failure streak disabled, and answers the `endpoint.disabled` events to publish. */
  private reportStreakDisabled(disabled: Array<{ appId: string; endpointId: string; failingSince: number }>, now: number): OperationalEvent[] {
    return disabled.map((d) => {
      const failingSince = new Date(d.failingSince).toISOString();
      this.logger.warn({ appId: d.appId, endpointId: d.endpointId, failingSince }, 'endpoint disabled: failing continuously for the whole failure period');
      this.reportedDisabled.set(d.endpointId, now);
      return {
        type: 'endpoint.disabled',
        data: { appId: d.appId, endpointId: d.endpointId, failingSince, reason: `failing without a success since ${failingSince}` },
      };
    });
  }

  /** An endpoint was enabled or disabled through the API. */
  async toggled(before: Endpoint, after: Endpoint): Promise<void> {
    if (before.disabled === after.disabled) return;
    try {
      // Re-enabled, it starts with a clean record rather than being disabled again at its next failure.
      if (!after.disabled) await this.store.clearEndpointFailures(after.id);
      this.clearedAt.delete(after.id);
    } catch (err) {
      this.logger.error({ err, endpointId: after.id }, 'could not reset the failure streak of a re-enabled endpoint');
    }
    await this.events.publish([{
      type: after.disabled ? 'endpoint.disabled' : 'endpoint.enabled',
      data: { appId: after.appId, endpointId: after.id, reason: after.disabled ? 'disabled through the API' : 'enabled through the API' },
    }]);
  }

  /**
   * Every failure, and a success only where it may end a stored streak: for an endpoint that had a
   * failure in this batch, or whose streak this process has not cleared lately. Another process may
   * have started a streak meanwhile, so the memory lasts a few seconds (less than the failure period).
   */
  private outcomesWorthWriting(batch: Settlement[], now: number): EndpointOutcome[] {
    const recheck = this.options.failurePeriodMs > 0 ? Math.min(HEALTHY_RECHECK_MS, this.options.failurePeriodMs / 4) : HEALTHY_RECHECK_MS;
    // A cancel (the endpoint's transformation skipped the message) is neither a failure nor a success.
    const failing = new Set(batch.filter((s) => s.outcome.kind === 'retry' || s.outcome.kind === 'failed').map((s) => s.attempt.endpointId));
    for (const id of failing) this.clearedAt.delete(id);
    return batch
      .filter((s) => {
        if (s.outcome.kind === 'cancelled') return false;
        const id = s.attempt.endpointId;
        return failing.has(id) || now - (this.clearedAt.get(id) ?? -Infinity) >= recheck;
      })
      .map((s) => ({ endpointId: s.attempt.endpointId, ok: s.outcome.kind === 'success', at: s.now }));
  }

  private attemptEvents(batch: Settlement[], now: number): OperationalEvent[] {
    for (const [id, at] of this.reportedDisabled) if (now - at > REPORT_ONCE_WITHIN_MS) this.reportedDisabled.delete(id);
    const events: OperationalEvent[] = [];
    for (const s of batch) {
      const a = s.attempt;
      const about = { appId: a.appId, endpointId: a.endpointId, msgId: a.msgId, attempt: a.attempt, lastResponseStatus: a.responseStatus };
      const reason = a.error ?? `HTTP ${a.responseStatus}`;
      if (s.outcome.kind === 'cancelled') continue;
      if (s.outcome.kind === 'success') {
        if (a.attempt > 1) events.push({ type: 'message.attempt.recovered', data: { ...about, reason: `delivered at attempt ${a.attempt}` } });
        continue;
      }
      if (a.attempt === FAILING_AFTER_ATTEMPTS) events.push({ type: 'message.attempt.failing', data: { ...about, reason } });
      if (s.outcome.kind !== 'failed') continue;
      events.push({ type: 'message.attempt.exhausted', data: { ...about, reason } });
      if (s.outcome.disableEndpoint && !this.reportedDisabled.has(a.endpointId)) {
        this.reportedDisabled.set(a.endpointId, now);
        events.push({
          type: 'endpoint.disabled',
          data: { appId: a.appId, endpointId: a.endpointId, lastResponseStatus: a.responseStatus, reason: 'the endpoint answered 410 Gone' },
        });
      }
    }
    return events;
  }
}
