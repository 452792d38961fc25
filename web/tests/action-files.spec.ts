import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect, type Browser, type Locator, type Page } from '@playwright/test';
import { expectAccessible, openWith, requestTakenByLionel, test } from './helpers';

/**
 * Files sent with a lifecycle action: Lionel asks a clarification with a file attached through
 * the action dialog; Bastien finds it in the messages and the attachments tab and downloads it
 * (the same bytes); he answers with a file of his own, which Lionel then sees.
 */

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: process.env.PORTAL_URL });
  return context.newPage();
}

/** The request's state, as its header shows it. */
const stateOf = (page: Page) => page.locator('.request-meta .badge').first();

/** The message of `author` whose text contains `text`, in the messages tab. */
function messageWith(page: Page, author: string, text: string): Locator {
  return page
    .getByRole('tabpanel')
    .getByRole('article', { name: new RegExp(`^Message from ${author}`) })
    .filter({ hasText: text });
}

/**
 * Runs a lifecycle action of the request shown through its dialog, with its text and a file
 * chosen in the dialog; the dialog with the file chosen is checked with axe.
 */
async function actWithFile(
  page: Page,
  action: string,
  label: string,
  text: string,
  file: { name: string; mimeType: string; buffer: Buffer },
): Promise<void> {
  await page.getByRole('group', { name: 'Actions' }).getByRole('button', { name: action, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: action });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel(label).fill(text);
  const input = dialog.getByLabel(/^Attach files/);
  await input.setInputFiles(file);
  await expect(input).toHaveJSProperty('files.0.name', file.name);
  await expectAccessible(page);
  await dialog.getByRole('button', { name: action, exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: `Done: ${action}.` })).toBeVisible();
}

/** Downloads the file behind `link` and returns its bytes. */
async function download(page: Page, link: Locator): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), link.click()]);
  const path = await file.path();
  return readFile(path);
}

test('a question and its answer, each with a file sent through the action dialog', async ({ browser, bastien, lionel }) => {
  test.setTimeout(120_000);
  const stamp = Date.now();
  const humanId = await requestTakenByLionel(bastien, lionel, `Licence refusée ${stamp}`);
  const question = `Pouvez-vous appliquer la clé jointe et nous dire ce qui s’affiche ? ${stamp}`;
  const answer = `La clé est refusée ; voici la capture du message. ${stamp}`;
  // Bytes of every value, so any change on the way (encoding, truncation) shows.
  const keyFile = { name: `licence-${stamp}.key`, mimeType: 'application/octet-stream', buffer: randomBytes(48 * 1024) };
  const screenFile = {
    name: `écran-${stamp}.txt`,
    mimeType: 'text/plain',
    buffer: Buffer.from(`Clé refusée : code 0x2A — ${stamp}\n`.repeat(200), 'utf8'),
  };

  const agent = await newPage(browser);
  const customer = await newPage(browser);
  try {
    // Lionel asks his question with the key file attached.
    await openWith(agent, lionel, `/requests/${humanId}`);
    await expect(stateOf(agent)).toHaveText('Support analysis');
    await actWithFile(agent, 'Request clarification', 'Your question', question, keyFile);
    await expect(stateOf(agent)).toHaveText('Customer clarification');
    // His own message lists the file at once, without a reload.
    await agent.getByRole('tab', { name: 'Messages' }).click();
    await expect(messageWith(agent, 'Lionel', question).getByRole('link', { name: keyFile.name })).toBeVisible();
    await expect(agent.getByRole('tab', { name: 'Attachments (1)' })).toBeVisible();

    // Bastien reads the question, finds the file in the message and the attachments tab, and
    // downloads the very bytes Lionel sent.
    await openWith(customer, bastien, `/requests/${humanId}`);
    await expect(stateOf(customer)).toHaveText('Customer clarification');
    await customer.getByRole('tab', { name: 'Messages' }).click();
    const asked = messageWith(customer, 'Lionel', question);
    await expect(asked).toContainText('Request clarification');
    const inMessage = asked.getByRole('link', { name: keyFile.name });
    await expect(inMessage).toBeVisible();
    expect((await download(customer, inMessage)).equals(keyFile.buffer), 'downloaded from the message').toBe(true);
    await customer.getByRole('tab', { name: 'Attachments (1)' }).click();
    const row = customer.getByRole('tabpanel').getByRole('row').filter({ hasText: keyFile.name });
    await expect(row).toContainText('Lionel');
    expect((await download(customer, row.getByRole('link', { name: keyFile.name }))).equals(keyFile.buffer), 'downloaded from the attachments tab').toBe(true);
    await expectAccessible(customer);

    // He answers with a file of his own; his answer lists it at once.
    await customer.getByRole('tab', { name: 'Messages' }).click();
    await actWithFile(customer, 'Clarify', 'Your answer', answer, screenFile);
    await expect(stateOf(customer)).toHaveText('Support analysis');
    await expect(messageWith(customer, 'Bastien', answer).getByRole('link', { name: screenFile.name })).toBeVisible();
    await customer.getByRole('tab', { name: /^Attachments/ }).click();
    await expect(customer.getByRole('tab', { name: 'Attachments (2)' })).toBeVisible();
    await expect(customer.getByRole('tabpanel').getByRole('link', { name: screenFile.name })).toBeVisible();

    // Lionel sees the answer with its file, and gets the same bytes.
    await agent.reload();
    await expect(stateOf(agent)).toHaveText('Support analysis');
    await agent.getByRole('tab', { name: 'Messages' }).click();
    const answered = messageWith(agent, 'Bastien', answer);
    await expect(answered).toContainText('Clarify');
    expect((await download(agent, answered.getByRole('link', { name: screenFile.name }))).equals(screenFile.buffer)).toBe(true);
  } finally {
    await agent.context().close();
    await customer.context().close();
  }
});
