// The screenshots of the staff side in docs/kiosk.md, made from made-up students.
//
// Not a test (the name does not end in .test.mjs, so `node --test` leaves it out): it starts a
// kiosk with its clock fixed, lets a few students do the quick check, book and join the queue as
// at the kiosk, moves the clock on by restarting the kiosk on the same database, and has the
// careers staff record guidance, follow a student up and open the reports, saving PNG files into
// docs/images/. Run it from tests/browser/ after `cargo build --release`:
//
//   node docs-screenshots.mjs
//
// SIGNPOST_BIN and CHROMIUM_PATH point it elsewhere, as for the browser tests.

import assert from 'node:assert/strict';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

import {
  REPO_ROOT,
  addStaff,
  buildSite,
  closePage,
  follow,
  launchBrowser,
  makeTempDir,
  newPage,
  removeDir,
  signIn,
  startKiosk,
  submit,
} from './helpers.mjs';

// Chromium takes the format of its date fields from the environment, not from the page's
// locale; British day/month order needs Debian's chromium-l10n package as well.
process.env.LANGUAGE = 'en_GB';
process.env.LANG = 'en_GB.UTF-8';

const OUT = path.join(REPO_ROOT, 'docs', 'images');
const VIEWPORT = { width: 1100, height: 800 };
/** British dates in the date fields, as on a school's PC. */
const BROWSER = { locale: 'en-GB', timezoneId: 'Europe/London' };
/** An A6 page (105 x 148 mm) at 96 pixels to the inch. */
const A6 = { width: 397, height: 559 };

/** The two school days the story happens on (both Tuesdays, the adviser's usual day). */
const FIRST_DAY = '2026-11-03';
const DAY = '2026-12-01';

/** Readiness answers by index: 0 is the most ready ("A lot", "Yes"), 2 the least. */
const READY = { green: 0, amber: 1, red: 2 };

/**
 * A student does the quick check for `year`, marking `considering` (option id -> "definitely" or
 * "considering"; every other option "not"), answering every readiness question with the answer
 * at index `ready`, then books the slot starting at `time` on `day`, as at the kiosk.
 */
async function checkAndBook(browser, kioskUrl, s) {
  const page = await newPage(browser, VIEWPORT, BROWSER);
  try {
    await page.goto(new URL('/triage', kioskUrl).href, { waitUntil: 'load' });
    await page.getByLabel(`Year ${s.year}`, { exact: true }).check();
    await submit(page, 'Next');
    const fieldsets = await page.locator('form fieldset').evaluateAll((fs) => fs.map((f) => f.id));
    for (const id of fieldsets) {
      if (id.startsWith('opt_')) {
        const value = s.considering[id.slice(4)] || 'not';
        await page.locator(`[id="${id}-${value}"]`).check();
      } else if (id.startsWith('q_')) {
        await page.locator(`[id="${id}-${s.ready}"]`).check();
      }
    }
    await page.locator(s.extraSupport ? '#extra_support-yes' : '#extra_support-no').check();
    await submit(page, 'See my result');
    await follow(page, page.getByRole('button', { name: /^Book a \d+-minute session$/ }));
    await follow(page, page.locator(`button.slot[value^="${s.day}T${s.time}"]`).first());
    await page.getByLabel('First name').fill(s.first);
    await page.getByLabel('Surname').fill(s.surname);
    await page.getByLabel('Tutor group').fill(s.group);
    await submit(page, 'Confirm booking');
    assert.equal((await page.locator('h1').innerText()).trim(), 'You are booked in');
  } finally {
    await closePage(page);
  }
}

/** A student joins today's drop-in queue, as at the kiosk. */
async function joinQueue(browser, kioskUrl, first, group) {
  const page = await newPage(browser, VIEWPORT, BROWSER);
  try {
    await page.goto(new URL('/queue', kioskUrl).href, { waitUntil: 'load' });
    await page.getByLabel('First name').fill(first);
    await page.getByLabel('Tutor group').fill(group);
    await submit(page, 'Join the queue');
  } finally {
    await closePage(page);
  }
}

/** Fills in the guidance form on screen by its labels (does not save). */
async function fillGuidance(page, g) {
  if (g.heldOn) await page.getByLabel('Date held').fill(g.heldOn);
  await page.getByLabel('Notes').fill(g.notes);
  for (const [i, action] of g.actions.entries()) {
    await page.getByLabel(`Action ${i + 1}`).fill(action);
  }
  await page.getByLabel(g.destination, { exact: true }).check();
  await page.getByLabel('About the destination (optional)').fill(g.detail);
  if (g.by16) await page.getByLabel("Counts as the student's guidance meeting by 16").check();
}

/**
 * Opens the guidance form for `name`'s booking from Today on `day` and fills it in; saves it
 * unless `save` is false.
 */
async function recordGuidance(page, kioskUrl, day, name, g, { save = true } = {}) {
  await page.goto(new URL(`/staff/today?day=${day}`, kioskUrl).href, { waitUntil: 'load' });
  await follow(page, page.getByRole('link', { name: `Guidance record for ${name}` }));
  await fillGuidance(page, g);
  if (save) await submit(page, 'Save guidance');
}

/** A new browser window with the careers adviser signed in. */
async function adviserPage(browser, kioskUrl) {
  const page = await newPage(browser, VIEWPORT, BROWSER);
  await signIn(page, kioskUrl, 'Ms Patel');
  return page;
}

/**
 * Saves a PNG of the page from the top down to the bottom of `until` (a locator), or of the
 * viewport, and checks it stays small.
 */
async function shot(page, name, { until, from, pad = 16 } = {}) {
  const file = path.join(OUT, `${name}.png`);
  if (until) {
    const top = from ? Math.max(0, (await from.boundingBox()).y + (await scrollY(page)) - pad) : 0;
    const end = await until.boundingBox();
    const bottom = end.y + (await scrollY(page)) + end.height + pad;
    await page.screenshot({
      path: file,
      fullPage: true,
      clip: { x: 0, y: top, width: VIEWPORT.width, height: bottom - top },
    });
  } else {
    await page.screenshot({ path: file });
  }
  const kb = Math.round(statSync(file).size / 1024);
  assert.ok(kb < 300, `${name}.png is ${kb} KB`);
  console.log(`docs/images/${name}.png  ${kb} KB`);
}

function scrollY(page) {
  return page.evaluate(() => window.scrollY);
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const work = makeTempDir('signpost-docs-shots-');
  const siteDir = buildSite();
  const browser = await launchBrowser();
  let kiosk;
  const at = async (now) => {
    await kiosk?.stop();
    kiosk = await startKiosk({ workDir: work, siteDir, now });
    return kiosk.url;
  };
  try {
    addStaff(work, { name: 'Mrs Jones', role: 'leader' });
    addStaff(work, { name: 'Ms Patel', role: 'adviser' });
    addStaff(work, { name: 'Mr Khan', role: 'tutor', groups: ['11C', '10B'] });

    // Early November: two students check and book; the adviser sees them the same day.
    let url = await at(`${FIRST_DAY}T08:15`);
    await checkAndBook(browser, url, {
      first: 'Maya', surname: 'Okafor', group: '11C', year: 11, ready: READY.red,
      considering: { apprenticeship: 'definitely', 'college-course': 'considering' },
      day: FIRST_DAY, time: '09:00',
    });
    await checkAndBook(browser, url, {
      first: 'Leo', surname: 'Brennan', group: '10B', year: 10, ready: READY.amber,
      considering: { 'a-levels': 'definitely', 't-levels': 'considering' },
      day: FIRST_DAY, time: '10:00',
    });

    url = await at(`${FIRST_DAY}T15:00`);
    let adviser = await adviserPage(browser, url);
    await recordGuidance(adviser, url, FIRST_DAY, 'Maya Okafor', {
      notes: 'Interested in engineering; unsure whether college or an apprenticeship suits her.',
      actions: [
        'Look up two engineering apprenticeships on the government website',
        'Go to the college open evening on 19 November',
      ],
      destination: 'Apprenticeship',
      detail: 'Engineering, level 3',
      by16: true,
    });
    await recordGuidance(adviser, url, FIRST_DAY, 'Leo Brennan', {
      notes: 'Wants to study sciences; talked about A level choices and entry grades.',
      actions: ['Read the sixth form prospectus', 'Talk to your chemistry teacher about A level'],
      destination: 'Education (sixth form, college, university)',
      detail: 'Sixth form: chemistry, biology, maths',
      by16: true,
    });
    await closePage(adviser);

    // 1 December, before school: checks, bookings and the drop-in queue.
    url = await at(`${DAY}T08:20`);
    await checkAndBook(browser, url, {
      first: 'Priya', surname: 'Shah', group: '11A', year: 11, ready: READY.green,
      considering: { 'a-levels': 'definitely' }, day: DAY, time: '09:00',
    });
    await checkAndBook(browser, url, {
      first: 'Maya', surname: 'Okafor', group: '11C', year: 11, ready: READY.amber,
      considering: { 'college-course': 'definitely', 'a-levels': 'considering' },
      day: DAY, time: '09:30',
    });
    await checkAndBook(browser, url, {
      first: 'Daniel', surname: 'Novak', group: '12D', year: 12, ready: READY.red,
      considering: {}, day: DAY, time: '10:00',
    });
    await checkAndBook(browser, url, {
      first: 'Sophie', surname: 'Clarke', group: '10B', year: 10, ready: READY.amber,
      considering: { 't-levels': 'definitely', 'employment-training': 'considering' },
      day: DAY, time: '13:30',
    });
    url = await at(`${DAY}T10:20`);
    await joinQueue(browser, url, 'Tom', '9D');
    await joinQueue(browser, url, 'Aisha', '10A');
    await joinQueue(browser, url, 'Jack', '8B');

    // 10:40: the careers leader signs in.
    url = await at(`${DAY}T10:40`);
    const staff = await newPage(browser, VIEWPORT, BROWSER);
    await staff.goto(new URL('/staff', url).href, { waitUntil: 'load' });
    await staff.getByLabel('Name').fill('Mrs Jones');
    await shot(staff, 'staff-sign-in');
    await signIn(staff, url, 'Mrs Jones');
    assert.equal(new URL(staff.url()).pathname, '/staff/today');

    // The Diary: a one-off session and a blocked date.
    await follow(staff, staff.getByRole('navigation', { name: 'Staff' }).getByRole('link', { name: 'Diary' }));
    await staff.locator('#session_date').fill('2026-12-05');
    await staff.locator('#session_from').fill('09:00');
    await staff.locator('#session_to').fill('12:00');
    await submit(staff, 'Add the session');
    await staff.locator('#block_first').fill('2026-12-15');
    await staff.locator('#block_reason').fill('Adviser at the Year 11 options evening training');
    await submit(staff, 'Block the dates');
    await staff.evaluate(() => window.scrollTo(0, 0));
    await shot(staff, 'staff-diary', { until: staff.locator('#sessions-title').locator('xpath=..').locator('table') });

    // Today: the bookings, the queue (one called) and the week.
    await follow(staff, staff.getByRole('navigation', { name: 'Staff' }).getByRole('link', { name: 'Today' }));
    await submit(staff, /^Call next: number \d+, Tom$/);
    await staff.evaluate(() => window.scrollTo(0, 0));
    await shot(staff, 'staff-today', { until: staff.locator('#queue') });

    // The tutor follows Maya up and refers her back.
    const tutor = await newPage(browser, VIEWPORT, BROWSER);
    await signIn(tutor, url, 'Mr Khan');
    await follow(tutor, tutor.getByRole('link', { name: 'Follow-ups' }));
    await follow(tutor, tutor.getByRole('link', { name: 'Maya Okafor' }));
    const answer = (question, choice) =>
      tutor.getByRole('group', { name: question }).getByLabel(choice, { exact: true }).check();
    await answer('Have you done the actions you agreed with the careers adviser?', 'Partly');
    await answer('Are you clearer about what you want to do next?', 'A little');
    await answer('Do you need more help from the careers adviser?', 'Yes');
    await tutor.getByLabel('Note (optional)').fill('Went to the open evening; now leaning towards college.');
    await tutor.getByLabel('Refer back to the careers adviser for more guidance').check();
    await submit(tutor, 'Save follow-up');
    await closePage(tutor);

    // Follow-ups as the careers leader sees them: Maya referred back, Leo's due today.
    await follow(staff, staff.getByRole('link', { name: 'Follow-ups' }));
    await shot(staff, 'staff-follow-ups', { until: staff.locator('main') });

    // The adviser records guidance for Priya's 09:00 booking: the form, then the slip as it
    // prints, on an A6 page with the page's margin (drawn for the picture, with a hairline edge).
    adviser = await adviserPage(browser, url);
    await recordGuidance(adviser, url, DAY, 'Priya Shah', {
      notes: 'Clear plan for A levels in English, history and politics; thinking about law.',
      actions: [
        'Check law entry grades at 3 universities',
        'Ask about the sixth form taster day',
        'Find a week of work experience',
      ],
      destination: 'Education (sixth form, college, university)',
      detail: 'Sixth form: English literature, history, politics',
      by16: true,
    }, { save: false });
    await shot(adviser, 'staff-guidance-form', { until: adviser.getByRole('button', { name: 'Save guidance' }) });
    await submit(adviser, 'Save guidance');
    await follow(adviser, adviser.getByRole('link', { name: 'Print the actions slip for the student' }));
    const card = await browser.newContext({
      ...BROWSER,
      viewport: A6,
      deviceScaleFactor: 2,
      bypassCSP: true,
      storageState: await adviser.context().storageState(),
    });
    const slip = await card.newPage();
    await slip.goto(adviser.url(), { waitUntil: 'load' });
    await slip.emulateMedia({ media: 'print' });
    await slip.addStyleTag({ content: 'html { padding: 8mm; box-shadow: inset 0 0 0 1px #888; }' });
    await shot(slip, 'staff-actions-slip');
    await card.close();

    // Maya's second session closes the referral; her record shows it all.
    await recordGuidance(adviser, url, DAY, 'Maya Okafor', {
      notes: 'Referred back by her tutor. Now prefers a college engineering course to an apprenticeship.',
      actions: ['Apply to the college for the engineering diploma by 15 January'],
      destination: 'Education (sixth form, college, university)',
      detail: 'College: engineering diploma, level 3',
      by16: false,
    });
    await closePage(adviser);
    await follow(staff, staff.getByRole('link', { name: 'Students' }));
    await staff.getByLabel('Name or tutor group').fill('okafor');
    await submit(staff, 'Search');
    await follow(staff, staff.getByRole('link', { name: 'Maya Okafor' }));
    await shot(staff, 'staff-student-record', { until: staff.locator('main') });

    // Reports: the first report, with its chart.
    await follow(staff, staff.getByRole('link', { name: 'Reports' }));
    await shot(staff, 'staff-reports', { until: staff.getByRole('img').first() });

    // Data and privacy: the erase preview for one student (nothing is erased).
    await follow(staff, staff.getByRole('link', { name: 'Data and privacy' }));
    await staff.getByLabel("Student's name").fill('Brennan');
    await submit(staff, 'Find');
    await follow(staff, staff.getByRole('link', { name: "Erase Leo Brennan's records" }));
    await shot(staff, 'staff-erase-preview', { until: staff.locator('main') });
    await closePage(staff);
  } finally {
    await browser.close();
    await kiosk?.stop();
    removeDir(siteDir);
    removeDir(work);
  }
}

await main();
