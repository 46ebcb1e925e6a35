import type { Logger } from 'pino';
import { newId } from '../domain/ids.js';
import type { Endpoint } from '../domain/model.js';
import type { Task } from '../domain/task.js';
import { notFound } from '../errors/api-errors.js';
import type { RecoveryScope, ReplayScope } from '../store/operations.js';
import { replayMissingBatch } from './replay-missing.js';
import type { Store } from '../store/store.js';

/** Messages resent per transaction: small, so a large recovery never holds the store for long. */
const RECOVERY_BATCH = 100;

/** How often the leader looks for running tasks it is not running yet (one a dead leader left, or one another process created). */
const RUNNER_POLL_MS = 2000;

/**
 * Bulk recovery: every failed delivery of an endpoint since a time is sent again, as a new delivery
 * of the same message (same id, so receivers can deduplicate). Any process stores the task; the
 * background leader (background-leader.ts) runs it, and a leader that takes over from a dead one
 * resumes what it left: a recovery re-reads its scope, and messages already resent (a pending or
 * delivered copy) are no longer in it. Progress is stored, so any process can report it.
 */
export class RecoveryService {
  private readonly running = new Map<string, Promise<void>>();
  private stopping = false;
  private runnerOn = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly newWork: () => void,
    private readonly logger: Logger,
    private readonly batchSize = RECOVERY_BATCH,
  ) {}

  /** Counts what is to be resent, stores the task and has it started; resolves with the task as stored. */
  /** `until` (exclusive): only failures before it (Svix's recover `until`); absent: up to now. */
  recover(endpoint: Endpoint, since: Date, until?: Date): Promise<Task> {
    return this.startTask('endpoint.recover', endpoint, since, until, (scope) => this.store.countRecoverable(scope));
  }

  /**
   * Svix's replay-missing: sends the endpoint the app's messages created in [since, until) that it
   * never got and that its filters take (replay-missing.ts); a task like a recovery, kind `endpoint.replay`.
   */
  replayMissing(endpoint: Endpoint, since: Date, until?: Date): Promise<Task> {
    // Before the endpoint's filters: the final total is what was sent.
    return this.startTask('endpoint.replay', endpoint, since, until, (scope) => this.store.countMissingMessages(scope));
  }

  /** Stores a task over the endpoint's [since, until) with `count` as its total, and has it started. */
  private async startTask(
    kind: Task['kind'], endpoint: Endpoint, since: Date, until: Date | undefined,
    count: (scope: RecoveryScope) => Promise<number>,
  ): Promise<Task> {
    // Stored times are ISO 8601 in UTC and compared as text: normalise whatever offset was given.
    const scope: RecoveryScope = { appId: endpoint.appId, endpointId: endpoint.id, since: since.toISOString(), until: until?.toISOString() ?? null };
    const total = await count(scope);
    const now = new Date().toISOString();
    const task = await this.store.createTask({
      id: newId('tsk'), appId: endpoint.appId, kind, status: total === 0 ? 'finished' : 'running',
      params: { endpointId: endpoint.id, since: scope.since, ...(scope.until ? { until: scope.until } : {}) }, total, done: 0, error: null, createdAt: now, updatedAt: now,
    });
    // Here when this process leads; otherwise the leader's next look finds it.
    if (task.status === 'running' && this.runnerOn) this.begin({ ...task });
    return task;
  }

  async get(appId: string, taskId: string): Promise<Task> {
    const task = await this.store.getTask(appId, taskId);
    if (!task) throw notFound('task', taskId);
    return task;
  }

  /** This process became the leader: run every running task, now and as new ones appear. */
  startRunner(): void {
    this.runnerOn = true;
    this.stopping = false;
    const look = () => {
      if (!this.runnerOn) return;
      void this.pickUp().finally(() => {
        if (this.runnerOn) this.timer = setTimeout(look, RUNNER_POLL_MS).unref();
      });
    };
    look();
  }

  /**
   * Stops starting batches and waits for the running ones. The tasks stay `running` in the store,
   * so the next leader (or this process, when it leads again) resumes them.
   */
  async stopRunner(): Promise<void> {
    this.runnerOn = false;
    if (this.timer) clearTimeout(this.timer);
    this.stopping = true;
    await Promise.allSettled([...this.running.values()]);
  }

  async close(): Promise<void> {
    await this.stopRunner();
  }

  private async pickUp(): Promise<void> {
    try {
      for (const task of await this.store.listRunningTasks(50)) {
        if (this.runnerOn && !this.running.has(task.id)) this.begin(task);
      }
    } catch (err) {
      this.logger.warn({ err }, 'could not look for recovery tasks to run; looking again shortly');
    }
  }

  private begin(task: Task): void {
    if (this.running.has(task.id)) return;
    const scope: RecoveryScope = { appId: task.appId, endpointId: task.params.endpointId, since: task.params.since, until: task.params.until ?? null };
    const run = (task.kind === 'endpoint.replay' ? this.runReplay(task, scope) : this.run(task, scope)).finally(() => this.running.delete(task.id));
    this.running.set(task.id, run);
  }

  /** As run(), over replay-missing's batches; the endpoint is read at each batch, so its filters are current. */
  private async runReplay(task: Task, scope: ReplayScope): Promise<void> {
    let after: string | null = null;
    try {
      for (;;) {
        if (this.stopping) return;
        const endpoint = await this.store.getEndpoint(scope.appId, scope.endpointId);
        if (!endpoint) throw new Error(`endpoint ${scope.endpointId} was deleted during the replay`);
        const batch = await replayMissingBatch(this.store, endpoint, scope, after, this.batchSize);
        if (batch.scanned === 0) break;
        after = batch.lastMsgId;
        task.done += batch.sent;
        task.updatedAt = new Date().toISOString();
        await this.store.updateTask(task);
        if (batch.sent > 0) this.newWork();
        await new Promise((resolve) => setImmediate(resolve));
      }
      task.total = task.done;
      task.status = 'finished';
    } catch (err) {
      this.logger.error({ err, taskId: task.id, endpointId: scope.endpointId }, 'replay task failed');
      task.status = 'failed';
      task.error = (err as Error).message;
    }
    task.updatedAt = new Date().toISOString();
    await this.store.updateTask(task).catch((err: unknown) => this.logger.error({ err, taskId: task.id }, 'could not save the end of a replay task'));
  }

  private async run(task: Task, scope: RecoveryScope): Promise<void> {
    let after: string | null = null;
    try {
      for (;;) {
        // Handed over (leadership lost, or shutdown): the task stays running for the next leader.
        if (this.stopping) return;
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
