import { describe, expect, it } from 'vitest';
import { childTraceparent, newSpanId, parseTraceparent, traceContextOf } from '../../src/domain/trace-context.js';

// W3C Trace Context: which traceparent headers a publish may carry, and the child each attempt sends.

const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('trace context', () => {
  it('reads a valid traceparent and its tracestate', () => {
    expect(traceContextOf(VALID, 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7')).toEqual({
      traceparent: VALID, tracestate: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7',
    });
    expect(parseTraceparent(VALID)).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', flags: '01' });
    // Several tracestate headers are one list.
    expect(traceContextOf(VALID, ['a=1', 'b=2'])?.tracestate).toBe('a=1,b=2');
  });

  it('ignores what the spec says to ignore, rather than refusing the publish', () => {
    for (const bad of [
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01', // all-zero trace id
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', // all-zero parent id
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', // version ff
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01', // upper case
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra', // version 00 has four fields
      'not a traceparent',
    ]) {
      expect(traceContextOf(bad, 'a=1'), bad).toBeNull();
    }
    expect(traceContextOf(undefined, 'a=1')).toBeNull();
    // An oversized tracestate is dropped, the traceparent kept.
    expect(traceContextOf(VALID, 'a='.padEnd(600, 'x'))).toEqual({ traceparent: VALID, tracestate: null });
  });

  it('reads a later version by its first four fields, and sends it as version 00', () => {
    expect(traceContextOf('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future', undefined)).toEqual({ traceparent: VALID, tracestate: null });
  });

  it('makes children in the same trace, with new span ids and the parent\'s flags', () => {
    const parent = parseTraceparent(VALID)!;
    const ids = new Set(Array.from({ length: 100 }, () => newSpanId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{16}$/);
    const [first] = ids;
    expect(childTraceparent(parent, first!)).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${first}-01`);
  });
});
