// Keyboard: every interactive element on the kiosk's screens (start, quick check, booking,
// cancelling, the drop-in queue) and on two pages of the careers site can be reached with Tab,
// and shows a visible focus indicator when it has keyboard focus.
//
// On each screen the tabbable elements are listed in DOM order (a radio group is one tab stop:
// the browser tabs to its checked button, or the first). Starting from the top of the page, Tab
// is pressed (stops + 5) times; every stop must be focused at least once. Each element that Tab
// focuses must match :focus-visible, be on screen, and look different from when it has no focus:
// an outline at least 2px wide, or a box-shadow of its own, or a change of border or background.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  addAvailability,
  answerQuickCheck,
  buildSite,
  closePage,
  follow,
  launchBrowser,
  makeTempDir,
  newPage,
  removeDir,
  serveStatic,
  startKiosk,
  submit,
} from './helpers.mjs';

let work;
let siteDir;
let site;
let kiosk;
let browser;

before(async () => {
  work = makeTempDir('signpost-keyboard-');
  siteDir = buildSite();
  addAvailability(work);
  kiosk = await startKiosk({ workDir: work, siteDir });
  site = await serveStatic(siteDir);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await kiosk?.stop();
  removeDir(siteDir);
  removeDir(work);
});

const kioskUrl = (rel) => new URL(rel, kiosk.url).href;

/**
 * Marks every tabbable element with data-kb-id (its own), data-kb-name (tag and label, for
 * messages) and data-kb-stop (its tab stop: a radio group shares one) and returns the stops in
 * DOM order as { stop, name }.
 */
function listTabStops() {
  const selector = [
    'a[href]',
    'area[href]',
    'button',
    'input:not([type="hidden"])',
    'select',
    'textarea',
    'summary',
    '[tabindex]:not([tabindex="-1"])',
  ].join(', ');
  const describe = (el) => {
    const tag = el.tagName.toLowerCase();
    const type = tag === 'input' ? `[type=${el.type}]` : '';
    const text =
      el.getAttribute('aria-label') ||
      (el.labels && el.labels.length ? el.labels[0].innerText : '') ||
      el.innerText ||
      el.value ||
      el.getAttribute('name') ||
      '';
    return `${tag}${type}${el.id ? `#${el.id}` : ''} "${text.trim().replace(/\s+/g, ' ').slice(0, 60)}"`;
  };
  const visible = (el) =>
    el.checkVisibility({ visibilityProperty: true }) && el.getClientRects().length > 0;
  const forms = [...document.forms];
  const stops = [];
  const seen = new Set();
  let n = 0;
  for (const el of document.querySelectorAll(selector)) {
    if (el.tabIndex < 0 || el.matches(':disabled') || el.closest('[inert]') || !visible(el)) continue;
    el.dataset.kbId = String((n += 1));
    el.dataset.kbName = describe(el);
    let stop = `el-${n}`;
    let name = el.dataset.kbName;
    if (el.type === 'radio' && el.name) {
      stop = `radio-${forms.indexOf(el.form)}-${el.name}`;
      const legend = el.closest('fieldset')?.querySelector('legend')?.innerText.trim() ?? '';
      name = `radio group "${el.name}"${legend ? ` (${legend.slice(0, 60)})` : ''}`;
    }
    el.dataset.kbStop = stop;
    if (!seen.has(stop)) {
      seen.add(stop);
      stops.push({ stop, name });
    }
  }
  return stops;
}

/** Gives the page `window.kbFocusStyles(el)`: the styles that can show focus, as computed now. */
function installFocusStyles() {
  window.kbFocusStyles = (el) => {
    const cs = getComputedStyle(el);
    return {
      outlineStyle: cs.outlineStyle,
      outlineWidth: cs.outlineWidth,
      outlineColor: cs.outlineColor,
      boxShadow: cs.boxShadow,
      backgroundColor: cs.backgroundColor,
      borderColor: cs.borderColor,
      borderWidth: cs.borderWidth,
      textDecorationLine: cs.textDecorationLine,
    };
  };
}

/**
 * What has focus now: null for the page itself, else its id, stop, name, whether it matches
 * :focus-visible, whether any of it is inside the viewport, and its styles. An element Tab
 * reaches that `listTabStops` did not list gets an id of its own ("extra-N").
 */
function readFocus() {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  if (!el.dataset.kbId) {
    window.kbExtra = (window.kbExtra || 0) + 1;
    el.dataset.kbId = `extra-${window.kbExtra}`;
    el.dataset.kbStop = el.dataset.kbId;
  }
  if (!el.dataset.kbName) {
    const text = (el.getAttribute('aria-label') || el.innerText || el.value || '').trim();
    el.dataset.kbName =
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${text.replace(/\s+/g, ' ').slice(0, 60)}"`;
  }
  const r = el.getBoundingClientRect();
  return {
    id: el.dataset.kbId,
    stop: el.dataset.kbStop,
    name: el.dataset.kbName,
    focusVisible: el.matches(':focus-visible'),
    onScreen: r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
    styles: window.kbFocusStyles(el),
  };
}

const transparent = (colour) => /^rgba\(.*,\s*0\)$/.test(colour) || colour === 'transparent';
const widest = (widths) => Math.max(...widths.split(/\s+/).map((w) => parseFloat(w) || 0));

/** How the focused look differs from the unfocused one, or null when it does not show. */
function indicator(focused, blurred) {
  const outlineChanged =
    focused.outlineStyle !== blurred.outlineStyle ||
    focused.outlineWidth !== blurred.outlineWidth ||
    focused.outlineColor !== blurred.outlineColor;
  if (
    focused.outlineStyle !== 'none' &&
    parseFloat(focused.outlineWidth) >= 2 &&
    !transparent(focused.outlineColor) &&
    outlineChanged
  ) {
    return 'outline';
  }
  if (focused.boxShadow !== 'none' && focused.boxShadow !== blurred.boxShadow) return 'box-shadow';
  if (widest(focused.borderWidth) > 0 && focused.borderColor !== blurred.borderColor) return 'border';
  if (focused.backgroundColor !== blurred.backgroundColor) return 'background';
  return null;
}

const showStyles = (s) =>
  `outline: ${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}; box-shadow: ${s.boxShadow}; ` +
  `background-color: ${s.backgroundColor}; border: ${s.borderWidth} ${s.borderColor}; ` +
  `text-decoration-line: ${s.textDecorationLine}`;

/**
 * Tabs through the screen showing in `page` from its top and fails, naming `screen`, when a tab
 * stop is never reached or an element Tab focuses has no visible focus indicator. Returns the
 * number of tab stops.
 */
async function checkKeyboard(t, page, screen) {
  const stops = await page.evaluate(listTabStops);
  assert.ok(stops.length > 0, `${screen}: nothing on the screen can take focus`);

  // Start from the top of the page, with nothing focused.
  const start = await page.evaluate(() => {
    const el = document.activeElement;
    const had = el && el !== document.body ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}` : null;
    if (had) el.blur();
    window.scrollTo(0, 0);
    return had;
  });
  assert.equal(start, null, `${screen}: ${start} has focus before any key is pressed`);

  const focused = new Map(); // data-kb-id -> what readFocus gave the first time Tab reached it
  const reachedStops = new Set();
  await page.evaluate(installFocusStyles);
  for (let i = 0; i < stops.length + 5; i += 1) {
    await page.keyboard.press('Tab');
    const now = await page.evaluate(readFocus);
    if (!now) continue;
    reachedStops.add(now.stop);
    if (!focused.has(now.id)) focused.set(now.id, now);
  }

  // The same elements with nothing focused.
  const ids = [...focused.keys()];
  const blurred = await page.evaluate((list) => {
    document.activeElement?.blur();
    return Object.fromEntries(
      list.map((id) => [id, window.kbFocusStyles(document.querySelector(`[data-kb-id="${id}"]`))]),
    );
  }, ids);

  const unreached = stops.filter((s) => !reachedStops.has(s.stop)).map((s) => s.name);
  const extra = [...focused.values()].filter((f) => f.id.startsWith('extra-')).map((f) => f.name);
  const problems = [];
  for (const f of focused.values()) {
    const off = blurred[f.id];
    const how = indicator(f.styles, off);
    const why = [];
    if (!f.focusVisible) why.push('does not match :focus-visible after Tab');
    if (!f.onScreen) why.push('is off screen while focused');
    if (!how) why.push('no visible focus indicator');
    if (why.length === 0) continue;
    problems.push(
      `${screen}: ${f.name} ${why.join(', ')}\n` +
        `      focused:   ${showStyles(f.styles)}\n` +
        `      unfocused: ${showStyles(off)}`,
    );
  }

  t.diagnostic(
    `${screen}: ${stops.length} tab stops, ${focused.size} elements focused by Tab` +
      (extra.length ? `; also reached (not in the list): ${extra.join(', ')}` : ''),
  );
  assert.deepEqual(
    unreached,
    [],
    `${screen}: Tab never reached ${unreached.length} of ${stops.length} tab stops:\n  ${unreached.join('\n  ')}`,
  );
  assert.deepEqual(problems, [], `${screen}: focus not visible:\n  ${problems.join('\n  ')}`);
  return stops.length;
}

/** Opens `url` in a new desktop page, runs `fn(page)`, and closes the page. */
async function withPage(url, fn) {
  const page = await newPage(browser);
  try {
    const res = await page.goto(url, { waitUntil: 'load' });
    assert.equal(res?.status(), 200, `${url} answered ${res?.status()}`);
    await fn(page);
  } finally {
    await closePage(page);
  }
}

for (const rel of ['index.html', 'programme/year-10.html']) {
  test(`site ${rel}: every control is reached by Tab and shows focus`, { timeout: 120_000 }, async (t) => {
    await withPage(new URL(rel, site.url).href, (page) => checkKeyboard(t, page, `site ${rel}`));
  });
}

for (const [rel, screen] of [
  ['', 'kiosk start'],
  ['triage', 'kiosk quick check: year'],
  ['triage/questions?year=11', 'kiosk quick check: questions'],
  ['book/cancel', 'kiosk cancel a booking'],
  ['queue', 'kiosk drop-in queue'],
  ['site/index.html', 'kiosk careers site'],
]) {
  test(`${screen} (/${rel}): every control is reached by Tab and shows focus`, { timeout: 120_000 }, async (t) => {
    await withPage(kioskUrl(rel), (page) => checkKeyboard(t, page, screen));
  });
}

test('kiosk quick check result: every control is reached by Tab and shows focus', { timeout: 120_000 }, async (t) => {
  await withPage(kioskUrl('triage/questions?year=11'), async (page) => {
    await answerQuickCheck(page);
    await submit(page, 'See my result');
    assert.equal((await page.locator('h1').innerText()).trim(), 'Your result');
    await checkKeyboard(t, page, 'kiosk quick check: result');
  });
});

test('kiosk booking, from the slots to the confirmation: every control is reached by Tab and shows focus', { timeout: 180_000 }, async (t) => {
  await withPage(kioskUrl('book'), async (page) => {
    const slots = page.locator('button.slot');
    assert.ok((await slots.count()) > 0, 'no free slots offered, although the adviser is free tomorrow');
    await checkKeyboard(t, page, 'kiosk booking: slots');

    await follow(page, slots.first());
    assert.equal((await page.locator('h1').innerText()).trim(), 'Your details');
    await checkKeyboard(t, page, 'kiosk booking: details');

    await page.getByLabel('First name').fill('Tariq');
    await page.getByLabel('Surname').fill('Bello');
    await page.getByLabel('Tutor group').fill('11R');
    await submit(page, 'Confirm booking');
    assert.equal((await page.locator('h1').innerText()).trim(), 'You are booked in');
    assert.equal(await page.locator('#print-slip').isVisible(), true, 'the "Print my slip" button is not shown');
    await checkKeyboard(t, page, 'kiosk booking: confirmation');
  });
});
