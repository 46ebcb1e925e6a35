import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, RandomIdGenerator, TracerProvider, type IdGenerator, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { Logger } from 'pino';
import { formatTraceparent, parseTraceparent, type TraceContext } from '../domain/trace-context.js';
import { samplerFromEnv } from './otel-sampler.js';
import type { PublishSpanInfo, TracedAttempt, Tracing } from './tracing.js';

// Loaded only when the OTEL_* environment configures an OTLP exporter (tracing.ts).
//
// Where spans are made: all on the main thread, which claims, settles and holds the store. A
// delivery thread (delivery-threads.ts) only picks the span id of its attempt, sends it to the
// receiver in `traceparent`, and returns it with the attempt's result; the main thread then records
// the attempt's span under that very id (SpanIdOverride below), with its real start and end times.
// So one exporter and one batch processor serve the process, the threads load no OpenTelemetry
// code, and the receiver's spans still hang under the attempt span that sent them.

type Env = Record<string, string | undefined>;

/** The random ids of the SDK, except that the next span id can be given (an attempt's, picked in its thread). */
class SpanIdOverride implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  next: string | null = null;
  generateTraceId(): string {
    return this.random.generateTraceId();
  }
  generateSpanId(): string {
    const id = this.next;
    this.next = null;
    return id ?? this.random.generateSpanId();
  }
}

function exporterFor(env: Env, logger: Logger): SpanExporter | null {
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim();
  // The exporters read the endpoint, headers, timeout and compression from the same variables.
  if (protocol === 'http/json') return new JsonExporter();
  if (protocol === 'http/protobuf') return new ProtobufExporter();
  logger.error({ protocol }, 'OTEL_EXPORTER_OTLP_PROTOCOL: Herald exports traces over OTLP/HTTP only (http/protobuf or http/json); tracing is off');
  return null;
}

const positive = (text: string | undefined, fallback: number) => {
  const n = Number(text);
  return text !== undefined && Number.isFinite(n) && n > 0 ? n : fallback;
};

/** The parent of an attempt or publish: a remote span given by a stored or received trace context. */
function remoteParent(context: TraceContext | null | undefined): Context {
  const parsed = context ? parseTraceparent(context.traceparent) : null;
  if (!parsed) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: parsed.traceId,
    spanId: parsed.spanId,
    traceFlags: parseInt(parsed.flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
    traceState: context?.tracestate ? new TraceState(context.tracestate) : undefined,
  });
}

function contextOf(span: Span): TraceContext {
  const c = span.spanContext();
  return { traceparent: formatTraceparent(c.traceId, c.spanId, c.traceFlags.toString(16).padStart(2, '0')), tracestate: c.traceState?.serialize() || null };
}

export function startOtelTracing(env: Env, serviceVersion: string, logger: Logger): Tracing {
  const exporter = exporterFor(env, logger);
  if (!exporter) {
    return { enabled: false, publish: (_i, p, w) => w(p), attempt: () => undefined, claim: (w) => w(), settle: (_c, w) => w(), shutdown: async () => undefined };
  }
  const ids = new SpanIdOverride();
  const provider = new TracerProvider({
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over Herald's defaults.
    resource: defaultResource()
      .merge(resourceFromAttributes({ 'service.name': 'herald', 'service.version': serviceVersion }))
      .merge(detectResources({ detectors: [envDetector] })),
    sampler: samplerFromEnv(env),
    idGenerator: ids,
    spanProcessors: [
      new BatchSpanProcessor({
        exporter,
        scheduledDelayMillis: positive(env.OTEL_BSP_SCHEDULE_DELAY, 5000),
        exportTimeoutMillis: positive(env.OTEL_BSP_EXPORT_TIMEOUT, 30_000),
        maxQueueSize: positive(env.OTEL_BSP_MAX_QUEUE_SIZE, 2048),
        maxExportBatchSize: positive(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, 512),
      }),
    ],
  });
  const tracer: Tracer = provider.getTracer('herald', serviceVersion);
  logger.info({ protocol: env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf' }, 'OpenTelemetry tracing on: exporting spans over OTLP/HTTP');

  async function inSpan<T>(span: Span, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
      throw err;
    } finally {
      span.end();
    }
  }

  return {
    enabled: true,
    publish<T>(info: PublishSpanInfo, parent: TraceContext | null, work: (stored: TraceContext | null) => Promise<T>): Promise<T> {
      const span = tracer.startSpan('herald publish', {
        kind: SpanKind.PRODUCER,
        attributes: {
          'herald.app_id': info.appId, 'herald.message_count': info.count,
          ...(info.eventType ? { 'herald.event_type': info.eventType } : {}),
        },
      }, remoteParent(parent));
      return inSpan(span, () => work(parent ?? contextOf(span)));
    },
    attempt({ settlement, claimed }: TracedAttempt): void {
      const a = settlement.attempt;
      const end = Date.parse(a.createdAt);
      // The id the delivery thread sent in traceparent, so the receiver's spans are this span's children.
      ids.next = settlement.traceSpanId ?? null;
      const span = tracer.startSpan('herald deliver', {
        kind: SpanKind.CLIENT,
        startTime: settlement.startedAt ?? end - a.durationMs,
        attributes: {
          'herald.app_id': a.appId, 'herald.endpoint_id': a.endpointId, 'herald.message_id': a.msgId,
          'herald.event_type': claimed.message.eventType, 'herald.attempt': a.attempt, 'herald.outcome': settlement.outcome.kind,
          'url.full': claimed.endpoint.url, 'http.request.method': a.request.method,
          ...(a.responseStatus !== null ? { 'http.response.status_code': a.responseStatus } : {}),
          ...(a.requestId ? { 'herald.request_id': a.requestId } : {}),
        },
      }, remoteParent(claimed.message.traceparent ? { traceparent: claimed.message.traceparent, tracestate: claimed.message.tracestate ?? null } : null));
      ids.next = null;
      if (settlement.outcome.kind !== 'success' && settlement.outcome.kind !== ('cancelled' as string)) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: a.error ?? `HTTP ${a.responseStatus}` });
      }
      span.end(end);
    },
    async claim<T>(work: () => Promise<T[]>): Promise<T[]> {
      // Recorded afterwards, and only when it claimed something or failed: an idle process claims
      // nothing every poll interval, and a span per empty look would bury the ones that matter.
      const startTime = Date.now();
      try {
        const claimed = await work();
        if (claimed.length > 0) tracer.startSpan('herald claim', { startTime, attributes: { 'herald.claimed': claimed.length } }, ROOT_CONTEXT).end();
        return claimed;
      } catch (err) {
        const span = tracer.startSpan('herald claim', { startTime }, ROOT_CONTEXT);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
        span.end();
        throw err;
      }
    },
    settle(count: number, work: () => Promise<void>): Promise<void> {
      const span = tracer.startSpan('herald settle', { kind: SpanKind.INTERNAL, attributes: { 'herald.settled': count } }, ROOT_CONTEXT);
      return inSpan(span, work);
    },
    async shutdown(): Promise<void> {
      await provider.shutdown().catch((err: unknown) => logger.warn({ err }, 'could not export the last spans'));
    },
  };
}
