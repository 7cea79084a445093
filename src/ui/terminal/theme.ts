/** xterm colours for the site's light and dark themes (the page's `data-theme`). */
import type { ITheme } from '@xterm/xterm';

export type SiteTheme = 'light' | 'dark';

const LIGHT: ITheme = {
  background: '#ffffff',
  foreground: '#1c1f23',
  cursor: '#0b6e4f',
  cursorAccent: '#ffffff',
  selectionBackground: '#b7d7f0',
  black: '#1c1f23',
  red: '#b42318',
  green: '#0b6e4f',
  yellow: '#8a5a00',
  blue: '#1a5fd0',
  magenta: '#8e3fb0',
  cyan: '#0f6f80',
  white: '#5a6270',
  brightBlack: '#5a6270',
  brightRed: '#c4320a',
  brightGreen: '#0d7d5a',
  brightYellow: '#946200',
  brightBlue: '#2a6ee0',
  brightMagenta: '#9c47c0',
  brightCyan: '#137d8f',
  brightWhite: '#1c1f23',
};

const DARK: ITheme = {
  background: '#1b1f24',
  foreground: '#e6e8eb',
  cursor: '#4cc38a',
  cursorAccent: '#1b1f24',
  selectionBackground: '#2f4a6b',
  black: '#22272e',
  red: '#ff7b72',
  green: '#4cc38a',
  yellow: '#e3b341',
  blue: '#79b8ff',
  magenta: '#d2a8ff',
  cyan: '#56d4dd',
  white: '#c9d1d9',
  brightBlack: '#8b949e',
  brightRed: '#ffa198',
  brightGreen: '#7ee2a8',
  brightYellow: '#f2cc60',
  brightBlue: '#a5d6ff',
  brightMagenta: '#e2c5ff',
  brightCyan: '#8ae8ef',
  brightWhite: '#ffffff',
};

export function siteTheme(): SiteTheme {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

export function xtermTheme(theme: SiteTheme): ITheme {
  return theme === 'dark' ? DARK : LIGHT;
}

/** Calls `apply` now and whenever the site's theme changes; returns a function that stops watching. */
export function watchTheme(apply: (theme: SiteTheme) => void): () => void {
  apply(siteTheme());
  const observer = new MutationObserver(() => apply(siteTheme()));
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}
