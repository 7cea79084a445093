/** What `<LabPanel>` hands its island (as JSON in `data-config`); no runtime code. */
import type { Locale } from '../i18n/t.ts';
import type { TerminalLabels } from '../terminal/config.ts';

export interface LabLabels {
  instance: string;
  canonical: string;
  personal: string;
  personalNeedsIds: string;
  score: string;
  points: string;
  tasks: string;
  choices: string;
  answer: string;
  check: string;
  passed: string;
  failed: string;
  hint: string;
  hints: string;
  showHint: string;
  reset: string;
  resetConfirm: string;
  export: string;
  import: string;
  importFailed: string;
  submit: string;
  submitted: string;
}

/**
 * A pane of the lab's terminal: a shell on the lab's host (the node, or a cluster's lab machine), or,
 * in a cluster lab, a pane in a pod: `pod` names it (`NAME` or `NS/NAME`, with the lab's `{vars}`,
 * e.g. `{client}`), and each line typed there runs as `kubectl exec -it POD -- SHELL -c LINE` on the
 * lab machine, which is what the submission records and the grader replays.
 */
export interface LabPaneConfig {
  name: string;
  pod?: string;
}

export interface LabPanelConfig {
  lab: string;
  /** The chapter's path without the locale: saved progress is kept under it. */
  chapter: string;
  locale: Locale;
  /** package.json's version at build time: the engine a submission says recorded it. */
  engine: string;
  panes: LabPaneConfig[];
  labels: LabLabels;
  terminal: TerminalLabels;
}
