import type { Logger } from 'pino';
import { newId } from '../domain/ids.js';
import type { Endpoint } from '../domain/model.js';
import type { Task } from '../domain/task.js';
import { notFound } from '../errors/api-errors.js';
import type { RecoveryScope } from '../store/operations.js';
import type { Store } from '../store/store.js';

/** Messages resent per transaction: small, so a large recovery never holds the store for long. */
const RECOVERY_BATCH = 100;

/**
 * Bulk recovery: every failed delivery of an endpoint since a time is sent again, as a new delivery
 * of the same message (same id, so receivers can deduplicate). It runs in the background in the
 * process that accepted the request; progress is stored, so any process can report it.
 */
export class RecoveryService {
  private readonly running = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly store: Store,
    private readonly newWork: () => void,
    private readonly logger: Logger,
    private readonly batchSize = RECOVERY_BATCH,
  ) {}

  /** Counts what is to be resent, stores the task and starts it; resolves with the task as started. */
  async recover(endpoint: Endpoint, since: Date): Promise<Task> {
    // Stored times are ISO 8601 in UTC and compared as text: normalise whatever offset was given.
    const scope: RecoveryScope = { appId: endpoint.appId, endpointId: endpoint.id, since: since.toISOString() };
    const total = await this.store.countRecoverable(scope);
    const now = new Date().toISOString();
    const task = await this.store.createTask({
      id: newId('tsk'), appId: endpoint.appId, kind: 'endpoint.recover', status: total === 0 ? 'finished' : 'running',
      params: { endpointId: endpoint.id, since: scope.since }, total, done: 0, error: null, createdAt: now, updatedAt: now,
    });
    if (task.status === 'running') {
      const run = this.run({ ...task }, scope).finally(() => this.running.delete(run));
      this.running.add(run);
    }
    return task;
  }

  async get(appId: string, taskId: string): Promise<Task> {
    const task = await this.store.getTask(appId, taskId);
    if (!task) throw notFound('task', taskId);
    return task;
  }

  /** Stops starting batches; running tasks end as failed (a new recovery picks up what is left). */
  async close(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running]);
  }

  private async run(task: Task, scope: RecoveryScope): Promise<void> {
    let after: string | null = null;
    try {
      for (;;) {
        if (this.stopping) throw new Error('interrupted by shutdown; recover again to resend the rest');
        const batch = await this.store.recoverBatch({ ...scope, afterMsgId: after, limit: this.batchSize, now: Date.now() });
        if (batch.created === 0) break;
        after = batch.lastMsgId;
        task.done += batch.created;
        task.updatedAt = new Date().toISOString();
        await this.store.updateTask(task);
        this.newWork();
        // Let API requests and deliveries in between: SQLite calls hold the event loop while they run.
        await new Promise((resolve) => setImmediate(resolve));
      }
      // The total was counted at the start; what was actually resent is the final word.
      task.total = task.done;
      task.status = 'finished';
    } catch (err) {
      this.logger.error({ err, taskId: task.id, endpointId: scope.endpointId }, 'recovery task failed');
      task.status = 'failed';
      task.error = (err as Error).message;
    }
    task.updatedAt = new Date().toISOString();
    await this.store.updateTask(task).catch((err: unknown) => this.logger.error({ err, taskId: task.id }, 'could not save the end of a recovery task'));
  }
}
