/** The default set of tools every shell has. */
import { CommandRegistry } from '../registry.ts';
import { awk } from './awk.ts';
import { cat } from './cat.ts';
import { basename, chmod, cp, dirname, editor, ln, ls, mkdir, mv, readlink, rm, touch } from './files.ts';
import { grep } from './grep.ts';
import { jq } from './jq.ts';
import { env, printenv, watch, xargs } from './proc.ts';
import { sed } from './sed.ts';
import { column, cut, date, head, seq, sort, tail, tee, tr, uniq, wc, yes } from './text.ts';

/** A registry holding the text and file tools; hosts add engine tools on a child registry. */
export function createTextTools(): CommandRegistry {
  const r = new CommandRegistry();
  const bin = { cat, ls, mkdir, rm, cp, mv, ln, touch, chmod, date, sed, readlink };
  for (const [name, cmd] of Object.entries(bin)) r.register(name, cmd, { path: `/usr/bin/${name}` });
  const usrBin = {
    less: cat,
    more: cat,
    grep,
    egrep: grep,
    fgrep: grep,
    awk,
    gawk: awk,
    mawk: awk,
    jq,
    xargs,
    watch,
    env,
    printenv,
  };
  for (const [name, cmd] of Object.entries(usrBin)) r.register(name, cmd);
  const text = { head, tail, wc, cut, tr, tee, seq, yes, uniq, sort, column, basename, dirname };
  for (const [name, cmd] of Object.entries(text)) r.register(name, cmd);
  for (const name of ['vi', 'vim', 'nano', 'emacs']) r.register(name, editor);
  return r;
}
