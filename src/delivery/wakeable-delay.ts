/**
 * The delivery loop's one way to wait: a timer that stop() ends at once, and wake() ends too
 * when the pause is wakeable. A wake() that comes while the loop is busy (claiming, say) is kept,
 * so the next wakeable pause returns at once: the work it announced may have become due after the
 * claim looked. clearWake() forgets it, right before the loop looks at the store again.
 */
export class WakeableDelay {
  private woken = false;
  private stopped = false;
  private endPause: (() => void) | null = null;
  private pauseIsWakeable = false;

  wake(): void {
    this.woken = true;
    if (this.pauseIsWakeable) this.endPause?.();
  }

  /** Ends the current pause and every later one at once. */
  stop(): void {
    this.stopped = true;
    this.endPause?.();
  }

  clearWake(): void {
    this.woken = false;
  }

  /** Resolves after `ms` (a timer even for 0, so a loop of pauses still yields to I/O), or when ended early. */
  pause(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopped || (wakeable && this.woken)) return Promise.resolve();
    return new Promise((resolve) => {
      const end = () => {
        clearTimeout(timer);
        this.endPause = null;
        resolve();
      };
      const timer = setTimeout(end, ms);
      this.endPause = end;
      this.pauseIsWakeable = wakeable;
    });
  }
}
