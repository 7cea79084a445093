/**
 * Runs the same scripts through this machine's bash and coreutils and through our shell, and
 * compares standard output and exit status. Only builtins and text tools: no network, no engine.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIFFERENTIAL_CASES } from './differential-cases.ts';
import { Shell } from './shell.ts';

const hasBash = spawnSync('bash', ['-c', 'true']).status === 0;

function realBash(script: string): { stdout: string; exitCode: number } {
  const dir = mkdtempSync(join(tmpdir(), 'shell-diff-'));
  try {
    const r = spawnSync('bash', ['-c', script], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C', HOME: dir, TZ: 'UTC' },
      timeout: 10000,
    });
    return { stdout: r.stdout, exitCode: r.status ?? -1 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function ours(script: string): Promise<{ stdout: string; exitCode: number }> {
  const shell = new Shell({ cwd: '/root', env: { LC_ALL: 'C', HOME: '/root' } });
  const r = await shell.exec(script);
  return { stdout: r.stdout, exitCode: r.exitCode };
}

describe.skipIf(!hasBash)('differential against bash and coreutils', () => {
  for (const script of DIFFERENTIAL_CASES) {
    it(script.length > 60 ? `${script.slice(0, 57).replace(/\n/g, '⏎')}...` : script.replace(/\n/g, '⏎'), async () => {
      expect(await ours(script)).toEqual(realBash(script));
    });
  }
});
