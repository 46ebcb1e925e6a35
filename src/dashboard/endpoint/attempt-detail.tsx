import { seg } from '../api/client';
import type { Attempt } from '../api/types';
import { useAction, useApi } from '../hooks';
import { link } from '../router';
import { formatLatency, formatTime, prettyBody } from '../ui/format';
import { ErrorNote, StatusNote } from '../ui/notes';
import { useCan } from '../api/portal-scope';
import { StatusBadge } from '../ui/status-badge';

function Headers({ headers, label }: { headers: Record<string, string>; label: string }) {
  const entries = Object.entries(headers);
  if (entries.length === 0) return <p class="muted small">No headers.</p>;
  return (
    <dl class="headers" aria-label={label}>
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** One attempt exactly as sent and as answered, with a way to deliver its message again. */
export function AttemptDetail({ appId, attempt, eventType, onClose }: { appId: string; attempt: Attempt; eventType?: string; onClose?: () => void }) {
  const api = useApi();
  const canResend = useCan('messages:resend');
  const resend = useAction(() =>
    api.post<{ deliveryId: string }>(`/apps/${seg(appId)}/messages/${seg(attempt.msgId)}/endpoints/${seg(attempt.endpointId)}/resend`),
  );
  return (
    <article class="attempt-detail card" aria-labelledby={`attempt-${attempt.id}-title`} id={`attempt-${attempt.id}`}>
      <div class="title-row">
        <h3 id={`attempt-${attempt.id}-title`}>
          Attempt {attempt.attempt} · <StatusBadge status={attempt.status} code={attempt.responseStatus} /> · {formatLatency(attempt.durationMs)}
        </h3>
        {onClose && (
          <button type="button" class="small-button" onClick={onClose}>
            Close
          </button>
        )}
      </div>
      <p class="muted small">
        {formatTime(attempt.createdAt)} · {eventType ?? 'message'}{' '}
        <a href={link('apps', appId, 'messages', attempt.msgId)} class="mono">{attempt.msgId}</a>
      </p>
      {attempt.reason && (
        <p class="note note-error">
          <strong>{attempt.reason}</strong>
          {/* The sender's own words too, when they say more than the reason (what to search the logs for). */}
          {attempt.error && !attempt.reason.startsWith(attempt.error) && !/^(HTTP \d+|timed out after)/.test(attempt.error) && <span class="mono small break"> — {attempt.error}</span>}
        </p>
      )}
      <div class="exchange">
        <section aria-label="Request">
          <h4>Request</h4>
          <p class="mono break request-line">
            {attempt.request.method} {attempt.request.url}
          </p>
          <Headers headers={attempt.request.headers} label="Request headers" />
          <pre class="body" data-testid="request-body" tabIndex={0} aria-label="Request body">{prettyBody(attempt.request.body)}</pre>
        </section>
        <section aria-label="Response">
          <h4>Response {attempt.responseStatus ?? ''}</h4>
          {attempt.response ? (
            <>
              <Headers headers={attempt.response.headers} label="Response headers" />
              <pre class="body" tabIndex={0} aria-label="Response body">{prettyBody(attempt.response.body)}</pre>
            </>
          ) : (
            <p class="muted">No response was received.</p>
          )}
        </section>
      </div>
      {canResend && (
        <div class="row">
          <button type="button" onClick={() => void resend.run()} disabled={resend.busy}>
            Resend message
          </button>
        </div>
      )}
      <ErrorNote error={resend.error}>Could not resend: </ErrorNote>
      {resend.succeeded && <StatusNote>Queued for delivery again; the new attempt appears in the log.</StatusNote>}
    </article>
  );
}
