// `npm run bench`: runs every tests/bench/*.bench.ts (or those named on the command line) one after
// the other and prints their figures. Benchmarks report; they never fail the build on a number.
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchContext {
  /** Prints one figure as `name: value unit`, aligned. */
  report(name: string, value: number, unit: string, note?: string): void;
}

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();

if (files.length === 0) console.log('No benchmarks yet.');

for (const file of files) {
  console.log(`\n# ${basename(file, '.bench.ts')}`);
  const mod = (await import(pathToFileURL(join(here, file)).href)) as {
    default: (ctx: BenchContext) => Promise<void> | void;
  };
  await mod.default({
    report(name, value, unit, note) {
      const shown = Number.isInteger(value) ? String(value) : value.toFixed(value < 1 ? 4 : 2);
      console.log(`${name.padEnd(56)} ${shown.padStart(12)} ${unit}${note ? `  (${note})` : ''}`);
    },
  });
}
