import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { netnsVeth } from '../../exercises/netns-veth/lab.ts';
import { canonical, podA, podB } from '../../exercises/netns-veth/params.ts';
import { gradeText } from '../../src/grader/grade.ts';
import { instanceParams } from '../../src/grader/instance.ts';
import { engineVersion } from '../../src/grader/version.ts';

// The netns-veth chapter's lab panel: the learner does the whole lab on the canonical instance.
const URL = '/chapters/netns-veth/';

interface LabHandle {
  lab?: {
    score(): { points: number; max: number };
    terminal(): { text(pane?: string): string; busy(pane?: string): boolean; save(): void };
  };
}

/** Opens the page at `url` (or waits on the page as it is) until the lab and its terminal are ready. */
async function open(page: Page, url: string | null = URL): Promise<void> {
  if (url !== null) await page.goto(url);
  const lab = page.locator('packet-lab');
  await lab.scrollIntoViewIfNeeded();
  await expect(lab).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
  await expect(lab.locator('packet-terminal')).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
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
  await expect.poll(() => busy(page, pane), { timeout: 15_000 }).toBe(false);
  await expect.poll(async () => (await screen(page, pane)).trimEnd().split('\n').at(-1) ?? '').toMatch(/# ?$/);
}

async function run(page: Page, pane: string, line: string): Promise<void> {
  await focus(page, pane);
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

const task = (page: Page, id: string) => page.locator(`packet-lab .pl-task[data-task="${id}"]`);

async function answer(page: Page, id: string, value: string): Promise<void> {
  await task(page, id).locator('input[type="text"]').fill(value);
  await task(page, id).getByRole('button', { name: 'Check' }).click();
}

test.beforeEach(async ({ page }) => {
  await page.goto(URL);
  await page.evaluate(() => localStorage.clear());
});

test('loads lazily: the tasks are in the page, the lab comes when it is scrolled to', async ({ page }) => {
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
});

test('a learner does the lab, keeps it over a reload, submits, and the grader agrees', async ({ page }) => {
  await open(page);
  const lab = page.locator('packet-lab');
  await expect(lab.locator('.pl-score')).toHaveAttribute('data-points', '0');
  await expect(lab.locator('.pl-score')).toHaveAttribute('data-max', '16');

  // The reference session's commands, typed into the panes they name.
  for (const event of netnsVeth.solution(canonical)) {
    if (event.type === 'command') {
      await run(page, event.pane, event.line);
      if (event.line.startsWith('tcpdump')) await expect.poll(() => screen(page, event.pane)).toContain('listening on');
      else await idle(page, event.pane);
    } else if (event.type === 'interrupt') {
      await focus(page, event.pane);
      await page.keyboard.press('Control+C');
      await idle(page, event.pane);
    }
  }
  expect(await screen(page, 'capture')).toContain('ICMP echo reply');

  // A wrong answer first: the failed criterion says what is wrong and points to its hint.
  await answer(page, 'pod-ip', '10.0.0.1');
  const failed = task(page, 'pod-ip').locator('.pl-results li[data-check="answer"]');
  await expect(failed).toHaveAttribute('data-ok', 'false');
  await expect(failed.locator('.pl-feedback')).toContainText('That is not an address of');
  await expect(failed.locator('.pl-feedback-hint')).toContainText('Hint 2');
  await expect(task(page, 'pod-ip').locator('.pl-results li[data-check="looked"]')).toHaveAttribute('data-ok', 'true');

  // Hints come one at a time.
  await task(page, 'pod-ip')
    .getByRole('button', { name: /Show a hint \(1\/2\)/ })
    .click();
  await expect(task(page, 'pod-ip').locator('.pl-hints li')).toHaveCount(1);
  await expect(task(page, 'pod-ip').getByRole('button', { name: /Show a hint \(2\/2\)/ })).toBeVisible();

  const a = podA(canonical);
  const b = podB(canonical);
  await answer(page, 'pod-ip', a.ip);
  await answer(page, 'host-veth', b.veth);
  await answer(page, 'default-route', `${canonical.podNet}.1`);
  for (const id of ['connect', 'capture']) await task(page, id).getByRole('button', { name: 'Check' }).click();
  await task(page, 'why-index').locator('input[value="unique-in-root"]').check();
  await task(page, 'why-index').getByRole('button', { name: 'Check' }).click();

  for (const id of netnsVeth.tasks.map((t) => t.id))
    await expect(task(page, id)).toHaveAttribute('data-state', 'passed');
  await expect(lab.locator('.pl-score')).toHaveAttribute('data-points', '16');
  await expect(lab.locator('.pl-score')).toHaveText('Score: 16 / 16 points');

  // A reload keeps the tasks, the answers, the hints and the terminal.
  await page.evaluate(() => (document.querySelector('packet-lab') as LabHandle).lab?.terminal().save());
  await page.reload();
  await open(page);
  await expect(lab.locator('.pl-score')).toHaveAttribute('data-points', '16');
  await expect(task(page, 'pod-ip').locator('input[type="text"]')).toHaveValue(a.ip);
  await expect(task(page, 'pod-ip').locator('.pl-hints li')).toHaveCount(1);
  await expect(task(page, 'why-index').locator('input[value="unique-in-root"]')).toBeChecked();
  expect(await screen(page, 'host')).toContain(`nsenter -t ${a.pid} -n ip addr`);
  // The replayed engine is the one the learner left: the repaired pod still answers.
  await task(page, 'connect').getByRole('button', { name: 'Check' }).click();
  await expect(task(page, 'connect')).toHaveAttribute('data-state', 'passed');

  // Submit downloads the file the grader reads; the grader, run here, gives the page's score.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    lab.getByRole('button', { name: 'Submit' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('netns-veth-canonical-submission.json');
  const text = readFileSync((await download.path()) as string, 'utf8');
  const submission = JSON.parse(text);
  expect(submission).toMatchObject({ lab: 'netns-veth', engine: engineVersion(), instance: 'canonical', seed: 0 });
  expect(submission.log.filter((e: { type: string }) => e.type === 'hint')).toHaveLength(1);
  const result = await gradeText(download.suggestedFilename(), text, { engine: engineVersion() });
  expect(result.status).toBe('graded');
  expect(result.notes).toEqual([]);
  expect(`${result.points}/${result.max}`).toBe('16/16');
  expect(result.hintsRevealed).toBe(1);
});

test('a course link opens the personal instance, and the switch goes back to the canonical one', async ({ page }) => {
  const instance = { kind: 'personal', assignment: 'hw1', student: 'park' } as const;
  const params = instanceParams(netnsVeth, instance);
  await open(page, `${URL}?assignment=hw1&student=park`);
  const prompt = task(page, 'pod-ip').locator('p').first();
  await expect(prompt).toContainText(podA(params).name);
  await expect(page.locator('packet-lab input[name="netns-veth-instance"][value="personal"]')).toBeChecked();
  await run(page, 'host', 'hostname');
  await idle(page, 'host');
  expect(await screen(page, 'host')).toContain(params.hostname);

  await Promise.all([
    page.waitForEvent('load'),
    page.locator('packet-lab input[name="netns-veth-instance"][value="canonical"]').check(),
  ]);
  await open(page, null);
  expect(page.url()).toContain('student=park');
  await expect(page.locator('packet-lab input[name="netns-veth-instance"][value="canonical"]')).toBeChecked();
  await expect(task(page, 'pod-ip').locator('p').first()).toContainText(podA(canonical).name);
});

test('progress exports to a file and imports back after a reset', async ({ page }) => {
  await open(page);
  await run(page, 'host', `nsenter -t ${podA(canonical).pid} -n ip addr`);
  await idle(page, 'host');
  await answer(page, 'pod-ip', podA(canonical).ip);
  await expect(task(page, 'pod-ip')).toHaveAttribute('data-state', 'passed');
  const [exported] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('packet-lab').getByRole('button', { name: 'Export progress' }).click(),
  ]);
  const file = (await exported.path()) as string;

  page.once('dialog', (dialog) => void dialog.accept());
  await page.locator('packet-lab').getByRole('button', { name: 'Reset lab' }).click();
  await expect(page.locator('packet-lab .pl-score')).toHaveAttribute('data-points', '0');
  await expect(task(page, 'pod-ip')).toHaveAttribute('data-state', 'open');

  await Promise.all([page.waitForEvent('load'), page.locator('packet-lab input[type="file"]').setInputFiles(file)]);
  await open(page, null);
  await expect(page.locator('packet-lab .pl-score')).toHaveAttribute('data-points', '3');
  expect(await screen(page, 'host')).toContain('inet 10.244.0.12/24');
});
