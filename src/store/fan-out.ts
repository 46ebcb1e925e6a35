import { channelsMatch } from '../domain/channels.js';
import { filterMatches, type EndpointFilter } from '../domain/filters.js';
import type { EndpointOrdering, Message } from '../domain/model.js';
import { compileFilter, type CompiledFilter, type FilterInput } from '../domain/payload-filter.js';
import { formatAccepts, type PayloadFormat } from '../wire/index.js';

// Which endpoints a published message goes to, shared by both stores' publish.

/** The endpoint columns fan-out reads (filters stored as JSON text). */
export interface FanOutRow {
  id: string;
  event_types: string | null;
  entity_types: string | null;
  payload_format: PayloadFormat;
  ordering: EndpointOrdering;
  /** The endpoint's payload filter (CEL), if any. */
  filter?: string | null;
  /** The endpoint's channels (JSON list), if any. */
  channels?: string | null;
}

/** An endpoint as fan-out sees it: its filters parsed once per batch, not once per message. */
export interface FanOutTarget {
  id: string;
  filter: EndpointFilter;
  payloadFormat: PayloadFormat;
  ordering: EndpointOrdering;
  /** Compiled once per text (cached across batches); null when the endpoint has none. */
  payloadFilter: CompiledFilter | null;
  /** Null when the endpoint lists none (it gets every message). */
  channels: string[] | null;
}

export function toFanOutTarget(row: FanOutRow): FanOutTarget {
  return {
    payloadFilter: row.filter ? compiledOrFailing(row.filter) : null,
    id: row.id,
    filter: {
      eventTypes: row.event_types ? JSON.parse(row.event_types) : null,
      entityTypes: row.entity_types ? JSON.parse(row.entity_types) : null,
    },
    payloadFormat: row.payload_format,
    ordering: row.ordering,
    channels: row.channels ? JSON.parse(row.channels) : null,
  };
}

/**
 * Whether `message` goes to `target`: its filters match (a test event names its endpoint and skips
 * them) and its payload format can carry the message.
 */
export function fanOutAccepts(target: FanOutTarget, message: Message, namedEndpoint: boolean, filters?: FilterRun): boolean {
  if (!namedEndpoint && !filterMatches(target.filter, { eventType: message.eventType, entityType: message.entity?.type ?? null })) {
    return false;
  }
  // Channels route like the subscription filters: a test event naming its endpoint skips them too.
  if (!namedEndpoint && !channelsMatch(target.channels, message.channels)) return false;
  if (!formatAccepts(target.payloadFormat, message)) return false;
  // Last, being the dearest check. A test event names its endpoint and skips the payload filter too,
  // like the subscription filters. A caller without a run of its own still gets the filter applied.
  return !target.payloadFilter || namedEndpoint || (filters ?? new FilterRun()).matches(target, message);
}

/** The filter errors of one endpoint in a batch, recorded on it by the store after fan-out. */
export interface FilterErrorTally {
  endpointId: string;
  /** The filter text they were counted against: counts start over when the filter changes. */
  filter: string;
  count: number;
  lastError: string;
  at: string;
}

/**
 * Payload filters over one publish batch: each message's data is parsed once, and only when an
 * endpoint has a filter (a batch without filtered endpoints never creates one's input); failures
 * count as no match and are tallied per endpoint and per message.
 */
export class FilterRun {
  private message: Message | null = null;
  private input: FilterInput | null = null;
  readonly errors = new Map<string, FilterErrorTally>();
  private readonly errorsByMessage = new Map<string, number>();

  matches(target: FanOutTarget, message: Message): boolean {
    const outcome = target.payloadFilter!.evaluate(this.inputOf(message));
    if (outcome.error === undefined) return outcome.matches;
    const tally = this.errors.get(target.id);
    const at = new Date().toISOString();
    if (tally) Object.assign(tally, { count: tally.count + 1, lastError: outcome.error, at });
    else this.errors.set(target.id, { endpointId: target.id, filter: target.payloadFilter!.text, count: 1, lastError: outcome.error, at });
    this.errorsByMessage.set(message.id, (this.errorsByMessage.get(message.id) ?? 0) + 1);
    return false;
  }

  /** How many filters failed on this message (for the metric). */
  errorsOf(messageId: string): number {
    // Asked once per message: without a failure in the batch (nearly always), no look-up at all.
    return this.errorsByMessage.size === 0 ? 0 : (this.errorsByMessage.get(messageId) ?? 0);
  }

  private inputOf(message: Message): FilterInput {
    if (this.message !== message) {
      let data: unknown;
      try {
        data = JSON.parse(message.dataJson);
      } catch {
        data = message.dataJson;
      }
      this.message = message;
      this.input = { eventType: message.eventType, data, entity: message.entity };
    }
    return this.input!;
  }
}

/** A stored filter that no longer compiles (a stricter release) fails on every message, visibly. */
function compiledOrFailing(text: string): CompiledFilter {
  const compiled = compileFilter(text);
  if (!('problem' in compiled)) return compiled;
  const error = `the stored filter does not compile: ${compiled.problem.message}`;
  return { text, evaluate: () => ({ matches: false, error }) };
}
