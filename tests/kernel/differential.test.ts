/**
 * The differential suite: every tests/kernel/scripts/*.sh runs on the real kernel (isolated, see
 * real.ts) and, once src/machine/script.ts exists, on the engine; the masked transcripts must be
 * equal. Two real runs of each script must also be equal after masking, which proves the masking
 * hides everything random and nothing more. Without root the kernel side is skipped (with the
 * reason printed) and the engine is compared with the recorded goldens instead.
 */

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { lineDiff } from './diff.ts';
import { maskedTranscript } from './mask.ts';
import { kernelUnavailable, runOnKernel } from './real.ts';
import { type KernelScript, loadScripts, readGolden } from './scripts.ts';
import type { Entry } from './transcript.ts';

type RunOnEngine = (script: string, options: { seed: number }) => Promise<Entry[]>;

const ENGINE_PATH = fileURLToPath(new URL('../../src/machine/script.ts', import.meta.url));
const SEED = 1;
const RUN_LIMIT_MS = 180_000;

/** The engine's script runner, or why it is not available. */
async function loadEngine(): Promise<RunOnEngine | string> {
  if (!existsSync(ENGINE_PATH)) return 'src/machine/script.ts does not exist yet';
  try {
    const module: { runOnEngine?: unknown } = await import(/* @vite-ignore */ ENGINE_PATH);
    if (typeof module.runOnEngine !== 'function') return 'src/machine/script.ts does not export runOnEngine';
    return module.runOnEngine as RunOnEngine;
  } catch (error) {
    return `src/machine/script.ts failed to load: ${(error as Error).message}`;
  }
}

async function maskedKernel(script: KernelScript): Promise<string> {
  return maskedTranscript(await runOnKernel(script.text, { timeoutMs: RUN_LIMIT_MS }), script.text);
}

async function maskedEngine(engine: RunOnEngine, script: KernelScript): Promise<string> {
  return maskedTranscript(await engine(script.text, { seed: SEED }), script.text);
}

function lineCount(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** Fails with a unified diff (`-` lines: expected only, `+` lines: actual only) when the texts differ. */
function expectSame(expected: string, actual: string, expectedName: string, actualName: string): void {
  const diff = lineDiff(expected, actual);
  if (diff !== '')
    expect.fail(`${actualName} differs from ${expectedName} (- ${expectedName}, + ${actualName}):\n${diff}`);
}

const scripts = loadScripts();
const kernelReason = await kernelUnavailable();
const engine = await loadEngine();
const engineReason = typeof engine === 'string' ? engine : undefined;

/**
 * Scripts whose engine transcript still differs from the kernel's, with what is missing. For these
 * the test requires that they still differ (so a fix shows up and the entry must be removed) and
 * prints how many lines differ; every other script must match the kernel exactly.
 */
const ENGINE_GAPS: Record<string, string> = {};

function compareEngine(expected: string, actual: string, script: KernelScript, expectedName: string): void {
  const gap = ENGINE_GAPS[script.name];
  if (gap === undefined) {
    expectSame(expected, actual, expectedName, 'engine');
    return;
  }
  const diff = lineDiff(expected, actual);
  const differing = diff.split('\n').filter((line) => line.startsWith('-')).length;
  console.warn(`[kernel differential] ${script.name}: known gap (${gap}); ${differing} lines differ`);
  if (diff === '') expect.fail(`${script.name} now matches ${expectedName}: remove it from ENGINE_GAPS`);
}
const totals = { scripts: 0, kernelVsKernel: 0, engineVsKernel: 0, engineVsGolden: 0, staleGoldens: [] as string[] };

if (kernelReason !== undefined) console.warn(`[kernel differential] SKIPPING the real-kernel side: ${kernelReason}`);
if (engineReason !== undefined) console.warn(`[kernel differential] engine side not wired yet: ${engineReason}`);

afterAll(() => {
  const engineText =
    engineReason === undefined
      ? `${totals.engineVsKernel} engine-vs-kernel lines, ${totals.engineVsGolden} engine-vs-golden lines`
      : `engine not wired (${engineReason})`;
  const kernelText =
    kernelReason === undefined ? `${totals.kernelVsKernel} kernel-vs-kernel lines` : `kernel skipped (${kernelReason})`;
  console.log(`[kernel differential] ${totals.scripts} scripts; ${kernelText}; ${engineText}`);
  if (totals.staleGoldens.length > 0) {
    console.warn(
      `[kernel differential] goldens differ from this kernel for: ${totals.staleGoldens.join(', ')} ` +
        '(re-record with `npx node tests/kernel/record.ts` if the change is expected)',
    );
  }
});

describe.skipIf(kernelReason !== undefined)('kernel differential (real kernel)', () => {
  it.concurrent.each(scripts)(
    '$name',
    async (script) => {
      const [first, second] = await Promise.all([maskedKernel(script), maskedKernel(script)]);
      totals.scripts++;
      expectSame(first, second, 'kernel run 1', 'kernel run 2');
      totals.kernelVsKernel += lineCount(first);
      const golden = readGolden(script);
      if (golden !== undefined && golden !== first) {
        totals.staleGoldens.push(script.name);
        console.warn(`[kernel differential] ${script.name}: golden vs this kernel:\n${lineDiff(golden, first)}`);
      }
      if (typeof engine !== 'string') {
        const simulated = await maskedEngine(engine, script);
        compareEngine(first, simulated, script, 'kernel');
        totals.engineVsKernel += lineCount(first);
      }
    },
    2 * RUN_LIMIT_MS,
  );
});

describe.skipIf(kernelReason === undefined || engineReason !== undefined)('kernel differential (goldens)', () => {
  it.each(scripts)('$name', async (script) => {
    const golden = readGolden(script);
    if (golden === undefined) expect.fail(`no golden for ${script.name}: record it as root with record.ts`);
    if (typeof engine === 'string') return;
    totals.scripts++;
    compareEngine(golden, await maskedEngine(engine, script), script, 'golden');
    totals.engineVsGolden += lineCount(golden);
  });
});

it('finds the differential scripts', () => {
  expect(scripts.length).toBeGreaterThan(0);
});
