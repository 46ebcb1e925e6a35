import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { seg } from '../api/client';
import type { Attempt, Page } from '../api/types';
import { useApi } from '../hooks';
import { usePaged } from '../paged';
import { formatLatency, formatTime } from '../ui/format';
import { ErrorNote, Loading } from '../ui/notes';
import { StatusBadge } from '../ui/status-badge';
import { AttemptDetail } from './attempt-detail';
import { useEventTypes } from './event-type-lookup';

/** How often the log looks for new attempts: fast enough to watch a test event arrive. */
export const ATTEMPTS_POLL_MS = 2500;

/** Every delivery attempt to this endpoint, newest first, refreshing by itself. */
export function AttemptsLog({ appId, endpointId, onLatest }: { appId: string; endpointId: string; onLatest?: (attemptId: string) => void }) {
  const api = useApi();
  const [status, setStatus] = useState<'' | 'success' | 'failed' | 'cancelled'>('');
  const [openId, setOpenId] = useState<string | null>(null);
  const list = usePaged(
    (iterator) => api.get<Page<Attempt>>(`/apps/${seg(appId)}/endpoints/${seg(endpointId)}/attempts`, { limit: 50, iterator, status: status || undefined }),
    [appId, endpointId, status],
    ATTEMPTS_POLL_MS,
  );
  const eventTypes = useEventTypes(appId, list.items.map((a) => a.msgId));
  const latest = list.items[0]?.id;
  useEffect(() => {
    if (latest) onLatest?.(latest);
  }, [latest]);

  return (
    <section aria-labelledby="attempts-title">
      <div class="title-row">
        <h2 id="attempts-title">Delivery attempts</h2>
        <div class="field compact">
          <label for="attempt-status">Show</label>
          <select id="attempt-status" value={status} onChange={(e) => setStatus(e.currentTarget.value as typeof status)}>
            <option value="">All</option>
            <option value="success">Succeeded</option>
            <option value="failed">Failed</option>
            <option value="cancelled">Cancelled by the transformation</option>
          </select>
        </div>
      </div>
      <p class="muted small">Refreshes every few seconds.</p>
      <ErrorNote error={list.error} />
      {list.loading && <Loading what="attempts" />}
      {!list.loading && list.items.length === 0 && <p class="muted">No attempts yet. Send a test event to see one here.</p>}
      {list.items.length > 0 && (
        <table class="attempts responsive">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event type</th>
              <th scope="col">Status</th>
              <th scope="col">Latency</th>
              <th scope="col">Attempt</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((a) => (
              <Fragment key={a.id}>
                <tr class={a.id === openId ? 'selected' : undefined} data-attempt-id={a.id}>
                  <td data-label="Time">
                    <button
                      type="button"
                      class="link-button"
                      aria-expanded={a.id === openId}
                      aria-controls={a.id === openId ? `attempt-${a.id}` : undefined}
                      onClick={() => setOpenId(a.id === openId ? null : a.id)}
                    >
                      {formatTime(a.createdAt)}
                    </button>
                  </td>
                  <td data-label="Event type" class="mono">{eventTypes.get(a.msgId) ?? '…'}</td>
                  <td data-label="Status">
                    <StatusBadge status={a.status} code={a.responseStatus} />
                    {a.reason && <span class="attempt-reason small"> {a.reason}</span>}
                  </td>
                  <td data-label="Latency">{formatLatency(a.durationMs)}</td>
                  <td data-label="Attempt">#{a.attempt}</td>
                </tr>
                {a.id === openId && (
                  // Right under its row, so the details are where the eye (and a phone's screen) already is.
                  <tr class="detail-row">
                    <td colSpan={5}>
                      <AttemptDetail appId={appId} attempt={a} eventType={eventTypes.get(a.msgId)} onClose={() => setOpenId(null)} />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
      {list.hasMore && (
        <button type="button" onClick={list.loadMore} disabled={list.loadingMore}>
          Load older attempts
        </button>
      )}
    </section>
  );
}
