import { randomBytes } from 'node:crypto';
import { expect, type Locator, type Page } from '@playwright/test';
import { expectAccessible, openAsBastien, openWith, requestTakenByLionel, test } from './helpers';

/**
 * The upload progress bar: with the browser's uploads throttled (Chromium's network emulation,
 * through CDP), a file of a few megabytes takes seconds to send, so the bar is seen rising,
 * then gone once the file is listed: on the new-request form, with a message, and in a lifecycle
 * action's dialog. The portal allows 25 MiB per file; these send 4 MiB.
 */

const SIZE = 4 * 1024 * 1024;
/** Bytes per second: about 8 seconds for SIZE. */
const UPLOAD_THROUGHPUT = 512 * 1024;

/** Throttles the page's uploads (downloads and latency untouched). */
async function throttleUploads(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: UPLOAD_THROUGHPUT,
  });
}

/**
 * Records every value any <progress> of the page shows (in `window.progressValues`), so the
 * whole course of an upload can be checked afterwards whatever the timing.
 */
async function recordProgress(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: number[] = [];
    (window as unknown as { progressValues: number[] }).progressValues = seen;
    const note = () => {
      for (const bar of document.querySelectorAll('progress')) {
        if (seen[seen.length - 1] !== bar.value) seen.push(bar.value);
      }
    };
    new MutationObserver(note).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['value'] });
  });
}

const progressValues = (page: Page) => page.evaluate(() => (window as unknown as { progressValues: number[] }).progressValues.slice());

/**
 * While an upload runs: the labelled bar is there, its value rises, and the file input waits
 * (disabled); `during` runs meanwhile. Afterwards the bar is gone and every value seen went up
 * from one to the next.
 */
async function expectRisingProgress(page: Page, scope: Locator, input: Locator, during?: () => Promise<void>): Promise<void> {
  const bar = scope.getByRole('progressbar', { name: 'Sending the files' });
  await expect(bar).toBeVisible();
  await expect(input).toBeDisabled();
  const value = () => bar.evaluate((p: HTMLProgressElement) => p.value);
  const first = await value();
  expect(first).toBeLessThan(100);
  await expect.poll(value, { message: 'the bar rises', intervals: [100] }).toBeGreaterThan(first);
  await during?.();
  await expect(bar).toBeHidden({ timeout: 30_000 });
  const values = await progressValues(page);
  expect(values.filter((v) => v > 0 && v < 100).length, `values seen: ${values.join(', ')}`).toBeGreaterThanOrEqual(2);
  for (let i = 1; i < values.length; i++) expect(values[i]!, `values seen: ${values.join(', ')}`).toBeGreaterThanOrEqual(values[i - 1]!);
}

test('a large file on the new-request form shows a rising progress bar, then is listed', async ({ page, bastien }) => {
  test.setTimeout(90_000);
  await recordProgress(page);
  await openAsBastien(page, bastien, '/requests/new');
  await expect(page.getByRole('heading', { level: 1, name: 'New request' })).toBeVisible();
  await page.getByLabel('Title', { exact: true }).fill(`Large capture ${Date.now()}`);
  await throttleUploads(page);
  const files = page.getByRole('group', { name: 'Files' });
  const input = files.getByLabel('Add files');
  const name = `capture-${Date.now()}.bin`;
  await input.setInputFiles({ name, mimeType: 'application/octet-stream', buffer: randomBytes(SIZE) });
  // The page with the bar showing has no serious accessibility problem either.
  await expectRisingProgress(page, files, input, () => expectAccessible(page));
  await expect(input).toBeEnabled();
  await expect(files.getByRole('status')).toHaveText('1 file was attached.');
  await expect(files.getByRole('link', { name })).toBeVisible();
  await expect(files.getByRole('listitem').filter({ hasText: name })).toContainText('4 MB');
});

test('a large file sent with a message shows a rising progress bar, then is listed', async ({ page, bastien }) => {
  test.setTimeout(90_000);
  await recordProgress(page);
  await openAsBastien(page, bastien, '/requests?queue=ACTIVE&scope=PERSONAL&state=SUPPORT_ANALYSIS');
  await page.getByRole('link', { name: /^SR-/ }).first().click();
  await page.getByRole('button', { name: 'Add a message' }).click();
  const form = page.locator('form.add-message');
  const text = `The whole export, as asked. ${Date.now()}`;
  const name = `export-${Date.now()}.bin`;
  await form.getByRole('textbox', { name: 'Message' }).fill(text);
  const input = form.getByLabel(/^Attach files/);
  await input.setInputFiles({ name, mimeType: 'application/octet-stream', buffer: randomBytes(SIZE) });
  await throttleUploads(page);
  await form.getByRole('button', { name: 'Send the message' }).click();
  await expectRisingProgress(page, form, input);
  await expect(input).toBeEnabled();
  await expect(page.getByText('Your message was added.')).toBeVisible();
  await expect(form.getByRole('textbox', { name: 'Message' })).toHaveValue('');
  const message = page.getByRole('tabpanel').getByRole('article', { name: /^Message from Bastien/ }).filter({ hasText: text });
  await expect(message.getByRole('link', { name })).toBeVisible();
  await page.getByRole('tab', { name: /Attachments/ }).click();
  await expect(page.getByRole('tabpanel').getByRole('link', { name })).toBeVisible();
});

test('a large file sent with a lifecycle action shows a rising progress bar in its dialog', async ({ page, bastien, lionel }) => {
  test.setTimeout(90_000);
  const humanId = await requestTakenByLionel(bastien, lionel, `Large log for the support ${Date.now()}`);
  await recordProgress(page);
  await openWith(page, lionel, `/requests/${humanId}`);
  await page.getByRole('group', { name: 'Actions' }).getByRole('button', { name: 'Request clarification', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Request clarification' });
  const question = `Does this trace match what you see? ${Date.now()}`;
  const name = `trace-${Date.now()}.bin`;
  await dialog.getByLabel('Your question').fill(question);
  const input = dialog.getByLabel(/^Attach files/);
  await input.setInputFiles({ name, mimeType: 'application/octet-stream', buffer: randomBytes(SIZE) });
  await throttleUploads(page);
  await dialog.getByRole('button', { name: 'Request clarification', exact: true }).click();
  // The dialog with the bar showing has no serious accessibility problem either.
  await expectRisingProgress(page, dialog, input, () => expectAccessible(page));
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'Done: Request clarification.' })).toBeVisible();
  await page.getByRole('tab', { name: 'Messages' }).click();
  const message = page.getByRole('tabpanel').getByRole('article', { name: /^Message from Lionel/ }).filter({ hasText: question });
  await expect(message.getByRole('link', { name })).toBeVisible();
});
