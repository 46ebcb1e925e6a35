import { describe, expect, it } from 'vitest';
import { MemoryLeases, type MemoryLease } from '../../src/store/sqlite/memory-leases.js';

// The SQLite store's in-memory leases: the store contract (test/store) checks them through claims;
// these check the bookkeeping itself, times given explicitly.

const lease = (overrides: Partial<MemoryLease> = {}): MemoryLease => ({ token: 'token-a', until: 1000, endpointId: 'ep_1', orderingKey: null, ...overrides });

describe('MemoryLeases', () => {
  it('holds a lease until its end, and lists the live ones per endpoint', () => {
    const leases = new MemoryLeases();
    leases.take('d1', lease({ until: 1000 }));
    leases.take('d2', lease({ until: 2000 }));
    leases.take('d3', lease({ until: 2000, endpointId: 'ep_2' }));
    expect(leases.isLive('d1', 999)).toBe(true);
    expect(leases.isLive('d1', 1000)).toBe(false);
    expect(leases.liveOn('ep_1', 500).sort()).toEqual(['d1', 'd2']);
    expect(leases.liveOn('ep_1', 1500)).toEqual(['d2']);
    expect(leases.liveOn('ep_3', 500)).toEqual([]);
    expect(leases.size).toBe(3);
  });

  it('lets only the current holder settle: an expired lease is still its holder\'s until another takes it', () => {
    const leases = new MemoryLeases();
    leases.take('d1', lease({ token: 'token-a', until: 1000 }));
    expect(leases.heldBy('d1', 'token-a')).toBe(true);
    expect(leases.heldBy('d1', 'token-b')).toBe(false);
    leases.take('d1', lease({ token: 'token-b', until: 3000 }));
    expect(leases.heldBy('d1', 'token-a')).toBe(false);
    expect(leases.heldBy('d1', 'token-b')).toBe(true);
    expect(leases.size).toBe(1);
    expect(leases.liveOn('ep_1', 2000)).toEqual(['d1']);
  });

  it('holds back other deliveries of the same endpoint and ordering key while a lease on one lives', () => {
    const leases = new MemoryLeases();
    expect(leases.keyHeld('ep_1', 'Agreement:25', 'd2', 0)).toBe(false);
    leases.take('d1', lease({ orderingKey: 'Agreement:25', until: 1000 }));
    expect(leases.keyHeld('ep_1', 'Agreement:25', 'd2', 500)).toBe(true);
    expect(leases.keyHeld('ep_1', 'Agreement:25', 'd1', 500)).toBe(false); // itself
    expect(leases.keyHeld('ep_2', 'Agreement:25', 'd2', 500)).toBe(false); // another endpoint
    expect(leases.keyHeld('ep_1', 'Agreement:26', 'd2', 500)).toBe(false); // another key
    expect(leases.keyHeld('ep_1', 'Agreement:25', 'd2', 1000)).toBe(false); // expired
    leases.forget('d1');
    expect(leases.keyHeld('ep_1', 'Agreement:25', 'd2', 500)).toBe(false);
  });

  it('forgets a lease entirely, and clear() forgets all and says how many', () => {
    const leases = new MemoryLeases();
    leases.take('d1', lease());
    leases.take('d2', lease({ orderingKey: 'k' }));
    leases.forget('d1');
    leases.forget('missing');
    expect(leases.isLive('d1', 0)).toBe(false);
    expect(leases.heldBy('d1', 'token-a')).toBe(false);
    expect(leases.liveOn('ep_1', 0)).toEqual(['d2']);
    expect(leases.clear()).toBe(1);
    expect(leases.size).toBe(0);
    expect(leases.liveOn('ep_1', 0)).toEqual([]);
    expect(leases.keyHeld('ep_1', 'k', 'd9', 0)).toBe(false);
  });

  it('gives the earliest end among live leases', () => {
    const leases = new MemoryLeases();
    expect(leases.earliestExpiry(0)).toBeNull();
    leases.take('d1', lease({ until: 3000 }));
    leases.take('d2', lease({ until: 1000 }));
    leases.take('d3', lease({ until: 2000, endpointId: 'ep_2' }));
    expect(leases.earliestExpiry(0)).toBe(1000);
    expect(leases.earliestExpiry(1000)).toBe(2000);
    expect(leases.earliestExpiry(5000)).toBeNull();
  });

  it('sweeps leases ended longer ago than the grace, at most once a second', () => {
    const leases = new MemoryLeases();
    leases.take('old', lease({ until: 10_000 }));
    leases.take('recent', lease({ until: 14_000 }));
    leases.sweep(15_001, 5000);
    expect(leases.heldBy('old', 'token-a')).toBe(false);
    expect(leases.heldBy('recent', 'token-a')).toBe(true);
    // Within the second after a sweep, nothing is swept, even what is past its grace.
    leases.sweep(15_900, 0);
    expect(leases.heldBy('recent', 'token-a')).toBe(true);
    leases.sweep(16_001, 0);
    expect(leases.heldBy('recent', 'token-a')).toBe(false);
    expect(leases.size).toBe(0);
  });
});
