import { expect, type Browser, type Page } from '@playwright/test';
import { expectAccessible, logIn, logInWithCode, test } from './helpers';

/**
 * The worked scenario of the vendor's guide (seeds/000, "Bastien contacte le Support"), with
 * Bastien and Lionel each in a browser of their own at once: Bastien opens a request with a log
 * attached, Lionel takes it and asks a clarification, Bastien clarifies, Lionel proposes the
 * closure with the final answer, Bastien validates it; both see it closed, with every step in
 * the history. The key screens are saved as screenshots among the test's results.
 */

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: process.env.PORTAL_URL });
  return context.newPage();
}

/** Saves a full-page screenshot among the test's results, as `NN-name.png`. */
async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
}

/** The request's state, as its header shows it. */
const stateOf = (page: Page) => page.locator('.request-meta .badge').first();

/** Runs a lifecycle action of the request shown, with its text, through its dialog. */
async function act(page: Page, action: string, label: string, text: string): Promise<void> {
  await page.getByRole('group', { name: 'Actions' }).getByRole('button', { name: action, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: action });
  await expect(dialog).toBeVisible();
  await expectAccessible(page);
  await dialog.getByLabel(label).fill(text);
  await dialog.getByRole('button', { name: action, exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: `Done: ${action}.` })).toBeVisible();
}

test('the guide’s scenario: Bastien asks, Lionel clarifies and answers, Bastien validates the closure', async ({ browser }) => {
  test.setTimeout(240_000);
  const bastien = await newPage(browser);
  const lionel = await newPage(browser);
  const stamp = Date.now();
  const title = `Mise à jour du stock par script ${stamp}`;
  const log = `stock-${stamp}.log`;
  const question = 'Souhaitez-vous faire la mise à jour à la main, par un script ou par l’API ?';
  const answer = 'Par un script : mon responsable confirme qu’il faut passer par un script.';
  const finalAnswer = 'La documentation des méthodes JUEL est dans l’onglet d’aide de Design ; voir la capture.';

  try {
    // Bastien logs in and opens the form; an empty submission lists what is missing.
    await logIn(bastien, 'bastien');
    await bastien.getByRole('link', { name: 'New request' }).click();
    await expect(bastien.getByRole('heading', { level: 1, name: 'New request' })).toBeVisible();
    await shoot(bastien, '01-request-form');
    await expectAccessible(bastien);
    await bastien.getByRole('button', { name: 'Submit the request' }).click();
    const recap = bastien.getByRole('alert');
    await expect(recap.getByRole('link', { name: /^Title:/ })).toBeVisible();
    await shoot(bastien, '02-recap-missing-fields');
    await expectAccessible(bastien);

    // He fills it in as in the guide, attaches his log and submits it.
    await bastien.getByLabel('Category').selectOption('SOFTWARE_USAGE');
    await bastien.getByLabel('Kind').selectOption('HOW_TO');
    await bastien.getByLabel('Urgency').selectOption('MEDIUM');
    await bastien.getByLabel('Title', { exact: true }).fill(title);
    await bastien
      .getByLabel('Description')
      .fill('Je mets à jour le référentiel métier des pièces depuis Design ; comment automatiser la mise à jour du stock ?');
    await bastien.getByLabel('Product or equipment').fill('Iterop Design');
    await bastien.getByLabel('Internal reference (tag)').fill('Script');
    const files = bastien.getByRole('group', { name: 'Files' });
    await files.getByLabel('Add files').setInputFiles({
      name: log,
      mimeType: 'text/plain',
      buffer: Buffer.from('2026-12-06 02:00:01 stock update: 1432 parts read, 0 written (manual step required)\n'),
    });
    await expect(files.getByRole('status')).toHaveText('1 file was attached.');
    await expect(files.getByRole('link', { name: log })).toBeVisible();
    await shoot(bastien, '03-request-form-filled');
    await expectAccessible(bastien);
    await bastien.getByRole('button', { name: 'Submit the request' }).click();
    await expect(bastien).toHaveURL(/\/requests\/SR-\d{4}-\d{6}$/);
    const humanId = new URL(bastien.url()).pathname.split('/').pop() ?? '';
    await expect(bastien.getByRole('heading', { level: 1, name: title })).toBeVisible();
    await expect(stateOf(bastien)).toHaveText('Support analysis');
    await bastien.getByRole('tab', { name: /Attachments/ }).click();
    await expect(bastien.getByRole('tabpanel').getByRole('link', { name: log })).toBeVisible();
    await shoot(bastien, '04-bastien-request-submitted');
    await expectAccessible(bastien);

    // Lionel, with his second factor, finds it among the unassigned requests and takes it.
    await logInWithCode(lionel, 'lionel');
    await lionel.getByRole('link', { name: /Unassigned/ }).click();
    await expect(lionel).toHaveURL(/queue=UNASSIGNED/);
    await expect(lionel.getByRole('link', { name: humanId })).toBeVisible();
    await shoot(lionel, '05-lionel-unassigned-list');
    await expectAccessible(lionel);
    await lionel.getByRole('link', { name: humanId }).click();
    await expect(lionel.getByRole('heading', { level: 1, name: title })).toBeVisible();
    await expect(lionel.getByText('Support agent: Not assigned yet')).toBeVisible();
    await lionel.getByRole('group', { name: 'Support' }).getByRole('button', { name: 'Take' }).click();
    await expect(lionel.getByRole('status').filter({ hasText: 'You took this request.' })).toBeVisible();
    await expect(lionel.getByText(/^Support agent: Lionel/)).toBeVisible();

    // He does not know how Bastien wants to do it: he asks.
    await act(lionel, 'Request clarification', 'Your question', question);
    await expect(stateOf(lionel)).toHaveText('Customer clarification');
    await shoot(lionel, '06-lionel-clarification-asked');
    await expectAccessible(lionel);

    // Bastien sees the question after a reload and clarifies.
    await bastien.reload();
    await expect(stateOf(bastien)).toHaveText('Customer clarification');
    await bastien.getByRole('tab', { name: 'Messages' }).click();
    await expect(bastien.getByRole('tabpanel')).toContainText(question);
    await shoot(bastien, '07-bastien-to-clarify');
    await expectAccessible(bastien);
    await act(bastien, 'Clarify', 'Your answer', answer);
    await expect(stateOf(bastien)).toHaveText('Support analysis');

    // Lionel sees the answer and proposes the closure with the final answer.
    await lionel.reload();
    await expect(stateOf(lionel)).toHaveText('Support analysis');
    await lionel.getByRole('tab', { name: 'Messages' }).click();
    await expect(lionel.getByRole('tabpanel')).toContainText(answer);
    await act(lionel, 'Propose a solution', 'Final answer', finalAnswer);
    await expect(stateOf(lionel)).toHaveText('Solution proposed');
    await shoot(lionel, '08-lionel-solution-proposed');

    // Bastien reads it and validates the closure.
    await bastien.reload();
    await expect(stateOf(bastien)).toHaveText('Solution proposed');
    await bastien.getByRole('tab', { name: 'Messages' }).click();
    await expect(bastien.getByRole('tabpanel')).toContainText(finalAnswer);
    await shoot(bastien, '09-bastien-to-validate');
    await expectAccessible(bastien);
    await act(bastien, 'Validate', 'Comment', 'Le script fonctionne, merci !');
    await expect(stateOf(bastien)).toHaveText('Closed');

    // Both see it closed, and the history lists every step.
    await lionel.reload();
    await expect(stateOf(lionel)).toHaveText('Closed');
    for (const page of [bastien, lionel]) {
      await page.getByRole('tab', { name: 'History' }).click();
      const history = page.getByRole('tabpanel');
      for (const step of [
        'Created as Draft',
        'State changed from Draft to Support analysis',
        'Assignment changed',
        'State changed from Support analysis to Customer clarification',
        'State changed from Customer clarification to Support analysis',
        'State changed from Support analysis to Solution proposed',
        'State changed from Solution proposed to Closed',
      ]) {
        await expect(history, step).toContainText(step);
      }
    }
    await shoot(bastien, '10-bastien-closed-history');
    await expectAccessible(bastien);
    await shoot(lionel, '11-lionel-closed-history');
    await expectAccessible(lionel);

    // The closed request is among Bastien's closed ones; its contacts tab names both.
    await bastien.getByRole('tab', { name: 'Contacts' }).click();
    await expect(bastien.getByRole('tabpanel')).toContainText('Lionel');
    await shoot(bastien, '12-bastien-request-contacts');
    await expectAccessible(bastien);
    await bastien.goto('/requests?queue=CLOSED&scope=PERSONAL');
    await expect(bastien.getByRole('link', { name: humanId })).toBeVisible();
    await expectAccessible(bastien);
  } finally {
    await bastien.context().close();
    await lionel.context().close();
  }
});
