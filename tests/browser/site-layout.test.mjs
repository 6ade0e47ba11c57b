// Layout of every page: nothing scrolls sideways at 320 px (WCAG 1.4.10 Reflow), and the print
// stylesheet hides the site navigation and the skip link.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  VIEWPORTS,
  closePage,
  newPage,
  sidewaysOverflow,
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

test('no page scrolls sideways at 320 px wide', { timeout: 10 * 60_000 }, async () => {
  const page = await newPage(site.browser, VIEWPORTS.narrow);
  const failures = [];
  try {
    for (const url of site.crawl.pages) {
      await page.goto(url, { waitUntil: 'load' });
      const result = await sidewaysOverflow(page);
      if (result.width > VIEWPORTS.narrow.width) {
        failures.push(
          `  ${sitePath(site.url, url)}: ${result.width} px wide; too wide: ${result.wide.join(', ')}`,
        );
      }
    }
  } finally {
    await closePage(page);
  }
  assert.equal(failures.length, 0, `pages wider than 320 px:\n${failures.join('\n')}`);
});

// The site navigation and the skip link are for screens: in print they are hidden.
const NAV_SELECTOR = 'header nav, nav.site-nav, .site-nav';
const SKIP_SELECTOR = '.skip-link, body > a[href^="#"]:first-child';

async function visibleStates(page, selector) {
  return page.$$eval(selector, (els) =>
    els.map((el) => {
      const s = getComputedStyle(el);
      return s.display !== 'none' && s.visibility !== 'hidden';
    }),
  );
}

test('the print stylesheet hides the site navigation and the skip link', { timeout: 10 * 60_000 }, async () => {
  const page = await newPage(site.browser, VIEWPORTS.desktop);
  const failures = [];
  try {
    for (const url of site.crawl.pages) {
      const name = sitePath(site.url, url);
      await page.emulateMedia({ media: 'screen' });
      await page.goto(url, { waitUntil: 'load' });
      const navOnScreen = await visibleStates(page, NAV_SELECTOR);
      if (navOnScreen.length === 0) {
        failures.push(`  ${name}: no site navigation found (${NAV_SELECTOR})`);
        continue;
      }
      if (!navOnScreen.some(Boolean)) {
        failures.push(`  ${name}: the site navigation is hidden on screen`);
      }
      if ((await page.locator(SKIP_SELECTOR).count()) === 0) {
        failures.push(`  ${name}: no skip link found (${SKIP_SELECTOR})`);
      }
      await page.emulateMedia({ media: 'print' });
      const navInPrint = await visibleStates(page, NAV_SELECTOR);
      const skipInPrint = await visibleStates(page, SKIP_SELECTOR);
      if (navInPrint.some(Boolean)) failures.push(`  ${name}: the site navigation shows in print`);
      if (skipInPrint.some(Boolean)) failures.push(`  ${name}: the skip link shows in print`);
      const mainInPrint = await visibleStates(page, 'main');
      if (!mainInPrint.some(Boolean)) failures.push(`  ${name}: the main content is hidden in print`);
    }
  } finally {
    await closePage(page);
  }
  assert.equal(failures.length, 0, `print problems:\n${failures.join('\n')}`);
});
