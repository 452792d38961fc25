import { expect } from '@playwright/test';
import { expectAccessible, expectNoHorizontalScroll, openAsBastien, openWith, queryAsBastien, test, useLanguage } from './helpers';

test('switching to French shows French labels and sets the page language', async ({ page }) => {
  await useLanguage(page, 'en');
  await page.goto('/login');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('button', { name: 'Français' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Connexion' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page).toHaveTitle(/Connexion/);
  // The choice is kept across a reload.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Connexion' })).toBeVisible();
});

test('the request list in French', async ({ page, bastien }) => {
  await openAsBastien(page, bastien);
  await page.getByRole('button', { name: 'Français' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Demandes' })).toBeVisible();
  await expect(page.getByRole('link', { name: /À clarifier/ })).toBeVisible();
  await expect(page.getByRole('columnheader', { name: 'N° de demande' })).toBeVisible();
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Requests' })).toBeVisible();
});

test('the language chosen in the profile is saved to the account', async ({ page, bastien }) => {
  const before = await queryAsBastien<{ viewer: { account: { language: string } } }>(bastien, '{ viewer { account { language } } }');
  try {
    await openAsBastien(page, bastien, '/profile');
    await page.getByRole('radio', { name: 'Français' }).check();
    await expect(page.getByRole('status').filter({ hasText: 'Langue enregistrée dans votre compte.' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    const after = await queryAsBastien<{ viewer: { account: { language: string } } }>(bastien, '{ viewer { account { language } } }');
    expect(after.viewer.account.language).toBe('FR');
    await page.getByRole('radio', { name: 'English' }).check();
    await expect(page.getByRole('status').filter({ hasText: 'Language saved to your account.' })).toBeVisible();
  } finally {
    await queryAsBastien(bastien, 'mutation($l: Language!) { setLanguage(input: { language: $l }) { id } }', {
      l: before.viewer.account.language,
    });
  }
});

test('the contact administration in French at 360 px', async ({ page, sophie }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await openWith(page, sophie, '/contacts');
  await page.getByRole('button', { name: 'Français' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Contacts' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Changements de rôles à appliquer' })).toBeVisible();
  await expect(page.getByRole('checkbox', { name: 'Chaque contact doit se connecter avec un second facteur' })).toBeVisible();
  await expect(page.locator('.contact-table tbody tr').first()).toBeVisible();
  await expectNoHorizontalScroll(page);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'English' }).click();
});
