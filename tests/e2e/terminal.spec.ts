import { expect, type Page, test } from '@playwright/test';

// The sandbox chapter's terminal: two panes, `red` and `blue`, in namespaces joined by a veth.
const URL = '/chapters/sandbox/';

interface TerminalHandle {
  terminal?: { text(pane?: string): string; busy(pane?: string): boolean; active(): string; panes(): string[] };
}

async function open(page: Page, navigate = true): Promise<void> {
  if (navigate) await page.goto(URL);
  const terminal = page.locator('packet-terminal#sandbox');
  await terminal.scrollIntoViewIfNeeded();
  await expect(terminal).toHaveAttribute('data-state', 'ready', { timeout: 15_000 });
}

function screen(page: Page, pane: string): Promise<string> {
  return page.evaluate(
    (p) => (document.querySelector('packet-terminal#sandbox') as TerminalHandle).terminal?.text(p) ?? '',
    pane,
  );
}

function busy(page: Page, pane: string): Promise<boolean> {
  return page.evaluate(
    (p) => (document.querySelector('packet-terminal#sandbox') as TerminalHandle).terminal?.busy(p) ?? false,
    pane,
  );
}

/** The last non-empty row of a pane (the prompt and the line being typed). */
async function lastLine(page: Page, pane: string): Promise<string> {
  const lines = (await screen(page, pane)).split('\n');
  return lines[lines.length - 1] ?? '';
}

async function focus(page: Page, pane: string): Promise<void> {
  await page.locator(`.pt-pane[data-pane="${pane}"] .xterm`).click();
}

async function run(page: Page, pane: string, line: string): Promise<void> {
  await focus(page, pane);
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

/** Waits until the pane is idle again with a fresh prompt. */
async function idle(page: Page, pane: string): Promise<void> {
  await expect.poll(() => busy(page, pane)).toBe(false);
  await expect.poll(() => lastLine(page, pane)).toMatch(/# $/);
}

test.beforeEach(async ({ page }) => {
  await page.goto(URL);
  await page.evaluate(() => localStorage.clear());
});

test('loads lazily: the page ships a small script, the terminal chunk comes on demand', async ({ page }) => {
  const scripts: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.push(r.url());
  });
  await page.goto('/chapters/how-the-labs-work/');
  await page.waitForLoadState('networkidle');
  expect(scripts.some((s) => /mount\./.test(s))).toBe(false);
  await open(page);
  expect(scripts.some((s) => /mount\./.test(s))).toBe(true);
  await expect(page.locator('.pt-pane')).toHaveCount(2);
  await expect(page.locator('.pt-pane[data-pane="red"]')).toContainText('(red) root@packet-lab:~#');
});

test('runs a pipeline and a for loop', async ({ page }) => {
  await open(page);
  await run(page, 'red', 'ip -br a | grep UP');
  await idle(page, 'red');
  const text = await screen(page, 'red');
  expect(text).toMatch(/^veth-red@if\d+\s+UP\s+10\.0\.0\.1\/24/m);
  expect(text).not.toMatch(/^lo\s/m);

  await run(page, 'red', 'for i in $(seq 1 5); do echo $i; done | sort -nr');
  await idle(page, 'red');
  expect(await screen(page, 'red')).toContain('done | sort -nr\n5\n4\n3\n2\n1\n');
});

test('Ctrl-C stops a ping that has no -c', async ({ page }) => {
  await open(page);
  await run(page, 'red', 'ping 10.0.0.2');
  await expect.poll(() => screen(page, 'red'), { timeout: 10_000 }).toContain('icmp_seq=2 ttl=64');
  expect(await busy(page, 'red')).toBe(true);
  await page.keyboard.press('Control+C');
  await idle(page, 'red');
  const text = await screen(page, 'red');
  expect(text).toMatch(
    /\^C\n--- 10\.0\.0\.2 ping statistics ---\n(\d+) packets transmitted, \1 received, 0% packet loss/,
  );
});

test('↑ recalls history, Ctrl-R searches it, Tab completes', async ({ page }) => {
  await open(page);
  await run(page, 'blue', 'echo first-line');
  await idle(page, 'blue');
  await run(page, 'blue', 'hostname');
  await idle(page, 'blue');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await expect.poll(() => lastLine(page, 'blue')).toMatch(/# echo first-line$/);
  await page.keyboard.press('Enter');
  await idle(page, 'blue');
  expect((await screen(page, 'blue')).match(/^first-line$/gm)).toHaveLength(2);

  await page.keyboard.press('Control+R');
  await page.keyboard.type('host');
  await expect.poll(() => lastLine(page, 'blue')).toBe("(reverse-i-search)`host': hostname");
  await page.keyboard.press('Control+G');

  await page.keyboard.type('tcpd');
  await page.keyboard.press('Tab');
  await expect.poll(() => lastLine(page, 'blue')).toMatch(/# tcpdump $/);
  await page.keyboard.type('-i veth-b');
  await page.keyboard.press('Tab');
  await expect.poll(() => lastLine(page, 'blue')).toMatch(/# tcpdump -i veth-blue $/);
  await page.keyboard.press('Control+U');
  await expect.poll(() => lastLine(page, 'blue')).toMatch(/# $/);
});

test('tcpdump prints live in one pane while the other pings', async ({ page }) => {
  await open(page);
  await run(page, 'blue', 'tcpdump -n -i veth-blue icmp');
  await expect.poll(() => screen(page, 'blue')).toContain('listening on veth-blue');
  await run(page, 'red', 'ping 10.0.0.2');
  // Captured lines appear while both commands are still running.
  await expect
    .poll(async () => ((await screen(page, 'blue')).match(/ICMP echo request, id \d+, seq \d+/g) ?? []).length, {
      timeout: 10_000,
    })
    .toBeGreaterThanOrEqual(2);
  expect(await busy(page, 'blue')).toBe(true);
  expect(await busy(page, 'red')).toBe(true);
  await page.keyboard.press('Control+C');
  await idle(page, 'red');
  await focus(page, 'blue');
  await page.keyboard.press('Control+C');
  await idle(page, 'blue');
  expect(await screen(page, 'blue')).toMatch(
    /\d+ packets captured\n\d+ packets received by filter\n0 packets dropped by kernel/,
  );
});

test('a reload keeps the screen, the history and the machine state', async ({ page }) => {
  await open(page);
  await run(page, 'red', 'x=42; ip link set veth-red down');
  await idle(page, 'red');
  await run(page, 'blue', 'ping -c 1 -W 1 10.0.0.1');
  await idle(page, 'blue');
  expect(await screen(page, 'blue')).toContain('1 packets transmitted, 0 received, 100% packet loss');
  await page.getByRole('button', { name: '+ Add pane' }).click();
  await expect(page.locator('.pt-pane')).toHaveCount(3);
  await page.keyboard.type('ip netns list');
  await page.keyboard.press('Enter');
  await expect.poll(() => screen(page, 'pane-1')).toMatch(/^blue \(id: 1\)\nred \(id: 0\)$/m);
  await page.evaluate(() =>
    (document.querySelector('packet-terminal#sandbox') as { terminal?: { save(): void } }).terminal?.save(),
  );

  await page.reload();
  await open(page, false);
  await expect(page.locator('.pt-pane')).toHaveCount(3);
  expect(await screen(page, 'red')).toContain('x=42; ip link set veth-red down');
  expect(await screen(page, 'blue')).toContain('100% packet loss');
  await focus(page, 'red');
  await page.keyboard.press('ArrowUp');
  await expect.poll(() => lastLine(page, 'red')).toMatch(/# x=42; ip link set veth-red down$/);
  await page.keyboard.press('Control+U');
  await page.keyboard.type('echo x=$x; ip -br link show veth-red');
  await page.keyboard.press('Enter');
  await idle(page, 'red');
  const red = await screen(page, 'red');
  expect(red).toContain('\nx=42\n');
  expect(red).toMatch(/^veth-red@if\d+\s+DOWN/m);
});

test('a multi-line paste runs line by line', async ({ page }) => {
  await open(page);
  await focus(page, 'red');
  await page.evaluate(() => {
    const el = document.querySelector('packet-terminal#sandbox') as {
      terminal?: { xterm(p: string): { paste(t: string): void } };
    };
    el.terminal?.xterm('red').paste('echo one\nfor i in 1 2; do\necho n$i\ndone\necho three');
  });
  await expect.poll(() => lastLine(page, 'red')).toMatch(/# echo three$/);
  const text = await screen(page, 'red');
  expect(text).toContain('# echo one\none\n');
  expect(text).toContain('# for i in 1 2; do\n> echo n$i\n> done\nn1\nn2\n');
  await page.keyboard.press('Enter');
  await idle(page, 'red');
  expect(await screen(page, 'red')).toMatch(/# echo three\nthree\n/);
});

test('Ctrl-D ends the shell and Enter starts a new one', async ({ page }) => {
  await open(page);
  await run(page, 'blue', 'y=7');
  await idle(page, 'blue');
  await page.keyboard.press('Control+D');
  const pane = page.locator('.pt-pane[data-pane="blue"]');
  await expect(pane).toHaveAttribute('data-exited', 'true');
  await expect.poll(() => screen(page, 'blue')).toContain('# exit\nThe shell exited. Press Enter to start a new one.');
  await page.keyboard.press('Enter');
  await expect(pane).not.toHaveAttribute('data-exited', 'true');
  await run(page, 'blue', 'echo "y=$y"');
  await idle(page, 'blue');
  expect(await screen(page, 'blue')).toMatch(/\ny=\n/);
});

test('follows the site theme and offers a screen reader mode', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await open(page);
  const background = () =>
    page.evaluate(() => {
      const el = document.querySelector('packet-terminal#sandbox') as {
        terminal?: { xterm(p: string): { options: { theme?: { background?: string } } } };
      };
      return el.terminal?.xterm('red').options.theme?.background;
    });
  expect(await background()).toBe('#ffffff');
  await page.getByRole('button', { name: 'Toggle dark theme' }).click();
  await expect.poll(background).toBe('#1b1f24');

  const reader = page.getByRole('button', { name: 'Screen reader mode' });
  await expect(reader).toHaveAttribute('aria-pressed', 'false');
  await reader.click();
  await expect(reader).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('.pt-pane[data-pane="red"] .xterm-accessibility-tree')).toHaveCount(1);
  await run(page, 'red', 'echo spoken');
  await expect(page.locator('.pt-pane[data-pane="red"] .xterm-accessibility-tree')).toContainText('spoken');
});
