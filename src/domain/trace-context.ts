import { randomBytes } from 'node:crypto';

// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` a product sends with a
// publish is stored with the message, and each delivery attempt forwards a child of it, so a
// receiver that traces sees the product's trace go on through Herald (docs/tracing.md).

/** A stored trace context: the publisher's `traceparent` and `tracestate` as received. */
export interface TraceContext {
  traceparent: string;
  tracestate: string | null;
}

export interface ParsedTraceparent {
  traceId: string;
  /** The span this one is a child of (the publisher's). */
  spanId: string;
  /** Two hex digits; bit 0 is "sampled". */
  flags: string;
}

// Version 00's layout. A later version may add fields after these four: the spec says to read
// the first four and ignore the rest, except for version ff, which is invalid.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ALL_ZERO = /^0+$/;
/** The spec lets a tracestate hold 32 members of up to 256 characters; 512 is what it says to keep at least. */
const MAX_TRACESTATE = 512;

export function parseTraceparent(text: string): ParsedTraceparent | null {
  const m = TRACEPARENT.exec(text.trim());
  if (!m) return null;
  const [, version, traceId, spanId, flags, rest] = m;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return null;
  if (ALL_ZERO.test(traceId!) || ALL_ZERO.test(spanId!)) return null;
  return { traceId: traceId!, spanId: spanId!, flags: flags! };
}

/**
 * The trace context of a publish request's headers, or null when it sent none or an invalid one:
 * the spec says to ignore a malformed traceparent (and then its tracestate), never to refuse the request.
 */
export function traceContextOf(traceparent: string | string[] | undefined, tracestate: string | string[] | undefined): TraceContext | null {
  if (typeof traceparent !== 'string') return null;
  const parsed = parseTraceparent(traceparent);
  if (!parsed) return null;
  // Several tracestate headers are one list (the spec allows splitting it); an oversized one is dropped.
  const state = (Array.isArray(tracestate) ? tracestate.join(',') : tracestate)?.trim() || null;
  return {
    traceparent: formatTraceparent(parsed.traceId, parsed.spanId, parsed.flags),
    tracestate: state && state.length <= MAX_TRACESTATE && /^[\x20-\x7e]*$/.test(state) ? state : null,
  };
}

export function formatTraceparent(traceId: string, spanId: string, flags: string): string {
  return `00-${traceId}-${spanId}-${flags}`;
}

/** A new random span id (8 bytes, hex), never all zeros. */
export function newSpanId(): string {
  for (;;) {
    const id = randomBytes(8).toString('hex');
    if (!ALL_ZERO.test(id)) return id;
  }
}

/** The `traceparent` of a child of `parent` with span id `spanId`: same trace, same flags. */
export function childTraceparent(parent: ParsedTraceparent, spanId: string): string {
  return formatTraceparent(parent.traceId, spanId, parent.flags);
}
