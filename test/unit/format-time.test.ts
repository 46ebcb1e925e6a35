import { describe, expect, it } from 'vitest';
import { formatFromNow, formatTime } from '../../src/dashboard/ui/format.js';
import { attemptReason } from '../../src/api/delivery-state.js';

// Times on the dashboard carry their zone, and attempts a reason a person can read.

describe('formatTime', () => {
  it('shows the time in the zone asked for, with the zone', () => {
    expect(formatTime('2026-11-30T07:45:12.345Z', 'UTC')).toBe('2026-11-30 07:45:12 UTC');
    expect(formatTime('2026-11-30T07:45:12Z', 'Europe/Paris')).toBe('2026-11-30 08:45:12 GMT+1');
    expect(formatTime('2026-07-01T23:05:00Z', 'America/New_York')).toBe('2026-07-01 19:05:00 EDT');
    // Midnight is 00, not 24.
    expect(formatTime('2026-01-01T00:00:07Z', 'UTC')).toBe('2026-01-01 00:00:07 UTC');
  });

  it("uses the browser's zone by default and says which", () => {
    const text = formatTime('2026-11-30T07:45:12Z');
    expect(text).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+$/);
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(text).toBe(formatTime('2026-11-30T07:45:12Z', zone));
  });

  it('leaves what is not a time as it is', () => {
    expect(formatTime('soon')).toBe('soon');
  });
});

describe('formatFromNow', () => {
  const now = Date.parse('2026-11-30T07:00:00Z');
  it('says how long until a retry', () => {
    expect(formatFromNow('2026-11-30T07:00:12Z', now)).toBe('in 12 s');
    expect(formatFromNow('2026-11-30T07:04:00Z', now)).toBe('in 4 min');
    expect(formatFromNow('2026-11-30T08:00:00Z', now)).toBe('in 1 h');
    expect(formatFromNow('2026-11-30T08:30:00Z', now)).toBe('in 1 h 30 min');
    expect(formatFromNow('2026-11-30T06:59:00Z', now)).toBe('now');
  });
});

describe('attemptReason', () => {
  const failed = (responseStatus: number | null, error: string | null) => attemptReason({ status: 'failed', responseStatus, error });
  it('names the HTTP status', () => {
    expect(failed(500, 'HTTP 500')).toBe('HTTP 500 Internal Server Error');
    expect(failed(429, 'HTTP 429')).toBe('HTTP 429 Too Many Requests');
    expect(failed(599, 'HTTP 599')).toBe('HTTP 599');
  });
  it('says what a network error means, keeping the detail', () => {
    expect(failed(null, 'timed out after 30000 ms')).toBe('timed out after 30 s');
    expect(failed(null, 'timed out after 1500 ms')).toBe('timed out after 1.5 s');
    expect(failed(null, 'connect ECONNREFUSED 127.0.0.1:9 (ECONNREFUSED)')).toBe('connection refused (connect ECONNREFUSED 127.0.0.1:9)');
    expect(failed(null, 'getaddrinfo ENOTFOUND nowhere.invalid (ENOTFOUND)')).toBe('host not found (getaddrinfo ENOTFOUND nowhere.invalid)');
    expect(failed(null, '"127.0.0.1" is a loopback address. To allow it deliberately, run … (destination_blocked)'))
      .toBe('destination_blocked: "127.0.0.1" is a loopback address');
  });
  it('keeps messages that are already readable, and has none for a success', () => {
    expect(failed(null, 'request not sent: the endpoint has no secret')).toBe('request not sent: the endpoint has no secret');
    expect(attemptReason({ status: 'success', responseStatus: 200, error: null })).toBeNull();
  });
});
