/** What `<LabPanel>` hands its island (as JSON in `data-config`); no runtime code. */
import type { Locale } from '../i18n/t.ts';
import type { TerminalLabels, TerminalPaneConfig } from '../terminal/config.ts';

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

export interface LabPanelConfig {
  lab: string;
  /** The chapter's path without the locale: saved progress is kept under it. */
  chapter: string;
  locale: Locale;
  /** package.json's version at build time: the engine a submission says recorded it. */
  engine: string;
  panes: TerminalPaneConfig[];
  labels: LabLabels;
  terminal: TerminalLabels;
}
