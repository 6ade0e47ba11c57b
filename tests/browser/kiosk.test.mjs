// The careers-room kiosk in a real browser: a student does the quick check, books a session of
// the length it gives, cancels it and joins the drop-in queue. Every screen on the way, including
// the ones showing errors, passes axe (WCAG 2.2 AA) and does not scroll sideways at 320 px. The
// script's extras work (back to the start when idle, focus on the error summary, the print slip),
// and the kiosk still works with script turned off. Screenshots of the main screens go to
// tests/browser/screenshots/kiosk-*.png.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import {
  REPO_ROOT,
  VIEWPORTS,
  answerQuickCheck,
  assertNoAxeViolations,
  closePage,
  crawlSite,
  follow,
  makeTempDir,
  newPage,
  removeDir,
  screenshot,
  sidewaysOverflow,
  startKiosk,
  submit,
  useKiosk,
} from './helpers.mjs';

const fx = useKiosk('signpost-kiosk-');

/** Fails if the current screen scrolls sideways at 320 px; restores the viewport after. */
async function assertReflows(page, name) {
  const size = page.viewportSize();
  await page.setViewportSize(VIEWPORTS.narrow);
  try {
    const result = await sidewaysOverflow(page);
    assert.ok(
      result.width <= VIEWPORTS.narrow.width,
      `${name} is ${result.width} px wide at 320 px; too wide: ${result.wide.join(', ')}`,
    );
  } finally {
    await page.setViewportSize(size);
  }
}

/** Both checks on the screen showing now. */
async function checkScreen(page, name) {
  await assertNoAxeViolations(page, name);
  await assertReflows(page, name);
}

async function heading(page) {
  return (await page.locator('h1').innerText()).trim();
}

/** Checks that an error summary is showing, has focus, and links to each field named. */
async function assertErrorSummary(page, fields) {
  const summary = page.locator('.error-summary');
  await summary.waitFor();
  assert.equal(
    await page.evaluate(() => document.activeElement?.classList.contains('error-summary')),
    true,
    'the error summary does not have focus',
  );
  const targets = await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const field of fields) {
    assert.ok(targets.includes(`#${field}`), `no error for ${field} in the summary: ${targets.join(', ')}`);
    assert.equal(await page.locator(`[id="${field}"]`).count(), 1, `the summary links to #${field}, which is not on the page`);
  }
}

test('the start screen offers every student task and the privacy notice', { timeout: 120_000 }, async () => {
  const page = await newPage(fx.browser);
  try {
    await page.goto(fx.kiosk.url, { waitUntil: 'load' });
    assert.equal(await heading(page), 'Welcome to the careers room');
    for (const name of [
      'Quick careers check',
      'Book a guidance session',
      "Join today's drop-in queue",
      'Read our careers programme',
      'Cancel a booking',
      'Check your place in the queue',
      'More about your information',
    ]) {
      assert.equal(await page.getByRole('link', { name }).count(), 1, `no "${name}" link`);
    }
    await checkScreen(page, 'start');
    await screenshot(page, 'kiosk-start');
    await follow(page, page.getByRole('link', { name: 'More about your information' }));
    assert.equal(await heading(page), 'Your information');
    await checkScreen(page, 'privacy');
  } finally {
    await closePage(page);
  }
});

test('quick check, then booking a session of the length it gives, then cancelling it', { timeout: 300_000 }, async () => {
  const page = await newPage(fx.browser);
  try {
    await page.goto(fx.kiosk.url, { waitUntil: 'load' });
    await follow(page, page.getByRole('link', { name: 'Quick careers check' }));
    assert.equal(await heading(page), 'Quick careers check');
    await checkScreen(page, 'quick check: year');

    // No year chosen: the error is listed and focused.
    await submit(page, 'Next');
    await assertErrorSummary(page, ['year']);
    await checkScreen(page, 'quick check: year, with an error');

    await page.getByLabel('Year 10', { exact: true }).check();
    await submit(page, 'Next');
    assert.match(await page.locator('main').innerText(), /Step 2 of 2, for Year 10/);
    await checkScreen(page, 'quick check: questions');

    // Nothing answered: every question is listed in the error summary.
    await submit(page, 'See my result');
    const fieldsets = await page.locator('form fieldset').evaluateAll((fs) => fs.map((f) => f.id));
    assert.ok(fieldsets.length >= 3, `only ${fieldsets.length} questions`);
    await assertErrorSummary(page, fieldsets);
    await checkScreen(page, 'quick check: questions, with errors');

    // Answer each question with its first choice, and no extra support.
    assert.deepEqual(await answerQuickCheck(page), fieldsets);
    await submit(page, 'See my result');
    assert.equal(await heading(page), 'Your result');
    const minutesText = await page.locator('.rag-minutes').innerText();
    const minutes = Number(/(\d+)-minute/.exec(minutesText)?.[1]);
    assert.ok(minutes > 0, `no session length in "${minutesText}"`);
    assert.match(await page.locator('.rag-word').innerText(), /\S/);
    await checkScreen(page, 'quick check: result');
    await screenshot(page, 'kiosk-result');

    // Booking: the slots are for the length the check gave.
    await submit(page, `Book a ${minutes}-minute session`);
    assert.equal(await heading(page), 'Book a guidance session');
    assert.match(await page.locator('main').innerText(), new RegExp(`session is ${minutes} minutes long`));
    const slots = page.locator('button.slot');
    assert.ok((await slots.count()) > 0, 'no free slots offered, although the adviser is free tomorrow');
    await checkScreen(page, 'booking: slots');
    await screenshot(page, 'kiosk-slots');

    const slotLabel = (await slots.first().innerText()).trim();
    await follow(page, slots.first());
    assert.equal(await heading(page), 'Your details');
    assert.match(await page.locator('.chosen').innerText(), new RegExp(`\\(${minutes} minutes\\)`));
    await checkScreen(page, 'booking: details');

    await submit(page, 'Confirm booking');
    await assertErrorSummary(page, ['first_name', 'surname', 'tutor_group']);
    for (const field of ['first_name', 'surname', 'tutor_group']) {
      assert.equal(await page.locator(`#${field}`).getAttribute('aria-invalid'), 'true', `${field} not marked invalid`);
    }
    await checkScreen(page, 'booking: details, with errors');
    await screenshot(page, 'kiosk-details-errors');

    await page.getByLabel('First name').fill('Amira');
    await page.getByLabel('Surname').fill('Okonjo');
    await page.getByLabel('Tutor group').fill('10X');
    await submit(page, 'Confirm booking');
    assert.equal(await heading(page), 'You are booked in');
    const reference = (await page.locator('#booking-ref').innerText()).trim();
    assert.match(reference, /^[A-Z0-9]{6}$/, `odd booking reference "${reference}"`);
    const slip = await page.locator('.slip').innerText();
    assert.match(slip, /Amira Okonjo/);
    assert.match(slip, /10X/);
    assert.match(slip, new RegExp(`\\(${minutes} minutes\\)`));
    const times = /\d{1,2}:\d{2} to \d{1,2}:\d{2}/.exec(slotLabel)?.[0];
    assert.ok(times, `no times on the slot button "${slotLabel}"`);
    assert.ok(slip.includes(times), `the slip does not show the chosen time ${times}:\n${slip}`);
    assert.equal(await page.locator('#print-slip').isVisible(), true, 'the "Print my slip" button is not shown');
    await checkScreen(page, 'booking: done');
    await screenshot(page, 'kiosk-booked');

    // Printed, the slip is all there is.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.slip').isVisible(), true, 'the slip is hidden in print');
    for (const sel of ['.site-header', '.site-footer', '#print-slip', '.skip-link']) {
      assert.equal(await page.locator(sel).first().isVisible(), false, `${sel} shows in print`);
    }
    await page.emulateMedia({ media: 'screen' });

    // Cancel it from the start screen with the reference and surname.
    await page.goto(fx.kiosk.url, { waitUntil: 'load' });
    await follow(page, page.getByRole('link', { name: 'Cancel a booking' }));
    assert.equal(await heading(page), 'Cancel a booking');
    await checkScreen(page, 'cancel');
    await page.getByLabel('Booking reference').fill(reference.toLowerCase());
    await page.getByLabel('Surname').fill('okonjo');
    await submit(page, 'Cancel my booking');
    assert.equal(await heading(page), 'Your booking is cancelled');
    assert.match(await page.locator('main').innerText(), new RegExp(reference));
    await checkScreen(page, 'cancel: done');

    // A second try finds nothing to cancel.
    await page.goto(new URL('book/cancel', fx.kiosk.url).href, { waitUntil: 'load' });
    await page.getByLabel('Booking reference').fill(reference);
    await page.getByLabel('Surname').fill('Okonjo');
    await submit(page, 'Cancel my booking');
    assert.notEqual(await heading(page), 'Your booking is cancelled');
    await page.locator('.error-summary').waitFor();
    await checkScreen(page, 'cancel: not found');
  } finally {
    await closePage(page);
  }
});

test('booking without the quick check offers the standard session length', { timeout: 120_000 }, async () => {
  const page = await newPage(fx.browser);
  try {
    await page.goto(fx.kiosk.url, { waitUntil: 'load' });
    await follow(page, page.getByRole('link', { name: 'Book a guidance session' }));
    assert.equal(await heading(page), 'Book a guidance session');
    assert.match(await page.locator('main').innerText(), /Sessions are \d+ minutes long/);
    assert.equal(await page.getByRole('link', { name: 'Do the quick careers check first' }).count(), 1);
    assert.ok((await page.locator('button.slot').count()) > 0, 'no free slots offered');
  } finally {
    await closePage(page);
  }
});

test('the drop-in queue gives each student a number and their place', { timeout: 180_000 }, async () => {
  const page = await newPage(fx.browser);
  try {
    const join = async (firstName, group) => {
      await page.goto(fx.kiosk.url, { waitUntil: 'load' });
      await follow(page, page.getByRole('link', { name: "Join today's drop-in queue" }));
      assert.equal(await heading(page), "Join today's drop-in queue");
      await page.getByLabel('First name').fill(firstName);
      await page.getByLabel('Tutor group').fill(group);
      await submit(page, 'Join the queue');
      assert.equal(await heading(page), 'You are in the queue');
      return Number((await page.locator('#ticket-number').innerText()).trim());
    };

    await page.goto(new URL('queue', fx.kiosk.url).href, { waitUntil: 'load' });
    await checkScreen(page, 'queue');
    await submit(page, 'Join the queue');
    await assertErrorSummary(page, ['first_name', 'tutor_group']);
    await checkScreen(page, 'queue, with errors');

    const first = await join('Sam', '9B');
    assert.ok(first >= 1, `odd first number ${first}`);
    assert.match(await page.locator('.ticket').innerText(), /next|ahead/);
    await checkScreen(page, 'queue: joined');
    await screenshot(page, 'kiosk-queue-ticket');
    const second = await join('Jo', '11C');
    assert.equal(second, first + 1);
    assert.match(await page.locator('.ticket').innerText(), /There is 1 person ahead of you/);

    // Later, from the start screen, the second student checks their place.
    await page.goto(fx.kiosk.url, { waitUntil: 'load' });
    await follow(page, page.getByRole('link', { name: 'Check your place in the queue' }));
    assert.equal(await heading(page), 'Check your place in the queue');
    await checkScreen(page, 'queue: check place');
    await page.getByLabel('Your queue number').fill('abc');
    await submit(page, 'Check my place');
    await assertErrorSummary(page, ['number']);
    await checkScreen(page, 'queue: check place, with an error');
    await page.getByLabel('Your queue number').fill(String(second));
    await submit(page, 'Check my place');
    assert.equal(await heading(page), 'Your place in the queue');
    assert.equal(Number(await page.locator('#ticket-number').innerText()), second);
    assert.match(await page.locator('.ticket').innerText(), /There is 1 person ahead of you/);
    await checkScreen(page, 'queue: place');
  } finally {
    await closePage(page);
  }
});

test('the careers programme opens inside the kiosk and every page of it loads', { timeout: 300_000 }, async () => {
  const page = await newPage(fx.browser);
  try {
    await page.goto(fx.kiosk.url, { waitUntil: 'load' });
    await follow(page, page.getByRole('link', { name: 'Read our careers programme' }));
    assert.equal(page.url(), new URL('site/index.html', fx.kiosk.url).href);
  } finally {
    await closePage(page);
  }
  const crawl = await crawlSite(fx.browser, new URL('site/', fx.kiosk.url).href);
  assert.ok(crawl.pages.length >= 15, `only ${crawl.pages.length} pages reached under /site/`);
  const broken = crawl.broken.map((b) => `${b.from}: "${b.href}" answered ${b.status}`);
  assert.deepEqual(broken, [], `broken links under /site/:\n  ${broken.join('\n  ')}`);
  const errors = crawl.errors.map((e) => `${e.page}: ${e.message}`);
  assert.deepEqual(errors, [], `errors under /site/:\n  ${errors.join('\n  ')}`);
});

test('the kiosk works with script turned off', { timeout: 120_000 }, async () => {
  const page = await newPage(fx.browser, VIEWPORTS.desktop, { javaScriptEnabled: false });
  try {
    await page.goto(new URL('queue', fx.kiosk.url).href, { waitUntil: 'load' });
    await page.getByLabel('First name').fill('Noor');
    await page.getByLabel('Tutor group').fill('8A');
    await submit(page, 'Join the queue');
    assert.equal(await heading(page), 'You are in the queue');
    assert.match(await page.locator('#ticket-number').innerText(), /^\d+$/);
    // Without script the idle return is a refresh from <noscript>.
    const refresh = await page.locator('noscript').first().innerHTML();
    assert.match(refresh, /http-equiv="refresh"[^>]*url=\//);
  } finally {
    await closePage(page);
  }
});

test('an idle screen goes back to the start, but not while someone is typing', { timeout: 120_000 }, async () => {
  // A second kiosk with the shortest idle time allowed, and the page's clock under the test's
  // control so no real waiting is needed.
  const idleSeconds = 10;
  const dir = makeTempDir('signpost-kiosk-idle-');
  let idleKiosk;
  const page = await newPage(fx.browser);
  try {
    const configDir = path.join(dir, 'config');
    mkdirSync(configDir);
    const settings = readFileSync(path.join(REPO_ROOT, 'kiosk', 'kiosk.toml'), 'utf8');
    const quick = settings.replace(
      /^idle_timeout_seconds\s*=\s*\d+/m,
      `idle_timeout_seconds = ${idleSeconds}`,
    );
    assert.notEqual(quick, settings, 'kiosk/kiosk.toml has no idle_timeout_seconds line');
    writeFileSync(path.join(configDir, 'kiosk.toml'), quick);
    idleKiosk = await startKiosk({ workDir: dir, siteDir: fx.siteDir, configDir });

    await page.clock.install();
    await page.goto(new URL('queue', idleKiosk.url).href, { waitUntil: 'load' });
    const name = page.getByLabel('First name');
    // A key press every 8 seconds for 40 seconds keeps the screen.
    for (let i = 0; i < 5; i += 1) {
      await name.press('KeyA');
      await page.clock.runFor((idleSeconds - 2) * 1000);
    }
    assert.equal(new URL(page.url()).pathname, '/queue', 'the screen went back while typing');
    assert.equal(await name.inputValue(), 'aaaaa');
    // Left alone for the idle time, it goes back to the start and the typing is gone.
    await Promise.all([page.waitForURL(idleKiosk.url), page.clock.runFor(3_000)]);
    await page.waitForLoadState('load');
    assert.equal(await heading(page), 'Welcome to the careers room');
    // The form is replaced in the history, so Back cannot bring the typing back.
    await page.goBack();
    assert.notEqual(new URL(page.url()).pathname, '/queue', 'Back returns to the abandoned form');
  } finally {
    await closePage(page);
    await idleKiosk?.stop();
    removeDir(dir);
  }
});
