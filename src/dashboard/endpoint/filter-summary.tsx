import type { Endpoint } from '../api/types';
import { formatTime } from '../ui/format';

/**
 * The endpoint's payload filter and how often it failed on a message since it was last changed
 * (each failure counted as no match, so those messages were not delivered here).
 */
export function FilterSummary({ endpoint }: { endpoint: Endpoint }) {
  if (!endpoint.filter) return null;
  const { count, lastError, lastErrorAt } = endpoint.filterErrors;
  return (
    <div>
      <dt>Filter</dt>
      <dd>
        <code class="mono break">{endpoint.filter}</code>
        {count > 0 && (
          <p class="note note-error filter-errors">
            Failed on {count} {count === 1 ? 'message' : 'messages'} (not delivered here)
            {lastErrorAt ? `, last at ${formatTime(lastErrorAt)}` : ''}: {lastError}
          </p>
        )}
      </dd>
    </div>
  );
}
