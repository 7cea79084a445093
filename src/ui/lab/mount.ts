/**
 * The lab island, loaded on demand by `<packet-lab>`: the lab's instance (canonical, or personal
 * from a course link's ids) with its terminal panes, the tasks with answer fields, Check buttons,
 * per-check feedback and hints, the score, and Reset, Export, Import and Submit. Checks run on the
 * live engine through src/grader's live entry point, so the page judges as the replay will.
 */

import { findLab } from '../../../exercises/index.ts';
import type { AnyLab, Check, LogEvent, Task } from '../../../exercises/types.ts';
import { fill, labStrings, maxPoints, type TaskResult } from '../../grader/evaluate.ts';
import { buildLab, type Instance, instanceParams, instanceSeed, setUpLab } from '../../grader/instance.ts';
import { LiveGrading } from '../../grader/live.ts';
import { makeSubmission } from '../../grader/submission.ts';
import type { ExecResult } from '../../shell/shell.ts';
import type { TerminalConfig } from '../terminal/config.ts';
import { sessionMachine, type TerminalMachine } from '../terminal/machine.ts';
import { mount, type TerminalApi } from '../terminal/mount.ts';
import { forgetTerminal, storageKey } from '../terminal/persistence.ts';
import type { Workspace } from '../terminal/workspace.ts';
import type { LabPanelConfig } from './config.ts';
import './lab.css';
import {
  choiceKey,
  emptyProgress,
  instanceFromQuery,
  instanceKey,
  loadProgress,
  PROGRESS_FORMAT,
  type ProgressFile,
  parseProgress,
  progressKey,
  type SavedLab,
  saveProgress,
} from './progress.ts';

/** What the page (and its tests) can ask of a mounted lab, as `element.lab`. */
export interface LabApi {
  instance(): Instance;
  score(): { points: number; max: number };
  terminal(): TerminalApi;
  /** The submission file's text, as Submit downloads it. */
  submission(): string;
}

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

/** Text with `code` spans, as the lab's strings write them. */
function rich(tag: 'p' | 'span' | 'li' | 'label', text: string, attrs: Record<string, string> = {}): HTMLElement {
  const node = el(tag, attrs);
  text.split('`').forEach((part, i) => {
    node.append(i % 2 === 1 ? el('code', {}, part) : document.createTextNode(part));
  });
  return node;
}

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = el('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A pod pane's KindLab context: `pod/NS/NAME` for `NAME` or `NS/NAME`. */
function podContext(pod: string): string {
  return `pod/${pod.includes('/') ? pod : `default/${pod}`}`;
}

/** One shell word, single-quoted. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The ids a personal instance was last opened with, kept so the switch can go back to it. */
const idsKey = (lab: string) => `packet-lab:lab:${lab}:ids`;

function chooseInstance(lab: AnyLab, store: Storage | null): { instance: Instance; personal?: Instance } {
  const fromUrl = instanceFromQuery(location.search);
  let personal = fromUrl;
  if (personal && store) store.setItem(idsKey(lab.id), JSON.stringify(personal));
  if (!personal && store) {
    try {
      const saved = JSON.parse(store.getItem(idsKey(lab.id)) ?? 'null') as Instance | null;
      if (saved?.kind === 'personal') personal = saved;
    } catch {
      // No ids saved: only the canonical instance.
    }
  }
  const choice = store?.getItem(choiceKey(lab.id));
  // A course link opens the personal instance unless the learner switched away on this link.
  const wantPersonal = choice === null || choice === undefined ? fromUrl !== undefined : choice === 'personal';
  const instance = wantPersonal && personal ? personal : ({ kind: 'canonical' } as const);
  return personal ? { instance, personal } : { instance };
}

export async function mountLab(root: HTMLElement & { lab?: LabApi }, config: LabPanelConfig): Promise<LabApi> {
  const { labels, locale } = config;
  const found = findLab(config.lab);
  if (!found) throw new Error(`no lab "${config.lab}"`);
  const lab: AnyLab = found;
  const store = storage();
  const { instance, personal } = chooseInstance(lab, store);
  const seed = instanceSeed(instance);
  const params = instanceParams(lab, instance);
  const scenario = lab.scenario(params);
  const vars = lab.vars(params);
  const strings = labStrings(lab, locale);
  const key = progressKey(lab.id, instanceKey(instance, seed));
  let progress: SavedLab = (store && loadProgress(store, key, lab.id, instance)) ?? emptyProgress(lab.id, instance);
  // A pod pane's context is the KindLab context it types into, `pod/NS/NAME`, carried in `netns`.
  const podContexts = config.panes.flatMap((pane) =>
    pane.pod === undefined ? [] : [podContext(fill(pane.pod, vars))],
  );
  const terminalConfig: TerminalConfig = {
    id: 'lab',
    chapter: `${config.chapter}#${instanceKey(instance, seed)}`,
    seed: scenario.engineSeed,
    hostname: scenario.hostname,
    setup: scenario.setup,
    panes: config.panes.map((pane) => {
      const name = fill(pane.name, vars);
      return pane.pod === undefined ? { name } : { name, netns: podContext(fill(pane.pod, vars)) };
    }),
    layout: 'tabs',
    labels: config.terminal,
  };
  const terminalKey = storageKey(terminalConfig.chapter, terminalConfig.id);
  let live: LiveGrading | undefined;

  const save = () => {
    if (store) saveProgress(store, key, progress);
  };
  const record = (event: LogEvent) => {
    progress.log.push(event);
    save();
  };

  // ---- the frame: instance switch, score, actions; the terminal beside the tasks ----
  root.replaceChildren();
  const header = el('div', { class: 'pl-header' });
  const switcher = el('fieldset', { class: 'pl-instance' });
  switcher.append(el('legend', {}, labels.instance));
  const options: [Instance['kind'], string][] = [
    ['canonical', labels.canonical],
    [
      'personal',
      personal ? `${labels.personal} (${personal.kind === 'personal' ? personal.student : ''})` : labels.personal,
    ],
  ];
  for (const [kind, text] of options) {
    const label = el('label');
    const radio = el('input', { type: 'radio', name: `${config.lab}-instance`, value: kind });
    radio.checked = instance.kind === kind;
    if (kind === 'personal' && !personal) radio.disabled = true;
    radio.addEventListener('change', () => {
      store?.setItem(choiceKey(lab.id), kind);
      terminal.stopSaving();
      terminal.save();
      location.reload();
    });
    label.append(radio, ` ${text}`);
    switcher.append(label);
  }
  if (!personal) switcher.append(el('p', { class: 'pl-note' }, labels.personalNeedsIds));
  const score = el('p', { class: 'pl-score', role: 'status', 'aria-live': 'polite' });
  const actions = el('div', { class: 'pl-actions' });
  const resetButton = el('button', { type: 'button', 'data-action': 'reset' }, labels.reset);
  const exportButton = el('button', { type: 'button', 'data-action': 'export' }, labels.export);
  const importInput = el('input', { type: 'file', accept: 'application/json,.json', hidden: '' });
  const importButton = el('button', { type: 'button', 'data-action': 'import' }, labels.import);
  const submitButton = el('button', { type: 'button', 'data-action': 'submit', class: 'pl-primary' }, labels.submit);
  actions.append(resetButton, exportButton, importButton, importInput, submitButton);
  const message = el('p', { class: 'pl-message', role: 'status' });
  header.append(switcher, score, actions, message);
  const body = el('div', { class: 'pl-body' });
  // The terminal's styles key on its element's name; `data-embedded` tells its own island to keep off.
  const terminalEl = document.createElement('packet-terminal');
  for (const [k, v] of Object.entries({ 'data-embedded': '', role: 'group', 'aria-label': config.terminal.tabs }))
    terminalEl.setAttribute(k, v);
  terminalEl.style.setProperty('--pt-height', '24rem');
  const tasksEl = el('ol', { class: 'pl-tasks', 'aria-label': labels.tasks });
  body.append(terminalEl, tasksEl);
  root.append(header, body);

  // ---- the tasks ----
  const totals = () => {
    const points = Object.values(progress.results).reduce((sum, r) => sum + r.points, 0);
    return { points, max: maxPoints(lab) };
  };
  const renderScore = () => {
    const { points, max } = totals();
    score.textContent = `${labels.score}: ${points} / ${max} ${labels.points}`;
    score.dataset.points = String(points);
    score.dataset.max = String(max);
  };

  const fieldKey = (task: Task<unknown>, check: Check<unknown>) => `${task.id}/${check.id}`;

  const renderTask = (task: Task<unknown>, item: HTMLElement) => {
    const text = strings.tasks[task.id];
    const result = progress.results[task.id];
    const max = task.checks.reduce((s, c) => s + c.points, 0);
    item.replaceChildren();
    item.dataset.state = result ? (result.points === result.max ? 'passed' : 'failed') : 'open';
    const title = el('h3');
    title.append(
      `${fill(text?.title ?? task.id, vars)} `,
      el(
        'span',
        { class: 'pl-points', 'data-points': String(result?.points ?? 0) },
        `${result?.points ?? 0} / ${max} ${labels.points}`,
      ),
    );
    item.append(title, rich('p', fill(text?.prompt ?? '', vars)));
    for (const check of task.checks) {
      const id = fieldKey(task, check);
      const inputId = `pl-${task.id}-${check.id}`;
      if (check.kind === 'answer') {
        const label = el('label', { for: inputId }, labels.answer);
        const input = el('input', {
          id: inputId,
          type: 'text',
          autocomplete: 'off',
          spellcheck: 'false',
          'data-check': check.id,
        });
        input.value = progress.drafts[id] ?? '';
        input.addEventListener('input', () => {
          progress.drafts[id] = input.value;
          save();
        });
        input.addEventListener('keydown', (event) => {
          if (event.key === 'Enter') runCheck(task, item);
        });
        item.append(el('div', { class: 'pl-field' }));
        item.lastElementChild?.append(label, input);
      } else if (check.kind === 'choice') {
        const set = el('fieldset', { class: 'pl-choices', 'data-check': check.id });
        set.append(el('legend', {}, labels.choices));
        for (const choice of check.choices(params) as string[]) {
          const label = el('label');
          const radio = el('input', { type: 'radio', name: inputId, value: choice });
          radio.checked = progress.drafts[id] === choice;
          radio.addEventListener('change', () => {
            progress.drafts[id] = choice;
            save();
          });
          label.append(radio, rich('span', ` ${fill(text?.choices?.[choice] ?? choice, vars)}`));
          set.append(label);
        }
        item.append(set);
      }
    }
    const checkButton = el('button', { type: 'button', class: 'pl-check', 'data-action': 'check' }, labels.check);
    checkButton.addEventListener('click', () => runCheck(task, item));
    item.append(checkButton);
    if (result) item.append(renderResult(result));
    const shown = progress.hints[task.id] ?? 0;
    const hints = text?.hints ?? [];
    if (shown > 0) {
      const list = el('ol', { class: 'pl-hints', 'aria-label': labels.hints });
      for (const hint of hints.slice(0, shown)) list.append(rich('li', fill(hint, vars)));
      item.append(list);
    }
    if (shown < hints.length) {
      const more = el(
        'button',
        { type: 'button', class: 'pl-hint', 'data-action': 'hint' },
        `${labels.showHint} (${shown + 1}/${hints.length})`,
      );
      more.addEventListener('click', () => {
        if (!live) return;
        progress.hints[task.id] = shown + 1;
        live.hints++;
        record({ t: live.now(), type: 'hint', task: task.id, index: shown });
        renderTask(task, item);
      });
      item.append(more);
    }
  };

  const renderResult = (result: TaskResult): HTMLElement => {
    const list = el('ul', { class: 'pl-results' });
    for (const check of result.checks) {
      const li = el('li', { 'data-check': check.id, 'data-ok': String(check.ok) });
      li.append(
        el('span', { class: 'pl-mark', 'aria-label': check.ok ? labels.passed : labels.failed }, check.ok ? '✔' : '✘'),
        rich('span', ` ${check.what} `),
        el('span', { class: 'pl-points' }, `(${check.points} / ${check.max})`),
      );
      if (check.feedback) li.append(rich('p', check.feedback, { class: 'pl-feedback' }));
      if (check.hint)
        li.append(
          rich('p', `${labels.hint} ${check.hint.index + 1}: ${check.hint.text}`, { class: 'pl-feedback-hint' }),
        );
      list.append(li);
    }
    return list;
  };

  const runCheck = (task: Task<unknown>, item: HTMLElement) => {
    if (!live) return;
    for (const check of task.checks) {
      if (check.kind !== 'answer' && check.kind !== 'choice') continue;
      const value = (progress.drafts[fieldKey(task, check)] ?? '').trim();
      if (value === '') continue;
      record({ t: live.now(), type: 'answer', task: task.id, check: check.id, value });
      const given = live.answer(task.id, check.id, value);
      if (given) progress.answers[fieldKey(task, check)] = given;
    }
    const result = live.check(task.id, locale);
    if (result) progress.results[task.id] = result;
    save();
    renderTask(task, item);
    renderScore();
    (item.querySelector('.pl-check') as HTMLElement | null)?.focus();
  };

  const items = new Map<string, HTMLElement>();
  const renderTasks = () => {
    tasksEl.replaceChildren();
    for (const task of lab.tasks) {
      const item = el('li', { class: 'pl-task', 'data-task': task.id });
      items.set(task.id, item);
      renderTask(task, item);
      tasksEl.append(item);
    }
    renderScore();
  };
  renderTasks();

  // ---- the terminal on the lab's instance ----
  /** What a pod pane's shell runs for a line, and the submission records: the line, run through kubectl exec. */
  const podLines = new Map<string, (line: string) => string>();
  const lineFor = (ws: Workspace, pane: string, line: string): string => {
    const context = ws.panes.get(pane)?.spec.context.netns;
    const wrap = context === undefined ? undefined : podLines.get(context);
    return wrap ? wrap(line) : line;
  };
  const machine = (): TerminalMachine => {
    const built = buildLab(lab, instance, { paced: true });
    const base = sessionMachine(built.session, scenario.engineSeed);
    const kind = built.kind;
    if (kind)
      for (const context of podContexts) {
        const [, namespace = 'default', name = ''] = context.split('/');
        const netns = kind.cluster.pod(namespace, name)?.sandbox.netns;
        // netshoot's zsh, as the seed types; a plainer image's sh otherwise.
        const program = netns && built.session.canExecute('zsh', netns, '/') ? 'zsh' : 'sh';
        const target = namespace === 'default' ? name : `-n ${namespace} ${name}`;
        podLines.set(context, (line) => `kubectl exec -it ${target} -- ${program} -c ${shellQuote(line)}`);
      }
    return {
      ...base,
      // The panes of a submission replay as shells on the lab's host, so new panes open there too;
      // a pod pane is such a shell whose lines go through `kubectl exec`.
      contexts: () => [{}, ...podContexts.filter((c) => podLines.has(c)).map((netns) => ({ netns }))],
      open(context, history) {
        const wrap = context.netns === undefined ? undefined : podLines.get(context.netns);
        const shell = base.open({}, history);
        if (!kind || !wrap || context.netns === undefined) return shell;
        const hostname = kind.resolve(context.netns).hostname;
        return {
          get exited() {
            return shell.exited;
          },
          run: (script, runOptions) => shell.run(wrap(script), runOptions),
          prompt: () => `\x1b[1;33m(${context.netns})\x1b[0m \x1b[1;32mroot@${hostname}\x1b[0m:\x1b[1;34m/\x1b[0m# `,
          setColumns: (columns) => shell.setColumns(columns),
          hangup: () => shell.hangup(),
          completions: shell.completions,
        };
      },
      async setup(): Promise<ExecResult> {
        try {
          const opened = await setUpLab(built);
          live = new LiveGrading(opened);
          for (const [id, given] of Object.entries(progress.answers)) live.answers.set(id, given);
          live.hints = Object.values(progress.hints).reduce((sum, n) => sum + n, 0);
          return { exitCode: 0, stdout: '', stderr: '' };
        } catch (error) {
          return { exitCode: 1, stdout: '', stderr: error instanceof Error ? error.message : String(error) };
        }
      },
    };
  };
  /** Records what the learner's panes run and interrupt, in the order it happens, for the submission. */
  const watch = (ws: Workspace) => {
    const run = ws.run.bind(ws);
    ws.run = (pane, text, runOptions) => {
      if (live) record({ t: live.now(), type: 'command', pane, line: lineFor(ws, pane, text) });
      return run(pane, text, runOptions);
    };
    const interrupt = ws.interrupt.bind(ws);
    ws.interrupt = (pane) => {
      const t = live?.now();
      const stopped = interrupt(pane);
      if (stopped && t !== undefined) record({ t, type: 'interrupt', pane });
      return stopped;
    };
  };
  const terminal = await mount(terminalEl, terminalConfig, {
    machine,
    onBoot: watch,
    onReset: () => {
      progress = emptyProgress(lab.id, instance);
      live?.answers.clear();
      if (live) live.hints = 0;
      save();
      message.textContent = '';
      renderTasks();
    },
  });

  // ---- actions ----
  const submission = () =>
    `${JSON.stringify(
      makeSubmission({ lab: lab.id, engine: config.engine, instance, log: progress.log, claimed: totals() }),
      null,
      2,
    )}\n`;
  const fileName = (kind: string) =>
    `${lab.id}-${instance.kind === 'personal' ? `${instance.assignment}-${instance.student}` : 'canonical'}-${kind}.json`.replace(
      /[^\w.-]+/g,
      '_',
    );

  resetButton.addEventListener('click', () => {
    if (!window.confirm(labels.resetConfirm)) return;
    void terminal.reset();
  });
  exportButton.addEventListener('click', () => {
    terminal.save();
    let saved: ProgressFile['terminal'] = null;
    try {
      saved = JSON.parse(store?.getItem(terminalKey) ?? 'null');
    } catch {
      saved = null;
    }
    const file: ProgressFile = { format: PROGRESS_FORMAT, version: 1, lab: progress, terminal: saved };
    download(fileName('progress'), `${JSON.stringify(file)}\n`);
  });
  importButton.addEventListener('click', () => importInput.click());
  importInput.addEventListener('change', async () => {
    const file = importInput.files?.[0];
    importInput.value = '';
    if (!file || !store) return;
    const parsed = parseProgress(await file.text(), lab.id);
    if (!parsed.ok) {
      message.textContent = `${labels.importFailed} ${parsed.reason}`;
      return;
    }
    const imported = parsed.file.lab;
    const target = imported.instance;
    const name = instanceKey(target, instanceSeed(target));
    terminal.stopSaving();
    store.setItem(progressKey(lab.id, name), JSON.stringify(imported));
    const importedTerminalKey = storageKey(`${config.chapter}#${name}`, terminalConfig.id);
    if (parsed.file.terminal) store.setItem(importedTerminalKey, JSON.stringify(parsed.file.terminal));
    else forgetTerminal(store, importedTerminalKey);
    store.setItem(choiceKey(lab.id), target.kind);
    if (target.kind === 'personal') store.setItem(idsKey(lab.id), JSON.stringify(target));
    location.reload();
  });
  submitButton.addEventListener('click', () => {
    const name = fileName('submission');
    download(name, submission());
    message.textContent = fill(labels.submitted, { file: name });
  });

  root.dataset.state = 'ready';
  const api: LabApi = {
    instance: () => instance,
    score: totals,
    terminal: () => terminal,
    submission,
  };
  root.lab = api;
  return api;
}
