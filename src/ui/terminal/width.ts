/** How many terminal cells text takes: escape sequences take none, East Asian wide characters two. */

// CSI sequences (colours, cursor moves), OSC strings ended by BEL or ST, and two-character escapes.
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences start with ESC.
const ANSI = /\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*(?:\x07|\x1b\\)|[@-Z\\-_])/g;

/** Text without its escape sequences (colours, cursor moves). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** True for code points a terminal draws two cells wide (Hangul, CJK, full-width forms, emoji). */
export function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** Cells taken by one character (a code point as a string). */
export function charWidth(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if ((cp >= 0x300 && cp <= 0x36f) || cp === 0x200b) return 0;
  return isWide(cp) ? 2 : 1;
}

/** Cells taken by `text` once its escape sequences are removed. */
export function textWidth(text: string): number {
  let width = 0;
  for (const ch of stripAnsi(text)) width += charWidth(ch);
  return width;
}
