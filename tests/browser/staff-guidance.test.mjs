// Guidance records in real Chromium: a student books at the kiosk, the adviser signs in, records
// guidance by the form's labels, prints the actions slip (print media, A6), and opens the
// follow-ups, the student search, the student record (recording additional needs there) and the
// reports; axe on every one of those screens, and the guidance form completed from the keyboard
// alone.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  addStaff,
  answerQuickCheck,
  assertNoAxeViolations,
  closePage,
  confirmBooking,
  follow,
  newPage,
  screenshot,
  signIn,
  submit,
  sidewaysOverflow,
  useKiosk,
  VIEWPORTS,
} from './helpers.mjs';

const fx = useKiosk('signpost-staff-guidance-');

const at = (path) => new URL(path, fx.kiosk.url).href;

/** A student does the quick check and books the first free slot, as at the kiosk. */
async function bookAsStudent(browser, first, surname, group) {
  const page = await newPage(browser);
  try {
    await page.goto(at('/triage'), { waitUntil: 'load' });
    await page.getByLabel('Year 11', { exact: true }).check();
    await submit(page, 'Next');
    await answerQuickCheck(page);
    await submit(page, 'See my result');
    await follow(page, page.getByRole('button', { name: /^Book a \d+-minute session$/ }));
    await follow(page, page.locator('button.slot').first());
    await confirmBooking(page, first, surname, group);
  } finally {
    await closePage(page);
  }
}

/**
 * Opens the guidance form for the booking made in `full`'s name the way the adviser does: from
 * Today, stepping on a day at a time to the day of the booking (the first free slot may be a
 * later day than today).
 */
async function openGuidanceFor(page, full) {
  await page.goto(at('/staff/today'), { waitUntil: 'load' });
  for (let day = 0; day < 14; day += 1) {
    const link = page.getByRole('link', { name: `Guidance record for ${full}` });
    if ((await link.count()) === 1) {
      await follow(page, link);
      assert.match(await page.locator('h1').innerText(), new RegExp(full));
      return;
    }
    await follow(page, page.getByRole('link', { name: 'Next day' }));
  }
  assert.fail(`no booking for ${full} on Today in the next two weeks`);
}

/** Presses Tab until `selector` has the focus (at most 80 presses). */
async function tabTo(page, selector) {
  for (let i = 0; i < 80; i += 1) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`Tab never reached ${selector}`);
}

/** How many pages a PDF has, and the first page's size in points. */
function pdfPages(bytes) {
  const text = Buffer.from(bytes).toString('latin1');
  const pages = (text.match(/\/Type\s*\/Page(?!s)/g) || []).length;
  const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(text);
  return { pages, width: Number(box?.[1]), height: Number(box?.[2]) };
}

test('the adviser records guidance by the labels and prints the actions slip', { timeout: 300_000 }, async () => {
  addStaff(fx.work, { name: 'Ms Patel', role: 'adviser' });
  await bookAsStudent(fx.browser, 'Ada', 'Lovelace', '10A');
  const page = await newPage(fx.browser);
  try {
    await signIn(page, fx.kiosk.url, 'Ms Patel');
    assert.match(page.url(), /\/staff\/today$/);
    await openGuidanceFor(page, 'Ada Lovelace');
    await assertNoAxeViolations(page, 'guidance form');

    // Nothing typed but an action: the error is listed, the action kept.
    await page.getByLabel('Action 1').fill('Visit the college open day');
    await submit(page, 'Save guidance');
    const summary = page.locator('.error-summary');
    assert.match(await summary.innerText(), /Enter notes from the session/);
    assert.match(await summary.innerText(), /intended destination/);
    assert.equal(await page.getByLabel('Action 1').inputValue(), 'Visit the college open day');
    assert.equal(await page.getByLabel('Notes').getAttribute('aria-invalid'), 'true');
    await assertNoAxeViolations(page, 'guidance form, with errors');
    await screenshot(page, 'staff-guidance-errors');

    await page.getByLabel('Notes').fill('Keen on engineering.\nTalked about apprenticeships.');
    await page.getByLabel('Action 2').fill('Ask your tutor about work experience');
    await page.getByLabel('Apprenticeship', { exact: true }).check();
    await page.getByLabel('About the destination (optional)').fill('Engineering, level 3');
    await page.getByLabel("Counts as the student's guidance meeting by 16").check();
    await submit(page, 'Save guidance');
    assert.match(await page.getByRole('status').innerText(), /Guidance saved/);
    assert.ok(await page.getByLabel("Counts as the student's guidance meeting by 16").isChecked());
    await assertNoAxeViolations(page, 'guidance form, saved');
    await screenshot(page, 'staff-guidance-saved');

    // The slip: printable as it is, A6, one page.
    await follow(page, page.getByRole('link', { name: 'Print the actions slip for the student' }));
    assert.equal((await page.locator('h1').innerText()).trim(), 'Your next steps');
    assert.ok(await page.getByRole('button', { name: 'Print' }).isVisible(), 'the script shows Print');
    const slip = await page.locator('.guidance-slip').innerText();
    assert.match(slip, /Ada/);
    assert.doesNotMatch(slip, /Lovelace/, 'first name only on the slip');
    assert.match(slip, /Visit the college open day/);
    assert.match(slip, /Ask your tutor about work experience/);
    await assertNoAxeViolations(page, 'actions slip');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.getByRole('button', { name: 'Print' }).isVisible(), false, 'no button on paper');
    assert.equal(await page.getByRole('navigation', { name: 'Staff' }).isVisible(), false);
    await screenshot(page, 'staff-guidance-slip-print');
    const a6 = pdfPages(await page.pdf({ format: 'A6', printBackground: true }));
    assert.equal(a6.pages, 1, 'the slip fits one A6 page');
    const own = pdfPages(await page.pdf({ preferCSSPageSize: true }));
    assert.equal(own.pages, 1);
    // A6 is 105 x 148 mm: about 298 x 420 points; the stylesheet asks for it.
    assert.ok(Math.abs(own.width - 297.6) < 2 && Math.abs(own.height - 419.5) < 2, `page is ${own.width} x ${own.height} pt`);
    await page.emulateMedia({ media: 'screen' });

    // Follow-ups (none due yet), the student search and record, the follow-up form.
    await follow(page, page.getByRole('link', { name: 'Follow-ups' }));
    assert.equal((await page.locator('h1').innerText()).trim(), 'Follow-ups');
    assert.equal(await page.getByRole('link', { name: 'Follow-ups' }).getAttribute('aria-current'), 'page');
    await assertNoAxeViolations(page, 'follow-ups');
    await follow(page, page.getByRole('link', { name: 'Students' }));
    await page.getByLabel('Name or tutor group').fill('lovelace');
    await submit(page, 'Search');
    await assertNoAxeViolations(page, 'student search');
    await follow(page, page.getByRole('link', { name: 'Ada Lovelace' }));
    assert.equal((await page.locator('h1').innerText()).trim(), 'Ada Lovelace');
    assert.match(await page.locator('main').innerText(), /Keen on engineering/);
    await assertNoAxeViolations(page, 'student record');
    await screenshot(page, 'staff-student-record');
    // Additional needs, recorded by the labels of the form on the record.
    await page.getByRole('group', { name: 'Does Ada Lovelace have additional needs?' }).getByLabel('Yes').check();
    await submit(page, 'Save additional needs');
    assert.equal(new URL(page.url()).hash, '#needs');
    assert.equal((await page.getByRole('status').innerText()).trim(), 'Saved.');
    assert.match(await page.locator('dl.summary').innerText(), /Recorded: their bookings show as Red on Today/);
    assert.equal(await page.getByLabel('Yes').isChecked(), true);
    await assertNoAxeViolations(page, 'student record, additional needs saved');
    await follow(page, page.getByRole('link', { name: /^Open the follow-up/ }));
    assert.match(await page.locator('h1').innerText(), /Follow-up for Ada Lovelace/);
    assert.match(await page.locator('main').innerText(), /Visit the college open day/);
    await assertNoAxeViolations(page, 'follow-up form');
    await screenshot(page, 'staff-follow-up');
    await submit(page, 'Save follow-up');
    assert.match(await page.locator('.error-summary').innerText(), /Choose an answer/);
    await assertNoAxeViolations(page, 'follow-up form, with errors');

    // The reports count the meeting: Year 11 has one student who has had it by 16.
    await follow(page, page.getByRole('link', { name: 'Reports' }));
    const b8 = page.locator('#b8-table');
    const year11 = b8.getByRole('row', { name: /^Year 11\b/ });
    assert.deepEqual(
      (await year11.locator('td').allInnerTexts()).map((t) => t.trim()),
      ['by 16', '1', '1', '0'],
    );
    await assertNoAxeViolations(page, 'reports');
  } finally {
    await closePage(page);
  }
});

test('the guidance form can be completed from the keyboard alone', { timeout: 300_000 }, async () => {
  addStaff(fx.work, { name: 'Mr Khan', role: 'leader' });
  await bookAsStudent(fx.browser, 'Grace', 'Hopper', '11B');
  const page = await newPage(fx.browser);
  try {
    await signIn(page, fx.kiosk.url, 'Mr Khan');
    await openGuidanceFor(page, 'Grace Hopper');
    await tabTo(page, '#notes');
    await page.keyboard.type('Wants to stay on for A levels.');
    await tabTo(page, '#action-1');
    await page.keyboard.type('Read the sixth form guide');
    await tabTo(page, 'input[name=destination]');
    await page.keyboard.press('Space');
    assert.ok(await page.locator('#destination-education').isChecked(), 'the first choice is picked');
    await tabTo(page, '#meeting_by_16');
    await page.keyboard.press('Space');
    await tabTo(page, 'button[type=submit]:not(.secondary)');
    const navigated = page.waitForURL(/saved=1/);
    await page.keyboard.press('Enter');
    await navigated;
    assert.match(await page.getByRole('status').innerText(), /Guidance saved/);
    assert.ok(await page.locator('#meeting_by_16').isChecked());
    assert.equal(await page.locator('#action-1').inputValue(), 'Read the sixth form guide');
  } finally {
    await closePage(page);
  }
});

test('every staff screen fits a 320-pixel screen without sideways scrolling', { timeout: 300_000 }, async () => {
  addStaff(fx.work, { name: 'Mr Narrow', role: 'leader' });
  await bookAsStudent(fx.browser, 'Ida', 'Wells', '9W');
  const page = await newPage(fx.browser, VIEWPORTS.narrow);
  const fits = async (name) => {
    await page.locator('details').evaluateAll((ds) => ds.forEach((d) => (d.open = true)));
    const overflow = await sidewaysOverflow(page);
    assert.deepEqual(overflow.wide, [], `${name} scrolls sideways at 320px: ${JSON.stringify(overflow)}`);
    assert.ok(overflow.width <= overflow.limit, `${name}: ${overflow.width} > ${overflow.limit}`);
  };
  try {
    await signIn(page, fx.kiosk.url, 'Mr Narrow');
    await fits('today');
    await openGuidanceFor(page, 'Ida Wells');
    await fits('guidance form');
    await page.getByLabel('Notes').fill('Wants to train as a paramedic; asked about the college course.');
    await page.getByLabel('Action 1').fill('Visit the college open evening with a parent or carer');
    await page.getByLabel('Apprenticeship', { exact: true }).check();
    await submit(page, 'Save guidance');
    await fits('guidance form, saved');
    await follow(page, page.getByRole('link', { name: 'Print the actions slip for the student' }));
    await fits('actions slip');
    const screens = [
      ['follow-ups', '/staff/follow-ups'],
      ['student search', '/staff/students?q=wells'],
      ['reports', '/staff/reports'],
      ['data and privacy', '/staff/data?q=wells'],
      ['accounts', '/staff/accounts'],
      ['audit log', '/staff/audit'],
      ['diary', '/staff/diary'],
    ];
    for (const [name, path] of screens) {
      await page.goto(at(path), { waitUntil: 'load' });
      assert.equal(new URL(page.url()).pathname, path.split('?')[0], `${name} opened`);
      await fits(name);
    }
    await page.goto(at('/staff/students?q=wells'), { waitUntil: 'load' });
    await follow(page, page.getByRole('link', { name: 'Ida Wells' }));
    await fits('student record');
  } finally {
    await closePage(page);
  }
});
