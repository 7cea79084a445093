import { describe, expect, it } from 'vitest';
import {
  emptyProgress,
  instanceFromQuery,
  loadProgress,
  PROGRESS_FORMAT,
  parseProgress,
  progressKey,
  saveProgress,
} from './progress.ts';

function memory(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  const data = new Map<string, string>();
  return {
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

const personal = { kind: 'personal', assignment: 'hw1', student: 'park' } as const;

describe('lab progress', () => {
  it('comes back for the same lab and instance only', () => {
    const store = memory();
    const key = progressKey('netns-veth', 's1');
    const saved = { ...emptyProgress('netns-veth', personal), drafts: { 'pod-ip/answer': '10.244.0.12' } };
    expect(saveProgress(store, key, saved)).toBe(true);
    expect(loadProgress(store, key, 'netns-veth', personal)).toEqual(saved);
    expect(loadProgress(store, key, 'netns-veth', { ...personal, student: 'kim' })).toBeNull();
    expect(loadProgress(store, key, 'netns-veth', { kind: 'canonical' })).toBeNull();
    expect(loadProgress(store, key, 'other', personal)).toBeNull();
    store.setItem(key, '{"version":1');
    expect(loadProgress(store, key, 'netns-veth', personal)).toBeNull();
  });

  it('imports only progress files for this lab, saying why not', () => {
    const file = { format: PROGRESS_FORMAT, version: 1, lab: emptyProgress('netns-veth', personal), terminal: null };
    expect(parseProgress(JSON.stringify(file), 'netns-veth')).toMatchObject({ ok: true });
    expect(parseProgress(JSON.stringify(file), 'clusterip')).toEqual({
      ok: false,
      reason: 'progress for lab "netns-veth", not "clusterip"',
    });
    expect(parseProgress('{"format":"packet-lab/submission"}', 'netns-veth')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^not a Packet Lab progress file/),
    });
    expect(parseProgress('{', 'netns-veth')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^malformed JSON/),
    });
  });

  it('reads a course link’s ids', () => {
    expect(instanceFromQuery('?assignment=hw1&student=park')).toEqual(personal);
    expect(instanceFromQuery('?assignment=hw1')).toBeUndefined();
    expect(instanceFromQuery('?assignment=&student=park')).toBeUndefined();
  });
});
