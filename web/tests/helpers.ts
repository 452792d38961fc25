import { createHash, createHmac } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * The last step used per login, kept in a file: Playwright starts a new worker process after a
 * failed test, and a later run may come within the same 30 s, so memory alone would reuse a
 * code (and a refused code counts against the account's 10 second-factor failures a day).
 */
const STEPS_FILE = join(tmpdir(), `portal-tests-totp-${new URL(process.env.PORTAL_URL ?? 'http://x').port || 'default'}.json`);

function usedSteps(): Record<string, number> {
  try {
    return JSON.parse(readFileSync(STEPS_FILE, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

/**
 * A code for `login` that was not used yet: a code works once per 30-second step per account,
 * so this waits for the next step when the current one was used.
 */
export async function freshCode(login: string): Promise<string> {
  let step = Math.floor(Date.now() / 30_000);
  const last = usedSteps()[login];
  if (last !== undefined && step <= last) {
    const wait = (last + 1) * 30_000 - Date.now() + 200;
    await new Promise((resolve) => setTimeout(resolve, wait));
    step = Math.floor(Date.now() / 30_000);
  }
  writeFileSync(STEPS_FILE, JSON.stringify({ ...usedSteps(), [login]: step }));
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
export interface WorkerSession {
  api: APIRequestContext;
  cookies: Cookie[];
}

/** Opens a session through the API (password, then a fresh TOTP code), with the cookie delivery. */
async function apiSessionWithCode(
  playwright: { request: { newContext: (o: object) => Promise<APIRequestContext> } },
  login: string,
): Promise<WorkerSession> {
  const api = await playwright.request.newContext({
    baseURL: process.env.PORTAL_URL,
    extraHTTPHeaders: { accept: 'application/graphql-response+json' },
  });
  const first = await api.post('/graphql', {
    data: {
      query: 'mutation($input: LoginInput!) { login(input: $input) { status challenge } }',
      variables: { input: { login, password: PASSWORD, delivery: 'COOKIE' } },
    },
  });
  const body = (await first.json()) as { data?: { login?: { challenge?: string } } };
  const challenge = body.data?.login?.challenge;
  if (!challenge) throw new Error(`${login}'s login failed: ${JSON.stringify(body)}`);
  const second = await api.post('/graphql', {
    data: {
      query: 'mutation($input: CompleteLoginInput!) { completeLogin(input: $input) { __typename } }',
      variables: { input: { challenge, code: await freshCode(login), delivery: 'COOKIE' } },
    },
  });
  const done = (await second.json()) as { errors?: unknown };
  if (done.errors) throw new Error(`${login}'s second factor failed: ${JSON.stringify(done.errors)}`);
  const { cookies } = await api.storageState();
  return { api, cookies };
}

type SessionFixture = [
  (args: { playwright: Parameters<typeof apiSessionWithCode>[0] }, use: (s: WorkerSession) => Promise<void>) => Promise<void>,
  { scope: 'worker'; timeout: number },
];

function sessionWithCode(login: string): SessionFixture {
  return [
    async ({ playwright }: { playwright: Parameters<typeof apiSessionWithCode>[0] }, use: (s: WorkerSession) => Promise<void>) => {
      const session = await apiSessionWithCode(playwright, login);
      await use(session);
      await session.api.dispose();
    },
    // A code may have to wait for the next 30-second step.
    { scope: 'worker', timeout: 60_000 },
  ];
}

export const test = base.extend<
  object,
  { bastien: WorkerSession; sophie: WorkerSession; lionel: WorkerSession; manon: WorkerSession; operator: WorkerSession }
>({
  operator: sessionWithCode('operator'),
  sophie: sessionWithCode('sophie'),
  lionel: sessionWithCode('lionel'),
  manon: sessionWithCode('manon'),
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

/** Opens `next` with a worker's session, in English. */
export async function openWith(page: Page, session: { cookies: Cookie[] }, next: string): Promise<void> {
  await useLanguage(page, 'en');
  await page.context().addCookies(session.cookies);
  await page.goto(next);
  await expect(page.getByRole('banner').getByRole('button', { name: 'Log out' })).toBeVisible();
}

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

/** Runs a GraphQL operation with a worker's session through the API, failing on any error. */
export async function gqlAs<T>(session: { api: APIRequestContext }, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const answer = await session.api.post('/graphql', { data: { query, variables } });
  const body = (await answer.json()) as { data: T; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
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

/** Logs a person with a second factor in from the login page (password, then a fresh code), in English. */
export async function logInWithCode(page: Page, login: string, next = '/requests'): Promise<void> {
  await useLanguage(page, 'en');
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await fillPassword(page, login);
  await page.getByLabel('Code from your authenticator app').fill(await freshCode(login));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(new RegExp(`${next.replace(/[?]/g, '\\?')}`));
}

/** Runs a GraphQL operation with the page's session (its cookies), failing on any error. */
export async function gql<T>(page: Page, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const answer = await page.request.post('/graphql', {
    data: { query, variables },
    headers: { accept: 'application/graphql-response+json' },
  });
  const body = (await answer.json()) as { data: T; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Quoted-printable text decoded (soft line breaks and `=XX` bytes, as UTF-8). */
function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(joined[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * The link of kind `setup` or `reset` in the newest mail to `address` in PORTAL_MAIL_DIR (the
 * portal writes mails there as .eml files), waiting for the mail worker; its origin is replaced
 * by PORTAL_URL.
 */
export async function mailedLink(address: string, kind: 'setup' | 'reset', after = 0): Promise<string> {
  const dir = process.env.PORTAL_MAIL_DIR;
  if (!dir) throw new Error('Set PORTAL_MAIL_DIR to the folder the portal writes mails into');
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    // The folder appears with the portal's first mail.
    const files = (existsSync(dir) ? readdirSync(dir) : [])
      .filter((f) => f.endsWith('.eml'))
      .map((f) => join(dir, f))
      .filter((f) => statSync(f).mtimeMs >= after)
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
    for (const file of files) {
      const text = decodeQuotedPrintable(readFileSync(file, 'utf8'));
      if (!text.toLowerCase().includes(`<${address.toLowerCase()}>`)) continue;
      const match = text.match(new RegExp(`https?://[^\\s"'<>]+/account/${kind}#token=[A-Za-z0-9_-]+`));
      if (match) {
        const link = new URL(match[0]);
        return `${process.env.PORTAL_URL?.replace(/\/$/, '')}${link.pathname}${link.hash}`;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no ${kind} mail to ${address} in ${dir}`);
}

/**
 * Opens an app path such as `/account/setup#token=…`. Should the portal answer that path with a
 * page of its own, the app is opened at `/login` and routed there on the client instead.
 */
export async function openAppPath(page: Page, url: string): Promise<void> {
  await page.goto(url);
  if ((await page.getByRole('link', { name: 'Skip to content' }).count()) > 0) return;
  const target = new URL(url, process.env.PORTAL_URL);
  await page.goto('/login');
  await page.evaluate((path) => {
    window.history.pushState(null, '', path);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, `${target.pathname}${target.search}${target.hash}`);
}

export const NEW_PASSWORD = 'amber kettle drifts over quiet harbours';

/**
 * A new contact of Sophie's company whose account is set up (through the welcome mail's token,
 * by the API) with NEW_PASSWORD; returns its e-mail address, which is also its login.
 */
export async function newActiveAccount(sophie: WorkerSession, firstName: string, lastName: string): Promise<string> {
  const email = `${firstName.toLowerCase()}.${Date.now()}@pieces-auto.example`;
  const added = await sophie.api.post('/graphql', {
    data: {
      query: 'mutation($i: AddContactInput!) { addContact(input: $i) { contact { id } } }',
      variables: { i: { firstName, lastName, email } },
    },
  });
  if (!((await added.json()) as { data?: { addContact?: { contact?: unknown } } }).data?.addContact?.contact)
    throw new Error('addContact failed');
  const token = new URL(await mailedLink(email, 'setup')).hash.replace(/^#token=/, '');
  const activated = await sophie.api.post('/graphql', {
    data: {
      query: 'mutation($i: LinkPasswordInput!) { activateAccount(input: $i) { done problems { reason } } }',
      variables: { i: { token, password: NEW_PASSWORD } },
    },
  });
  const body = (await activated.json()) as { data?: { activateAccount?: { done?: boolean } } };
  if (!body.data?.activateAccount?.done) throw new Error(`activateAccount failed: ${JSON.stringify(body)}`);
  return email;
}

/** Base32 (RFC 4648, no padding needed) to bytes. */
export function base32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** A code of `secret` for a step later than `after` (waiting for it); returns the code and its step. */
export async function codeAfter(secret: Buffer, after: number): Promise<{ code: string; step: number }> {
  let step = Math.floor(Date.now() / 30_000);
  if (step <= after) {
    await new Promise((resolve) => setTimeout(resolve, (after + 1) * 30_000 - Date.now() + 200));
    step = Math.floor(Date.now() / 30_000);
  }
  return { code: totp(secret, step), step };
}

/** A submitted request of Bastien's (made through the API), taken by Lionel; returns its human ID. */
export async function requestTakenByLionel(bastien: WorkerSession, lionel: WorkerSession, title: string): Promise<string> {
  const saved = await gqlAs<{ saveRequestDraft: { request: { id: string; version: number } } }>(
    bastien,
    'mutation($i: SaveRequestDraftInput!) { saveRequestDraft(input: $i) { request { id version } } }',
    { i: { form: { category: 'LICENSE_KEYS', urgency: 'LOW', title, description: 'Made by the browser tests.' } } },
  );
  const { id, version } = saved.saveRequestDraft.request;
  const submitted = await gqlAs<{ submitRequest: { request: { humanId: string; version: number } | null; problems: unknown[] } }>(
    bastien,
    'mutation($i: SubmitRequestInput!) { submitRequest(input: $i) { request { humanId version } problems { field } } }',
    { i: { requestId: id, version } },
  );
  const request = submitted.submitRequest.request;
  if (!request) throw new Error(JSON.stringify(submitted.submitRequest.problems));
  await gqlAs(lionel, 'mutation($i: AssignRequestInput!) { assignRequest(input: $i) { request { id } } }', {
    i: { requestId: id },
  });
  return request.humanId;
}
