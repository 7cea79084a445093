/**
 * A terminal's state in localStorage, one key per chapter and terminal: the workspace log, each
 * pane's history and scrollback, and the layout. A fingerprint of the seed, the setup script and
 * the starting panes guards the log: when the chapter changes them, the old log no longer
 * describes this machine and is dropped.
 */

import type { SavedWorkspace } from './workspace.ts';

export type Layout = 'tabs' | 'split';

export interface SavedTerminal extends SavedWorkspace {
  version: 1;
  fingerprint: string;
  active: string;
  layout: Layout;
  /** The number the next added pane takes. */
  nextPane: number;
}

export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The storage key of a terminal on a page. */
export function storageKey(chapter: string, terminal: string): string {
  return `packet-lab:terminal:${chapter}:${terminal}`;
}

/** A short stable hash (FNV-1a) of what defines the starting machine. */
export function fingerprint(value: unknown): string {
  const text = JSON.stringify(value);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

function isSaved(value: unknown): value is SavedTerminal {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<SavedTerminal>;
  return (
    v.version === 1 &&
    typeof v.fingerprint === 'string' &&
    typeof v.clock === 'number' &&
    Array.isArray(v.log) &&
    Array.isArray(v.panes) &&
    v.panes.every((p) => typeof p.id === 'string' && Array.isArray(p.history) && typeof p.transcript === 'string') &&
    (v.layout === 'tabs' || v.layout === 'split') &&
    typeof v.active === 'string' &&
    typeof v.nextPane === 'number'
  );
}

/** The saved state under `key` when it is well formed and made for this machine, else null. */
export function loadTerminal(store: KeyValueStore, key: string, expected: string): SavedTerminal | null {
  let raw: string | null;
  try {
    raw = store.getItem(key);
  } catch {
    return null;
  }
  if (raw === null) return null;
  try {
    const value: unknown = JSON.parse(raw);
    return isSaved(value) && value.fingerprint === expected ? value : null;
  } catch {
    return null;
  }
}

/** Saves; when storage is full, keeps halving the scrollback before giving up. False when not saved. */
export function saveTerminal(store: KeyValueStore, key: string, state: SavedTerminal): boolean {
  let current = state;
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      store.setItem(key, JSON.stringify(current));
      return true;
    } catch {
      current = {
        ...current,
        panes: current.panes.map((p) => ({
          ...p,
          transcript: p.transcript.slice(p.transcript.indexOf('\n', p.transcript.length / 2) + 1),
        })),
      };
    }
  }
  return false;
}

export function forgetTerminal(store: KeyValueStore, key: string): void {
  try {
    store.removeItem(key);
  } catch {
    // Storage may be unavailable (private mode); nothing was saved then either.
  }
}
