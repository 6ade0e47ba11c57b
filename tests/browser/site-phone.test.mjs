// Phones: the wide tables (plan actions, the governors' overdue list, provider encounters, the
// benchmark matrix) are readable at 375 px with every status on screen and nothing to scroll
// sideways, and the site menu folds behind a Menu button that works without JavaScript, by
// keyboard and by touch.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { VIEWPORTS, closePage, newPage, sitePath, startSite } from './helpers.mjs';

const PHONE = { width: 375, height: 812 };

let site;

before(async () => {
  site = await startSite();
});

after(async () => {
  await site?.close();
});

/** The crawled page whose path matches `pattern`; fails when the crawl did not reach one. */
function pageMatching(pattern) {
  const paths = site.crawl.pages.map((u) => sitePath(site.url, u));
  const rel = paths.find((p) => pattern.test(p));
  assert.ok(rel, `no page matching ${pattern} among the crawled pages:\n  ${paths.join('\n  ')}`);
  return new URL(rel, site.url).href;
}

const TABLE_PAGES = [
  { name: 'strategic plan', match: /(^|\/)strategic-plan\.html$/, statuses: true },
  { name: "governors' summary", match: /(^|\/)governors\.html$/, statuses: true },
  { name: 'provider access', match: /(^|\/)provider-access\.html$/, statuses: false },
  { name: 'benchmark coverage', match: /(^|\/)benchmarks\.html$/, statuses: true },
];

for (const key of TABLE_PAGES) {
  test(`${key.name}: tables fit 375 px with every status on screen`, { timeout: 2 * 60_000 }, async () => {
    const page = await newPage(site.browser, PHONE);
    try {
      await page.goto(pageMatching(key.match), { waitUntil: 'load' });
      const found = await page.evaluate(() => {
        const limit = document.documentElement.clientWidth;
        const outside = (el) => {
          const r = el.getBoundingClientRect();
          return r.left < -0.5 || r.right > limit + 0.5;
        };
        const describe = (el) => (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 60);
        const tables = [...document.querySelectorAll('main table')];
        return {
          limit,
          pageWidth: document.documentElement.scrollWidth,
          tables: tables.length,
          // A box that scrolls sideways hides part of a row behind a scroll.
          scrolling: [...document.querySelectorAll('main .table-wrap')]
            .filter((w) => w.scrollWidth > w.clientWidth + 1)
            .map(describe),
          cellsOff: tables
            .flatMap((t) => [...t.querySelectorAll('tbody th, tbody td')])
            .filter(outside)
            .map(describe),
          statuses: tables.flatMap((t) => [...t.querySelectorAll('.status, .gap')]).length,
          statusesOff: tables
            .flatMap((t) => [...t.querySelectorAll('.status, .gap')])
            .filter((s) => outside(s) || s.getBoundingClientRect().width === 0)
            .map(describe),
        };
      });
      assert.ok(found.tables > 0, 'the page has a table');
      assert.ok(found.pageWidth <= found.limit, `the page is ${found.pageWidth} px wide at ${found.limit} px`);
      assert.deepEqual(found.scrolling, [], 'tables that scroll sideways');
      assert.deepEqual(found.cellsOff, [], 'cells past the edge of the screen');
      if (key.statuses) assert.ok(found.statuses > 0, 'the tables show statuses');
      assert.deepEqual(found.statusesOff, [], 'statuses not on screen');
    } finally {
      await closePage(page);
    }
  });
}

test('on a phone each plan action is a card with its status labelled', { timeout: 2 * 60_000 }, async () => {
  const page = await newPage(site.browser, PHONE);
  try {
    await page.goto(pageMatching(/(^|\/)strategic-plan\.html$/), { waitUntil: 'load' });
    const cells = page.locator('table.plan tbody td[data-label="Progress"]');
    assert.ok((await cells.count()) > 0, 'plan rows have a Progress cell');
    const first = cells.first();
    const label = await first.evaluate((td) => getComputedStyle(td, '::before').content);
    assert.match(label, /Progress/, 'the status cell is labelled on a phone');
    // The column headings stay for screen readers but take no room on screen.
    const box = await page.locator('table.plan thead').first().boundingBox();
    assert.ok(box && box.height <= 1, `the column headings take ${box?.height} px`);
  } finally {
    await closePage(page);
  }
});

/** The site menu's links and its Menu button, in a page without JavaScript. */
async function menuPage(viewport, options = {}) {
  const page = await newPage(site.browser, viewport, { javaScriptEnabled: false, ...options });
  await page.goto(pageMatching(/^index\.html$/), { waitUntil: 'load' });
  return {
    page,
    button: page.locator('nav.site-nav summary'),
    links: page.locator('nav.site-nav a'),
  };
}

async function visibleLinks(links) {
  const all = await links.all();
  const states = await Promise.all(all.map((l) => l.isVisible()));
  return states.filter(Boolean).length;
}

test('on a phone the menu is folded behind a Menu button', { timeout: 2 * 60_000 }, async () => {
  const { page, button, links } = await menuPage(PHONE);
  try {
    assert.ok((await links.count()) >= 5, 'the menu has its links');
    assert.ok(await button.isVisible(), 'the Menu button is shown');
    assert.match(await button.innerText(), /Menu/);
    assert.equal(await visibleLinks(links), 0, 'the links are folded away');
  } finally {
    await closePage(page);
  }
});

test('the Menu button opens by keyboard without JavaScript', { timeout: 2 * 60_000 }, async () => {
  const { page, button, links } = await menuPage(PHONE);
  try {
    let reached = false;
    for (let i = 0; i < 10 && !reached; i += 1) {
      await page.keyboard.press('Tab');
      reached = await button.evaluate((el) => el === document.activeElement);
    }
    assert.ok(reached, 'Tab reaches the Menu button');
    await page.keyboard.press('Enter');
    assert.equal(await visibleLinks(links), await links.count(), 'Enter opens the menu');
    await page.keyboard.press(' ');
    assert.equal(await visibleLinks(links), 0, 'Space closes it again');
    await page.keyboard.press(' ');
    assert.equal(await visibleLinks(links), await links.count(), 'Space opens it');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.closest('nav.site-nav') !== null);
    assert.ok(focused, 'Tab moves from the button into the menu');
  } finally {
    await closePage(page);
  }
});

test('the Menu button opens by touch and its links work', { timeout: 2 * 60_000 }, async () => {
  const { page, button, links } = await menuPage(PHONE, { hasTouch: true, isMobile: true });
  try {
    await button.tap();
    assert.equal(await visibleLinks(links), await links.count(), 'a tap opens the menu');
    const target = links.nth(1);
    const href = await target.getAttribute('href');
    await Promise.all([page.waitForURL((u) => u.href.endsWith(href)), target.tap()]);
  } finally {
    await closePage(page);
  }
});

test('on a wide screen the menu is open with no button', { timeout: 2 * 60_000 }, async () => {
  const { page, button, links } = await menuPage(VIEWPORTS.desktop);
  try {
    assert.equal(await button.isVisible(), false, 'no Menu button on a wide screen');
    assert.equal(await visibleLinks(links), await links.count(), 'every menu link is shown');
  } finally {
    await closePage(page);
  }
});
