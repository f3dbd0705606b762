#!/usr/bin/env node
// Accessibility and validity checks of built encyc sites, in a real browser.
//
//   node tests/browser/check.mjs OUTPUT_DIR [OUTPUT_DIR ...]
//
// For every output folder:
//   - the Nu HTML Checker (vnu.jar from the vnu-jar package, run with `java`) validates every
//     .html page and the stylesheet: any error fails;
//   - headless Chromium (Debian's /usr/bin/chromium driven by playwright-core; no JavaScript in
//     the pages themselves, which are also checked for <script> and on* handlers) opens pages
//     from file:// URLs, as a reader opening the site from disk would. The 404 page, whose links
//     start at base_path, comes from a loopback HTTP server that serves it for a missing
//     address, as a host would. Checks:
//       axe-core, tags wcag2a wcag2aa wcag21a wcag21aa, at 1280px and 375px, light and dark;
//       no sideways scrolling and nothing cut off at 1280px and 375px, at 200% zoom (a 640 CSS px
//         viewport at deviceScaleFactor 2: exactly what Chromium's zoom does to a 1280px window),
//         at 400% zoom (320 CSS px, WCAG 1.4.10 Reflow) and with WCAG 1.4.12 text spacing;
//       keyboard: the first Tab shows "Skip to content", Enter on it moves focus to main, every
//         focused element shows an outline of at least 2px with 3:1 contrast against what is
//         behind it, all A–Z links are reached by Tab and Enter on one opens its letter page;
//       landmarks (in the DOM and in Chromium's accessibility tree), one h1, no skipped heading
//         level, html lang, the current letter marked, empty A–Z letters not links and
//         announced "(no articles)";
//       print media, light and dark: the article (title, body, last revised, source,
//         disclaimer, the page address line) in black on white, without the A–Z bar, the skip
//         link, "see also" or a search form.
//     Which pages get which checks: see browserPages below.
// Prints a summary per page and exits 1 on any failure.
//
// Environment:
//   ENCYC_SCREENSHOTS=DIR   also save full-page screenshots of each page kind (both widths, both
//                           colour schemes, 200% zoom) and a PDF print of the longest article of
//                           each site to DIR
//   ENCYC_A11Y_ALL_PAGES=1  every check on every page (slow; vnu always checks every page)
//   CHROMIUM=PATH           the browser (default /usr/bin/chromium)
//   VNU_JAR=PATH            the checker (default: node_modules/vnu-jar/build/dist/vnu.jar)
//   ENCYC_A11Y_WORKERS=N    pages checked at once (default 2)
//   ENCYC_A11Y_TIMING=1     print where the time went

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const WIDTHS = [1280, 375];
const SCHEMES = ['light', 'dark'];
const HEIGHT = 800;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const VNU_JAR = process.env.VNU_JAR || path.join(here, 'node_modules/vnu-jar/build/dist/vnu.jar');
const SHOTS = process.env.ENCYC_SCREENSHOTS || '';
const ALL_PAGES = ['1', 'true', 'yes'].includes((process.env.ENCYC_A11Y_ALL_PAGES || '').toLowerCase());
const WORKERS = Number(process.env.ENCYC_A11Y_WORKERS) || 2;

const started = Date.now();
const outputs = process.argv.slice(2).map((d) => path.resolve(d));
if (outputs.length === 0) {
  console.error('usage: node check.mjs OUTPUT_DIR [OUTPUT_DIR ...]');
  process.exit(2);
}
for (const dir of outputs) {
  if (!existsSync(path.join(dir, 'index.html'))) {
    console.error(`${dir} is not a built encyc site (no index.html)`);
    process.exit(2);
  }
}
if (SHOTS) mkdirSync(SHOTS, { recursive: true });

/** Problems, by "site/page" key, each { check, rule, target, message }. */
const failures = new Map();
/** Per page: what ran. */
const summary = new Map();
/** Axe violations per "width/scheme". */
const axeCounts = new Map();
for (const w of WIDTHS) for (const s of SCHEMES) axeCounts.set(`${w}px ${s}`, 0);

function fail(key, check, rule, target, message) {
  if (!failures.has(key)) failures.set(key, []);
  failures.get(key).push({ check, rule, target, message });
}
function note(key, what) {
  if (!summary.has(key)) summary.set(key, new Set());
  summary.get(key).add(what);
}

// ---------------------------------------------------------------- the sites and their pages

function kindOf(file) {
  if (file === 'index.html') return 'home';
  if (file === '404.html') return '404';
  if (/^letter-[^/]+\.html$/.test(file)) return 'letter';
  return 'article';
}

function htmlFiles(dir) {
  const out = [];
  const walk = (rel) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      if (name.startsWith('.')) continue;
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(dir, r)).isDirectory()) walk(r);
      else if (name.endsWith('.html')) out.push(r);
    }
  };
  walk('');
  return out;
}

const sites = outputs.map((dir, i) => {
  const files = htmlFiles(dir);
  const label = `site${i + 1}`;
  const pages = files.map((file) => {
    const html = readFileSync(path.join(dir, file), 'utf8');
    const kind = kindOf(file);
    const letterHasEntries = kind === 'letter' ? /<main[\s\S]*<li>/.test(html) : undefined;
    const size = html.length;
    if (/<script\b/i.test(html) || /<[^>]+\son[a-z]+\s*=/i.test(html)) {
      fail(`${label}/${file}`, 'static', 'no-script', file, 'pages must work without JavaScript and carry none (script element or event handler)');
    }
    return { site: label, dir, file, kind, key: `${label}/${file}`, letterHasEntries, size };
  });
  return { label, dir, pages };
});

/** The pages that get the browser checks, and how many. Each page kind (the home page, the
 * letter page with most entries, a letter page with none, the 404 page and the longest article)
 * gets axe at both widths in both schemes, layout, structure and print checks (`kind`); on the
 * first site, whose pages show every template, they also get the keyboard walk-through and real
 * zoom (`every`: the checks are about the theme, which all sites share). The other articles,
 * which differ only in content, get what content can break (`content`): axe at 1280px in light
 * and dark, structure, print, reflow at 320px and text spacing. ENCYC_A11Y_ALL_PAGES gives every
 * page every check. */
function browserPages(site, index) {
  if (ALL_PAGES) return site.pages.map((p) => ({ ...p, level: 'every' }));
  const by = (kind) => site.pages.filter((p) => p.kind === kind);
  const largest = (list) => list.reduce((best, p) => (!best || p.size > best.size ? p : best), null);
  const letters = by('letter');
  const kinds = [
    by('home')[0],
    largest(letters.filter((p) => p.letterHasEntries)),
    letters.find((p) => !p.letterHasEntries),
    by('404')[0],
    largest(by('article')),
  ].filter(Boolean);
  const kindKeys = new Set(kinds.map((p) => p.key));
  return [
    ...kinds.map((p) => ({ ...p, level: index === 0 ? 'every' : 'kind' })),
    ...by('article')
      .filter((p) => !kindKeys.has(p.key))
      .map((p) => ({ ...p, level: 'content' })),
  ];
}

// ---------------------------------------------------------------- vnu

function runVnu() {
  return new Promise((resolve) => {
    if (!existsSync(VNU_JAR)) {
      resolve({ error: `no ${VNU_JAR} (run npm ci --prefix tests/browser)` });
      return;
    }
    const files = [];
    for (const site of sites) {
      for (const p of site.pages) files.push(path.join(site.dir, p.file));
      const assets = path.join(site.dir, 'assets');
      if (existsSync(assets)) {
        for (const f of readdirSync(assets).sort()) if (f.endsWith('.css')) files.push(path.join(assets, f));
      }
    }
    const args = ['-Xss8m', '-jar', VNU_JAR, '--format', 'json', '--stdout', '--exit-zero-always', '--also-check-css', ...files];
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', (e) => resolve({ error: `cannot run java: ${e.message}` }));
    child.on('close', (code) => {
      try {
        resolve({ files, messages: JSON.parse(out).messages });
      } catch {
        resolve({ error: `vnu exited ${code} without a JSON report: ${err.slice(0, 500)}` });
      }
    });
  });
}

function keyForFile(file) {
  for (const site of sites) {
    if (file.startsWith(site.dir + path.sep)) return `${site.label}/${path.relative(site.dir, file).split(path.sep).join('/')}`;
  }
  return file;
}

// ---------------------------------------------------------------- the 404 page, served

/** A loopback server per site answering every address it has no file for with 404.html, as
 * static hosts do, so the 404 page's base_path links resolve. */
async function serve404(site) {
  const html404 = readFileSync(path.join(site.dir, '404.html'), 'utf8');
  const css = /<link rel="stylesheet" href="([^"]*)assets\/style\.css"/.exec(html404);
  const base = css && css[1].startsWith('/') ? css[1] : null;
  if (!base) return null;
  const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    let rel = decodeURIComponent(url.pathname);
    let file = null;
    if (rel.startsWith(base)) {
      rel = rel.slice(base.length) || 'index.html';
      const candidate = path.resolve(site.dir, rel);
      if (candidate.startsWith(site.dir + path.sep) && existsSync(candidate) && statSync(candidate).isFile()) file = candidate;
    }
    if (file) {
      res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
      res.end(readFileSync(file));
    } else {
      res.writeHead(404, { 'content-type': types['.html'] });
      res.end(html404);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { server, url: `http://127.0.0.1:${port}${base}no/such/page.html` };
}

function urlOf(page) {
  if (page.kind === '404' && page.served) return page.served;
  return pathToFileURL(path.join(page.dir, page.file)).href;
}

// ---------------------------------------------------------------- checks inside the page

/** Runs in the page: layout problems at the current viewport. */
function layoutProblemsInPage() {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth) {
    problems.push({ rule: 'horizontal-scroll', target: 'html', message: `page is ${doc.scrollWidth}px wide in a ${doc.clientWidth}px viewport` });
  }
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += `#${el.id}`;
    if (el.classList.length) s += `.${[...el.classList].join('.')}`;
    const parent = el.parentElement;
    return parent && parent !== document.body ? `${describe(parent)} > ${s}` : s;
  };
  const hiddenOnPurpose = (el) => el.closest('.visually-hidden, .skip-link');
  const insideScroller = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === 'auto' || ox === 'scroll') return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    if (hiddenOnPurpose(el)) continue;
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if ((r.right > doc.clientWidth + 1 || r.left < -1) && !insideScroller(el)) {
      problems.push({ rule: 'cut-off', target: describe(el), message: `spans ${Math.round(r.left)}–${Math.round(r.right)}px of a ${doc.clientWidth}px viewport` });
    }
    const clips = ['hidden', 'clip'];
    if ((clips.includes(cs.overflowX) && el.scrollWidth > el.clientWidth + 1) || (clips.includes(cs.overflowY) && el.scrollHeight > el.clientHeight + 1)) {
      problems.push({ rule: 'clipped', target: describe(el), message: `content ${el.scrollWidth}×${el.scrollHeight}px clipped to ${el.clientWidth}×${el.clientHeight}px` });
    }
  }
  return problems.slice(0, 20);
}

/** Runs in the page: landmarks, headings, language, scripts, the A–Z bar. */
function structureProblemsInPage() {
  const problems = [];
  const p = (rule, target, message) => problems.push({ rule, target, message });
  const lang = document.documentElement.getAttribute('lang');
  if (!lang || !lang.trim()) p('html-lang', 'html', 'no lang attribute');
  if (!document.title.trim()) p('title', 'title', 'empty <title>');
  const banner = document.querySelectorAll('body > header');
  const contentinfo = document.querySelectorAll('body > footer');
  if (banner.length !== 1) p('landmark-banner', 'body > header', `${banner.length} page headers, want 1`);
  if (contentinfo.length !== 1) p('landmark-contentinfo', 'body > footer', `${contentinfo.length} page footers, want 1`);
  if (document.querySelectorAll('main').length !== 1) p('landmark-main', 'main', 'want exactly one main');
  const navs = [...document.querySelectorAll('nav')];
  if (!navs.length) p('landmark-nav', 'nav', 'no nav');
  for (const nav of navs) {
    const labelled = (nav.getAttribute('aria-label') || '').trim() ||
      (nav.getAttribute('aria-labelledby') && document.getElementById(nav.getAttribute('aria-labelledby'))?.textContent.trim());
    if (!labelled) p('landmark-nav-label', nav.className ? `nav.${nav.className}` : 'nav', 'nav has no accessible name');
  }
  if (!document.querySelector('nav.az[aria-label]')) p('landmark-nav-label', 'nav.az', 'the A–Z bar must be a nav with aria-label');
  const h1s = document.querySelectorAll('h1');
  if (h1s.length !== 1) p('one-h1', 'h1', `${h1s.length} h1 elements`);
  let previous = 0;
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const level = Number(h.tagName[1]);
    if (previous === 0 && level !== 1) p('heading-order', h.tagName.toLowerCase(), `first heading is h${level}, not h1`);
    if (previous && level > previous + 1) p('heading-order', `${h.tagName.toLowerCase()} "${h.textContent.trim().slice(0, 40)}"`, `h${previous} is followed by h${level}`);
    previous = level;
  }
  const main = document.querySelector('main');
  if (main && main.id && main.getAttribute('tabindex') !== '-1') p('skip-target', 'main', 'main needs tabindex="-1" so the skip link moves focus to it');
  const current = document.querySelectorAll('nav.az [aria-current="page"]').length;
  const isLetterPage = /\/letter-[^/]+\.html$/.test(location.pathname);
  if (current !== (isLetterPage ? 1 : 0)) p('az-current', 'nav.az', `${current} letters marked aria-current="page"`);
  for (const li of document.querySelectorAll('nav.az li')) {
    const link = li.querySelector('a');
    if (link) continue;
    const text = li.textContent.replace(/\s+/g, ' ').trim();
    if (!/no articles/i.test(text)) p('az-empty', `nav.az li "${text}"`, 'an empty letter must say it has no articles');
    if (li.querySelector('[href], [tabindex]')) p('az-empty', `nav.az li "${text}"`, 'an empty letter must not be focusable');
  }
  return problems;
}

/** Runs in the page: the focused element's focus indicator. */
function focusIndicatorInPage() {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const parse = (c) => {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (x, y) => {
    const [l1, l2] = [lum(x), lum(y)].sort((a, b) => b - a);
    return (l1 + 0.05) / (l2 + 0.05);
  };
  const backgroundBehind = (node) => {
    for (let n = node; n; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c && c.a > 0.99) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  const cs = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const describe = el.tagName.toLowerCase() + (el.className ? `.${String(el.className).split(' ').join('.')}` : '') +
    (el.getAttribute('href') ? `[href="${el.getAttribute('href')}"]` : '') + (el.id ? `#${el.id}` : '');
  const outline = parse(cs.outlineColor);
  return {
    target: describe,
    tag: el.tagName.toLowerCase(),
    text: el.textContent.replace(/\s+/g, ' ').trim().slice(0, 60),
    inAz: !!el.closest('nav.az'),
    inMain: !!el.closest('main'),
    isSkip: el.classList.contains('skip-link'),
    href: el.getAttribute('href'),
    outlineStyle: cs.outlineStyle,
    outlineWidth: parseFloat(cs.outlineWidth) || 0,
    outlineContrast: outline ? ratio(outline, backgroundBehind(el.parentElement)) : 0,
    textContrast: ratio(parse(cs.color) || { r: 0, g: 0, b: 0 }, backgroundBehind(el)),
    visible: r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth &&
      cs.visibility === 'visible' && Number(cs.opacity) > 0.5,
  };
}

// ---------------------------------------------------------------- one page, all checks

async function checkAxe(tab, page, width, scheme) {
  const result = await tab.evaluate(
    async (tags) => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] });
      const slim = (list) => list.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary || '' })) }));
      return { violations: slim(r.violations), incomplete: slim(r.incomplete) };
    },
    AXE_TAGS,
  );
  const combo = `${width}px ${scheme}`;
  for (const v of result.violations) {
    for (const n of v.nodes) {
      axeCounts.set(combo, axeCounts.get(combo) + 1);
      fail(page.key, `axe ${combo}`, v.id, n.target, `${v.help}. ${n.summary.split('\n').slice(1, 2).join(' ').trim()}`);
    }
  }
  // Contrast axe could not decide (text over an image, say) would hide a failure: report it.
  for (const v of result.incomplete.filter((v) => v.id === 'color-contrast')) {
    for (const n of v.nodes) fail(page.key, `axe ${combo}`, 'color-contrast (undecided)', n.target, n.summary.split('\n').slice(1, 2).join(' ').trim());
  }
  note(page.key, 'axe');
}

async function checkLayout(tab, page, label) {
  for (const pr of await tab.evaluate(layoutProblemsInPage)) fail(page.key, `layout ${label}`, pr.rule, pr.target, pr.message);
  note(page.key, `layout ${label}`);
}

async function checkSkipLink(tab, page) {
  const url = urlOf(page);
  // The first Tab shows the skip link; Enter on it moves focus to main, and the next Tab stays there.
  await tab.goto(url);
  await tab.keyboard.press('Tab');
  const skip = await tab.evaluate(focusIndicatorInPage);
  if (!skip || !skip.isSkip) {
    fail(page.key, 'keyboard', 'skip-link', skip ? skip.target : 'body', 'the first Tab must focus the "Skip to content" link');
  } else {
    if (skip.text !== 'Skip to content') fail(page.key, 'keyboard', 'skip-link', skip.target, `the skip link says "${skip.text}"`);
    if (!skip.visible) fail(page.key, 'keyboard', 'skip-link', skip.target, 'the focused skip link is not on screen');
    if (skip.textContrast < 4.5) fail(page.key, 'keyboard', 'skip-link', skip.target, `text contrast ${skip.textContrast.toFixed(2)} < 4.5`);
    await tab.keyboard.press('Enter');
    const focusedMain = await tab.evaluate(() => document.activeElement && document.activeElement.tagName === 'MAIN');
    if (!focusedMain) fail(page.key, 'keyboard', 'skip-link', skip.target, 'Enter on the skip link must move focus to main');
    await tab.keyboard.press('Tab');
    const next = await tab.evaluate(focusIndicatorInPage);
    const mainHasFocusable = await tab.evaluate(() => !!document.querySelector('main a[href], main button, main input, main [tabindex="0"]'));
    if (mainHasFocusable && (!next || !next.inMain)) {
      fail(page.key, 'keyboard', 'skip-link', next ? next.target : 'body', 'after the skip link, Tab must go on inside main');
    }
  }
  note(page.key, 'keyboard');
}

async function checkKeyboard(tab, page) {
  const url = urlOf(page);
  await checkSkipLink(tab, page);

  // Tab through the whole page, recording each stop as it gets focus: every stop is on screen
  // and shows an outline of at least 2px with 3:1 contrast, and every A–Z link is reached.
  await tab.goto(url);
  const stops = await tab.evaluate(
    ([indicator]) => {
      // eslint-disable-next-line no-new-func
      const describe = new Function(`return (${indicator})()`);
      window.__focusLog = [];
      document.addEventListener('focusin', () => window.__focusLog.push(describe()), true);
      return document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])').length;
    },
    [focusIndicatorInPage.toString()],
  );
  // Past the A–Z bar, 40 stops in main are plenty to see every kind of control.
  const azCount = await tab.$$eval('nav.az a[href]', (as) => as.length);
  for (let i = 0; i < Math.min(stops + 1, azCount + 42); i++) await tab.keyboard.press('Tab');
  const log = await tab.evaluate(() => window.__focusLog);
  const azLinks = await tab.$$eval('nav.az a[href]', (as) => as.map((a) => a.getAttribute('href')));
  const reachedAz = new Set();
  const badFocus = [];
  for (const f of log) {
    if (f.inAz) reachedAz.add(f.href);
    if (f.outlineStyle === 'none' || f.outlineWidth < 2) badFocus.push([f.target, `no visible focus outline (${f.outlineStyle} ${f.outlineWidth}px)`]);
    else if (f.outlineContrast < 3) badFocus.push([f.target, `focus outline contrast ${f.outlineContrast.toFixed(2)} < 3`]);
    else if (!f.visible) badFocus.push([f.target, 'focused but not on screen']);
  }
  for (const [target, message] of badFocus.slice(0, 5)) fail(page.key, 'keyboard', 'focus-visible', target, message);
  const missing = azLinks.filter((h) => !reachedAz.has(h));
  if (missing.length) fail(page.key, 'keyboard', 'az-tab', 'nav.az', `not reached by Tab: ${missing.join(', ')}`);

  // Enter on the first A–Z link reached by Tab opens that letter's page.
  const firstAz = log.findIndex((f) => f.inAz);
  if (firstAz >= 0 && page.kind !== '404') {
    const az = log[firstAz];
    await tab.goto(url);
    for (let i = 0; i <= firstAz; i++) await tab.keyboard.press('Tab');
    const href = await tab.evaluate(() => document.activeElement && document.activeElement.getAttribute('href'));
    if (href !== az.href) {
      fail(page.key, 'keyboard', 'az-enter', 'nav.az', `Tab order changed between loads (${href} instead of ${az.href})`);
    } else {
      await Promise.all([tab.waitForURL((u) => u.href.endsWith(`/${az.href.split('/').pop()}`)), tab.keyboard.press('Enter')]);
      const h1 = await tab.textContent('h1');
      const current = await tab.evaluate(() => document.querySelector('nav.az a[aria-current="page"]')?.textContent);
      if (!h1 || !h1.includes(az.text) || current !== az.text) {
        fail(page.key, 'keyboard', 'az-enter', `nav.az a[href="${az.href}"]`, `Enter led to a page with h1 "${h1}" and current letter "${current}"`);
      }
    }
  }
  note(page.key, 'keyboard');
}

async function checkStructure(tab, page) {
  for (const pr of await tab.evaluate(structureProblemsInPage)) fail(page.key, 'structure', pr.rule, pr.target, pr.message);
  if (page.level === 'content') {
    note(page.key, 'structure');
    return;
  }
  // What a screen reader gets, from Chromium's accessibility tree: the landmarks, and empty
  // A–Z letters announced as having no articles.
  const tree = await tab.locator('body').ariaSnapshot();
  for (const landmark of ['banner', 'main', 'contentinfo']) {
    if (!new RegExp(`^- ${landmark}:`, 'm').test(tree)) fail(page.key, 'structure', `landmark-${landmark}`, 'body', `no top-level ${landmark} landmark in the accessibility tree`);
  }
  if (!/^ {2}- navigation "[^"]+":/m.test(tree)) fail(page.key, 'structure', 'landmark-nav-label', 'nav.az', 'no named navigation landmark in the banner');
  const empties = await tab.$$eval('nav.az li:not(:has(a))', (lis) => lis.map((li) => li.firstElementChild.firstChild.textContent.trim()));
  for (const letter of empties) {
    if (!tree.includes(`listitem: ${letter} (no articles)`)) fail(page.key, 'structure', 'az-empty', `nav.az "${letter}"`, 'not announced as "(no articles)"');
  }
  note(page.key, 'structure');
}

async function checkPrint(tab, page) {
  // Until the site knows its base URL there is no page address to print: put in the line the
  // theme writes when it has one (`page_url`), to check that it prints and stays off screen.
  await tab.evaluate(() => {
    if (document.querySelector('.page-address')) return;
    const p = document.createElement('p');
    p.className = 'page-address print-only';
    p.textContent = `Page address: ${location.href}`;
    document.querySelector('body > footer').append(p);
  });
  for (const scheme of SCHEMES) {
    await tab.emulateMedia({ media: 'print', colorScheme: scheme });
    const r = await tab.evaluate(() => {
      const shown = (sel) => {
        const el = document.querySelector(sel);
        if (!el) return null;
        const cs = getComputedStyle(el);
        const rect = el.getBoundingClientRect();
        return cs.display !== 'none' && cs.visibility !== 'hidden' && rect.height > 0;
      };
      const body = getComputedStyle(document.body);
      return {
        hidden: ['nav.az', '.skip-link', 'nav.see-also', 'form', '[role="search"]', '#site-search', '.site-search'].map((s) => [s, shown(s)]),
        visible: ['article h1', '.article-body', '.last-revised', '.source', '.disclaimer', '.page-address'].map((s) => [s, shown(s)]),
        colors: [body.color, body.backgroundColor],
      };
    });
    for (const [sel, shown] of r.hidden) if (shown) fail(page.key, `print ${scheme}`, 'print-hidden', sel, 'shown in print');
    for (const [sel, shown] of r.visible) {
      // .source is optional; when on the page it must print.
      if (shown === null && sel === '.source') continue;
      if (!shown) fail(page.key, `print ${scheme}`, 'print-visible', sel, shown === null ? 'missing' : 'not printed');
    }
    if (r.colors[0] !== 'rgb(0, 0, 0)' || !['rgb(255, 255, 255)', 'rgba(0, 0, 0, 0)'].includes(r.colors[1])) {
      fail(page.key, `print ${scheme}`, 'print-colors', 'body', `prints ${r.colors[0]} on ${r.colors[1]}, want black on white`);
    }
  }
  // On screen, a print-only line stays hidden.
  await tab.emulateMedia({ media: 'screen', colorScheme: 'light' });
  const screenAddress = await tab.evaluate(() => {
    const el = document.querySelector('.page-address');
    return el ? getComputedStyle(el).display : 'none';
  });
  if (screenAddress !== 'none') fail(page.key, 'print', 'page-address', '.page-address', 'the page address is for print only');
  note(page.key, 'print');
}

const timings = new Map();
async function timed(name, f) {
  const t = Date.now();
  try {
    return await f();
  } finally {
    timings.set(name, (timings.get(name) || 0) + Date.now() - t);
  }
}

async function checkPage(w, page) {
  const tab = w.tab;
  const url = urlOf(page);
  const shot = SHOTS && page.level !== 'content' ? (name) => path.join(SHOTS, `${page.site}-${shotName(page)}-${name}.png`) : null;
  await tab.setViewportSize({ width: WIDTHS[0], height: HEIGHT });
  await tab.emulateMedia({ media: 'screen', colorScheme: 'light' });
  await timed('load', async () => {
    await tab.goto(url);
    await tab.addScriptTag({ content: AXE_SOURCE });
  });
  for (const width of page.level === 'content' ? WIDTHS.slice(0, 1) : WIDTHS) {
    await tab.setViewportSize({ width, height: HEIGHT });
    for (const scheme of SCHEMES) {
      await tab.emulateMedia({ media: 'screen', colorScheme: scheme });
      await timed('axe', () => checkAxe(tab, page, width, scheme));
      if (shot) await tab.screenshot({ path: shot(`${width}-${scheme}`), fullPage: true });
    }
    await tab.emulateMedia({ media: 'screen', colorScheme: 'light' });
    await timed('layout', () => checkLayout(tab, page, `${width}px`));
  }
  await tab.setViewportSize({ width: WIDTHS[0], height: HEIGHT });
  await timed('structure', () => checkStructure(tab, page));
  if (page.kind === 'article') await timed('print', () => checkPrint(tab, page));
  if (page.level !== 'every') {
    // WCAG 1.4.10 reflow at 320 CSS px (what 400% zoom gives a 1280px window).
    await tab.setViewportSize({ width: 320, height: HEIGHT });
    await timed('layout', () => checkLayout(tab, page, '320px'));
  }
  // WCAG 1.4.12: with wider line, paragraph, letter and word spacing nothing is lost.
  await tab.setViewportSize({ width: 375, height: HEIGHT });
  await tab.addStyleTag({
    content:
      '* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }',
  });
  await timed('layout', () => checkLayout(tab, page, 'text spacing 375px'));
  await tab.setViewportSize({ width: WIDTHS[0], height: HEIGHT });
  if (page.level === 'kind') await timed('keyboard', () => checkSkipLink(tab, page));
  if (page.level !== 'every') return;
  await timed('keyboard', () => checkKeyboard(tab, page));
  // Browser zoom: Chromium at 200% on a 1280px window lays pages out in a 640 CSS px viewport at
  // twice the pixel density (and at 400%, WCAG's reflow case, in 320 CSS px at 4x). Emulating
  // exactly that viewport and density is what zoom does to media queries, rem units and layout.
  for (const [label, z] of w.zoomed) {
    await timed('zoom', async () => {
      await z.goto(url);
      await checkLayout(z, page, label);
    });
    if (shot && label === '200% zoom') await z.screenshot({ path: shot('zoom200'), fullPage: true });
  }
}

function shotName(page) {
  return page.kind === 'letter' && !page.letterHasEntries ? 'letter-empty' : page.kind;
}

async function printPdf(browser, page) {
  const ctx = await browser.newContext();
  const tab = await ctx.newPage();
  await tab.goto(urlOf(page));
  await tab.emulateMedia({ media: 'print' });
  // As the browser's print dialog would: A4, the stylesheet's @page margins, no backgrounds.
  await tab.pdf({ path: path.join(SHOTS, `${page.site}-article-print.pdf`), format: 'A4', preferCSSPageSize: true, printBackground: false });
  await ctx.close();
}

// ---------------------------------------------------------------- main

async function main() {
  const vnuDone = runVnu();
  const servers = [];
  for (const site of sites) {
    const s = await serve404(site);
    if (s) {
      servers.push(s.server);
      for (const p of site.pages) if (p.kind === '404') p.served = s.url;
    }
  }

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const queue = sites.flatMap((site, i) => browserPages(site, i));
  try {
    const workers = Array.from({ length: WORKERS }, async () => {
      const ctx = await browser.newContext({ viewport: { width: WIDTHS[0], height: HEIGHT } });
      const w = { tab: await ctx.newPage(), zoomed: [], contexts: [ctx] };
      for (const [label, width, scale] of [['200% zoom', 640, 2], ['400% zoom', 320, 4]]) {
        const zctx = await browser.newContext({ viewport: { width, height: HEIGHT / scale }, deviceScaleFactor: scale });
        w.contexts.push(zctx);
        w.zoomed.push([label, await zctx.newPage()]);
      }
      for (let p = queue.shift(); p; p = queue.shift()) {
        try {
          await checkPage(w, p);
        } catch (e) {
          fail(p.key, 'browser', 'error', p.file, e.message.split('\n')[0]);
        }
      }
      for (const c of w.contexts) await c.close();
    });
    await Promise.all(workers);
    if (SHOTS) {
      for (const site of sites) {
        const article = site.pages.filter((p) => p.kind === 'article').reduce((a, p) => (!a || p.size > a.size ? p : a), null);
        if (article) await printPdf(browser, article);
      }
    }
  } finally {
    await browser.close();
    for (const s of servers) s.close();
  }

  const vnu = await vnuDone;
  let vnuErrors = 0;
  let vnuWarnings = 0;
  if (vnu.error) {
    fail('vnu', 'vnu', 'vnu', '-', vnu.error);
  } else {
    for (const m of vnu.messages) {
      const key = m.url ? keyForFile(fileURLToPath(m.url)) : 'vnu';
      if (m.type === 'error' || m.type === 'non-document-error') {
        vnuErrors++;
        fail(key, 'vnu', 'html', `line ${m.lastLine ?? '?'}`, m.message);
      } else if (m.subType === 'warning') {
        vnuWarnings++;
        console.log(`vnu warning: ${key}: line ${m.lastLine ?? '?'}: ${m.message}`);
      }
    }
  }

  // ---- report
  const allPages = sites.flatMap((s) => s.pages);
  for (const site of sites) {
    console.log(`\n${site.label}: ${site.dir}`);
    for (const p of site.pages) {
      const ran = summary.get(p.key);
      const problems = failures.get(p.key) || [];
      const checks = ['vnu', ...(ran ? [...ran].filter((c) => !c.startsWith('layout ')) : [])];
      if (ran && [...ran].some((c) => c.startsWith('layout '))) checks.push('layout');
      console.log(`  ${problems.length ? 'FAIL' : 'ok  '} ${p.file} (${p.kind}; ${checks.join(', ')})`);
      for (const f of problems) console.log(`       ${f.check}: ${f.rule}: ${f.target}: ${f.message}`);
    }
  }
  for (const [key, list] of failures) {
    if (allPages.some((p) => p.key === key)) continue;
    console.log(`\n${key}:`);
    for (const f of list) console.log(`  ${f.check}: ${f.rule}: ${f.target}: ${f.message}`);
  }
  const browserChecked = [...summary.keys()].length;
  const problemCount = [...failures.values()].reduce((n, l) => n + l.length, 0);
  console.log(`\npages checked: ${allPages.length} by vnu, ${browserChecked} in Chromium (${ALL_PAGES ? 'every check on every page' : 'every page kind and every article'})`);
  console.log(`vnu: ${vnuErrors} errors, ${vnuWarnings} warnings`);
  console.log(`axe violations (${AXE_TAGS.join(', ')}): ${[...axeCounts].map(([k, v]) => `${k}: ${v}`).join('; ')}`);
  if (process.env.ENCYC_A11Y_TIMING) console.log(`timings (ms, summed over workers): ${[...timings].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (SHOTS) console.log(`screenshots and PDF in ${SHOTS}`);
  console.log(`${problemCount ? 'FAILED' : 'passed'}: ${problemCount} problems in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(problemCount ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
