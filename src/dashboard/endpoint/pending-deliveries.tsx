import { seg } from '../api/client';
import type { Page } from '../api/types';
import type { Delivery } from '../api/delivery-types';
import { useApi } from '../hooks';
import { usePaged } from '../paged';
import { link } from '../router';
import { DeliveryProgressCells } from '../ui/delivery-state-badge';
import { ErrorNote, Loading } from '../ui/notes';
import { ATTEMPTS_POLL_MS } from './attempts-log';

/**
 * The endpoint's deliveries still to be sent: not tried yet, or failing and waiting for a retry,
 * with when the next attempt is due and why the last one failed. Hidden while there are none.
 */
export function PendingDeliveries({ appId, endpointId }: { appId: string; endpointId: string }) {
  const api = useApi();
  const list = usePaged(
    (iterator) => api.get<Page<Delivery>>(`/apps/${seg(appId)}/endpoints/${seg(endpointId)}/deliveries`, { status: 'pending', limit: 50, iterator }),
    [appId, endpointId],
    ATTEMPTS_POLL_MS,
  );
  if (list.loading) return <Loading what="pending deliveries" />;
  if (list.items.length === 0 && !list.error) return null;
  return (
    <section aria-labelledby="pending-title">
      <h2 id="pending-title">Waiting to be sent</h2>
      <p class="muted small">Deliveries not sent yet, or failing and waiting for their next retry.</p>
      <ErrorNote error={list.error} />
      {list.items.length > 0 && (
        <table class="responsive pending-deliveries">
          <thead>
            <tr>
              <th scope="col">Message</th>
              <th scope="col">State</th>
              <th scope="col">Attempts</th>
              <th scope="col">Next attempt</th>
              <th scope="col">Last failure</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((d) => (
              <tr key={d.id} data-delivery-id={d.id}>
                <td data-label="Message" class="break">
                  <a href={link('apps', appId, 'messages', d.msgId)} class="mono">{d.eventType}</a>
                  <div class="mono small muted">{d.msgId}</div>
                </td>
                <DeliveryProgressCells d={d} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.hasMore && (
        <button type="button" onClick={list.loadMore} disabled={list.loadingMore}>
          Load more
        </button>
      )}
    </section>
  );
}
