import type { MessageDelivery } from '../api/delivery-types';
import { DeliveryProgressCells } from '../ui/delivery-state-badge';

/** Where a message stands with each endpoint it went to: state, attempts, next retry, last failure. */
export function DeliveryTable({ delivery, names }: { delivery: MessageDelivery; names: Map<string, string> }) {
  if (delivery.endpoints.length === 0) return <p class="muted">No endpoint was subscribed to this message.</p>;
  return (
    <table class="responsive delivery-states" aria-label="Delivery state per endpoint">
      <thead>
        <tr>
          <th scope="col">Endpoint</th>
          <th scope="col">State</th>
          <th scope="col">Attempts</th>
          <th scope="col">Next attempt</th>
          <th scope="col">Last failure</th>
        </tr>
      </thead>
      <tbody>
        {delivery.endpoints.map((d) => (
          <tr key={d.endpointId} data-endpoint-id={d.endpointId}>
            {/* Plain text: each endpoint's attempts below carry the link to it. */}
            <td data-label="Endpoint" class="break">{names.get(d.endpointId) ?? d.endpointId}</td>
            <DeliveryProgressCells d={d} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
