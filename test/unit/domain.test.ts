import { describe, expect, it } from 'vitest';
import { formatIsoDuration, parseDurationOption, parseIsoDuration } from '../../src/domain/durations.js';
import { filterMatches } from '../../src/domain/filters.js';
import { isId, newId } from '../../src/domain/ids.js';
import { DEFAULT_RETRY_SCHEDULE_MS, nextRetryDelay, parseRetryAfter } from '../../src/domain/retry-schedule.js';
import { decideOutcome, type SendResult } from '../../src/delivery/attempt-outcome.js';

describe('ids', () => {
  it('are prefixed, URL-safe, free of dots, and sort in creation order', () => {
    const ids = Array.from({ length: 1000 }, () => newId('msg'));
    for (const id of ids) {
      expect(isId(id, 'msg')).toBe(true);
      expect(id).toMatch(/^msg_[0-9A-Z]{26}$/);
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('durations', () => {
  it('parses ISO 8601 durations used by endpoints and seed 004', () => {
    expect(parseIsoDuration('PT30S')).toBe(30_000);
    expect(parseIsoDuration('PT60S')).toBe(60_000);
    expect(parseIsoDuration('PT1M30S')).toBe(90_000);
    expect(parseIsoDuration('PT0.5S')).toBe(500);
    expect(parseIsoDuration('P1DT2H')).toBe(93_600_000);
    for (const bad of ['', 'P', 'PT', '30S', 'PT-1S', 'PTXS', 'P1W']) expect(parseIsoDuration(bad)).toBeNull();
  });

  it('formats back to a duration that parses to the same value', () => {
    for (const ms of [500, 1000, 30_000, 90_000, 300_000, 36_000_000, 93_600_000]) {
      expect(parseIsoDuration(formatIsoDuration(ms))).toBe(ms);
    }
    expect(formatIsoDuration(30_000)).toBe('PT30S');
  });

  it('accepts short operator forms in options', () => {
    expect(parseDurationOption('250ms')).toBe(250);
    expect(parseDurationOption('5s')).toBe(5000);
    expect(parseDurationOption('2m')).toBe(120_000);
    expect(parseDurationOption('PT5S')).toBe(5000);
    expect(parseDurationOption('soon')).toBeNull();
  });
});

describe('filters', () => {
  const subject = { eventType: 'member.removed', entityType: 'Member' };
  it('treats empty or absent lists as "send me everything"', () => {
    expect(filterMatches({ eventTypes: null, entityTypes: null }, subject)).toBe(true);
    expect(filterMatches({ eventTypes: [], entityTypes: [] }, subject)).toBe(true);
  });
  it('requires the event type and the entity type to be listed when lists are given', () => {
    expect(filterMatches({ eventTypes: ['member.added'], entityTypes: null }, subject)).toBe(false);
    expect(filterMatches({ eventTypes: ['member.removed'], entityTypes: ['Agreement'] }, subject)).toBe(false);
    expect(filterMatches({ eventTypes: ['member.removed'], entityTypes: ['Member'] }, subject)).toBe(true);
    expect(filterMatches({ eventTypes: null, entityTypes: ['Member'] }, { eventType: 'x', entityType: null })).toBe(false);
  });
});

describe('retry schedule', () => {
  it('follows 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h within ±20 % jitter, then gives up', () => {
    const expected = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
    expect(DEFAULT_RETRY_SCHEDULE_MS).toEqual(expected);
    expected.forEach((step, i) => {
      const low = nextRetryDelay(DEFAULT_RETRY_SCHEDULE_MS, i + 1, null, () => 0).delayMs!;
      const high = nextRetryDelay(DEFAULT_RETRY_SCHEDULE_MS, i + 1, null, () => 0.999999).delayMs!;
      expect(low).toBe(Math.round(step * 0.8));
      expect(high).toBeGreaterThan(step * 1.19);
      expect(high).toBeLessThanOrEqual(step * 1.2);
    });
    expect(nextRetryDelay(DEFAULT_RETRY_SCHEDULE_MS, 8, null).delayMs).toBeNull();
  });

  it('honours Retry-After up to the largest step', () => {
    const mid = () => 0.5;
    expect(nextRetryDelay(DEFAULT_RETRY_SCHEDULE_MS, 1, 60_000, mid).delayMs).toBe(60_000);
    expect(nextRetryDelay(DEFAULT_RETRY_SCHEDULE_MS, 1, 100 * 3_600_000, mid).delayMs).toBe(36_000_000);
    expect(nextRetryDelay(DEFAULT_RETRY_SCHEDULE_MS, 1, 1_000, mid).delayMs).toBe(5_000);
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(new Date(Date.now() + 30_000).toUTCString())).toBeGreaterThan(28_000);
    expect(parseRetryAfter('tomorrow-ish')).toBeNull();
  });
});

describe('attempt outcome', () => {
  const result = (status: number | null, headers: Record<string, string> = {}): SendResult => ({
    status, headers, body: null, error: status === null ? 'ECONNREFUSED' : null, durationMs: 1,
  });
  const schedule = [1000, 2000];
  it('succeeds on any 2xx; 3xx counts as a failure (redirects are not followed)', () => {
    expect(decideOutcome(result(200), 1, schedule, 0).kind).toBe('success');
    expect(decideOutcome(result(204), 1, schedule, 0).kind).toBe('success');
    expect(decideOutcome(result(301), 1, schedule, 0).kind).toBe('retry');
  });
  it('fails and disables on 410, retries errors, and fails when the schedule is exhausted', () => {
    expect(decideOutcome(result(410), 1, schedule, 0)).toEqual({ kind: 'failed', disableEndpoint: true });
    expect(decideOutcome(result(null), 1, schedule, 0).kind).toBe('retry');
    expect(decideOutcome(result(500), 3, schedule, 0)).toEqual({ kind: 'failed', disableEndpoint: false });
  });
  it('delays a 429 or 503 by its Retry-After', () => {
    // Retry-After (2 s) exceeds the schedule's first step (1 s ± 20 %), so it alone sets the delay.
    for (const status of [429, 503]) {
      const outcome = decideOutcome(result(status, { 'retry-after': '2' }), 1, [1000, 5000], 10_000);
      expect(outcome, `HTTP ${status}`).toEqual({ kind: 'retry', nextAttemptAt: 12_000 });
    }
    // An HTTP date works the same way.
    const dated = decideOutcome(result(503, { 'retry-after': new Date(13_000).toUTCString() }), 1, [1000, 5000], 10_000);
    expect(dated).toEqual({ kind: 'retry', nextAttemptAt: 13_000 });
    // Other statuses keep the schedule even when they send the header.
    const other = decideOutcome(result(500, { 'retry-after': '4' }), 1, [1000, 5000], 10_000);
    expect(other.kind === 'retry' && other.nextAttemptAt).toBeLessThanOrEqual(11_200);
  });
});
