import { useState } from 'preact/hooks';
import { seg } from '../api/client';
import type { Message } from '../api/types';
import { useAction, useApi } from '../hooks';
import { ErrorNote, StatusNote } from '../ui/notes';

/** Sends a test message to this endpoint only; its attempt then shows up in the log. */
export function TestEventPanel({ appId, endpointId, eventTypes }: { appId: string; endpointId: string; eventTypes: string[] }) {
  const api = useApi();
  const [eventType, setEventType] = useState(eventTypes[0] ?? '');
  const send = useAction(() =>
    api.post<Message>(`/apps/${seg(appId)}/endpoints/${seg(endpointId)}/test`, eventType.trim() ? { eventType: eventType.trim() } : {}),
  );
  return (
    <section class="card" aria-labelledby="test-title">
      <h2 id="test-title">Test</h2>
      <div class="row align-end">
        <div class="field grow">
          <label for="test-event-type">Event type (optional)</label>
          <input id="test-event-type" class="mono" list="test-event-types" placeholder="herald.test" value={eventType} onInput={(e) => setEventType(e.currentTarget.value)} />
          <datalist id="test-event-types">
            {eventTypes.map((t) => <option key={t} value={t} />)}
          </datalist>
        </div>
        <button type="button" class="primary" onClick={() => void send.run()} disabled={send.busy}>
          Send test event
        </button>
      </div>
      <ErrorNote error={send.error}>Could not send: </ErrorNote>
      {send.succeeded && <StatusNote>Test event queued; its delivery appears in the attempts below.</StatusNote>}
    </section>
  );
}
