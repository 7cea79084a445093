import { describe, expect, it } from 'vitest';
import {
  fingerprint,
  type KeyValueStore,
  loadTerminal,
  type SavedTerminal,
  saveTerminal,
  storageKey,
} from './persistence.ts';
import { Transcript } from './transcript.ts';

class MemoryStore implements KeyValueStore {
  readonly map = new Map<string, string>();
  readonly limit: number;
  constructor(limit = Number.POSITIVE_INFINITY) {
    this.limit = limit;
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    if (value.length > this.limit) throw new Error('QuotaExceededError');
    this.map.set(key, value);
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
}

const state = (transcript: string): SavedTerminal => ({
  version: 1,
  fingerprint: fingerprint({ setup: 'ip netns add red' }),
  clock: 1,
  log: [{ kind: 'run', pane: 'red', line: 'ip a', at: 1, done: true }],
  panes: [{ id: 'red', history: ['ip a'], transcript }],
  active: 'red',
  layout: 'tabs',
  nextPane: 1,
});

describe('persistence', () => {
  it('round-trips a saved terminal for the same machine only', () => {
    const store = new MemoryStore();
    const key = storageKey('/chapters/sandbox', 'sandbox');
    const saved = state('$ ip a\n');
    expect(saveTerminal(store, key, saved)).toBe(true);
    expect(loadTerminal(store, key, saved.fingerprint)).toEqual(saved);
    expect(loadTerminal(store, key, fingerprint({ setup: 'ip netns add blue' }))).toBeNull();
    store.setItem(key, '{"version":1}');
    expect(loadTerminal(store, key, saved.fingerprint)).toBeNull();
    store.setItem(key, 'not json');
    expect(loadTerminal(store, key, saved.fingerprint)).toBeNull();
  });

  it('gives up scrollback, not the log, when storage is full', () => {
    const store = new MemoryStore(2000);
    const key = storageKey('/c', 't');
    const long = Array.from({ length: 200 }, (_, i) => `line ${i}`).join('\n');
    expect(saveTerminal(store, key, state(long))).toBe(true);
    const loaded = loadTerminal(store, key, state('').fingerprint) as SavedTerminal;
    expect(loaded.log).toHaveLength(1);
    expect(long.endsWith(loaded.panes[0]?.transcript ?? 'x')).toBe(true);
    expect(loaded.panes[0]?.transcript.startsWith('line ')).toBe(true);
  });
});

describe('Transcript', () => {
  it('keeps the newest text, cut at a line start', () => {
    const t = new Transcript('', 10);
    t.append('first\nsecond\nthird\n');
    expect(t.text).toBe('third\n');
  });
});
