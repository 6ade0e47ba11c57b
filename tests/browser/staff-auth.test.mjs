// Staff sign-in in real Chromium: by the form's labels, with the keyboard alone, then the staff
// header and signing out; axe on both screens.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  addStaff,
  axeViolations,
  closePage,
  formatViolations,
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
    let violations = await axeViolations(page);
    assert.deepEqual(violations, [], formatViolations('sign in', violations));

    await page.getByLabel('Name').fill('Ms Patel');
    await page.getByLabel('Password').fill('not the password');
    await submit(page, 'Sign in');
    assert.match(await page.getByRole('alert').innerText(), /name or the password is not right/);
    assert.equal(await page.getByLabel('Name').inputValue(), 'Ms Patel');

    await signIn(page, fx.kiosk.url, 'Ms Patel');
    assert.match(page.url(), /\/staff\/today$/);
    const nav = page.getByRole('navigation', { name: 'Staff' });
    assert.match(await nav.innerText(), /Ms Patel/);
    violations = await axeViolations(page);
    assert.deepEqual(violations, [], formatViolations('today', violations));

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
