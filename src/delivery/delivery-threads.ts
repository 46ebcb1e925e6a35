import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { ClaimedDelivery } from '../store/store.js';
import type { AttemptResult } from './deliver-one.js';
import type { Deliverer, DelivererOptions } from './deliverer.js';
import type { Endpoint, Message } from '../domain/model.js';
import type { DeliverBatch, FromThread, ToThread } from './delivery-thread-main.js';

/**
 * The delivery thread's compiled entry point. Under the test runner this module is loaded from src/
 * as TypeScript, which a worker thread cannot run: there the thread runs the build's (the vitest
 * globalSetup, test/global-setup.ts, rebuilds dist/ when it is older than src/).
 */
const THREAD_MAIN_URL = import.meta.url.endsWith('.ts')
  ? new URL('../../dist/delivery/delivery-thread-main.js', import.meta.url)
  : new URL('./delivery-thread-main.js', import.meta.url);

/** Before starting a thread again that exited without ever coming online. */
const RESPAWN_DELAY_MS = 1000;

interface Pending {
  resolve(result: AttemptResult): void;
  reject(err: Error): void;
}

interface Thread {
  worker: Worker;
  /** Exited: takes no more deliveries (a replacement takes its place). */
  dead: boolean;
  pending: Map<number, Pending>;
  /** Deliveries handed over in this turn of the event loop, sent as one message. */
  outbox: Array<{ id: number; claimed: ClaimedDelivery }>;
}

/**
 * Sends deliveries from worker threads. Profiles showed the main thread bound at one core while the
 * second sat mostly idle: the HTTP client work (render, sign, send, parse the answer) moves to the
 * threads, and claiming, settling and the API stay with the database on the main thread.
 */
export class DeliveryThreads implements Deliverer {
  private readonly threads: Thread[] = [];
  private nextId = 0;
  private closing = false;

  constructor(count: number, private readonly options: DelivererOptions, private readonly logger: Logger) {
    for (let i = 0; i < count; i++) this.threads.push(this.spawn());
  }

  deliver(claimed: ClaimedDelivery): Promise<AttemptResult> {
    const thread = this.threadOf(claimed.endpoint.id);
    // Every thread failed to start (see spawn): the delivery stays leased and is retried later.
    if (!thread) return Promise.reject(new Error('no delivery thread is running'));
    const id = ++this.nextId;
    return new Promise<AttemptResult>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      if (thread.outbox.length === 0) queueMicrotask(() => this.send(thread));
      thread.outbox.push({ id, claimed });
    });
  }

  abortAll(): void {
    for (const t of this.threads) if (!t.dead) t.worker.postMessage(JSON.stringify({ type: 'abortAll' } satisfies ToThread));
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  private spawn(): Thread {
    const worker = new Worker(THREAD_MAIN_URL, { workerData: this.options });
    const thread: Thread = { worker, dead: false, pending: new Map(), outbox: [] };
    let online = false;
    worker.once('online', () => (online = true));
    // JSON text both ways (see delivery-thread-main.ts).
    worker.on('message', (text: string) => {
      const msg = JSON.parse(text) as FromThread;
      for (const item of msg.items) {
        const waiting = thread.pending.get(item.id);
        thread.pending.delete(item.id);
        if (item.result) waiting?.resolve(item.result);
        else waiting?.reject(new Error(item.error));
      }
    });
    worker.on('error', (err) => this.logger.error({ err }, 'delivery thread failed'));
    worker.on('exit', (code) => {
      thread.dead = true;
      // Its deliveries stay leased in the store and are attempted again when the lease runs out.
      for (const waiting of thread.pending.values()) waiting.reject(new Error(`delivery thread exited (code ${code})`));
      thread.pending.clear();
      if (this.closing) return;
      this.logger.error({ code }, 'delivery thread exited; starting another');
      // A thread that never started (its file missing, say) would fail again at once: wait a
      // second rather than spin.
      const replace = () => {
        if (!this.closing) this.threads[this.threads.indexOf(thread)] = this.spawn();
      };
      if (online) replace();
      else setTimeout(replace, RESPAWN_DELAY_MS).unref();
    });
    return thread;
  }

  private send(thread: Thread): void {
    const outbox = thread.outbox;
    thread.outbox = [];
    const endpoints = new Map<string, Endpoint>();
    const messages = new Map<string, Message>();
    const items = outbox.map(({ id, claimed }) => {
      endpoints.set(claimed.endpoint.id, claimed.endpoint);
      messages.set(claimed.message.id, claimed.message);
      return { id, delivery: claimed.delivery, appRetrySchedule: claimed.appRetrySchedule };
    });
    const batch: DeliverBatch = { type: 'deliver', endpoints: [...endpoints.values()], messages: [...messages.values()], items };
    thread.worker.postMessage(JSON.stringify(batch));
  }

  /**
   * Each endpoint's deliveries go to one thread, so that its slots (endpoint-slots.ts) are counted
   * in one place: with two threads each counting its own, an endpoint could get twice its concurrency.
   */
  private threadOf(endpointId: string): Thread | undefined {
    let hash = 0;
    for (let i = 0; i < endpointId.length; i++) hash = (hash * 31 + endpointId.charCodeAt(i)) | 0;
    const start = Math.abs(hash) % this.threads.length;
    for (let k = 0; k < this.threads.length; k++) {
      const t = this.threads[(start + k) % this.threads.length]!;
      if (!t.dead) return t;
    }
    return undefined;
  }
}
