#!/usr/bin/env node
// Search as a reader uses it, in headless Chromium, on built sites opened from disk.
//
//   node tests/browser/search.mjs CASES.json
//
// CASES.json: { "sites": [ { "output": DIR, "queries": [ { "type": "sciatia",
//   "first": "Sciatica", "within": 3 }, ... ] } ] }
// For each query: types it into the search box of the site's home page (file://), waits for
// results, and checks that the expected entry (its visible name, e.g. "Lumbago — see Low back
// pain") is among the first `within` results (default 1); then checks that the status line
// announces the number of results. Per site it also checks the ARIA combobox keyboard
// pattern (ArrowDown makes an option active, Enter opens it, the right article loads), the
// results page search.html?q=…, and that without JavaScript search.html offers the letter
// pages. A site may say what its status line and results page say in its language:
// "status" (a regular expression for "N articles found"), "none" ({ "type", "says" }: a query
// without results and the exact status it shows), and resultsPage's "heading" and "count".
// Prints each query with what came first; exits 1 on any failure.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const failures = [];
const fail = (what) => {
  failures.push(what);
  console.log(`  FAIL ${what}`);
};

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});

async function resultsFor(page, query) {
  const input = page.locator('#site-search');
  await input.fill('');
  // Until the emptied box has cleared the last results, the same query asked twice would find
  // them, and the status of the empty box could be read for its own (seen on a loaded machine).
  await page.waitForFunction(() => !document.getElementById('site-search-results').hasAttribute('data-query'),
    null, { timeout: 10000 });
  await input.fill(query);
  // Results appear as the reader types; wait until they are this query's.
  await page.waitForFunction((q) => document.getElementById('site-search-results').getAttribute('data-query') === q,
    query, { timeout: 10000 });
  return page.$$eval('#site-search-results [role=option]', (els) => els.map((el) => el.textContent.trim()));
}

try {
  for (const site of cases.sites) {
    const home = pathToFileURL(path.join(site.output, 'index.html')).href;
    console.log(`${site.output}`);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => fail(`page error: ${e.message}`));
    await page.goto(home);

    for (const q of site.queries) {
      const within = q.within || 1;
      const results = await resultsFor(page, q.type);
      const at = results.findIndex((r) => r === q.first || r.startsWith(q.first + ' ') || r.startsWith(q.first));
      const shown = results.slice(0, 3).map((r) => r.length > 70 ? r.slice(0, 70) + '…' : r).join(' | ');
      console.log(`  ${at >= 0 && at < within ? 'ok  ' : 'FAIL'} "${q.type}" → ${shown || '(nothing)'}`);
      if (at < 0 || at >= within) fail(`"${q.type}": expected "${q.first}" in the first ${within}, got: ${shown}`);
      if (q.marked) {
        // A full-text result shows the text where the words were found, with them marked.
        const marks = await page.$$eval('#site-search-results [role=option]', (els, i) =>
          Array.from(els[i] ? els[i].querySelectorAll('.search-result-snippet mark') : []).map((m) => m.textContent), at);
        const ok = marks.some((m) => m.toLowerCase().startsWith(q.marked));
        console.log(`  ${ok ? 'ok  ' : 'FAIL'} "${q.type}" marks ${JSON.stringify(marks)}`);
        if (!ok) fail(`"${q.type}": expected "${q.marked}" marked in the snippet of "${q.first}", got ${JSON.stringify(marks)}`);
      }
      const status = await page.textContent('.site-search [role=status]');
      const found = new RegExp(site.status || '\\d+ articles? found|No articles found');
      if (!found.test(status)) fail(`"${q.type}": status says "${status}"`);
    }
    if (site.none) {
      const results = await resultsFor(page, site.none.type);
      const status = await page.textContent('.site-search [role=status]');
      const ok = results.length === 0 && status === site.none.says;
      console.log(`  ${ok ? 'ok  ' : 'FAIL'} "${site.none.type}" → status "${status}"`);
      if (!ok) fail(`"${site.none.type}": expected no results and "${site.none.says}", got ${results.length} and "${status}"`);
    }

    // Keyboard: the combobox pattern, then Enter opens the active option.
    const k = site.keyboard;
    if (k) {
      await page.goto(home);
      await page.focus('#site-search');
      await page.keyboard.type(k.type, { delay: 20 });
      await page.waitForSelector('#site-search-results [role=option]');
      if (await page.getAttribute('#site-search', 'aria-expanded') !== 'true') fail('combobox not expanded with results');
      await page.keyboard.press('ArrowDown');
      const active = await page.getAttribute('#site-search', 'aria-activedescendant');
      const selected = active && await page.getAttribute(`#${active}`, 'aria-selected');
      if (selected !== 'true') fail('ArrowDown did not make an option active');
      await Promise.all([page.waitForURL((u) => u.pathname.endsWith(k.opens)), page.keyboard.press('Enter')]);
      const h1 = await page.textContent('h1');
      console.log(`  ${h1.trim() === k.title ? 'ok  ' : 'FAIL'} keyboard: "${k.type}", ArrowDown, Enter → ${h1.trim()}`);
      if (h1.trim() !== k.title) fail(`keyboard: expected "${k.title}", opened "${h1}"`);
    }

    // The results page, as the search form's submit opens it.
    const p = site.resultsPage;
    if (p) {
      const url = pathToFileURL(path.join(site.output, 'search.html')).href + '?q=' + encodeURIComponent(p.type);
      await page.goto(url);
      await page.waitForFunction(() => document.querySelector('[data-search-count]').textContent.length > 0);
      const first = (await page.$$eval('[data-search-results] a', (els) => els.map((e) => e.textContent.trim())))[0] || '';
      const ok = first.startsWith(p.first);
      console.log(`  ${ok ? 'ok  ' : 'FAIL'} search.html?q=${p.type} → ${first}`);
      if (!ok) fail(`results page for "${p.type}": first is "${first}"`);
      const heading = (await page.textContent('[data-search-heading]')).trim();
      const count = (await page.textContent('[data-search-count]')).trim();
      console.log(`  ${p.heading && heading !== p.heading ? 'FAIL' : 'ok  '} heading "${heading}", count "${count}"`);
      if (p.heading && heading !== p.heading) fail(`results page heading: expected "${p.heading}", got "${heading}"`);
      if (p.count && !new RegExp(p.count).test(count)) fail(`results page count: "${count}" does not match ${p.count}`);
    }

    // Without JavaScript the search box still leads somewhere useful.
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    const plain = await noJs.newPage();
    await plain.goto(pathToFileURL(path.join(site.output, 'search.html')).href + '?q=anything');
    const letters = await plain.$$eval('[data-search-fallback] a', (els) => els.length);
    const visible = await plain.isVisible('[data-search-fallback]');
    console.log(`  ${letters > 0 && visible ? 'ok  ' : 'FAIL'} without JavaScript, search.html lists ${letters} letter pages`);
    if (!(letters > 0 && visible)) fail('without JavaScript search.html offers no letter pages');
    await noJs.close();
    await context.close();
  }
} finally {
  await browser.close();
}

console.log(failures.length ? `\n${failures.length} search check(s) failed` : '\nall search checks passed');
process.exit(failures.length ? 1 : 0);
