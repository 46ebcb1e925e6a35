import type { Logger } from 'pino';
import type { TraceContext } from '../domain/trace-context.js';
import type { ClaimedDelivery, Settlement } from '../store/store.js';

// OpenTelemetry tracing (docs/tracing.md). Off unless the standard OTEL_* variables configure an
// OTLP exporter; then ./otel-tracing.ts, and the @opentelemetry packages with it, are imported.
// Off, every hook below is NO_TRACING's: the OpenTelemetry code is never loaded, and the hot path
// pays one call of an empty function per claim and per settled batch, none per attempt.

export interface PublishSpanInfo {
  appId: string;
  /** The event type of a single publish; absent for a batch. */
  eventType?: string;
  count: number;
}

/** An attempt as the delivery loop saw it finish: its settlement and what was claimed. */
export interface TracedAttempt {
  settlement: Settlement & { startedAt?: number; traceSpanId?: string };
  claimed: ClaimedDelivery;
}

export interface Tracing {
  readonly enabled: boolean;
  /**
   * Runs a publish (validation and the store write) in a span that is a child of the publisher's
   * trace context. `work` is given the context to store with the messages: the publisher's own,
   * or, when it sent none, the publish span's, so the attempts join the publish's trace.
   */
  publish<T>(info: PublishSpanInfo, parent: TraceContext | null, work: (stored: TraceContext | null) => Promise<T>): Promise<T>;
  /** Records one finished attempt as a span, a child of the message's stored trace context. */
  attempt(attempt: TracedAttempt): void;
  /** A claim batch: a span around the store's claim. */
  claim<T>(work: () => Promise<T[]>): Promise<T[]>;
  /** A settle batch: a span around the store's settle. */
  settle(count: number, work: () => Promise<void>): Promise<void>;
  /** Exports what is still buffered and stops. */
  shutdown(): Promise<void>;
}

export const NO_TRACING: Tracing = {
  enabled: false,
  publish: (_info, parent, work) => work(parent),
  attempt: () => undefined,
  claim: (work) => work(),
  settle: (_count, work) => work(),
  shutdown: async () => undefined,
};

type Env = Record<string, string | undefined>;

/** Whether the OTEL_* environment asks for traces exported over OTLP. */
export function tracingConfigured(env: Env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((e) => e.trim().toLowerCase()).filter(Boolean);
  if (exporters.includes('none')) return false;
  if (exporters.includes('otlp')) return true;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/** NO_TRACING, or OpenTelemetry set up from the OTEL_* environment (imported only then). */
export async function startTracing(env: Env, serviceVersion: string, logger: Logger): Promise<Tracing> {
  if (!tracingConfigured(env)) return NO_TRACING;
  const { startOtelTracing } = await import('./otel-tracing.js');
  return startOtelTracing(env, serviceVersion, logger);
}
