import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WakeableDelay } from '../../src/delivery/wakeable-delay.js';

// Fake timers: "not ended yet" is checked against a clock the test moves, not against a real sleep.

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

function track(p: Promise<void>) {
  const state = { ended: false };
  void p.then(() => (state.ended = true));
  return state;
}

describe('WakeableDelay', () => {
  it('ends after its time', async () => {
    const delay = new WakeableDelay();
    const pause = track(delay.pause(1000, true));
    await vi.advanceTimersByTimeAsync(999);
    expect(pause.ended).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(pause.ended).toBe(true);
  });

  it('ends a wakeable pause on wake(), and leaves a non-wakeable one to its time', async () => {
    const delay = new WakeableDelay();
    const wakeable = track(delay.pause(60_000, true));
    delay.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(wakeable.ended).toBe(true);

    const fixed = track(delay.pause(5, false));
    delay.wake();
    await vi.advanceTimersByTimeAsync(4);
    expect(fixed.ended).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(fixed.ended).toBe(true);
  });

  it('keeps a wake-up that came between pauses until clearWake()', async () => {
    const delay = new WakeableDelay();
    delay.wake();
    const early = track(delay.pause(60_000, true));
    await vi.advanceTimersByTimeAsync(0);
    expect(early.ended).toBe(true);

    delay.clearWake();
    const later = track(delay.pause(1000, true));
    await vi.advanceTimersByTimeAsync(999);
    expect(later.ended).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
  });

  it('ends any pause on stop(), and every pause after it at once', async () => {
    const delay = new WakeableDelay();
    const fixed = track(delay.pause(60_000, false));
    delay.stop();
    await vi.advanceTimersByTimeAsync(0);
    expect(fixed.ended).toBe(true);
    const after = track(delay.pause(60_000, false));
    await vi.advanceTimersByTimeAsync(0);
    expect(after.ended).toBe(true);
  });
});
