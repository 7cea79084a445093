/**
 * Tab completion for the terminal: finds the word under the cursor and the command it belongs to,
 * then asks a chain of providers. The first provider that knows the position answers; the file
 * system is the fallback. The machine layer adds providers for live engine names (interfaces,
 * namespaces); chapters can add their own.
 */

import { resolvePath, type VirtualFs } from '../../shell/fs.ts';
import type { CompletionItem, CompletionResult } from './line-editor.ts';

export interface CompletionRequest {
  /** The text before the cursor. */
  line: string;
  /** The word being completed, as typed (a leading quote removed). */
  word: string;
  /** The words of the current command before the word; words[0] is the command (`sudo`, `ip netns exec NS` dropped). */
  words: string[];
  /** True where a command name goes. */
  command: boolean;
  /** True after `<` or `>`: a file name goes here. */
  redirect: boolean;
  /** The namespace of an `ip netns exec NAME` the command runs under. */
  netns?: string;
}

/** Names for a position, or undefined when the provider has nothing to say about it. */
export type CompletionProvider = (request: CompletionRequest) => CompletionItem[] | undefined;

/** Words after which the next word is a command again. */
const COMMAND_WORDS = new Set(['do', 'then', 'else', 'elif', 'if', 'while', 'until', '!', '{', 'time']);
/** Commands that run the rest of their words as a command. */
const PREFIXES = new Set(['sudo', 'time', 'nohup', 'exec', 'command', 'xargs', 'watch', 'env', 'timeout']);

/** Splits the text before the cursor into the current command's words and the word being typed. */
export function parseCompletion(line: string): CompletionRequest & { start: number } {
  let words: string[] = [];
  let word = '';
  let start = 0;
  let inWord = false;
  let quote: string | null = null;
  let redirect = false;
  let nextRedirect = false;
  const endWord = () => {
    if (!inWord) return;
    // A redirection's target is not one of the command's words; keywords and assignments come before the command.
    if (nextRedirect) nextRedirect = false;
    else if (!(words.length === 0 && (COMMAND_WORDS.has(word) || /^[A-Za-z_]\w*=/.test(word)))) words.push(word);
    word = '';
    inWord = false;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      if (c === quote) quote = null;
      else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      if (!inWord) start = i + 1;
      inWord = true;
      quote = c;
      continue;
    }
    if (c === '\\' && i + 1 < line.length) {
      if (!inWord) start = i;
      inWord = true;
      word += line[++i];
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n') {
      endWord();
      continue;
    }
    if ('|;&()`'.includes(c) || (c === '$' && line[i + 1] === '(')) {
      endWord();
      words = [];
      nextRedirect = false;
      if (c === '$') i++;
      continue;
    }
    if (c === '<' || c === '>') {
      endWord();
      nextRedirect = true;
      continue;
    }
    if (!inWord) start = i;
    inWord = true;
    word += c;
  }
  redirect = nextRedirect;
  if (!inWord) start = line.length;
  const { rest, netns } = stripPrefixes(words);
  return {
    line,
    word,
    words: rest,
    command: rest.length === 0 && !redirect,
    redirect,
    start,
    ...(netns !== undefined ? { netns } : {}),
  };
}

/** Drops `sudo`, `watch -n 1` and the like, and `ip netns exec NAME`, so words[0] is the command that runs. */
function stripPrefixes(words: string[]): { rest: string[]; netns?: string } {
  let rest = words;
  let netns: string | undefined;
  for (;;) {
    const first = rest[0];
    if (first !== undefined && PREFIXES.has(first)) {
      let i = 1;
      while (i < rest.length && (rest[i] as string).startsWith('-')) i += first === 'watch' && rest[i] === '-n' ? 2 : 1;
      if (first === 'timeout' && i < rest.length) i++;
      rest = rest.slice(i);
      continue;
    }
    if (first === 'ip' && rest[1] === 'netns' && rest[2] === 'exec' && rest.length >= 4) {
      netns = rest[3];
      rest = rest.slice(4);
      continue;
    }
    return netns === undefined ? { rest } : { rest, netns };
  }
}

/** Command names where a command goes. */
export function commandNames(names: () => readonly string[]): CompletionProvider {
  return ({ command, word }) =>
    command && !word.includes('/') ? names().map((value) => ({ value, suffix: ' ' })) : undefined;
}

/** File and directory names under the shell's working directory (directories end in `/`). */
export function fileNames(fs: () => VirtualFs, cwd: () => string): CompletionProvider {
  return ({ word }) => {
    const slash = word.lastIndexOf('/');
    const dirPart = slash >= 0 ? word.slice(0, slash + 1) : '';
    const prefix = word.slice(slash + 1);
    const home = dirPart.startsWith('~/') ? `/root/${dirPart.slice(2)}` : dirPart;
    const dir = resolvePath(cwd(), home === '' ? '.' : home);
    let names: string[];
    try {
      names = fs().readdir(dir);
    } catch {
      return [];
    }
    return names
      .filter((name) => name.startsWith(prefix) && (prefix.startsWith('.') || !name.startsWith('.')))
      .map((name) => {
        const isDir = fs().isDir(resolvePath(dir, name));
        return { value: `${dirPart}${name}${isDir ? '/' : ''}`, suffix: isDir ? '' : ' ' };
      });
  };
}

/** Asks `providers` in order about the word before `cursor`; the first answer is filtered by the word. */
export function complete(line: string, cursor: number, providers: readonly CompletionProvider[]): CompletionResult {
  const request = parseCompletion(line.slice(0, cursor));
  for (const provider of providers) {
    const found = provider(request);
    if (found === undefined) continue;
    const seen = new Set<string>();
    const items = found
      .filter((item) => item.value.startsWith(request.word) && !seen.has(item.value) && seen.add(item.value))
      .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    return { start: request.start, items };
  }
  return { start: request.start, items: [] };
}
