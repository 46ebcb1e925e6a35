import { describe, expect, it } from 'vitest';
import { EndpointSlots } from '../../src/delivery/endpoint-slots.js';

/** A task that runs until released, recording when it started. */
function held(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  return { task: () => (log.push(name), done.then(() => name)), release: () => release() };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('EndpointSlots', () => {
  it('runs at most `limit` tasks per endpoint and starts the next in line as one ends, first come first served', async () => {
    const slots = new EndpointSlots(2);
    const log: string[] = [];
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => held(log, n));
    const results = [a, b, c, d].map((t) => slots.run('ep_1', t!.task));
    await tick();
    expect(log).toEqual(['a', 'b']);
    expect(slots.waitingFor('ep_1')).toBe(2);
    b!.release();
    await tick();
    expect(log).toEqual(['a', 'b', 'c']);
    a!.release();
    c!.release();
    d!.release();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
    expect(slots.waitingFor('ep_1')).toBe(0);
  });

  it('counts each endpoint apart: a full one does not hold up another', async () => {
    const slots = new EndpointSlots(1);
    const log: string[] = [];
    const slow = held(log, 'slow');
    void slots.run('ep_slow', slow.task);
    void slots.run('ep_slow', held(log, 'slow-2').task);
    const other = held(log, 'other');
    const result = slots.run('ep_other', other.task);
    await tick();
    expect(log).toEqual(['slow', 'other']);
    other.release();
    expect(await result).toBe('other');
  });

  it('frees the slot of a task that throws or rejects', async () => {
    const slots = new EndpointSlots(1);
    await expect(slots.run('ep_1', () => { throw new Error('sync'); })).rejects.toThrow('sync');
    await expect(slots.run('ep_1', () => Promise.reject(new Error('async')))).rejects.toThrow('async');
    expect(await slots.run('ep_1', async () => 'next')).toBe('next');
  });

  it('drops the waiting turns unrun on dropWaiting, leaving the running ones alone', async () => {
    const slots = new EndpointSlots(1);
    const log: string[] = [];
    const running = held(log, 'running');
    const first = slots.run('ep_1', running.task);
    const waiting = slots.run('ep_1', held(log, 'waiting').task);
    slots.dropWaiting(new Error('stopped before it was sent'));
    await expect(waiting).rejects.toThrow('stopped before it was sent');
    running.release();
    expect(await first).toBe('running');
    expect(log).toEqual(['running']);
  });
});
