import { describe, expect, it } from 'vitest';
import { claimLimit, pauseMs, type PacingLimits } from '../../src/delivery/loop-pacing.js';

// When the delivery loop looks at the store. The figures are the documented ones: a claim after a
// partial one waits until 5 ms after it, a nearly full loop waits 2 ms for more room, and due work
// held back by an endpoint's limits is looked at again after 20 ms.

const limits: PacingLimits = { batchSize: 100, maxInFlight: 400, pollIntervalMs: 1000 };
const NOW = 1_000_000;
const afterClaim = (limit: number, claimed: number, nextDueAt: number | null) =>
  pauseMs({ phase: 'after-claim', now: NOW, limit, claimed, nextDueAt }, limits);
const beforeClaim = (inFlight: number, lastPartialClaimAt: number) =>
  pauseMs({ phase: 'before-claim', now: NOW, inFlight, lastPartialClaimAt }, limits);

describe('pauseMs after a claim', () => {
  it('claims again at once after a claim that filled its limit', () => {
    expect(afterClaim(100, 100, null)).toBe(0);
  });

  it('sleeps a poll interval when nothing is due, or when there was no room to claim', () => {
    expect(afterClaim(100, 3, null)).toBe(1000);
    expect(afterClaim(0, 0, NOW)).toBe(1000);
  });

  it('sleeps until the next delivery falls due, at most a poll interval', () => {
    expect(afterClaim(100, 3, NOW + 300)).toBe(300);
    expect(afterClaim(100, 0, NOW + 300)).toBe(300);
    expect(afterClaim(100, 3, NOW + 5000)).toBe(1000);
  });

  it('claims again at once when more became due while a partial claim ran', () => {
    expect(afterClaim(100, 3, NOW - 10)).toBe(0);
  });

  it('pauses 20 ms, not 0, when work is due but the claim got none of it (held back by limits)', () => {
    expect(afterClaim(100, 0, NOW)).toBe(20);
    expect(afterClaim(100, 0, NOW - 5000)).toBe(20);
    expect(pauseMs({ phase: 'after-claim', now: NOW, limit: 100, claimed: 0, nextDueAt: NOW }, { ...limits, pollIntervalMs: 10 })).toBe(10);
  });
});

describe('pauseMs before a claim', () => {
  it('does not wait when the last partial claim is long past and there is room', () => {
    expect(beforeClaim(0, 0)).toBe(0);
    expect(beforeClaim(10, NOW - 1000)).toBe(0);
  });

  it('spaces a claim 5 ms after the last partial one', () => {
    expect(beforeClaim(0, NOW - 2)).toBe(3);
    expect(beforeClaim(0, NOW)).toBe(5);
  });

  it('waits 2 ms for more room while nearly full (less room than an eighth of a batch)', () => {
    expect(beforeClaim(390, 0)).toBe(2);
    expect(beforeClaim(380, 0)).toBe(0);
    expect(beforeClaim(390, NOW - 1)).toBe(4);
  });
});

describe('pauseMs after an error', () => {
  it('waits a poll interval', () => {
    expect(pauseMs({ phase: 'after-error' }, limits)).toBe(1000);
  });
});

describe('claimLimit', () => {
  it('claims the room left, at most a batch, never less than nothing', () => {
    expect(claimLimit(0, limits)).toBe(100);
    expect(claimLimit(350, limits)).toBe(50);
    expect(claimLimit(400, limits)).toBe(0);
    expect(claimLimit(410, limits)).toBe(0);
  });
});
