// Reports and data rights in real Chromium, as the careers leader: the reports page (charts with
// an accessible name, labelled in words and patterns, so they read in greyscale), a CSV
// download, a student's subject access page, erasure by the form's labels (refused until the box
// is ticked), and the retention purge; axe on every screen.
//
// The guidance records are put in the kiosk's database with Python's sqlite3 module, as the
// guidance screens would write them.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import {
  addStaff,
  assertNoAxeViolations,
  closePage,
  follow,
  newPage,
  signIn,
  submit,
  useKiosk,
} from './helpers.mjs';

const fx = useKiosk('signpost-staff-reports-');

/** Today on this computer's calendar as YYYY-MM-DD (the kiosk runs on the same clock). */
function today() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Runs SQL on the kiosk's database with Python's sqlite3 module. */
function sql(statements) {
  const script =
    'import sqlite3, sys\n' +
    'c = sqlite3.connect(sys.argv[1])\n' +
    'c.executescript(sys.stdin.read())\n' +
    'c.commit()\n';
  const r = spawnSync('python3', ['-c', script, path.join(fx.work, 'kiosk.db')], {
    input: statements,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, r.stderr);
}

test('the careers leader reads the reports, downloads a CSV and erases a student', async () => {
  const day = today();
  sql(`
    INSERT INTO student (id, first_name, surname, tutor_group, year_group, created_at) VALUES
      (1, 'Ada', 'Lovelace', '10A', 10, '${day} 09:00:00'),
      (2, 'Ben', 'Okafor', '10B', 10, '${day} 09:00:00');
    INSERT INTO triage (token, year_group, extra_support, score, max_score, rag, minutes, created_at, student_id) VALUES
      ('b1', 10, 0, 2, 10, 'red', 60, '${day} 08:00:00', 1),
      ('b2', 10, 0, 9, 10, 'green', 20, '${day} 08:10:00', 2);
    INSERT INTO guidance (student_id, held_on, notes, destination, meeting_by_16, created_at, updated_at)
      VALUES (1, '${day}', '=1+1 likes maths', 'education', 1, '${day} 10:00:00', '${day} 10:00:00');
    INSERT INTO queue_entry (day, number, first_name, tutor_group, joined_at)
      VALUES ('2000-01-05', 1, 'Old', '9A', '2000-01-05 12:00:00');
  `);
  addStaff(fx.work, { name: 'Mrs Lead', role: 'leader' });
  const page = await newPage(fx.browser, undefined, { acceptDownloads: true });
  try {
    await signIn(page, fx.kiosk.url, 'Mrs Lead');
    const nav = page.getByRole('navigation', { name: 'Staff' });
    await follow(page, nav.getByRole('link', { name: 'Reports' }));
    assert.match(await page.locator('h1').innerText(), /^Reports, \d{4}-\d{2}$/);
    assert.equal(await nav.getByRole('link', { name: 'Reports' }).getAttribute('aria-current'), 'page');
    await assertNoAxeViolations(page, 'reports');

    // Every chart is an image with a name, described by a table that exists on the page.
    const charts = page.getByRole('img');
    assert.equal(await charts.count(), 5);
    for (const chart of await charts.all()) {
      const name = await chart.getAttribute('aria-label');
      assert.ok(name && name.length > 10, `chart name: ${name}`);
      const table = await chart.getAttribute('aria-describedby');
      assert.equal(await page.locator(`table[id="${table}"]`).count(), 1, table);
    }
    // Greyscale-safe: bars are labelled in words beside them and filled with patterns.
    const rag = page.locator('svg[aria-describedby="rag-latest"]');
    for (const word of ['Red', 'Amber', 'Green', 'Year 10']) {
      assert.equal(await rag.locator('text', { hasText: word }).count() > 0, true, word);
    }
    assert.ok((await rag.locator('pattern').count()) >= 2);
    assert.ok((await rag.locator('rect[fill^="url(#"]').count()) >= 1, 'a patterned bar');
    const b8 = page.getByRole('table', { name: 'Guidance meetings by year group' });
    assert.match(await b8.innerText(), /Year 10\s+by 16\s+2\s+1\s+1/);
    assert.match(await page.locator('main').innerText(), /Okafor, Ben \(10B\)/);

    // A CSV download, ready for Excel.
    const downloading = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download every guidance record (CSV)' }).click();
    const download = await downloading;
    assert.match(download.suggestedFilename(), /^guidance-\d{4}-\d{2}-\d{2}\.csv$/);
    const bytes = readFileSync(await download.path());
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte order mark');
    const csv = bytes.subarray(3).toString('utf8');
    assert.match(csv, /^Guidance ID,Date,Surname,First name/);
    assert.match(csv, /Lovelace,Ada,10A,10,/);
    assert.match(csv, /'=1\+1 likes maths/);

    // Data and privacy: find the student, see their records, then erase them.
    await follow(page, nav.getByRole('link', { name: 'Data and privacy' }));
    await assertNoAxeViolations(page, 'data');
    await page.getByLabel("Student's name").fill('Love');
    await submit(page, 'Find');
    await follow(page, page.getByRole('link', { name: "Export Ada Lovelace's records" }));
    assert.match(await page.locator('h1').innerText(), /Records held about Ada Lovelace/);
    assert.match(await page.locator('main').innerText(), /likes maths/);
    await assertNoAxeViolations(page, 'subject access');
    await page.goBack();
    await follow(page, page.getByRole('link', { name: "Erase Ada Lovelace's records" }));
    assert.match(await page.locator('h1').innerText(), /Erase Ada Lovelace's records/);
    const preview = page.getByRole('table', { name: /What will be erased/ });
    assert.match(await preview.innerText(), /Guidance records\s+1/);
    assert.match(await preview.innerText(), /Quick checks \(with their answers\)\s+1/);
    await assertNoAxeViolations(page, 'erase preview');

    await submit(page, 'Erase these records');
    assert.match(await page.getByRole('alert').innerText(), /Tick the box/);
    await assertNoAxeViolations(page, 'erase refused');
    await page.getByLabel("I understand that Ada Lovelace's records will be erased for good").check();
    await submit(page, 'Erase these records');
    assert.match(await page.getByRole('status').innerText(), /records have been erased/);
    await page.getByLabel("Student's name").fill('Love');
    await submit(page, 'Find');
    assert.match(await page.locator('main').innerText(), /No student's name starts with/);

    // The retention purge: the old queue entry is listed, then deleted.
    const purge = page.getByRole('table', { name: 'What the retention purge would delete now' });
    assert.match(await purge.innerText(), /Drop-in queue entries\s+1/);
    await submit(page, 'Delete them now');
    assert.match(await page.getByRole('status').innerText(), /1 record deleted/);
    await assertNoAxeViolations(page, 'data after purge');
  } finally {
    await closePage(page);
  }
});

test('the year chooser and the erasure form work from the keyboard alone', async () => {
  const day = today();
  sql(`
    INSERT INTO student (id, first_name, surname, tutor_group, year_group, created_at)
      VALUES (7, 'Kit', 'Keys', '12B', 12, '${day} 09:00:00');
    INSERT INTO guidance (student_id, held_on, notes, destination, meeting_by_18, created_at, updated_at)
      VALUES (7, '${day}', 'Typed by keyboard', 'employment', 1, '${day} 10:00:00', '${day} 10:00:00');
  `);
  addStaff(fx.work, { name: 'Mr Board', role: 'leader' });
  const page = await newPage(fx.browser);
  try {
    await signIn(page, fx.kiosk.url, 'Mr Board');
    await page.goto(new URL('/staff/reports', fx.kiosk.url).href);
    const heading = await page.locator('h1').innerText();
    await page.getByLabel('School year').focus();
    await page.keyboard.press('Tab');
    assert.equal(
      await page.evaluate(() => document.activeElement?.textContent?.trim()),
      'Show this year',
    );
    const shown = page.waitForURL(/\/staff\/reports\?year=\d{4}$/);
    await page.keyboard.press('Enter');
    await shown;
    assert.equal(await page.locator('h1').innerText(), heading);

    await page.goto(new URL('/staff/erase?student=7', fx.kiosk.url).href);
    await page.getByLabel("I understand that Kit Keys's records will be erased for good").focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    assert.equal(
      await page.evaluate(() => document.activeElement?.textContent?.trim()),
      'Erase these records',
    );
    const erased = page.waitForURL(/\/staff\/data\?erased=1$/);
    await page.keyboard.press('Enter');
    await erased;
    assert.match(await page.getByRole('status').innerText(), /records have been erased/);
  } finally {
    await closePage(page);
  }
});
