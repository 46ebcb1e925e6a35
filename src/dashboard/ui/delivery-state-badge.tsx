import type { MessageDelivery } from '../api/delivery-types';
import { formatFromNow, formatTime } from './format';
import './delivery-state.css';

type State = MessageDelivery['state'];
type EndpointDelivery = MessageDelivery['endpoints'][number];

const LABELS: Record<State, string> = {
  delivered: 'delivered',
  pending: 'pending',
  failing: 'failing',
  exhausted: 'exhausted',
  cancelled: 'cancelled',
  none: 'no endpoint',
};

/** What each state means, for the badge's tooltip and screen readers (the API's definitions). */
export const STATE_MEANING: Record<State, string> = {
  delivered: 'the endpoint accepted it',
  pending: 'waiting for its first attempt, or that attempt is in flight',
  failing: 'has failed and will be retried',
  exhausted: 'failed for good: its retries are used up',
  cancelled: "the endpoint's transformation chose not to send it (not a failure)",
  none: 'no endpoint was subscribed to it',
};

/** A delivery state as text and colour, never colour alone. */
export function DeliveryStateBadge({ state, title }: { state: State; title?: string }) {
  return (
    <span class={`badge badge-state badge-${state}`} title={title ?? STATE_MEANING[state]} data-state={state}>
      {LABELS[state]}
    </span>
  );
}

/** One line per endpoint: its state, attempts, next retry and last failure ("name: failing · 2 attempts · next retry …"). */
export function endpointDeliveryLine(d: EndpointDelivery, name: string): string {
  const parts = [`${name}: ${d.state}`, `${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`];
  if (d.nextAttemptAt) parts.push(`${d.state === 'pending' ? 'due' : 'next retry'} ${formatTime(d.nextAttemptAt)}`);
  if (d.reason) parts.push(d.reason);
  return parts.join(' · ');
}

/** The tooltip of a message's badge: the counts, then each endpoint. */
export function deliveryTitle(delivery: MessageDelivery, names: Map<string, string> = new Map()): string {
  if (delivery.endpoints.length === 0) return STATE_MEANING.none;
  const c = delivery.counts;
  const counts = (['delivered', 'pending', 'failing', 'exhausted', 'cancelled'] as const).filter((s) => c[s] > 0).map((s) => `${c[s]} ${s}`).join(', ');
  return [counts, ...delivery.endpoints.map((d) => endpointDeliveryLine(d, names.get(d.endpointId) ?? d.endpointId))].join('\n');
}

/**
 * When a delivery is next tried: its time and how far off it is; "due now" once that time has
 * passed (queued behind others, or its attempt is in flight).
 */
export function NextAttempt({ at, now = Date.now() }: { at: string | null; now?: number }) {
  if (!at) return <>–</>;
  if (Date.parse(at) <= now) return <span title={`due since ${formatTime(at)}`}>due now</span>;
  return <>{formatTime(at)} <span class="muted small">({formatFromNow(at, now)})</span></>;
}

/**
 * The four cells a delivery's row ends with in every delivery table (a message's endpoints, an
 * endpoint's pending deliveries): state, attempts, next attempt, last failure.
 */
export function DeliveryProgressCells({ d }: { d: Pick<EndpointDelivery, 'state' | 'attempts' | 'nextAttemptAt' | 'reason'> }) {
  return (
    <>
      <td data-label="State"><DeliveryStateBadge state={d.state} title={STATE_MEANING[d.state]} /></td>
      <td data-label="Attempts">{d.attempts}</td>
      <td data-label="Next attempt" class="next-attempt"><NextAttempt at={d.nextAttemptAt} /></td>
      <td data-label="Last failure" class="break">{d.reason ?? '–'}</td>
    </>
  );
}
