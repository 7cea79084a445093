import { expect, test } from '@playwright/test';

test('the home page says what Packet Lab is and lists the chapters', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/');
  await expect(page).toHaveTitle('Packet Lab');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Packet Lab');
  await expect(page.getByRole('main')).toContainText('simulated cluster');
  await expect(page.getByRole('heading', { name: 'Labs' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'How the labs work' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('a chapter renders with its sidebar, table of contents and language switch', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'How the labs work' }).click();
  await expect(page).toHaveURL(/\/chapters\/how-the-labs-work\/$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('How the labs work');
  await expect(page.getByRole('navigation', { name: 'On this page' })).toContainText('What answers your commands');
  await expect(
    page.getByRole('navigation', { name: 'All chapters' }).getByRole('link', { name: 'How the labs work' }),
  ).toHaveAttribute('aria-current', 'page');

  await page.getByRole('navigation', { name: 'Language' }).getByRole('link', { name: '한국어' }).click();
  await expect(page).toHaveURL(/\/ko\/chapters\/how-the-labs-work\/$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('실습이 동작하는 방식');
});

test('the theme toggle switches to dark and remembers it across a reload', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/');
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'light');
  await page.getByRole('button', { name: 'Toggle dark theme' }).click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
});

test('keyboard users reach the content through the skip link', async ({ page }) => {
  await page.goto('/chapters/how-the-labs-work/');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#content$/);
});
