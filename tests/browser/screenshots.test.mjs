// Screenshots of the key pages at phone and desktop sizes, written to tests/browser/screenshots/
// for people to look at (the folder is not committed).

import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { VIEWPORTS, closePage, newPage, screenshot, sitePath, startSite } from './helpers.mjs';

let site;

before(async () => {
  site = await startSite();
});

after(async () => {
  await site?.close();
});

// Each key page is found among the crawled pages by its path, so the test follows the site's links.
const KEY_PAGES = [
  { name: 'home', match: /^index\.html$/ },
  { name: 'programme-year', match: /^programme\/year-\d+\.html$/ },
  { name: 'strategic-plan', match: /(^|\/)strategic-plan\.html$/ },
  { name: 'governors', match: /(^|\/)governors\.html$/ },
  { name: 'benchmarks', match: /(^|\/)benchmarks\.html$/ },
  { name: 'provider-access', match: /(^|\/)provider-access\.html$/ },
  { name: 'parents', match: /^parents\.html$/ },
  { name: 'translation', match: /^parents-[a-z]+\.html$/ },
];

// A small phone (375 px, the narrowest common iPhone) and a desktop.
const SIZES = { phone: { width: 375, height: 812 }, desktop: VIEWPORTS.desktop };

for (const size of ['phone', 'desktop']) {
  test(`screenshots of the key pages (${size})`, { timeout: 5 * 60_000 }, async () => {
    const paths = site.crawl.pages.map((u) => sitePath(site.url, u));
    const page = await newPage(site.browser, SIZES[size]);
    try {
      for (const key of KEY_PAGES) {
        const rel = paths.find((p) => key.match.test(p));
        assert.ok(rel, `no ${key.name} page among the crawled pages:\n  ${paths.join('\n  ')}`);
        await page.goto(new URL(rel, site.url).href, { waitUntil: 'load' });
        const file = await screenshot(page, `${key.name}-${size}`);
        assert.ok(statSync(file).size > 1000, `${file} is suspiciously small`);
      }
      if (size === 'phone') {
        // The menu as it looks opened on a phone.
        await page.goto(new URL('index.html', site.url).href, { waitUntil: 'load' });
        await page.locator('nav.site-nav summary').click();
        const file = await screenshot(page, 'menu-open-phone');
        assert.ok(statSync(file).size > 1000, `${file} is suspiciously small`);
      }
    } finally {
      await closePage(page);
    }
  });
}
