/**
 * Records the goldens: runs each kernel script twice on the real kernel, checks that the masked
 * transcripts agree, and writes the masked text to tests/kernel/golden/<name>.txt.
 *
 *   npx node tests/kernel/record.ts              every script
 *   npx node tests/kernel/record.ts bridge ...   only these scripts
 *
 * Needs root (see real.ts). Plain Node: no vitest, no npm dependencies.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { lineDiff } from './diff.ts';
import { maskedTranscript } from './mask.ts';
import { kernelUnavailable, runOnKernel } from './real.ts';
import { GOLDEN_DIR, loadScripts } from './scripts.ts';

const reason = await kernelUnavailable();
if (reason !== undefined) {
  console.error(`cannot record goldens: ${reason}`);
  process.exit(1);
}
const wanted = process.argv.slice(2);
const scripts = loadScripts().filter((script) => wanted.length === 0 || wanted.includes(script.name));
const unknown = wanted.filter((name) => !scripts.some((script) => script.name === name));
if (unknown.length > 0) {
  console.error(`no such script: ${unknown.join(', ')}`);
  process.exit(1);
}
mkdirSync(GOLDEN_DIR, { recursive: true });
let failed = false;
await Promise.all(
  scripts.map(async (script) => {
    const masked = async () => maskedTranscript(await runOnKernel(script.text), script.text);
    const [first, second] = await Promise.all([masked(), masked()]);
    const diff = lineDiff(first, second);
    if (diff !== '') {
      failed = true;
      console.error(`${script.name}: two real runs differ after masking, golden not written:\n${diff}`);
      return;
    }
    writeFileSync(script.goldenPath, first);
    console.log(`${script.name}: ${first.split('\n').length - 1} lines -> ${script.goldenPath}`);
  }),
);
process.exit(failed ? 1 : 0);
