import { describe, expect, it } from 'vitest';
import { Rng, VirtualClock } from './sim.ts';

describe('Rng', () => {
  it('replays the same sequence for the same seed', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(Array.from({ length: 5 }, () => b.next()));
    expect(new Rng(1).next()).not.toBe(new Rng(2).next());
  });

  it('makes locally administered unicast MACs', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 50; i++) {
      const first = Number.parseInt(rng.mac().slice(0, 2), 16);
      expect(first & 1).toBe(0);
      expect(first & 2).toBe(2);
    }
  });

  it('keeps integers in range', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 1000; i++) {
      const n = rng.int(32768, 60999);
      expect(n).toBeGreaterThanOrEqual(32768);
      expect(n).toBeLessThanOrEqual(60999);
    }
  });
});

describe('VirtualClock', () => {
  it('moves only when advanced', () => {
    const clock = new VirtualClock(1_000_000);
    expect(clock.millis).toBe(1000);
    clock.advance(2500);
    expect(clock.micros).toBe(1_002_500);
  });
});
