import type { RunningHerald } from '../herald.js';

/** SIGTERM/SIGINT: stop claiming, let in-flight requests finish (grace period), release the rest, exit. */
export function stopOnSignals(herald: RunningHerald): void {
  const stop = (signal: string) => {
    herald.logger.info({ signal }, 'shutting down: finishing in-flight deliveries');
    herald.close().then(
      () => process.exit(0),
      (err) => {
        herald.logger.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
