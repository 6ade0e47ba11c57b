// Print: the governors' summary fits on one sheet of A4, as the page itself promises.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { closePage, newPage, sitePath, startSite } from './helpers.mjs';

let site;

before(async () => {
  site = await startSite();
});

after(async () => {
  await site?.close();
});

/** Pages in a PDF: each page is one `/Type /Page` object (the page tree is `/Type /Pages`). */
function pdfPageCount(bytes) {
  return (Buffer.from(bytes).toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) || []).length;
}

test("the governors' summary prints on one A4 page", { timeout: 2 * 60_000 }, async () => {
  const paths = site.crawl.pages.map((u) => sitePath(site.url, u));
  const rel = paths.find((p) => /(^|\/)governors\.html$/.test(p));
  assert.ok(rel, `the crawl reached no governors' summary:\n  ${paths.join('\n  ')}`);
  const page = await newPage(site.browser);
  try {
    await page.goto(new URL(rel, site.url).href, { waitUntil: 'load' });
    assert.match(await page.locator('main').innerText(), /one sheet of A4/);
    const overdue = await page.locator('main .status-overdue').count();
    assert.ok(overdue > 0, 'the example plan has overdue actions to print');
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    const pages = pdfPageCount(pdf);
    assert.ok(pages > 0, 'the PDF has pages');
    assert.equal(pages, 1, `the governors' summary printed on ${pages} A4 pages`);
  } finally {
    await closePage(page);
  }
});
