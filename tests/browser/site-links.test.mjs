// Links of the built example site: the crawl from index.html reaches every page, every internal
// link and fragment resolves, nothing 404s, and the site works opened straight from disk.

import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { closePage, newPage, sitePath, startSite } from './helpers.mjs';

let site;

before(async () => {
  site = await startSite();
});

after(async () => {
  await site?.close();
});

const list = (rows) => rows.map((r) => `  ${r}`).join('\n');

test('the crawl from index.html reaches at least 15 pages', (t) => {
  const names = site.crawl.pages.map((u) => sitePath(site.url, u));
  t.diagnostic(
    `${names.length} pages, ${site.crawl.files.length} other files, ` +
      `${site.crawl.links.length} internal links`,
  );
  assert.equal(names[0], 'index.html');
  assert.ok(names.length >= 15, `only ${names.length} pages reached:\n${list(names)}`);
});

test('every internal link resolves', () => {
  const broken = site.crawl.broken.map(
    (b) => `${sitePath(site.url, b.from)}: "${b.href}" answered ${b.status}`,
  );
  assert.deepEqual(broken, [], `broken links:\n${list(broken)}`);
});

test('every link to a #fragment finds its target', () => {
  const missing = site.crawl.anchors.map((a) => `${sitePath(site.url, a.from)}: "${a.href}"`);
  assert.deepEqual(missing, [], `fragments with no matching id:\n${list(missing)}`);
});

test('pages load with no script errors and no failed resources', () => {
  const errors = site.crawl.errors.map((e) => `${sitePath(site.url, e.page)}: ${e.message}`);
  assert.deepEqual(errors, [], `errors while loading pages:\n${list(errors)}`);
});

test('the static server answered no request with 404', () => {
  // Chromium asks for /favicon.ico on its own; on the school's server that is the school's.
  const notFound = site.server.notFound.filter((p) => p !== '/favicon.ico');
  assert.deepEqual(notFound, [], `404s:\n${list(notFound)}`);
});

test('every internal link names a file that exists on disk', () => {
  // Opened from disk, a link to a folder shows a directory listing, not its index.html.
  const bad = [];
  for (const link of site.crawl.links) {
    const rel = decodeURIComponent(link.pathname).replace(/^\/+/, '');
    const file = path.join(site.dir, rel);
    let ok = false;
    try {
      ok = statSync(file).isFile();
    } catch {
      ok = false;
    }
    if (!ok) bad.push(`${sitePath(site.url, link.from)}: "${link.href}"`);
  }
  assert.deepEqual(bad, [], `links that do not name a file (they break when opened from disk):\n${list(bad)}`);
});

test('the site works opened from disk: a click on a link opens another page', async () => {
  const page = await newPage(site.browser);
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('requestfailed', (req) => errors.push(`${req.url()} failed: ${req.failure()?.errorText}`));
  try {
    const home = site.fileUrl('index.html');
    await page.goto(home, { waitUntil: 'load' });
    assert.ok((await page.title()).length > 0, 'index.html has no title');
    const sheets = await page.evaluate(() => document.styleSheets.length);
    assert.ok(sheets > 0, 'no stylesheet loaded from disk');

    // Prefer a link into a sub-folder (the programme), so relative paths are exercised both ways.
    const links = page.locator('main a[href$=".html"], nav a[href$=".html"]');
    const hrefs = await links.evaluateAll((els) => els.map((a) => a.getAttribute('href')));
    assert.ok(hrefs.length > 0, 'index.html has no links to other pages');
    let index = hrefs.findIndex((h) => h.includes('/') && !h.includes('://'));
    if (index < 0) index = hrefs.findIndex((h) => h !== 'index.html' && !h.includes('://'));
    assert.ok(index >= 0, `no relative link to another page on index.html: ${hrefs.join(', ')}`);

    await Promise.all([page.waitForURL((u) => u.href !== home), links.nth(index).click()]);
    assert.match(page.url(), /^file:\/\/.+\.html$/, `click led to ${page.url()}`);
    assert.notEqual(page.url(), home);
    assert.equal(await page.locator('h1').count() > 0, true, `${page.url()} has no h1`);
    assert.ok((await page.evaluate(() => document.styleSheets.length)) > 0, 'no stylesheet on the second page');

    // ... and back home from there with the link to index.html.
    const back = page.locator('a[href$="index.html"]').filter({ hasNotText: /^$/ });
    const second = page.url();
    const backHrefs = await back.evaluateAll((els) => els.map((a) => a.href));
    const homeIndex = backHrefs.findIndex((h) => h === home);
    assert.ok(homeIndex >= 0, `no link back to index.html from ${second}`);
    await Promise.all([page.waitForURL(home), back.nth(homeIndex).click()]);
    assert.equal(page.url(), home);
    assert.deepEqual(errors, [], `errors opened from disk:\n${list(errors)}`);
  } finally {
    await closePage(page);
  }
});
