/**
 * The terminal island, loaded on demand by `<packet-terminal>`: builds the machine and its panes
 * (tabs or side by side, with a pane the learner can add), restores a saved session by replaying
 * its log, and saves history, scrollback and the log as the learner works.
 */

import '@xterm/xterm/css/xterm.css';
import type { Terminal } from '@xterm/xterm';
import './terminal.css';
import type { TerminalConfig } from './config.ts';
import { createTerminalMachine, type PaneContext, type TerminalMachine } from './machine.ts';
import { PaneView } from './pane-view.ts';
import {
  fingerprint,
  forgetTerminal,
  type Layout,
  loadTerminal,
  type SavedTerminal,
  saveTerminal,
  storageKey,
} from './persistence.ts';
import { siteTheme, watchTheme } from './theme.ts';
import { type PaneSpec, Workspace } from './workspace.ts';

/** What the page (and its tests) can ask of a mounted terminal, as `element.terminal`. */
export interface TerminalApi {
  /** Pane ids in tab order. */
  panes(): string[];
  /** The active pane's id. */
  active(): string;
  select(pane: string): void;
  /** A pane's screen and scrollback as text (the active pane's by default). */
  text(pane?: string): string;
  /** True while a command runs in the pane. */
  busy(pane?: string): boolean;
  /** Writes the saved state now (otherwise it is written shortly after each change). */
  save(): void;
  /** A pane's xterm.js terminal (benchmarks feed it input and time its rendering). */
  xterm(pane?: string): Terminal | undefined;
  /** The workspace: panes, their shells and the log (a lab records what the learner does). */
  workspace(): Workspace;
  /** What the Reset button does: a fresh machine, the saved state forgotten. */
  reset(): Promise<void>;
  /** Stops saving, for good (the page reloads with other saved state). */
  stopSaving(): void;
}

/** What an embedding island (a lab) changes: the machine the panes run on, and what Reset does. */
export interface MountOptions {
  /** Builds the machine at each (re)start; the default is a fresh host from the config's seed. */
  machine?: () => TerminalMachine;
  /** Called after every start, restore or reset, with the new workspace (a lab watches it). */
  onBoot?: (workspace: Workspace) => void;
  /** Called after a reset has started a fresh machine (a lab resets its tasks with it). */
  onReset?: () => void;
}

const SCREEN_READER_KEY = 'packet-lab:terminal:screen-reader';

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text = '',
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== '') node.textContent = text;
  return node;
}

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function slug(name: string, taken: (id: string) => boolean): string {
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'pane';
  let id = base;
  for (let n = 2; taken(id); n++) id = `${base}-${n}`;
  return id;
}

export async function mount(
  root: HTMLElement & { terminal?: TerminalApi },
  config: TerminalConfig,
  options: MountOptions = {},
): Promise<TerminalApi> {
  const { labels } = config;
  const store = storage();
  const key = storageKey(config.chapter, config.id);
  const print = fingerprint({ seed: config.seed, hostname: config.hostname, setup: config.setup, panes: config.panes });
  const specs: PaneSpec[] = [];
  for (const p of config.panes) {
    specs.push({
      id: slug(p.name, (id) => specs.some((s) => s.id === id)),
      name: p.name,
      context: p.netns === undefined ? {} : { netns: p.netns },
    });
  }
  const initial = new Set(specs.map((s) => s.id));
  let screenReader = store?.getItem(SCREEN_READER_KEY) === '1';

  root.replaceChildren();
  const toolbar = el('div', { class: 'pt-toolbar', role: 'toolbar', 'aria-label': labels.tabs });
  const tabs = el('div', { class: 'pt-tabs', role: 'tablist', 'aria-label': labels.tabs });
  const add = el('div', { class: 'pt-add' });
  const contextSelect = el('select', { 'aria-label': labels.newPaneIn });
  const addButton = el('button', { type: 'button' }, `+ ${labels.addPane}`);
  add.append(contextSelect, addButton);
  const splitButton = el('button', { type: 'button', 'aria-pressed': 'false' }, labels.split);
  const readerButton = el('button', { type: 'button', 'aria-pressed': String(screenReader) }, labels.screenReader);
  const resetButton = el('button', { type: 'button' }, labels.reset);
  toolbar.append(tabs, add, splitButton, readerButton, resetButton);
  const status = el('div', { class: 'pt-status', role: 'status' });
  const panesEl = el('div', { class: 'pt-panes' });
  root.append(toolbar, status, panesEl);

  let ws: Workspace;
  let views: PaneView[] = [];
  let active = '';
  let layout: Layout = config.layout;
  let nextPane = 1;
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  let booted = false;
  /** False once the page is about to reload with other saved state. */
  let saving = true;

  const view = (id?: string) => views.find((v) => v.pane.spec.id === (id ?? active));

  const save = () => {
    clearTimeout(saveTimer);
    saveTimer = undefined;
    // Until a restore has finished, the workspace holds only part of the saved log.
    if (!store || !booted || !saving) return;
    const state: SavedTerminal = { version: 1, fingerprint: print, ...ws.snapshot(), active, layout, nextPane };
    saveTerminal(store, key, state);
  };
  const saveSoon = () => {
    if (saveTimer === undefined) saveTimer = setTimeout(save, 400);
  };

  const renderTabs = () => {
    tabs.replaceChildren();
    for (const v of views) {
      const { id, name } = v.pane.spec;
      const wrap = el('span', { class: 'pt-tab-wrap' });
      const tab = el(
        'button',
        {
          type: 'button',
          role: 'tab',
          id: `${config.id}-tab-${id}`,
          'aria-controls': v.element.id,
          'aria-selected': String(id === active),
          tabindex: id === active ? '0' : '-1',
          'data-pane': id,
        },
        name,
      );
      tab.addEventListener('click', () => select(id, true));
      tab.addEventListener('keydown', (event) => {
        const i = views.indexOf(v);
        const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
        if (step === 0) return;
        const next = views[(i + step + views.length) % views.length];
        if (next) {
          select(next.pane.spec.id, false);
          (tabs.querySelector(`[data-pane="${next.pane.spec.id}"]`) as HTMLElement | null)?.focus();
        }
      });
      wrap.append(tab);
      if (!initial.has(id)) {
        const close = el('button', { type: 'button', 'aria-label': `${labels.closePane} ${name}` }, '×');
        close.addEventListener('click', () => closePane(id));
        wrap.append(close);
      }
      tabs.append(wrap);
    }
  };

  const renderLayout = () => {
    panesEl.dataset.layout = layout;
    splitButton.setAttribute('aria-pressed', String(layout === 'split'));
    for (const v of views) {
      if (v.pane.spec.id === active) v.element.dataset.active = '';
      else delete v.element.dataset.active;
      v.element.setAttribute('role', layout === 'tabs' ? 'tabpanel' : 'region');
    }
    requestAnimationFrame(() => {
      for (const v of views) v.fit();
    });
  };

  function select(id: string, focus: boolean) {
    if (!views.some((v) => v.pane.spec.id === id)) return;
    active = id;
    renderTabs();
    renderLayout();
    if (focus) view(id)?.focus();
    saveSoon();
  }

  const refreshContexts = () => {
    const contexts: PaneContext[] = ws.machine.contexts();
    contextSelect.replaceChildren(
      ...contexts.map((c) => el('option', { value: c.netns ?? '' }, c.netns ?? labels.host)),
    );
  };

  const addView = (spec: PaneSpec, restored: { interrupted: boolean }) => {
    const pane = ws.panes.get(spec.id);
    if (!pane) return;
    const element = el('section', {
      class: 'pt-pane',
      id: `${config.id}-pane-${spec.id}`,
      'aria-label': spec.name,
      'data-pane': spec.id,
    });
    element.append(el('div', { class: 'pt-pane-title', 'aria-hidden': 'true' }, spec.name));
    panesEl.append(element);
    const v = new PaneView(ws, pane, element, {
      theme: siteTheme(),
      screenReaderMode: screenReader,
      exitedMessage: labels.exited,
      onActivity: saveSoon,
    });
    v.term.textarea?.addEventListener('focus', () => {
      if (active !== spec.id) select(spec.id, false);
    });
    views.push(v);
    renderLayout();
    v.start(restored);
  };

  const addPane = () => {
    const netns = contextSelect.value;
    const context: PaneContext = netns === '' ? {} : { netns };
    const base = netns === '' ? labels.host : netns;
    const names = new Set(views.map((v) => v.pane.spec.name));
    let name = base;
    for (let n = 2; names.has(name); n++) name = `${base} ${n}`;
    const spec: PaneSpec = { id: `pane-${nextPane++}`, name, context };
    ws.open(spec);
    addView(spec, { interrupted: false });
    select(spec.id, true);
  };

  const closePane = (id: string) => {
    const v = view(id);
    if (!v) return;
    ws.close(id);
    v.dispose();
    v.element.remove();
    views = views.filter((x) => x !== v);
    if (active === id) active = views[0]?.pane.spec.id ?? '';
    select(active, true);
  };

  const boot = async (saved: SavedTerminal | null) => {
    booted = false;
    root.dataset.state = saved ? 'restoring' : 'starting';
    status.textContent = saved ? labels.restoring : '';
    const machine = options.machine?.() ?? createTerminalMachine({ seed: config.seed, hostname: config.hostname });
    ws = new Workspace(machine, {
      setup: config.setup,
      panes: specs,
    });
    const setup = await ws.start();
    if (saved) await ws.restore(saved);
    layout = saved?.layout ?? config.layout;
    nextPane = saved?.nextPane ?? 1;
    const ids = [...ws.panes.keys()];
    active = saved && ids.includes(saved.active) ? saved.active : (ids[0] ?? '');
    for (const pane of ws.panes.values()) {
      const runs = saved?.log.filter((e) => e.kind === 'run' && e.pane === pane.spec.id) ?? [];
      const last = runs[runs.length - 1];
      const interrupted = last?.kind === 'run' && !last.done && last.stop === undefined;
      addView(pane.spec, { interrupted });
    }
    if (setup.exitCode !== 0 || setup.stderr !== '')
      status.textContent = `${labels.setupFailed} ${setup.stderr.trim()}`;
    else status.textContent = '';
    renderTabs();
    renderLayout();
    refreshContexts();
    ws.onChange = saveSoon;
    options.onBoot?.(ws);
    booted = true;
    if (saved) save();
    root.dataset.state = 'ready';
  };

  addButton.addEventListener('click', addPane);
  contextSelect.addEventListener('focus', refreshContexts);
  contextSelect.addEventListener('pointerdown', refreshContexts);
  splitButton.addEventListener('click', () => {
    layout = layout === 'split' ? 'tabs' : 'split';
    renderLayout();
    saveSoon();
  });
  readerButton.addEventListener('click', () => {
    screenReader = !screenReader;
    readerButton.setAttribute('aria-pressed', String(screenReader));
    for (const v of views) v.setScreenReaderMode(screenReader);
    try {
      store?.setItem(SCREEN_READER_KEY, screenReader ? '1' : '0');
    } catch {
      // The choice still applies to this page.
    }
  });
  const reset = async () => {
    clearTimeout(saveTimer);
    saveTimer = undefined;
    for (const pane of ws.panes.values()) {
      pane.running?.controller.abort('HUP');
      pane.shell.hangup();
    }
    for (const v of views) v.dispose();
    views = [];
    panesEl.replaceChildren();
    if (store) forgetTerminal(store, key);
    await boot(null);
    options.onReset?.();
    view()?.focus();
  };
  resetButton.addEventListener('click', () => void reset());
  watchTheme((theme) => {
    for (const v of views) v.setTheme(theme);
  });
  window.addEventListener('pagehide', save);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') save();
  });

  await boot(store ? loadTerminal(store, key, print) : null);

  const api: TerminalApi = {
    panes: () => views.map((v) => v.pane.spec.id),
    active: () => active,
    select: (id) => select(id, true),
    text: (id) => view(id)?.text() ?? '',
    busy: (id) => view(id)?.busy ?? false,
    save,
    xterm: (id) => view(id)?.term,
    workspace: () => ws,
    reset,
    stopSaving: () => {
      saving = false;
      clearTimeout(saveTimer);
    },
  };
  root.terminal = api;
  return api;
}
