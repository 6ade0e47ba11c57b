// The next student must never see the last one's booking. In real Chromium: a student books and
// presses Finish; the next person presses Back and Reload (which is where "Confirm Form
// Resubmission" used to send the booking form again) and must see nothing of the booking: no
// name, tutor group or reference. The same with script turned off, where Finish is a plain link
// and only the kiosk's own rules protect the slip. The quick check likewise: after Finish, Back
// through the result and the booking pages (whose addresses carry the check) shows no
// Red/Amber/Green result and no session length.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  answerQuickCheck,
  closePage,
  confirmBooking,
  follow,
  newPage,
  submit,
  useKiosk,
  VIEWPORTS,
} from './helpers.mjs';

const fx = useKiosk('signpost-kiosk-privacy-');

/** Books the first free slot as `first surname` of `group`; returns the booking reference. */
async function book(page, first, surname, group) {
  await page.goto(fx.kiosk.url, { waitUntil: 'load' });
  await follow(page, page.getByRole('link', { name: 'Book a guidance session' }));
  await follow(page, page.locator('button.slot').first());
  await confirmBooking(page, first, surname, group);
  const reference = (await page.locator('#booking-ref').innerText()).trim();
  assert.match(await page.locator('.slip').innerText(), new RegExp(`${first} ${surname}`));
  return reference;
}

/** Fails if anything of the booking is on the page. */
async function assertNothingOf(page, secrets, when) {
  const text = await page.locator('body').innerText();
  for (const secret of secrets) {
    assert.ok(!text.includes(secret), `${when}: "${secret}" is on the page at ${page.url()}:\n${text}`);
  }
  assert.equal(await page.locator('#booking-ref').count(), 0, `${when}: a booking slip is on the page`);
}

/** Back, then Reload, as many times as the history allows, checking the page each time. */
async function backAndReload(page, secrets) {
  for (let step = 1; step <= 5; step += 1) {
    const before = page.url();
    await page.goBack({ waitUntil: 'load' }).catch(() => null);
    if (page.url() === before) {
      break;
    }
    await assertNothingOf(page, secrets, `after Back ${step}`);
    await page.reload({ waitUntil: 'load' });
    await assertNothingOf(page, secrets, `after Back ${step} and Reload`);
  }
}

for (const javaScriptEnabled of [true, false]) {
  const how = javaScriptEnabled ? 'with script' : 'without script';
  test(`after Finish, Back and Reload show nothing of the last booking (${how})`, { timeout: 120_000 }, async () => {
    const page = await newPage(fx.browser, VIEWPORTS.desktop, { javaScriptEnabled });
    // Reload of a POST would show Chromium's resubmission dialog; accept it as a student would.
    page.on('dialog', (dialog) => dialog.accept());
    try {
      const surname = javaScriptEnabled ? 'Okafor' : 'Lindqvist';
      const group = javaScriptEnabled ? '10Q' : '11Z';
      const reference = await book(page, 'Chidi', surname, group);
      const slip = page.url();
      // The student may reload their own slip.
      await page.reload({ waitUntil: 'load' });
      assert.equal((await page.locator('#booking-ref').innerText()).trim(), reference);

      await follow(page, page.getByRole('link', { name: 'Finish' }));
      assert.equal(new URL(page.url()).pathname, '/');
      await backAndReload(page, [surname, group, reference]);

      // Even typed in directly, the slip's address shows nothing now.
      await page.goto(slip, { waitUntil: 'load' });
      await assertNothingOf(page, [surname, group, reference], 'the slip address');
      assert.match(await page.locator('h1').innerText(), /This page has closed/);
    } finally {
      await closePage(page);
    }
  });
}

/** Fails if a quick check's result or its session length (`minutes`) is on the page. */
async function assertNoResult(page, minutes, when) {
  const text = await page.locator('body').innerText();
  for (const word of ['Red', 'Amber', 'Green']) {
    assert.ok(!new RegExp(`\\b${word}\\b`).test(text), `${when}: "${word}" is on the page at ${page.url()}:\n${text}`);
  }
  assert.ok(!new RegExp(`\\b${minutes}[- ]minute`).test(text), `${when}: a session length is on the page at ${page.url()}:\n${text}`);
  assert.equal(await page.locator('.rag-word').count(), 0, `${when}: a result is on the page`);
}

for (const javaScriptEnabled of [true, false]) {
  const how = javaScriptEnabled ? 'with script' : 'without script';
  test(`after Finish, Back shows nothing of the last quick check (${how})`, { timeout: 120_000 }, async () => {
    const page = await newPage(fx.browser, VIEWPORTS.desktop, { javaScriptEnabled });
    page.on('dialog', (dialog) => dialog.accept());
    try {
      await page.goto(fx.kiosk.url, { waitUntil: 'load' });
      await follow(page, page.getByRole('link', { name: 'Quick careers check' }));
      await page.getByLabel('Year 11', { exact: true }).check();
      await submit(page, 'Next');
      await answerQuickCheck(page);
      await submit(page, 'See my result');
      const rag = (await page.locator('.rag-word').innerText()).replace('Your result is', '').trim();
      assert.match(rag, /^(Red|Amber|Green)$/);
      const minutes = Number(/(\d+)-minute/.exec(await page.locator('.rag-minutes').innerText())?.[1]);
      assert.ok(minutes > 0, 'no session length on the result');
      const visited = [page.url()];

      // The booking pages carry the check and show it to this student.
      await submit(page, `Book a ${minutes}-minute session`);
      assert.match(await page.locator('main').innerText(), new RegExp(`result was ${rag}, so your session is ${minutes} minutes`));
      visited.push(page.url());
      await follow(page, page.locator('button.slot').first());
      assert.match(await page.locator('main').innerText(), new RegExp(`\\(${minutes} minutes\\)`));
      visited.push(page.url());
      assert.ok(visited.slice(1).every((url) => new URL(url).searchParams.get('triage')), `${visited}`);

      await follow(page, page.getByRole('link', { name: 'Start again' }));
      assert.equal(new URL(page.url()).pathname, '/');
      for (let step = 1; step <= 5; step += 1) {
        const before = page.url();
        await page.goBack({ waitUntil: 'load' }).catch(() => null);
        if (page.url() === before) {
          break;
        }
        await assertNoResult(page, minutes, `after Back ${step}`);
      }
      // Typed in directly, every address the student saw shows nothing now.
      for (const url of visited) {
        await page.goto(url, { waitUntil: 'load' });
        await assertNoResult(page, minutes, url);
        assert.match(await page.locator('h1').innerText(), /This page has closed/);
      }
    } finally {
      await closePage(page);
    }
  });
}
