// The web app's first screen, from a cold browser cache on loopback: `bench/run web [--rounds N]`.
//
// Starts the release portal (which embeds web/dist) with the demo data on a temporary SQLite
// database, then, for each round, starts a fresh headless Chromium (an empty cache) and opens
// `/login`, timing until the login form is interactive (React has rendered it and its fields
// take input). The floor, in the same rounds: the same fresh browser opening a tiny page
// of the same server (`/healthz`). Also prints the JavaScript the first screen loads, raw and
// gzipped. Goal (issue 16): interactive in under 1 s, JavaScript under 250 KB gzipped.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { gzipSync } from 'node:zlib';

const require = createRequire(new URL('../web/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const args = process.argv.slice(2);
const rounds = Number(args[args.indexOf('--rounds') + 1] || 0) || 10;
const portal = process.env.BENCH_PORTAL;
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!portal) throw new Error('BENCH_PORTAL is not set (bench/run sets it)');

const dataDir = mkdtempSync(join(tmpdir(), 'portal-web-bench-'));
const server = spawn(portal, ['--data-dir', dataDir, 'serve', '--demo', '--bind', '127.0.0.1:0'], {
  stdio: ['ignore', 'pipe', 'ignore'],
});
const base = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: server.stdout });
  lines.on('line', (line) => {
    const match = line.match(/^portal listening on (\S+)/);
    if (match) resolve(match[1]);
  });
  server.on('exit', (code) => reject(new Error(`portal exited with ${code}`)));
});

async function coldOpen(path, ready) {
  const browser = await chromium.launch({ executablePath, headless: true });
  try {
    const page = await browser.newPage();
    const scripts = [];
    page.on('response', async (response) => {
      if (response.request().resourceType() === 'script') scripts.push(await response.body());
    });
    await page.goto(base + path, { waitUntil: 'commit' });
    await ready(page);
    const ms = await page.evaluate(() => performance.now());
    return { ms, scripts };
  } finally {
    await browser.close();
  }
}

// The app renders in the browser (no server rendering): once React has drawn the form, its
// fields take input.
const loginReady = async (page) => {
  await page.locator('form input:enabled').first().waitFor({ state: 'visible' });
  await page.locator('input[type=password]:enabled').waitFor({ state: 'visible' });
};
const floorReady = async (page) => {
  await page.waitForLoadState('load');
};

const app = [];
const floor = [];
let scripts = [];
try {
  for (let round = 0; round < rounds; round++) {
    // Alternate which goes first, so neither always meets a warmer machine.
    const order = round % 2 === 0 ? ['app', 'floor'] : ['floor', 'app'];
    for (const which of order) {
      if (which === 'app') {
        const result = await coldOpen('/login', loginReady);
        app.push(result.ms);
        scripts = result.scripts;
      } else {
        floor.push((await coldOpen('/healthz', floorReady)).ms);
      }
    }
  }
} finally {
  server.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `${sorted[0].toFixed(0)} / ${at(0.5).toFixed(0)} / ${sorted[sorted.length - 1].toFixed(0)} ms`;
};
const raw = scripts.reduce((sum, body) => sum + body.length, 0);
const gzipped = scripts.reduce((sum, body) => sum + gzipSync(body, { level: 9 }).length, 0);

console.log(`| page (cold cache, fresh Chromium, ${rounds} rounds) | min / median / max |`);
console.log('| --- | ---: |');
console.log(`| /login until its form is interactive | ${stats(app)} |`);
console.log(`| floor: /healthz (plain text) until loaded | ${stats(floor)} |`);
console.log('');
console.log(`JavaScript of the first screen: ${scripts.length} files, ${(raw / 1024).toFixed(1)} KiB raw, ${(gzipped / 1024).toFixed(1)} KiB gzipped`);
