import { Gauge, type Registry } from 'prom-client';

/** `herald_background_leader`: 1 in the one process running the background work (background-leader.ts), 0 elsewhere. */
export function leaderGauge(registry: Registry, leading: () => boolean): void {
  new Gauge({
    name: 'herald_background_leader',
    help: '1 when this process runs the background work (retention, failure-streak sweep, recovery tasks); one process at a time',
    registers: [registry],
    collect() {
      this.set(leading() ? 1 : 0);
    },
  });
}
