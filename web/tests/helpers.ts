import { createHash, createHmac } from 'node:crypto';
import { AxeBuilder } from '@axe-core/playwright';
import { test as base, expect, type APIRequestContext, type Cookie, type Page } from '@playwright/test';

export const PASSWORD = 'demo-portal-2026';

/** The demo TOTP secret of a login: the first 20 bytes of SHA-256("demo-totp:" + login). */
export function demoSecret(login: string): Buffer {
  return createHash('sha256').update(`demo-totp:${login}`).digest().subarray(0, 20);
}

/** RFC 6238 (SHA-1, 6 digits, 30 s) for a time step. */
export function totp(secret: Buffer, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

const usedSteps = new Map<string, number>();

/**
 * A code for `login` that was not used yet in this run: a code works once per 30-second step
 * per account, so this waits for the next step when the current one was used.
 */
export async function freshCode(login: string): Promise<string> {
  let step = Math.floor(Date.now() / 30_000);
  const last = usedSteps.get(login);
  if (last !== undefined && step <= last) {
    const wait = (last + 1) * 30_000 - Date.now() + 200;
    await new Promise((resolve) => setTimeout(resolve, wait));
    step = Math.floor(Date.now() / 30_000);
  }
  usedSteps.set(login, step);
  return totp(demoSecret(login), step);
}

/** Pins the page language (the demo accounts' own language would otherwise apply). */
export async function useLanguage(page: Page, lang: 'en' | 'fr'): Promise<void> {
  await page.addInitScript((l) => {
    if (!sessionStorage.getItem('test.lang-set')) {
      localStorage.setItem('portal.language', l);
      sessionStorage.setItem('test.lang-set', '1');
    }
  }, lang);
}

/** Fills the login form on the page shown (which must be the login page). */
export async function fillPassword(page: Page, login: string, password = PASSWORD): Promise<void> {
  await page.getByLabel('Login or e-mail address').fill(login);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** Logs a person without a second factor in from the login page, in English. */
export async function logIn(page: Page, login: string, next = '/requests'): Promise<void> {
  await useLanguage(page, 'en');
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await fillPassword(page, login);
  await expect(page).toHaveURL(new RegExp(`${next.replace(/[?]/g, '\\?')}`));
}

/** Fails on any axe violation of impact serious or critical on the page as it is. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
  ).toEqual([]);
}

/** No horizontal scrolling: the document is no wider than the viewport. */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll, 'page wider than the viewport').toBeLessThanOrEqual(client);
}

/**
 * The tests' own `test`: adds a worker-wide session of Bastien's, opened once through the API
 * with the cookie delivery, so tests that are not about logging in do not spend password checks
 * (an account gets at most 100 an hour, and a client address 30 a minute).
 */
export const test = base.extend<object, { bastien: { api: APIRequestContext; cookies: Cookie[] } }>({
  bastien: [
    async ({ playwright }, use) => {
      const api = await playwright.request.newContext({
        baseURL: process.env.PORTAL_URL,
        extraHTTPHeaders: { accept: 'application/graphql-response+json' },
      });
      const answer = await api.post('/graphql', {
        data: {
          query: 'mutation($input: LoginInput!) { login(input: $input) { status } }',
          variables: { input: { login: 'bastien', password: PASSWORD, delivery: 'COOKIE' } },
        },
      });
      const body = (await answer.json()) as { data?: { login?: { status?: string } } };
      if (body.data?.login?.status !== 'SIGNED_IN') throw new Error(`Bastien's login failed: ${JSON.stringify(body)}`);
      const { cookies } = await api.storageState();
      await use({ api, cookies });
      await api.dispose();
    },
    { scope: 'worker' },
  ],
});

/** Opens `next` as Bastien (the worker's session), in English. */
export async function openAsBastien(
  page: Page,
  bastien: { cookies: Cookie[] },
  next = '/requests',
): Promise<void> {
  await useLanguage(page, 'en');
  await page.context().addCookies(bastien.cookies);
  await page.goto(next);
  await expect(page.getByRole('banner')).toContainText('Bastien');
}

/** Runs a query with Bastien's session through the API. */
export async function queryAsBastien<T>(
  bastien: { api: APIRequestContext },
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const answer = await bastien.api.post('/graphql', { data: { query, variables } });
  const body = (await answer.json()) as { data: T; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** The human ID of one of Bastien's submitted, open requests. */
export async function bastienRequestId(bastien: { api: APIRequestContext }): Promise<string> {
  const data = await queryAsBastien<{ requests: { edges: { node: { humanId: string } }[] } }>(
    bastien,
    '{ requests(queue: ACTIVE, scope: PERSONAL, first: 1) { edges { node { humanId } } } }',
  );
  const humanId = data.requests.edges[0]?.node.humanId;
  if (!humanId) throw new Error('Bastien has no active request in the demo data');
  return humanId;
}
