// Every page of the built example site passes axe's WCAG 2.2 AA rules, at desktop and phone sizes.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  VIEWPORTS,
  axeViolations,
  closePage,
  formatViolations,
  newPage,
  sitePath,
  startSite,
} from './helpers.mjs';

let site;

before(async () => {
  site = await startSite();
});

after(async () => {
  await site?.close();
});

for (const size of ['desktop', 'phone']) {
  test(`axe finds no WCAG 2.2 AA violations on any page (${size})`, { timeout: 15 * 60_000 }, async (t) => {
    assert.ok(site.crawl.pages.length > 0, 'the crawl found no pages');
    const page = await newPage(site.browser, VIEWPORTS[size]);
    const failures = [];
    try {
      for (const url of site.crawl.pages) {
        const name = sitePath(site.url, url);
        await page.goto(url, { waitUntil: 'load' });
        const violations = await axeViolations(page);
        if (violations.length > 0) failures.push(formatViolations(name, violations));
      }
    } finally {
      await closePage(page);
    }
    t.diagnostic(`scanned ${site.crawl.pages.length} pages at ${VIEWPORTS[size].width} px wide`);
    assert.equal(
      failures.length,
      0,
      `axe found violations on ${failures.length} of ${site.crawl.pages.length} pages (${size}):\n` +
        failures.join('\n'),
    );
  });
}
