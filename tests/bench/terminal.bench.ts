// The page's terminal in Chromium: keystroke-to-echo (input until xterm has rendered the echo),
// command-to-output (Enter until the command's last output is in the buffer), the time from
// navigation to a ready terminal, and the size of what the sandbox page loads before and after the terminal
// starts. Needs a built site (`npx astro build`); serves dist/ with `astro preview` on port 4333.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import type { BenchContext } from './run.ts';

const PORT = 4333;
const BASE = `http://127.0.0.1:${PORT}`;
const DIST = join(import.meta.dirname, '../../dist');

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function waitForServer(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${BASE}/`)).ok) return;
    } catch {
      // Not up yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`astro preview did not answer on ${BASE}`);
}

function sizes(ctx: BenchContext): void {
  const dir = join(DIST, '_astro');
  let lazyRaw = 0;
  let lazyGzip = 0;
  for (const file of readdirSync(dir)) {
    const data = readFileSync(join(dir, file));
    const gzip = gzipSync(data, { level: 9 }).length;
    if (/^mount\./.test(file)) {
      lazyRaw += data.length;
      lazyGzip += gzip;
    }
    ctx.report(
      `dist/_astro/${file.replace(/\.[\w-]{8}\./, '.*.')} gzip`,
      gzip / 1024,
      'KiB',
      `${(statSync(join(dir, file)).size / 1024).toFixed(1)} KiB raw`,
    );
  }
  ctx.report(
    'terminal chunk (mount js + css) gzip',
    lazyGzip / 1024,
    'KiB',
    `${(lazyRaw / 1024).toFixed(1)} KiB raw; target < 400`,
  );
  const html = readFileSync(join(DIST, 'chapters/sandbox/index.html'), 'utf8');
  let first = 0;
  for (const m of html.matchAll(/<script[^>]*src="(\/_astro\/[^"]+)"/g)) {
    first += gzipSync(readFileSync(join(DIST, m[1] as string)), { level: 9 }).length;
  }
  for (const m of html.matchAll(/<script(?![^>]*src=)[^>]*>([\s\S]*?)<\/script>/g))
    first += gzipSync(m[1] ?? '').length;
  ctx.report('sandbox page JS before the terminal loads, gzip', first / 1024, 'KiB', 'target < 60');
}

export default async function bench(ctx: BenchContext): Promise<void> {
  if (!existsSync(join(DIST, 'chapters/sandbox/index.html'))) {
    console.log('dist/ has no sandbox chapter: run `npx astro build` first.');
    return;
  }
  sizes(ctx);
  const server = spawn('npx', ['astro', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--ignore-lock'], {
    cwd: join(import.meta.dirname, '../..'),
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  try {
    await waitForServer();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // Time from navigation start until the terminal says it is ready (chunk fetched and parsed, setup run).
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        const el = document.querySelector('packet-terminal') as HTMLElement | null;
        if (el?.dataset.state === 'ready') {
          (window as { readyAt?: number }).readyAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
    });
    await page.goto(`${BASE}/chapters/sandbox/`);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.waitForFunction(() => (window as { readyAt?: number }).readyAt !== undefined);
    ctx.report(
      'navigation to ready terminal (fetch, parse, setup)',
      await page.evaluate(() => (window as { readyAt?: number }).readyAt ?? 0),
      'ms',
    );

    const results = await page.evaluate(async () => {
      type Term = {
        input(d: string): void;
        onRender(f: () => void): { dispose(): void };
        onWriteParsed(f: () => void): { dispose(): void };
        buffer: {
          active: { length: number; getLine(i: number): { translateToString(t: boolean): string } | undefined };
        };
      };
      const api = (
        document.querySelector('packet-terminal') as unknown as {
          terminal: { xterm(p?: string): Term; busy(p?: string): boolean };
        }
      ).terminal;
      const term = api.xterm('red');
      const rendered = () =>
        new Promise<void>((resolve) => {
          const d = term.onRender(() => {
            d.dispose();
            resolve();
          });
        });
      const tail = () => {
        const b = term.buffer.active;
        let text = '';
        for (let i = Math.max(0, b.length - 40); i < b.length; i++)
          text += `${b.getLine(i)?.translateToString(true)}\n`;
        return text;
      };
      const output = (marker: RegExp) =>
        new Promise<void>((resolve) => {
          const d = term.onWriteParsed(() => {
            if (marker.test(tail())) {
              d.dispose();
              resolve();
            }
          });
        });
      const idle = async () => {
        while (api.busy('red')) await new Promise((r) => setTimeout(r, 1));
        await new Promise((r) => setTimeout(r, 20));
      };
      const keys: number[] = [];
      for (let i = 0; i < 120; i++) {
        const done = rendered();
        const t0 = performance.now();
        term.input(String.fromCharCode(97 + (i % 26)));
        await done;
        keys.push(performance.now() - t0);
      }
      term.input('\x15');
      await idle();
      // Each command ends with a marker no earlier output has, so the wait ends with its output.
      const timed = async (command: string, runs: number) => {
        const times: number[] = [];
        for (let i = 0; i < runs; i++) {
          const done = output(new RegExp(`^end-${i}$`, 'm'));
          const t0 = performance.now();
          term.input(`${command.replace('$N', String(i))}; echo end-${i}\r`);
          await done;
          times.push(performance.now() - t0);
          await idle();
        }
        return times;
      };
      return {
        keys,
        echo: await timed('echo mark-$N', 40),
        ip: await timed('ip -br a | grep UP', 20),
        loop: await timed('for i in $(seq 1 50); do echo $i; done | sort -nr | head -1', 10),
        ping: await timed('ping -c 1 10.0.0.2', 10),
      };
    });
    const show = (name: string, values: number[]) => {
      ctx.report(`${name} p50`, percentile(values, 50), 'ms');
      ctx.report(`${name} p95`, percentile(values, 95), 'ms', `${values.length} runs`);
    };
    show('keystroke to rendered echo', results.keys);
    show('command to output: echo', results.echo);
    show('command to output: ip -br a | grep UP', results.ip);
    show('command to output: for loop | sort | head', results.loop);
    show('command to output: ping -c 1 (statistics)', results.ping);
  } finally {
    await browser.close();
    if (server.pid !== undefined) process.kill(-server.pid, 'SIGTERM');
  }
}
