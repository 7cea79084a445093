/** cat (and less/more, which behave as cat without a terminal to page on). */
import type { Command } from '../types.ts';
import { inputs, parseOptions } from './util.ts';

export const cat: Command = async (ctx) => {
  const tool = ctx.argv[0] === 'cat' ? 'cat' : (ctx.argv[0] as string);
  const opts = parseOptions(tool, ctx.argv, {
    flags: 'nbEAsTvuRFXSr+',
    long: { number: 'n', 'number-nonblank': 'b', 'show-ends': 'E', 'show-all': 'A', 'squeeze-blank': 's' },
  });
  if (typeof opts === 'string') {
    await ctx.stderr.write(opts);
    return 1;
  }
  const number = opts.flags.has('n') || opts.flags.has('b');
  const nonBlank = opts.flags.has('b');
  const ends = opts.flags.has('E') || opts.flags.has('A');
  const squeeze = opts.flags.has('s');
  let failed = false;
  let n = 0;
  let lastBlank = false;
  for await (const input of inputs(ctx, tool, opts.operands, () => {
    failed = true;
  })) {
    if (!number && !ends && !squeeze) {
      for (;;) {
        const chunk = await input.reader.read();
        if (chunk === null) break;
        await ctx.stdout.write(chunk);
      }
      continue;
    }
    for (;;) {
      const got = await input.reader.readLine();
      if (got === null) break;
      const blank = got.line === '';
      if (squeeze && blank && lastBlank) continue;
      lastBlank = blank;
      let line = got.line + (ends && got.terminated ? '$' : '');
      if (number && !(nonBlank && blank)) line = `${String(++n).padStart(6)}\t${line}`;
      await ctx.stdout.write(got.terminated ? `${line}\n` : line);
    }
  }
  return failed ? 1 : 0;
};
