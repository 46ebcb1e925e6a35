import type { Logger } from 'pino';
import type { LeaderLock } from '../store/leader-lock.js';

/** What the leader runs: started when this process becomes the leader, stopped when it stops being one. */
export interface BackgroundJobs {
  start(): void;
  stop(): Promise<void>;
}

/** How often a follower tries to take over, and a leader checks that its lock's session is alive. */
export const LEADER_CHECK_MS = 2000;

/**
 * Runs the background jobs (retention, the failure-streak sweep, task runners) in one process at a
 * time. With a store shared by several processes, the processes compete for the store's leader
 * lock: the holder runs the jobs; the others try again every few seconds, so when the leader dies
 * (its database session ends and the lock with it), one of them takes over within that time. A
 * leader that loses its connection stops its jobs at once, before another could start them. A
 * single-process store (SQLite) has no lock: its process always leads.
 */
export class BackgroundLeader {
  private leadingNow = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private turn: Promise<void> = Promise.resolve();

  constructor(
    private readonly lock: LeaderLock | null,
    private readonly jobs: BackgroundJobs,
    private readonly logger: Logger,
    private readonly checkMs = LEADER_CHECK_MS,
  ) {
    lock?.onLost(() => void this.queue(() => this.resign('lost the database session holding the lock')));
  }

  get leading(): boolean {
    return this.leadingNow;
  }

  /** The first try is awaited, so a process that can lead does from the moment it is started. */
  async start(): Promise<void> {
    if (!this.lock) {
      this.lead();
      return;
    }
    await this.queue(() => this.check());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.queue(async () => {
      if (this.leadingNow) {
        this.leadingNow = false;
        await this.jobs.stop();
      }
      await this.lock?.release();
    });
  }

  /** One step at a time: a loss reported while a check runs waits for it. */
  private queue(step: () => Promise<void>): Promise<void> {
    this.turn = this.turn.then(step).catch((err: unknown) => this.logger.error({ err }, 'background leader step failed'));
    return this.turn;
  }

  private async check(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.leadingNow) {
        if (!(await this.lock!.stillHeld())) await this.resign('the database session holding the lock ended');
      } else if (await this.lock!.tryAcquire()) {
        this.lead();
      }
    } catch (err) {
      this.logger.warn({ err }, 'could not reach the database to elect the background-work leader; trying again');
    }
    if (!this.stopped) {
      this.timer = setTimeout(() => void this.queue(() => this.check()), this.checkMs);
      this.timer.unref();
    }
  }

  private lead(): void {
    this.leadingNow = true;
    if (this.lock) this.logger.info('this process now runs the background work (retention, failure-streak sweep, tasks)');
    this.jobs.start();
  }

  private async resign(why: string): Promise<void> {
    if (!this.leadingNow) return;
    this.leadingNow = false;
    this.logger.warn({ why }, 'this process no longer runs the background work; another process takes over');
    await this.jobs.stop();
  }
}
