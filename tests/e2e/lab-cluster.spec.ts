import { readFileSync, writeFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { clusterIpAffinity } from '../../exercises/clusterip-affinity/lab.ts';
import { canonical } from '../../exercises/clusterip-affinity/params.ts';
import { loopLine } from '../../exercises/clusterip-affinity/solution.ts';
import { maxPoints } from '../../src/grader/evaluate.ts';
import { gradeText } from '../../src/grader/grade.ts';
import { engineVersion } from '../../src/grader/version.ts';

// The ClusterIP chapter's lab panel: a kind cluster built in the page, the whole lab done as a learner.
const URL = '/chapters/clusterip-affinity/';

interface LabHandle {
  lab?: {
    score(): { points: number; max: number };
    terminal(): { text(pane?: string): string; busy(pane?: string): boolean };
  };
}

async function open(page: Page, url: string | null = URL): Promise<void> {
  if (url !== null) await page.goto(url);
  const lab = page.locator('packet-lab');
  await lab.scrollIntoViewIfNeeded();
  await expect(lab).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
  await expect(lab.locator('packet-terminal')).toHaveAttribute('data-state', 'ready', { timeout: 30_000 });
}

function screen(page: Page, pane: string): Promise<string> {
  return page.evaluate((p) => (document.querySelector('packet-lab') as LabHandle).lab?.terminal().text(p) ?? '', pane);
}

function busy(page: Page, pane: string): Promise<boolean> {
  return page.evaluate(
    (p) => (document.querySelector('packet-lab') as LabHandle).lab?.terminal().busy(p) ?? false,
    pane,
  );
}

async function focus(page: Page, pane: string): Promise<void> {
  await page.locator(`packet-lab [role="tab"][data-pane="${pane}"]`).click();
  await page.locator(`packet-lab .pt-pane[data-pane="${pane}"] .xterm`).click();
}

async function idle(page: Page, pane: string): Promise<void> {
  await expect.poll(() => busy(page, pane), { timeout: 120_000 }).toBe(false);
  await expect.poll(async () => (await screen(page, pane)).trimEnd().split('\n').at(-1) ?? '').toMatch(/# ?$/);
}

const task = (page: Page, id: string) => page.locator(`packet-lab .pl-task[data-task="${id}"]`);

test.beforeEach(async ({ page }) => {
  await page.goto(URL);
  await page.evaluate(() => localStorage.clear());
});

test('the chapter holds the lab panel, loaded when it is scrolled to', async ({ page }) => {
  const scripts: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.push(new globalThis.URL(r.url()).pathname);
  });
  await page.goto(URL);
  await expect(page.locator('packet-lab .lab-tasks [data-task="pod-ip"]')).toBeAttached();
  await page.waitForLoadState('networkidle');
  expect(scripts.some((s) => s.includes('/mount.'))).toBe(false);
  await open(page, null);
  expect(scripts.some((s) => s.includes('/mount.'))).toBe(true);
  await expect(page.locator('packet-lab [role="tab"][data-pane="lab"]')).toBeVisible();
  await expect(page.locator(`packet-lab [role="tab"][data-pane="${canonical.client.name}"]`)).toBeVisible();
});

test('a learner does the whole cluster lab, submits, and the grader agrees', async ({ page }) => {
  test.setTimeout(600_000);
  const started = Date.now();
  await open(page);
  const opened = Date.now();
  const lab = page.locator('packet-lab');
  const max = maxPoints(clusterIpAffinity);
  await expect(lab.locator('.pl-score')).toHaveAttribute('data-points', '0');
  await expect(lab.locator('.pl-score')).toHaveAttribute('data-max', String(max));

  // The reference session: its commands typed into its panes, its answers given, each task checked
  // once its answers are in (answers are judged against the cluster as it is when they are given).
  // The first loop of requests is typed in the client pod's pane instead, as the bare loop.
  const events = clusterIpAffinity.solution(canonical);
  const firstLoop = events.findIndex((e) => e.type === 'command' && e.line === loopLine(canonical));
  const podLoop = `for i in {1..100}; do curl -s ${canonical.clusterIP}:${canonical.port} | grep Hostname; done | sort | uniq -c | sort -nr`;
  const timings: string[] = [];
  for (const [i, event] of events.entries()) {
    if (event.type === 'command') {
      const [pane, line] = i === firstLoop ? [canonical.client.name, podLoop] : [event.pane, event.line];
      const t0 = Date.now();
      await focus(page, pane);
      await page.keyboard.type(line);
      await page.keyboard.press('Enter');
      await idle(page, pane);
      timings.push(`${((Date.now() - t0) / 1000).toFixed(1)}s  ${pane}: ${line.slice(0, 70)}`);
    } else if (event.type === 'answer') {
      const item = task(page, event.task);
      if (event.check === 'choice') await item.locator(`input[type="radio"][value="${event.value}"]`).check();
      else await item.locator(`input[data-check="${event.check}"]`).fill(event.value);
      const next = events[i + 1];
      if (next?.type !== 'answer' || next.task !== event.task)
        await item.getByRole('button', { name: 'Check' }).click();
    }
  }
  const shown = await screen(page, 'lab');
  expect(shown).toContain('KUBE-SVC-');
  expect(shown).toMatch(/^\s*100 Hostname: webpod\d$/m);
  expect(await screen(page, canonical.client.name)).toMatch(/^\s*\d\d Hostname: webpod\d$/m);

  // Then Check on every task not passed yet: those only observed or read from the cluster's state,
  // and the probabilities, answered (as the reference does) before the listing their check looks for.
  for (const t of clusterIpAffinity.tasks)
    if ((await task(page, t.id).getAttribute('data-state')) !== 'passed')
      await task(page, t.id).getByRole('button', { name: 'Check' }).click();
  for (const t of clusterIpAffinity.tasks) await expect(task(page, t.id)).toHaveAttribute('data-state', 'passed');
  await expect(lab.locator('.pl-score')).toHaveAttribute('data-points', String(max));
  const done = Date.now();

  // Submit downloads the file the grader reads; the grader, run here, gives the page's score.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    lab.getByRole('button', { name: 'Submit' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('clusterip-affinity-canonical-submission.json');
  const text = readFileSync((await download.path()) as string, 'utf8');
  writeFileSync(test.info().outputPath('submission.json'), text);
  const submission = JSON.parse(text);
  expect(submission).toMatchObject({ lab: 'clusterip-affinity', engine: engineVersion(), instance: 'canonical' });
  expect(submission.claimed).toEqual({ points: max, max });
  // The pod pane's line is recorded as what it ran on the lab machine, which the grader replays.
  expect(submission.log).toContainEqual(
    expect.objectContaining({
      type: 'command',
      pane: canonical.client.name,
      line: `kubectl exec -it ${canonical.client.name} -- zsh -c '${podLoop}'`,
    }),
  );
  const result = await gradeText(download.suggestedFilename(), text, { engine: engineVersion() });
  expect(result.status).toBe('graded');
  expect(result.notes).toEqual([]);
  expect(`${result.points}/${result.max}`).toBe(`${max}/${max}`);
  console.log(
    `cluster lab: opened in ${((opened - started) / 1000).toFixed(1)}s, tasks done in ${((done - opened) / 1000).toFixed(1)}s, graded in ${((Date.now() - done) / 1000).toFixed(1)}s\n  ${timings.join('\n  ')}`,
  );
});
