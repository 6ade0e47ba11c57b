// Today and the Diary in real Chromium: a student books and joins the queue, the adviser sees
// the booking on Today, runs the queue (one button from the keyboard alone) and edits the diary by
// its labels; axe on both screens, and no sideways scrolling at phone width.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  addStaff,
  assertNoAxeViolations,
  closePage,
  confirmBooking,
  follow,
  newPage,
  sidewaysOverflow,
  signIn,
  submit,
  tomorrow,
  useKiosk,
} from './helpers.mjs';

const fx = useKiosk('signpost-staff-today-');

async function heading(page) {
  return (await page.locator('h1').innerText()).trim();
}

/** A student books the first free time tomorrow (where the fixture opened the diary). */
async function bookTomorrow(page, first, surname, group) {
  await page.goto(fx.kiosk.url, { waitUntil: 'load' });
  await follow(page, page.getByRole('link', { name: 'Book a guidance session' }));
  await follow(page, page.locator(`button.slot[value^="${tomorrow()}T"]`).first());
  await confirmBooking(page, first, surname, group);
}

async function joinQueue(page, first, group) {
  await page.goto(new URL('/queue', fx.kiosk.url).href, { waitUntil: 'load' });
  await page.getByLabel('First name').fill(first);
  await page.getByLabel('Tutor group').fill(group);
  await submit(page, 'Join the queue');
  return Number((await page.locator('#ticket-number').innerText()).trim());
}

test('the adviser sees a student booking on Today and runs the queue', { timeout: 300_000 }, async () => {
  addStaff(fx.work, { name: 'Ms Patel', role: 'adviser' });
  const student = await newPage(fx.browser);
  const page = await newPage(fx.browser);
  try {
    await bookTomorrow(student, 'Rosa', 'Parks', '10R');
    const first = await joinQueue(student, 'Zed', '9Z');
    const second = await joinQueue(student, 'Yan', '9Y');

    await signIn(page, fx.kiosk.url, 'Ms Patel');
    assert.equal(new URL(page.url()).pathname, '/staff/today');
    await assertNoAxeViolations(page, 'today');

    // The day picker, by its label.
    await page.getByLabel('Show a day').fill(tomorrow());
    await submit(page, 'Show');
    const bookings = page.getByRole('region', { name: 'Bookings' });
    assert.match(await bookings.innerText(), /Rosa Parks, tutor group 10R/);
    assert.match(await bookings.innerText(), /No quick check/);
    const guidance = page.getByRole('link', { name: 'Guidance record for Rosa Parks' });
    assert.match(await guidance.getAttribute('href'), /^\/staff\/guidance\?booking=\d+$/);
    await assertNoAxeViolations(page, 'today, tomorrow');

    // Back to today's queue: call the first in line.
    await follow(page, page.getByRole('link', { name: 'Back to today' }));
    await submit(page, `Call next: number ${first}, Zed`);
    assert.match(await page.getByRole('status').innerText(), new RegExp(`Number ${first} has been called`));
    assert.match(await page.locator('#queue').innerText(), new RegExp(`Number ${first}: Zed, 9Z\\. Joined \\d\\d:\\d\\d, called`));
    await assertNoAxeViolations(page, 'today, with the queue');

    // The student's place page: the one called is told to go, the next one is next.
    await student.goto(new URL(`/queue/place?number=${first}`, fx.kiosk.url).href);
    assert.match(await student.locator('.ticket').innerText(), /It is your turn/);
    await student.goto(new URL(`/queue/place?number=${second}`, fx.kiosk.url).href);
    assert.match(await student.locator('.ticket').innerText(), /You are next/);

    // "Seen" from the keyboard alone: Tab to the button, press Enter.
    const seen = page.getByRole('button', { name: `Seen number ${first}` });
    let focused = false;
    for (let i = 0; i < 60 && !focused; i++) {
      await page.keyboard.press('Tab');
      focused = await seen.evaluate((el) => el === document.activeElement);
    }
    assert.ok(focused, 'the Seen button can be reached with Tab');
    const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame() });
    await page.keyboard.press('Enter');
    await navigated;
    await page.waitForLoadState('load');
    assert.match(await page.getByRole('status').innerText(), new RegExp(`Number ${first} is marked as seen`));
    assert.equal(
      await page.getByRole('link', { name: `Guidance record for number ${first}` }).count(),
      1,
    );

    await submit(page, `Left number ${second}`);
    assert.match(await page.getByRole('status').innerText(), new RegExp(`Number ${second} is marked as having left`));
    assert.match(await page.locator('#queue').innerText(), /Nobody is waiting/);
  } finally {
    await closePage(student);
    await closePage(page);
  }
});

test('the adviser edits the diary by its labels, and mistakes are explained', { timeout: 300_000 }, async () => {
  addStaff(fx.work, { name: 'Mr Diary', role: 'adviser' });
  const page = await newPage(fx.browser);
  try {
    await signIn(page, fx.kiosk.url, 'Mr Diary');
    await follow(page, page.getByRole('navigation', { name: 'Staff' }).getByRole('link', { name: 'Diary' }));
    assert.equal(await heading(page), 'Diary');
    assert.match(await page.locator('.source').innerText(), /comes from the availability list in kiosk\.toml/);
    await assertNoAxeViolations(page, 'diary');

    // A row with its times the wrong way round: the error sits by the field, the text stays.
    await page.getByLabel('Day', { exact: true }).selectOption({ label: 'Friday' });
    await page.getByLabel('From', { exact: true }).fill('11:00');
    await page.getByLabel('To', { exact: true }).fill('10:00');
    await submit(page, 'Add to the usual week');
    assert.match(await page.getByRole('alert').innerText(), /The end time must be after the start time/);
    assert.equal(await page.getByLabel('From', { exact: true }).inputValue(), '11:00');
    assert.equal(await page.locator('#usual_to').getAttribute('aria-invalid'), 'true');
    await assertNoAxeViolations(page, 'diary, with an error');

    await page.getByLabel('To', { exact: true }).fill('12:00');
    await submit(page, 'Add to the usual week');
    assert.match(await page.getByRole('status').innerText(), /added to the usual week/);
    assert.match(await page.locator('.source').innerText(), /saved here, in the browser/);
    assert.equal(await page.getByRole('button', { name: 'Remove Friday 11:00 to 12:00' }).count(), 1);

    await page.getByLabel('Date', { exact: true }).fill(tomorrow());
    await page.getByLabel('Session from').fill('17:00');
    await page.getByLabel('Session to').fill('18:00');
    await submit(page, 'Add the session');
    assert.match(await page.getByRole('status').innerText(), /The session has been added/);

    await page.getByLabel('First day').fill(tomorrow());
    await page.getByLabel('Reason').fill('Training day');
    await submit(page, 'Block the dates');
    assert.match(await page.getByRole('status').innerText(), /The dates have been blocked/);
    const blocks = page.getByRole('region', { name: 'Blocked dates' });
    assert.match(await blocks.innerText(), /Training day/);

    // Students are offered nothing tomorrow while it is blocked.
    const student = await newPage(fx.browser);
    try {
      await student.goto(new URL('/book', fx.kiosk.url).href);
      assert.equal(await student.locator(`button.slot[value^="${tomorrow()}T"]`).count(), 0);
    } finally {
      await closePage(student);
    }

    await submit(page, /^Remove block/);
    assert.match(await page.getByRole('status').innerText(), /The block has been removed/);
    await assertNoAxeViolations(page, 'diary, edited');
  } finally {
    await closePage(page);
  }
});

test('Today and the Diary fit a phone screen without sideways scrolling', { timeout: 120_000 }, async () => {
  addStaff(fx.work, { name: 'Ms Phone', role: 'leader' });
  const page = await newPage(fx.browser, { width: 375, height: 812 });
  try {
    await signIn(page, fx.kiosk.url, 'Ms Phone');
    for (const path of [`/staff/today?day=${tomorrow()}`, '/staff/diary']) {
      await page.goto(new URL(path, fx.kiosk.url).href, { waitUntil: 'load' });
      await page.locator('details').evaluateAll((ds) => ds.forEach((d) => (d.open = true)));
      const overflow = await sidewaysOverflow(page);
      assert.deepEqual(overflow.wide, [], `${path} scrolls sideways at 375px: ${JSON.stringify(overflow)}`);
      assert.ok(overflow.width <= overflow.limit, `${path}: ${overflow.width} > ${overflow.limit}`);
    }
  } finally {
    await closePage(page);
  }
});
