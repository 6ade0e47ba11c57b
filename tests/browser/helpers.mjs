// Shared pieces of the browser suite: the release binary, building the example site, a small
// static file server, launching Chromium, crawling the built site, the axe scan, screenshots,
// and for the kiosk: starting it, opening the adviser's diary and filling in its forms.
//
// Paths can be overridden with environment variables:
//   SIGNPOST_BIN      the signpost binary (default: target/release/signpost)
//   CHROMIUM_PATH     the Chromium executable (default: /usr/bin/chromium)

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, createReadStream } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { after, before } from 'node:test';

import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SIGNPOST_BIN =
  process.env.SIGNPOST_BIN || path.join(REPO_ROOT, 'target', 'release', 'signpost');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'tests', 'browser', 'screenshots');

/** WCAG 2.2 AA, as axe tags it: every A and AA rule from 2.0, 2.1 and 2.2. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export const VIEWPORTS = {
  narrow: { width: 320, height: 640 },
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 900 },
};

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Makes a fresh temporary folder; the caller removes it with `removeDir`. */
export function makeTempDir(prefix = 'signpost-browser-') {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function removeDir(dir) {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

function requireBinary() {
  if (!existsSync(SIGNPOST_BIN)) {
    throw new Error(
      `signpost binary not found at ${SIGNPOST_BIN}: run \`cargo build --release\` first ` +
        '(scripts/test does this)',
    );
  }
}

/**
 * Builds the example site at the repository root (signpost.toml + content/) with the release
 * binary into a new temporary folder and returns that folder.
 */
export function buildSite() {
  requireBinary();
  const out = makeTempDir('signpost-site-');
  const result = spawnSync(SIGNPOST_BIN, ['build', '--out', out], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    removeDir(out);
    throw new Error(
      `\`signpost build --out ${out}\` exited with ${result.status}\n` +
        `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
  if (!existsSync(path.join(out, 'index.html'))) {
    throw new Error(`signpost build wrote no index.html into ${out}`);
  }
  return out;
}

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.ics': 'text/calendar; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * Maps a request path to a file under `root`, or null when it is outside `root`, malformed or
 * missing. Folders serve their index.html.
 */
export function resolveStaticPath(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const base = path.resolve(root);
  const target = path.resolve(base, '.' + path.posix.normalize('/' + decoded));
  if (target !== base && !target.startsWith(base + path.sep)) return null;
  let file = target;
  try {
    if (statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!statSync(file).isFile()) return null;
  } catch {
    return null;
  }
  return file;
}

/**
 * Serves `root` on 127.0.0.1 at a free port. Returns { url, port, notFound, close }; `notFound`
 * lists every path that was answered with 404.
 */
export async function serveStatic(root) {
  const notFound = [];
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const file = resolveStaticPath(root, req.url || '/');
    if (!file) {
      notFound.push(req.url);
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    notFound,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort() {
  const srv = createNetServer();
  await new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/** Launches headless Chromium; fails loudly when it is not installed. */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium package ` +
        '(scripts/test does this)',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** Opens a page in a new context of the given viewport (default: desktop). */
export async function newPage(browser, viewport = VIEWPORTS.desktop, options = {}) {
  const context = await browser.newContext({ viewport, ...options });
  const page = await context.newPage();
  return page;
}

export async function closePage(page) {
  await page.context().close();
}

/** The page's path relative to the site root, e.g. "programme/year-7.html". */
export function sitePath(siteUrl, pageUrl) {
  const rel = pageUrl.slice(siteUrl.length);
  return rel === '' ? 'index.html' : rel;
}

function isPagePath(pathname) {
  return pathname.endsWith('/') || pathname.endsWith('.html') || pathname.endsWith('.htm');
}

/**
 * Crawls the site served at `siteUrl` from index.html, following every link that stays inside
 * it. Returns
 *   pages:    URLs of the HTML pages reached (index.html first), without fragments
 *   files:    other same-site URLs linked (downloads, sitemap), each fetched once
 *   links:    { from, href, url, pathname, hash } for every same-site link found; `url` has
 *             no fragment or query and ends in index.html where the link named a folder
 *   broken:   { from, href, status } for links whose target did not load
 *   anchors:  { from, href } for links to a #fragment that is not on the target page
 *   errors:   { page, message } for uncaught script errors and failed sub-resources
 */
export async function crawlSite(browser, siteUrl) {
  const page = await newPage(browser);
  const start = new URL('index.html', siteUrl).href;
  const queue = [start];
  const seen = new Set(queue);
  const pages = [];
  const files = [];
  const links = [];
  const broken = [];
  const errors = [];
  const idsByPage = new Map();
  const statusByUrl = new Map();
  let current = start;

  page.on('pageerror', (err) => errors.push({ page: current, message: String(err) }));
  page.on('requestfailed', (req) =>
    errors.push({ page: current, message: `${req.url()} failed: ${req.failure()?.errorText}` }),
  );
  page.on('response', (res) => {
    if (res.status() >= 400 && res.request().resourceType() !== 'document') {
      errors.push({ page: current, message: `${res.url()} answered ${res.status()}` });
    }
  });

  try {
    while (queue.length > 0) {
      const url = queue.shift();
      current = url;
      const response = await page.goto(url, { waitUntil: 'load' });
      const status = response ? response.status() : 0;
      statusByUrl.set(url, status);
      if (status !== 200) continue;
      pages.push(url);
      const found = await page.$$eval('a[href], area[href]', (els) =>
        els.map((a) => ({ href: a.getAttribute('href'), url: a.href })),
      );
      idsByPage.set(
        url,
        new Set(await page.$$eval('[id], a[name]', (els) => els.map((e) => e.id || e.name))),
      );
      for (const { href, url: abs } of found) {
        const target = new URL(abs);
        if (!abs.startsWith(siteUrl)) continue; // other sites, mailto:, tel:
        const hash = target.hash ? decodeURIComponent(target.hash.slice(1)) : '';
        target.hash = '';
        target.search = '';
        const pathname = target.pathname;
        if (target.pathname.endsWith('/')) target.pathname += 'index.html';
        const clean = target.href;
        links.push({ from: url, href, url: clean, pathname, hash });
        if (seen.has(clean)) continue;
        seen.add(clean);
        if (isPagePath(pathname)) {
          queue.push(clean);
        } else {
          files.push(clean);
        }
      }
    }
  } finally {
    await closePage(page);
  }

  for (const url of files) {
    const res = await fetch(url, { method: 'GET' });
    await res.arrayBuffer();
    statusByUrl.set(url, res.status);
  }

  for (const link of links) {
    const status = statusByUrl.get(link.url);
    if (status !== 200) broken.push({ from: link.from, href: link.href, status });
  }
  const anchors = links
    .filter((l) => l.hash && idsByPage.has(l.url) && !idsByPage.get(l.url).has(l.hash))
    .map((l) => ({ from: l.from, href: l.href }));

  return { pages, files, links, broken, anchors, errors };
}

/** Runs axe with the WCAG 2.2 AA tags and returns its violations. */
export async function axeViolations(page) {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  return results.violations;
}

/** Fails with every violation listed when axe finds any on the page as it is now. */
export async function assertNoAxeViolations(page, pageName) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], formatViolations(pageName, violations));
}

/** One readable block per violation: page, rule, impact, help and every element it names. */
export function formatViolations(pageName, violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => {
          const target = n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(', ');
          const why = (n.failureSummary || '').split('\n').slice(1).join(' ').trim();
          return `      - ${target}${why ? `\n        ${why}` : ''}`;
        })
        .join('\n');
      return `  ${pageName}: [${v.id}] (${v.impact}) ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

/**
 * How wide the page is compared with its viewport: { width, limit, wide }, where `wide` names
 * the deepest elements that reach past the right edge, by their box or by their own content
 * (a long word in a heading, say). The page scrolls sideways when width > limit.
 */
export async function sidewaysOverflow(page) {
  return page.evaluate(() => {
    const limit = document.documentElement.clientWidth;
    const width = document.documentElement.scrollWidth;
    if (width <= limit) return { width, limit, wide: [] };
    const found = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const spills =
        el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible';
      if (r.right > limit + 0.5 || (spills && r.left + el.scrollWidth > limit + 0.5)) found.push(el);
    }
    const deepest = found.filter((el) => !found.some((o) => o !== el && el.contains(o)));
    const wide = deepest.slice(0, 10).map((el) => {
      const name =
        el.tagName.toLowerCase() +
        (el.id ? `#${el.id}` : '') +
        (el.classList.length ? `.${[...el.classList].join('.')}` : '');
      const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
      return `${name}${text ? ` "${text}"` : ''}`;
    });
    return { width, limit, wide };
  });
}

/** Saves a full-page screenshot as tests/browser/screenshots/<name>.png and returns its path. */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Everything the site tests share: builds the example site, serves it and crawls it.
 * `close()` undoes it all.
 */
export async function startSite() {
  let dir;
  let server;
  let browser;
  try {
    dir = buildSite();
    server = await serveStatic(dir);
    browser = await launchBrowser();
    const crawl = await crawlSite(browser, server.url);
    return {
      dir,
      url: server.url,
      server,
      browser,
      crawl,
      fileUrl: (rel = 'index.html') => pathToFileURL(path.join(dir, rel)).href,
      close: async () => {
        await browser.close();
        await server.close();
        removeDir(dir);
      },
    };
  } catch (err) {
    await browser?.close();
    await server?.close();
    removeDir(dir);
    throw err;
  }
}

/**
 * Starts `signpost kiosk` on a free loopback port with a new database in `workDir`, serving the
 * built site in `siteDir` (and, if given, settings from `configDir`, and a clock fixed at `now`,
 * e.g. '2026-12-01T10:40'), and waits until it answers HTTP. Returns
 * { url, port, child, output, stop }.
 */
export async function startKiosk({ workDir, siteDir, configDir, now, timeoutMs = 30_000 }) {
  requireBinary();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const args = [
    'kiosk',
    '--listen',
    `127.0.0.1:${port}`,
    '--db',
    path.join(workDir, 'kiosk.db'),
    '--site',
    siteDir,
  ];
  if (configDir) args.push('--config', configDir);
  if (now) args.push('--now', now);
  const child = spawn(SIGNPOST_BIN, args, { cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));

  const stop = async () => {
    if (exited) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      throw new Error(
        `signpost ${args.join(' ')} exited (${exited.code ?? exited.signal}) before answering:\n${output}`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`signpost kiosk did not answer on ${url} within ${timeoutMs} ms:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { url, port, child, output: () => output, stop };
}


/** Tomorrow on this computer's calendar, as YYYY-MM-DD: always inside the booking window. */
export function tomorrow() {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * Opens the adviser's diary in the kiosk database in `workDir` (the one `startKiosk` uses) on
 * `date`, from `from` to `to`, so there are free slots to book. Defaults: tomorrow, 09:00-16:00.
 */
export function addAvailability(workDir, { date = tomorrow(), from = '09:00', to = '16:00' } = {}) {
  requireBinary();
  const db = path.join(workDir, 'kiosk.db');
  const result = spawnSync(
    SIGNPOST_BIN,
    ['kiosk', 'availability', 'add', '--db', db, '--date', date, '--from', from, '--to', to],
    { cwd: workDir, encoding: 'utf8', timeout: 60_000 },
  );
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `signpost kiosk availability add failed (${result.status}):\n${result.stdout}${result.stderr}`,
    );
  }
}

/** The password every staff account made by `addStaff` has. */
export const STAFF_PASSWORD = 'correct horse battery';

/**
 * Adds a staff account to the kiosk database in `workDir` with `signpost kiosk staff add`, the
 * password given on standard input as a script would. `groups` is for tutors, e.g. ['10A'].
 */
export function addStaff(workDir, { name, role, groups = [] }) {
  requireBinary();
  const db = path.join(workDir, 'kiosk.db');
  const args = ['kiosk', 'staff', 'add', name, '--role', role, '--db', db];
  if (groups.length) args.push('--groups', groups.join(','));
  const result = spawnSync(SIGNPOST_BIN, args, {
    cwd: workDir,
    encoding: 'utf8',
    timeout: 60_000,
    input: `${STAFF_PASSWORD}\n${STAFF_PASSWORD}\n`,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`signpost kiosk staff add failed (${result.status}):\n${result.stdout}${result.stderr}`);
  }
}

/** Signs in at /staff by the form's labels, as a member of staff would, and waits for Today. */
export async function signIn(page, kioskUrl, name) {
  await page.goto(new URL('/staff', kioskUrl).href);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill(STAFF_PASSWORD);
  await submit(page, 'Sign in');
}

/**
 * Clicks `locator` and waits until the page it leads to has loaded. Waiting for the 'load' state
 * alone would return at once on the page already shown, so this first waits for the main frame
 * to commit a new document (even one at the same address), then for that document to load.
 */
export async function follow(page, locator) {
  const navigated = page.waitForEvent('framenavigated', {
    predicate: (frame) => frame === page.mainFrame(),
    timeout: 30_000,
  });
  await locator.click();
  await navigated;
  await page.waitForLoadState('load');
}

/** Submits the form on screen with its button named `name` and waits for the next page. */
export async function submit(page, name) {
  await follow(page, page.getByRole('button', { name }));
}

/** Fills the booking details as a student does and confirms; fails unless the booking is made. */
export async function confirmBooking(page, first, surname, group) {
  await page.getByLabel('First name').fill(first);
  await page.getByLabel('Surname').fill(surname);
  await page.getByLabel('Tutor group').fill(group);
  await submit(page, 'Confirm booking');
  assert.equal((await page.locator('h1').innerText()).trim(), 'You are booked in');
}

/**
 * Answers every question on the kiosk's quick check (step 2) with its first choice, and "No" to
 * extra support. Does not submit. Returns the ids of the questions' fieldsets.
 */
export async function answerQuickCheck(page) {
  const fieldsets = await page.locator('form fieldset').evaluateAll((fs) => fs.map((f) => f.id));
  for (const id of fieldsets) {
    const choice =
      id === 'extra_support'
        ? page.locator('#extra_support-no')
        : page.locator(`[id="${id}"] input[type=radio]`).first();
    await choice.check();
  }
  return fieldsets;
}

/**
 * Registers hooks that build the example site, open the adviser's diary tomorrow as well as the
 * usual week (so there are always slots), start a kiosk and a browser, and clean up afterwards.
 * Returns the fixture, whose fields are set once the hooks have run.
 */
export function useKiosk(prefix) {
  const fx = { work: null, siteDir: null, kiosk: null, browser: null };
  before(async () => {
    fx.work = makeTempDir(prefix);
    fx.siteDir = buildSite();
    addAvailability(fx.work);
    fx.kiosk = await startKiosk({ workDir: fx.work, siteDir: fx.siteDir });
    fx.browser = await launchBrowser();
  });
  after(async () => {
    await fx.browser?.close();
    await fx.kiosk?.stop();
    removeDir(fx.siteDir);
    removeDir(fx.work);
  });
  return fx;
}
