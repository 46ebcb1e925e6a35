import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NO_TRACING, tracingConfigured } from '../../src/observability/tracing.js';

// Tracing is off unless the OTEL_* environment configures an OTLP exporter, and off it costs
// nothing: the OpenTelemetry packages are imported by the otel-* files only, which tracing.ts
// loads with a dynamic import once tracing is on.

const SRC = join(dirname(fileURLToPath(import.meta.url)), '../../src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : []));
}

describe('tracing when not configured', () => {
  it('is on only for an OTLP exporter the environment asks for', () => {
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_SERVICE_NAME: 'herald' })).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingConfigured({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
    expect(tracingConfigured({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(false);
    expect(tracingConfigured({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(false);
  });

  it('imports OpenTelemetry only from the otel-* files, and those only lazily', () => {
    const importers = files(SRC)
      .filter((f) => /from '@opentelemetry\//.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f))
      .sort();
    expect(importers).toEqual(['observability/otel-sampler.ts', 'observability/otel-tracing.ts']);
    const staticImportsOfOtel = files(SRC).filter((f) => /^import [^;]*from '\.\/otel-|^import [^;]*observability\/otel-/m.test(readFileSync(f, 'utf8')));
    expect(staticImportsOfOtel.map((f) => relative(SRC, f))).toEqual(['observability/otel-tracing.ts']);
  });

  it('passes work straight through, handing a publish the context it came with', async () => {
    const parent = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: null };
    expect(await NO_TRACING.publish({ appId: 'app_1', count: 1 }, parent, async (stored) => stored)).toBe(parent);
    expect(await NO_TRACING.claim(async () => [1, 2])).toEqual([1, 2]);
  });
});
