// Staff sign-in in real Chromium: by the form's labels, with the keyboard alone, then the staff
// header and signing out; axe on both screens.

import assert from 'node:assert/strict';
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
  STAFF_PASSWORD,
} from './helpers.mjs';

const fx = useKiosk('signpost-staff-auth-');

test('an adviser signs in, sees the staff header, and signs out', async () => {
  addStaff(fx.work, { name: 'Ms Patel', role: 'adviser' });
  const page = await newPage(fx.browser);
  try {
    await page.goto(new URL('/staff', fx.kiosk.url).href);
    await assertNoAxeViolations(page, 'sign in');

    await page.getByLabel('Name').fill('Ms Patel');
    await page.getByLabel('Password').fill('not the password');
    await submit(page, 'Sign in');
    assert.match(await page.getByRole('alert').innerText(), /name or the password is not right/);
    assert.equal(await page.getByLabel('Name').inputValue(), 'Ms Patel');

    await signIn(page, fx.kiosk.url, 'Ms Patel');
    assert.match(page.url(), /\/staff\/today$/);
    const nav = page.getByRole('navigation', { name: 'Staff' });
    assert.match(await nav.innerText(), /Ms Patel/);
    await assertNoAxeViolations(page, 'today');

    await submit(page, 'Sign out');
    assert.equal(new URL(page.url()).pathname, '/');
    await page.goto(new URL('/staff/today', fx.kiosk.url).href);
    assert.match(new URL(page.url()).pathname, /^\/staff$/, 'signed out: sent to sign in');
  } finally {
    await closePage(page);
  }
});

test('signing in works from the keyboard alone', async () => {
  addStaff(fx.work, { name: 'Mr Khan', role: 'tutor', groups: ['10A'] });
  const page = await newPage(fx.browser);
  try {
    await page.goto(new URL('/staff', fx.kiosk.url).href);
    await page.getByLabel('Name').focus();
    await page.keyboard.type('Mr Khan');
    await page.keyboard.press('Tab');
    await page.keyboard.type(STAFF_PASSWORD);
    const navigated = page.waitForURL(/\/staff\/today$/);
    await page.keyboard.press('Enter');
    await navigated;
    assert.match(await page.locator('h1').innerText(), /Today/);
  } finally {
    await closePage(page);
  }
});

test('the careers leader reads the accounts and the audit log; both pass axe', async () => {
  addStaff(fx.work, { name: 'Mrs Jones', role: 'leader' });
  addStaff(fx.work, { name: 'Mr Grey', role: 'tutor', groups: ['10B'] });
  const page = await newPage(fx.browser);
  try {
    // Asking for the audit log first: signing in leads straight back to it.
    await page.goto(new URL('/staff/audit', fx.kiosk.url).href);
    assert.match(new URL(page.url()).pathname, /^\/staff$/);
    await page.getByLabel('Name').fill('Mrs Jones');
    await page.getByLabel('Password').fill(STAFF_PASSWORD);
    await submit(page, 'Sign in');
    assert.equal(new URL(page.url()).pathname, '/staff/audit');
    assert.match(await page.locator('h1').innerText(), /Audit log/);
    const table = page.getByRole('table');
    assert.match(await table.innerText(), /Mrs Jones/);
    await assertNoAxeViolations(page, 'audit log');

    await page.getByLabel('Staff name').fill('Patel');
    await submit(page, 'Show');
    assert.doesNotMatch(await page.getByRole('table').innerText(), /Mrs Jones/);

    const nav = page.getByRole('navigation', { name: 'Staff' });
    await follow(page, nav.getByRole('link', { name: 'Accounts' }));
    assert.match(await page.locator('h1').innerText(), /Staff accounts/);
    assert.match(await page.getByRole('table').innerText(), /Mr Grey\s+Tutor\s+10B/);
    assert.equal(await nav.getByRole('link', { name: 'Accounts' }).getAttribute('aria-current'), 'page');
    await assertNoAxeViolations(page, 'accounts');
    await submit(page, 'Sign out');
  } finally {
    await closePage(page);
  }
});

// Last in this file: it locks signing in from this browser's address for 15 minutes.
test('after five wrong passwords signing in pauses, and the page says until when', async () => {
  addStaff(fx.work, { name: 'Mr Lock', role: 'adviser' });
  const page = await newPage(fx.browser);
  try {
    await page.goto(new URL('/staff', fx.kiosk.url).href);
    for (let i = 0; i < 5; i += 1) {
      await page.getByLabel('Name').fill('Mr Lock');
      await page.getByLabel('Password').fill(`wrong guess ${i}`);
      await submit(page, 'Sign in');
    }
    const alert = page.getByRole('alert');
    assert.match(await alert.innerText(), /try again after \d\d:\d\d/);
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute('role')),
      'alert',
      'the message has focus, so a screen reader reads it out',
    );
    const password = page.getByLabel('Password');
    assert.match(
      await page.locator(`#${await password.getAttribute('aria-describedby')}`).innerText(),
      /try again after/,
    );
    await assertNoAxeViolations(page, 'sign in paused');

    // The right password is refused too while paused.
    await page.getByLabel('Name').fill('Mr Lock');
    await password.fill(STAFF_PASSWORD);
    await submit(page, 'Sign in');
    assert.match(new URL(page.url()).pathname, /^\/staff$/);
    assert.match(await page.getByRole('alert').innerText(), /try again after/);
  } finally {
    await closePage(page);
  }
});
