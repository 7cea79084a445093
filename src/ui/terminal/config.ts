/** What the `<Terminal>` component hands its island (as JSON in `data-config`); no runtime code. */

export interface TerminalPaneConfig {
  name: string;
  /** The pane's shell runs in this named network namespace; the host's own when absent. */
  netns?: string;
}

export interface TerminalLabels {
  host: string;
  tabs: string;
  addPane: string;
  newPaneIn: string;
  closePane: string;
  split: string;
  screenReader: string;
  reset: string;
  restoring: string;
  exited: string;
  setupFailed: string;
}

export interface TerminalConfig {
  /** The terminal's id on its page (a page may hold several). */
  id: string;
  /** The page it belongs to, without the locale: its saved state is kept under this. */
  chapter: string;
  seed: number;
  hostname: string;
  /** Shell lines run on a fresh host before the panes open (the chapter's topology). */
  setup: string;
  panes: TerminalPaneConfig[];
  layout: 'tabs' | 'split';
  labels: TerminalLabels;
}
