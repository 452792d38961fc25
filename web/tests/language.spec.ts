import { expect } from '@playwright/test';
import { openAsBastien, test, useLanguage } from './helpers';

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
