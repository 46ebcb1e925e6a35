import { useEffect, useState } from 'preact/hooks';
import { seg } from '../api/client';
import type { Task } from '../api/types';
import { useAction, useApi } from '../hooks';
import { ErrorNote, StatusNote } from '../ui/notes';

const pad = (n: number) => String(n).padStart(2, '0');
/** `<input type="datetime-local">` speaks local time without a zone. */
const toLocalInput = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
const TASK_POLL_MS = 1000;

/**
 * After an outage of the receiver: deliver again every message that failed since a time. Herald
 * does it as a background task; its progress is followed here until it ends.
 */
export function RecoverPanel({ appId, endpointId }: { appId: string; endpointId: string }) {
  const api = useApi();
  const [since, setSince] = useState(() => toLocalInput(new Date(Date.now() - 24 * 3600_000)));
  const [task, setTask] = useState<Task | null>(null);
  const recover = useAction(async () => {
    setTask(await api.post<Task>(`/apps/${seg(appId)}/endpoints/${seg(endpointId)}/recover`, { since: new Date(since).toISOString() }));
  });

  useEffect(() => {
    if (task?.status !== 'running') return;
    const timer = setTimeout(() => {
      api.get<Task>(`/apps/${seg(appId)}/tasks/${seg(task.id)}`).then(setTask, () => setTask({ ...task, status: 'failed', error: 'lost track of the recovery task' }));
    }, TASK_POLL_MS);
    return () => clearTimeout(timer);
  }, [task]);

  return (
    <section class="card" aria-labelledby="recover-title">
      <h2 id="recover-title">Recover failed messages</h2>
      <p class="muted small">After an outage of your receiver: deliver again every message that failed since a time.</p>
      <div class="row align-end">
        <div class="field">
          <label for="recover-since">Failed since</label>
          <input id="recover-since" type="datetime-local" value={since} onInput={(e) => setSince(e.currentTarget.value)} />
        </div>
        <button type="button" onClick={() => void recover.run()} disabled={recover.busy || !since || task?.status === 'running'}>
          Recover failed since…
        </button>
      </div>
      <ErrorNote error={recover.error}>Could not recover: </ErrorNote>
      {task && task.status === 'failed' && <p class="note note-error" role="alert">Recovery failed: {task.error}</p>}
      {task && task.status !== 'failed' && (
        <StatusNote>
          {task.status === 'running' ? `Recovering… ${task.done} of ${task.total} sent again.` : `Done: ${task.total} failed message${task.total === 1 ? '' : 's'} sent again.`}
        </StatusNote>
      )}
    </section>
  );
}
