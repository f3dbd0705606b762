#!/usr/bin/env node
// Accessibility and validity checks of built encyc sites, in a real browser.
//
//   node check.mjs [--search=QUERY] [--results=QUERY] OUTPUT_DIR [[--search=QUERY] OUTPUT_DIR ...]
//
// --search=QUERY is what to type in the search box of the next site (default "back pain"): it
// must find articles both by name and in their text, so that the open list shows both kinds.
// A further edition's folder in a site (output/es: its own home, search and 404 pages) is a
// site of its own, given after the one that holds it with queries in its language
// (`node check.mjs output --search=espalda --results=espalda output/es`); a run that leaves it
// out stops with that advice, rather than take its home and 404 pages for articles.
//
// For every output folder:
//   - a static check of every .html page: the only scripts a page may carry are the theme's
//     own search script, exactly `<script src="{root}assets/search.js" data-root="{root}"
//     defer></script>` once, and JSON-LD data blocks (`<script type="application/ld+json">`
//     holding JSON and no `<`); any other script element, any on* event handler attribute and
//     any javascript: address fails (raw HTML in an article must never bring a script);
//   - the Nu HTML Checker (vnu.jar from the vnu-jar package, run with `java`) validates every
//     .html page and the stylesheet: any error fails;
//   - headless Chromium (Debian's /usr/bin/chromium driven by playwright-core) opens pages from
//     file:// URLs, as a reader opening the site from disk would, with JavaScript on (the
//     search script runs). The 404 page, whose links start at base_path, comes from a loopback
//     HTTP server that serves it for a missing address, as a host would. Checks:
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
//     Which pages get which checks: see browserJobs below. The search page is checked as it
//     first opens (a prompt) and with results for ?q=back, which the script renders.
//   - the search box with its results open (the ARIA 1.2 combobox), on the home page and an
//     article: typed into, it shows a listbox of options (names, then "found in the text of"),
//     aria-expanded is true and aria-controls names the listbox, ArrowDown makes an option
//     active (aria-activedescendant, aria-selected) with a visible highlight of 3:1 contrast,
//     the status region announces the count; axe at both widths in both schemes with the list
//     open, no sideways scrolling at 375px and 320px; Escape closes it;
//   - without JavaScript (a browser context with it turned off): the home page and an article
//     show their content and the A–Z bar, the search form is a labelled search landmark whose
//     submit opens search.html, which then points to the letter pages (axe checks that state at
//     1280px light and 375px dark). Text under the open list whose contrast axe cannot decide is
//     not counted (it is checked with the list closed); text in the list axe cannot decide is
//     checked again with the page under the list hidden (see checkAxe).
// Prints a summary per page and exits 1 on any failure.
//
// Environment:
//   ENCYC_SCREENSHOTS=DIR   also save full-page screenshots of each page kind (both widths, both
//                           colour schemes, 200% zoom), of the open search list and of the search
//                           page without JavaScript, and a PDF print of the longest article of
//                           each site to DIR
//   ENCYC_A11Y_ALL_PAGES=1  every check on every page (slow; vnu always checks every page)
//   CHROMIUM=PATH           the browser (default /usr/bin/chromium)
//   VNU_JAR=PATH            the checker (default: node_modules/vnu-jar/build/dist/vnu.jar)
//   ENCYC_A11Y_WORKERS=N    pages checked at once (default 2)
//   ENCYC_A11Y_TIMING=1     print where the time went

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
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
/** Typed into the search box when --search does not say otherwise. */
const DEFAULT_QUERY = 'back pain';
/** The search page's results state: search.html?q=RESULTS_QUERY. */
const RESULTS_QUERY = 'back';
/** The longest one page's checks may take before they count as hung. */
const JOB_LIMIT = 90_000;

const started = Date.now();
/** The output folders, each with the query to type in its search box. */
const outputs = [];
{
  let query = DEFAULT_QUERY;
  let results = RESULTS_QUERY;
  for (const arg of process.argv.slice(2)) {
    if (arg.startsWith('--search=')) query = arg.slice('--search='.length);
    // The search page's results query for the next site (a site in another language).
    else if (arg.startsWith('--results=')) results = arg.slice('--results='.length);
    else {
      outputs.push({ dir: path.resolve(arg), query, results });
      query = DEFAULT_QUERY;
      results = RESULTS_QUERY;
    }
  }
}
if (outputs.length === 0) {
  console.error('usage: node check.mjs [--search=QUERY] OUTPUT_DIR [[--search=QUERY] OUTPUT_DIR ...]');
  process.exit(2);
}
for (const { dir } of outputs) {
  if (!existsSync(path.join(dir, 'index.html'))) {
    console.error(`${dir} is not a built encyc site (no index.html)`);
    process.exit(2);
  }
}
/** The folders of further editions in a site (`es/`): each has its own home, search and 404
 * pages, in its own language, so it is a site of its own here, with a query in that language.
 * Its pages are left out of the site that holds it; one not given on the command line is an
 * error that says how to give it, rather than a site checked in part. */
function editionFolders(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .filter((name) => ['index.html', 'search.html', '404.html'].every((f) => existsSync(path.join(dir, name, f))))
    .sort();
}
{
  const given = new Set(outputs.map(({ dir }) => dir));
  const missing = outputs.flatMap(({ dir }) => editionFolders(dir).map((name) => path.join(dir, name)).filter((d) => !given.has(d)));
  if (missing.length > 0) {
    const list = missing.map((d) => path.relative(process.cwd(), d) || d).join(', ');
    console.error(
      `${list}: a further edition's folder is checked as a site of its own, with a search query in its language; ` +
        `give it after the site, e.g. node ${path.relative(process.cwd(), fileURLToPath(import.meta.url))} ${path.relative(process.cwd(), path.dirname(missing[0])) || '.'} --search=QUERY --results=QUERY ${path.relative(process.cwd(), missing[0])}`,
    );
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
/** The same, for the page states only (search results, the open search list, no JavaScript). */
const axeStateCounts = new Map();
for (const w of WIDTHS) for (const s of SCHEMES) for (const m of [axeCounts, axeStateCounts]) m.set(`${w}px ${s}`, 0);
/** Text under an open search list whose contrast axe could not decide, not counted. */
let underPopupCount = 0;
/** Keys of page states, as opposed to page files. */
const stateKeys = new Set();

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
  if (file === 'search.html') return 'search';
  if (/^letter-[^/]+\.html$/.test(file)) return 'letter';
  if (/^media\/[^/]+\.html$/.test(file)) return 'illustration';
  return 'article';
}

function htmlFiles(dir) {
  const out = [];
  const editions = new Set(editionFolders(dir));
  const walk = (rel) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      if (name.startsWith('.') || (!rel && editions.has(name))) continue;
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(path.join(dir, r)).isDirectory()) walk(r);
      else if (name.endsWith('.html')) out.push(r);
    }
  };
  walk('');
  return out;
}

/** Static check of a page's scripts: pages work without JavaScript, and the only scripts they
 * carry are the theme's search script (once, exactly as the theme writes it, with the page's
 * own root) and JSON-LD data blocks, which browsers never run. Anything else (another script
 * element, an on* event handler, a javascript: address) could only come from raw HTML in an
 * article, which must never bring a script. */
function scriptProblems(html) {
  const problems = [];
  const css = /<link rel="stylesheet" href="([^"]*)assets\/style\.css">/.exec(html);
  const root = css ? css[1] : null;
  const themeScript = root === null ? null : `<script src="${root}assets/search.js" data-root="${root}" defer></script>`;
  let themeScripts = 0;
  for (const m of html.matchAll(/<script\b[^>]*>/gi)) {
    const end = m.index + m[0].length;
    const close = html.toLowerCase().indexOf('</script', end);
    if (themeScript && html.startsWith(themeScript, m.index)) {
      themeScripts++;
    } else if (m[0] === '<script type="application/ld+json">' && close >= 0) {
      const data = html.slice(end, close);
      if (data.includes('<')) problems.push(['json-ld', 'a JSON-LD block must not contain "<" (it could end the element or open a comment)']);
      try {
        JSON.parse(data);
      } catch (e) {
        problems.push(['json-ld', `a JSON-LD block is not JSON: ${e.message}`]);
      }
    } else {
      problems.push(['no-script', `script element other than the theme's search script and JSON-LD data: ${m[0].slice(0, 80)}`]);
    }
  }
  if (themeScripts !== 1) problems.push(['search-script', `the theme's search script (${themeScript}) appears ${themeScripts} times, want once`]);
  const handler = /<[^>]+\son[a-z]+\s*=/i.exec(html);
  if (handler) problems.push(['no-handler', `event handler attribute: ${handler[0].slice(0, 80)}`]);
  const jsUrl = /\s(?:href|src|action|formaction|data)\s*=\s*["']?\s*javascript:/i.exec(html);
  if (jsUrl) problems.push(['no-javascript-url', `javascript: address: ${jsUrl[0].trim()}`]);
  return problems;
}

const sites = outputs.map(({ dir, query, results }, i) => {
  const files = htmlFiles(dir);
  const label = `site${i + 1}`;
  const pages = files.map((file) => {
    const html = readFileSync(path.join(dir, file), 'utf8');
    const kind = kindOf(file);
    const letterHasEntries = kind === 'letter' ? /<main[\s\S]*<li>/.test(html) : undefined;
    const size = html.length;
    for (const [rule, message] of scriptProblems(html)) fail(`${label}/${file}`, 'static', rule, file, message);
    // A redirect page (a renamed article's old address) leaves at once by its refresh, which
    // the Nu checker reads from the file; the browser checks open a copy beside it without
    // the refresh, so that there is a page to check.
    let openAs;
    if (/<meta http-equiv="refresh"[^>]*>/.test(html)) {
      openAs = path.join(path.dirname(file), `.no-refresh-${path.basename(file)}`);
      writeFileSync(path.join(dir, openAs), html.replace(/<meta http-equiv="refresh"[^>]*>\n?/, ''));
    }
    return { site: label, dir, file, kind: openAs ? 'redirect' : kind, key: `${label}/${file}`, letterHasEntries, size, openAs };
  });
  // Page states that are not files of their own (the search page with results, the open search
  // list, the site without JavaScript), reported after the pages.
  return { label, dir, query, results, pages, states: [] };
});

/** What the browser checks, and how much. Each page kind (the home page, the letter page with
 * most entries, a letter page with none, the 404 page, the search page and the longest article)
 * gets axe at both widths in both schemes, layout, structure and print checks (`kind`); on the
 * first site, whose pages show every template, they also get the keyboard walk-through and real
 * zoom (`every`: the checks are about the theme, which all sites share). The search page is
 * checked twice: as it opens, and with the results the script shows for ?q=back. The other
 * articles, which differ only in content, get what content can break (`content`): axe at 1280px
 * in light and dark, structure, print, reflow at 320px and text spacing. ENCYC_A11Y_ALL_PAGES
 * gives every page every check. Then the open search list on the home page and on the longest
 * article, and the site without JavaScript. */
function browserJobs(site, index) {
  const by = (kind) => site.pages.filter((p) => p.kind === kind);
  const largest = (list) => list.reduce((best, p) => (!best || p.size > best.size ? p : best), null);
  const letters = by('letter');
  const home = by('home')[0];
  const article = largest(by('article'));
  const search = by('search')[0];
  const level = ALL_PAGES || index === 0 ? 'every' : 'kind';
  const kinds = ALL_PAGES
    ? site.pages
    : [home, largest(letters.filter((p) => p.letterHasEntries)), letters.find((p) => !p.letterHasEntries), by('404')[0], search, article, by('illustration')[0]];
  const kindKeys = new Set(kinds.filter(Boolean).map((p) => p.key));
  const state = (job) => {
    site.states.push(job);
    stateKeys.add(job.key);
    return job;
  };
  return [
    ...[home, article].filter(Boolean).map((p) =>
      state({ ...p, task: 'combobox', query: site.query, key: `${p.key} with the search list open ("${site.query}")` }),
    ),
    ...kinds.filter(Boolean).map((p) => ({ ...p, level })),
    ...(search ? [state({ ...search, level, qs: `?q=${encodeURIComponent(site.results)}`, key: `${search.key}?q=${site.results}` })] : []),
    state({ site: site.label, dir: site.dir, task: 'nojs', query: site.query, home, article, key: `${site.label} without JavaScript` }),
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
  return pathToFileURL(path.join(page.dir, page.openAs || page.file)).href + (page.qs || '');
}

/** Opens a page and waits until it is what a reader sees: on the search page, until the script
 * has said how many results there are (or asked for a query). */
async function open(tab, page) {
  await tab.goto(urlOf(page));
  if (page.kind === 'search') {
    await tab.waitForFunction(() => document.querySelector('[data-search-count]')?.textContent.trim(), null, { timeout: 10000 });
  }
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
    const empty = document.documentElement.lang.startsWith('es') ? /sin artículos/i : /no articles/i;
    if (!empty.test(text)) p('az-empty', `nav.az li "${text}"`, 'an empty letter must say it has no articles');
    if (li.querySelector('[href], [tabindex]')) p('az-empty', `nav.az li "${text}"`, 'an empty letter must not be focusable');
  }
  return problems;
}

/** Runs in every page of the checking contexts (see `colourContext`): the colour arithmetic the
 * in-page checks share, as `window.__colour`. WCAG 2 relative luminance and contrast ratio. */
function installColourInPage() {
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
  // The first opaque background from `node` up, white (the canvas) when there is none.
  const backgroundBehind = (node) => {
    for (let n = node; n; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c && c.a > 0.99) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  };
  window.__colour = { parse, ratio, backgroundBehind };
}

/** A browser context whose pages all have `window.__colour`. */
async function colourContext(browser, options) {
  const ctx = await browser.newContext(options);
  await ctx.addInitScript(installColourInPage);
  return ctx;
}

/** Runs in the page: the focused element's focus indicator. */
function focusIndicatorInPage() {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const { parse, ratio, backgroundBehind } = window.__colour;
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

/** Axe on the page as it is. With `popup` (the selector of an open search list) the page
 * underneath is partly covered: contrast axe cannot decide there is not counted for text under
 * the list (which is checked with the list closed, and nothing changes colour when it opens),
 * and text in the list that axe cannot decide because the page under it differs from line to
 * line (axe compares what is under each line) is checked again with the page under the list
 * hidden, which the list's opaque background makes no difference to what a reader sees. */
async function checkAxe(tab, page, width, scheme, popup = null) {
  const result = await tab.evaluate(
    async ([tags, popup]) => {
      const options = { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'], elementRef: true };
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, options);
      let underPopup = 0;
      const list = popup && document.querySelector(popup);
      const contrast = r.incomplete.find((v) => v.id === 'color-contrast');
      if (list && contrast) {
        const box = list.getBoundingClientRect();
        const again = [];
        contrast.nodes = contrast.nodes.filter((n) => {
          if (list.contains(n.element)) {
            again.push(n.element);
            return false;
          }
          const e = n.element.getBoundingClientRect();
          if (e.left < box.right && e.right > box.left && e.top < box.bottom && e.bottom > box.top) {
            underPopup++;
            return false;
          }
          return true;
        });
        const opaque = /^rgb\(|^rgba\([^)]*,\s*1\)$/.test(getComputedStyle(list).backgroundColor);
        if (again.length && opaque) {
          const hide = document.createElement('style');
          // Not the search box itself, above the list: hiding it would take focus away and close the list.
          hide.textContent = 'body > :not(.site-header), .site-header > :not(.site-search), .site-search > :not(.search-results, .search-field) { visibility: hidden !important; }';
          document.head.append(hide);
          // eslint-disable-next-line no-undef
          const r2 = await axe.run({ include: again }, { ...options, runOnly: { type: 'rule', values: ['color-contrast'] } });
          hide.remove();
          // Text with marked words in it still differs from line to line (a line's middle may
          // fall on a <mark>): there, compare its colour with the first opaque background behind
          // it in the list, which is all there is behind it.
          const { parse, ratio: contrastOf } = window.__colour;
          const none = { r: 0, g: 0, b: 0, a: 0 };
          for (const v of r2.incomplete) {
            v.nodes = v.nodes.filter((n) => {
              if (n.any[0]?.data?.messageKey !== 'elmPartiallyObscuring') return true;
              let bg = null;
              for (let e = n.element; e && list.contains(e) && !bg; e = e.parentElement) {
                const c = parse(getComputedStyle(e).backgroundColor) || none;
                if (c.a >= 1) bg = c;
              }
              const fg = parse(getComputedStyle(n.element).color) || none;
              if (!bg) bg = parse(getComputedStyle(list).backgroundColor) || none;
              const ratio = contrastOf(fg, bg);
              if (ratio < 4.5) {
                r2.violations.push({ id: 'color-contrast', help: 'Elements must meet minimum color contrast ratio thresholds', nodes: [{ ...n, failureSummary: `\ncontrast ${ratio.toFixed(2)}:1 (worked out by the checker: axe could not decide), want 4.5:1` }] });
              }
              return false;
            });
          }
          r.violations.push(...r2.violations);
          r.incomplete.push(...r2.incomplete);
        } else if (again.length) {
          contrast.nodes.push(...again.map((element) => ({ target: [popup], failureSummary: `\nthe list has no opaque background (${getComputedStyle(list).backgroundColor})`, element })));
        }
      }
      const slim = (list) => list.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary || '' })) }));
      return { violations: slim(r.violations), incomplete: slim(r.incomplete), underPopup };
    },
    [AXE_TAGS, popup],
  );
  const combo = `${width}px ${scheme}`;
  underPopupCount += result.underPopup;
  for (const v of result.violations) {
    for (const n of v.nodes) {
      axeCounts.set(combo, axeCounts.get(combo) + 1);
      if (stateKeys.has(page.key)) axeStateCounts.set(combo, axeStateCounts.get(combo) + 1);
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

/** The theme's words the checks look for, by the page's language (an edition's `lang`). */
const WORDS = {
  en: { skip: 'Skip to content', empty: 'no articles' },
  es: { skip: 'Saltar al contenido', empty: 'sin artículos' },
};
async function wordsOf(tab) {
  const lang = await tab.evaluate(() => document.documentElement.lang);
  return WORDS[lang.split('-')[0]] || WORDS.en;
}

/** After the first Tab on a freshly opened page: it must show the "Skip to content" link. */
async function checkSkipLinkShown(tab, page) {
  const skip = await tab.evaluate(focusIndicatorInPage);
  if (!skip || !skip.isSkip) {
    fail(page.key, 'keyboard', 'skip-link', skip ? skip.target : 'body', 'the first Tab must focus the "Skip to content" link');
    return false;
  }
  if (skip.text !== (await wordsOf(tab)).skip) fail(page.key, 'keyboard', 'skip-link', skip.target, `the skip link says "${skip.text}"`);
  if (!skip.visible) fail(page.key, 'keyboard', 'skip-link', skip.target, 'the focused skip link is not on screen');
  if (skip.textContrast < 4.5) fail(page.key, 'keyboard', 'skip-link', skip.target, `text contrast ${skip.textContrast.toFixed(2)} < 4.5`);
  return true;
}

/** Enter on the skip link moves focus to main, and the next Tab stays there. */
async function checkSkipLinkEnter(tab, page) {
  await tab.focus('.skip-link');
  await tab.keyboard.press('Enter');
  const focusedMain = await tab.evaluate(() => document.activeElement && document.activeElement.tagName === 'MAIN');
  if (!focusedMain) fail(page.key, 'keyboard', 'skip-link', '.skip-link', 'Enter on the skip link must move focus to main');
  await tab.keyboard.press('Tab');
  const next = await tab.evaluate(focusIndicatorInPage);
  const mainHasFocusable = await tab.evaluate(() =>
    [...document.querySelectorAll('main a[href], main button, main input, main [tabindex="0"]')].some((el) => el.checkVisibility({ visibilityProperty: true })),
  );
  if (mainHasFocusable && (!next || !next.inMain)) {
    fail(page.key, 'keyboard', 'skip-link', next ? next.target : 'body', 'after the skip link, Tab must go on inside main');
  }
}

async function checkSkipLink(tab, page) {
  await open(tab, page);
  await tab.keyboard.press('Tab');
  if (await checkSkipLinkShown(tab, page)) await checkSkipLinkEnter(tab, page);
  note(page.key, 'keyboard');
}

async function checkKeyboard(tab, page) {
  // Tab through the whole page from a fresh load, recording each stop as it gets focus: the first
  // is the skip link, every stop is on screen and shows an outline of at least 2px with 3:1
  // contrast, and every A–Z link is reached.
  await open(tab, page);
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
  await tab.keyboard.press('Tab');
  const skipShown = await checkSkipLinkShown(tab, page);
  // Past the A–Z bar, 40 stops in main are plenty to see every kind of control.
  const azCount = await tab.$$eval('nav.az a[href]', (as) => as.length);
  for (let i = 1; i < Math.min(stops + 1, azCount + 42); i++) await tab.keyboard.press('Tab');
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

  if (skipShown) await checkSkipLinkEnter(tab, page);

  // Enter on the first A–Z link (reached by Tab above) opens that letter's page.
  const az = log.find((f) => f.inAz);
  if (az && page.kind !== '404') {
    await tab.focus(`nav.az a[href="${az.href}"]`);
    await Promise.all([tab.waitForURL((u) => u.href.endsWith(`/${az.href.split('/').pop()}`)), tab.keyboard.press('Enter')]);
    const h1 = await tab.textContent('h1');
    const current = await tab.evaluate(() => document.querySelector('nav.az a[aria-current="page"]')?.textContent);
    if (!h1 || !h1.includes(az.text) || current !== az.text) {
      fail(page.key, 'keyboard', 'az-enter', `nav.az a[href="${az.href}"]`, `Enter led to a page with h1 "${h1}" and current letter "${current}"`);
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
  const emptyWords = (await wordsOf(tab)).empty;
  for (const letter of empties) {
    if (!tree.includes(`listitem: ${letter} (${emptyWords})`)) fail(page.key, 'structure', 'az-empty', `nav.az "${letter}"`, 'not announced as "(no articles)"');
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
/** [key, ms] per page or page state, for ENCYC_A11Y_TIMING. */
const jobTimes = [];
async function timed(name, f) {
  const t = Date.now();
  try {
    return await f();
  } finally {
    timings.set(name, (timings.get(name) || 0) + Date.now() - t);
  }
}

async function checkPage(w, page) {
  if (page.task === 'combobox') return checkSearchOpen(w, page);
  if (page.task === 'nojs') return checkWithoutJavaScript(w, page);
  const tab = w.tab;
  const shot = SHOTS && page.level !== 'content' ? (name) => path.join(SHOTS, `${page.site}-${shotName(page)}-${name}.png`) : null;
  await tab.setViewportSize({ width: WIDTHS[0], height: HEIGHT });
  await tab.emulateMedia({ media: 'screen', colorScheme: 'light' });
  await timed('load', async () => {
    await open(tab, page);
    await tab.addScriptTag({ content: AXE_SOURCE });
  });
  if (page.qs) {
    // The results state: the script has put results in place of the no-JavaScript fallback.
    const r = await tab.evaluate(() => ({
      results: document.querySelectorAll('[data-search-results] li a[href]').length,
      fallback: document.querySelector('[data-search-fallback]')?.checkVisibility() ?? false,
      count: document.querySelector('[data-search-count]')?.textContent.trim(),
    }));
    if (!r.results || r.fallback) fail(page.key, 'search', 'results-page', '[data-search-results]', `${r.results} results ("${r.count}"), fallback shown: ${r.fallback}`);
  }
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
      await open(z, page);
      await checkLayout(z, page, label);
    });
    if (shot && label === '200% zoom') await z.screenshot({ path: shot('zoom200'), fullPage: true });
  }
}

function shotName(page) {
  if (page.kind === 'search' && page.qs) return 'search-results';
  return page.kind === 'letter' && !page.letterHasEntries ? 'letter-empty' : page.kind;
}

/** Runs in the page: the search combobox, its listbox and status region, and how the active
 * option stands out (outline, or background, with its contrast). */
function comboboxInPage() {
  const { parse, ratio, backgroundBehind: background } = window.__colour;
  const input = document.querySelector('form.site-search [role="combobox"]');
  if (!input) return null;
  const listId = input.getAttribute('aria-controls');
  const list = listId ? document.getElementById(listId) : null;
  const children = list ? [...list.children] : [];
  const options = children.filter((el) => el.getAttribute('role') === 'option');
  const separator = children.findIndex((el) => el.classList.contains('search-separator'));
  const status = input.form && input.form.querySelector('[role="status"]');
  const activeId = input.getAttribute('aria-activedescendant');
  const active = activeId ? document.getElementById(activeId) : null;
  const listStyle = list && getComputedStyle(list);
  const listRect = list && list.getBoundingClientRect();
  let highlight = null;
  if (active) {
    const cs = getComputedStyle(active);
    const own = background(active);
    const listBg = background(list);
    const other = options.find((o) => o !== active);
    const otherBg = other ? background(other) : listBg;
    const outline = parse(cs.outlineColor);
    const outlineWidth = cs.outlineStyle === 'none' ? 0 : parseFloat(cs.outlineWidth) || 0;
    const r = active.getBoundingClientRect();
    highlight = {
      outlineWidth,
      outlineContrast: outline && outlineWidth ? Math.min(ratio(outline, own), ratio(outline, listBg)) : 0,
      backgroundContrast: ratio(own, otherBg),
      onScreen: r.height > 0 && r.top >= listRect.top - 1 && r.bottom <= listRect.bottom + 1 && r.bottom <= innerHeight,
    };
  }
  return {
    focused: document.activeElement === input,
    expanded: input.getAttribute('aria-expanded'),
    listId,
    listRole: list ? list.getAttribute('role') : null,
    listName: list ? (list.getAttribute('aria-label') || '').trim() : '',
    listShown: !!list && !list.hidden && listStyle.display !== 'none' && listRect.height > 0,
    query: list ? list.getAttribute('data-query') : null,
    options: options.length,
    nameResults: separator < 0 ? options.length : children.slice(0, separator).filter((el) => options.includes(el)).length,
    textResults: separator < 0 ? 0 : children.slice(separator).filter((el) => options.includes(el)).length,
    optionIds: options.map((o) => o.id),
    status: status ? status.textContent.trim() : null,
    activeId,
    activeIsOption: !!active && !!list && list.contains(active) && active.getAttribute('role') === 'option',
    activeSelected: active ? active.getAttribute('aria-selected') : null,
    othersSelected: options.filter((o) => o !== active && o.getAttribute('aria-selected') === 'true').length,
    highlight,
  };
}

/** The search box with its results open, on a home or article page: the ARIA 1.2 combobox
 * pattern, axe at both widths in both schemes with the list open and an option active, reflow,
 * and Escape. */
async function checkSearchOpen(w, job) {
  const tab = w.tab;
  const key = job.key;
  const f = (rule, target, message) => fail(key, 'search', rule, target, message);
  const shot = SHOTS ? (name) => path.join(SHOTS, `${job.site}-${job.kind}-search-open-${name}.png`) : null;
  await tab.setViewportSize({ width: WIDTHS[0], height: HEIGHT });
  await tab.emulateMedia({ media: 'screen', colorScheme: 'light' });
  await timed('load', async () => {
    await open(tab, job);
    await tab.addScriptTag({ content: AXE_SOURCE });
  });
  await tab.focus('#site-search');
  await tab.keyboard.type(job.query);
  try {
    await tab.waitForFunction(
      (q) => {
        const list = document.getElementById('site-search-results');
        return list && list.getAttribute('data-query') === q && list.querySelector('[role="option"]');
      },
      job.query,
      { timeout: 10000 },
    );
  } catch {
    f('combobox-results', '#site-search-results', `no results shown for "${job.query}"`);
    return;
  }
  const open1 = await tab.evaluate(comboboxInPage);
  const target = '#site-search';
  if (!open1.focused) f('combobox-focus', target, 'typing moved focus away from the search box');
  if (open1.expanded !== 'true') f('combobox-expanded', target, `aria-expanded="${open1.expanded}" with results shown, want "true"`);
  if (open1.listRole !== 'listbox' || !open1.listShown) f('combobox-controls', target, `aria-controls="${open1.listId}" must name the shown listbox (role ${open1.listRole}, shown ${open1.listShown})`);
  if (!open1.listName) f('combobox-controls', `#${open1.listId}`, 'the listbox has no accessible name');
  if (!open1.nameResults || !open1.textResults) {
    f('combobox-results', `#${open1.listId}`, `"${job.query}" gave ${open1.nameResults} name and ${open1.textResults} text results; choose a query (--search) that gives both`);
  }
  // "3 articles found", "3 artículos encontrados": the number first, in the page's language.
  const count = /^(\d+) \S/.exec(open1.status || '');
  if (!count) f('combobox-status', '[role="status"]', `the status region says "${open1.status}", want the number of results ("N articles found")`);
  else if (Number(count[1]) < open1.options) f('combobox-status', '[role="status"]', `"${open1.status}" but ${open1.options} options are shown`);

  // ArrowDown makes the first option active, the next ArrowDown the second, one at a time.
  await tab.keyboard.press('ArrowDown');
  const first = await tab.evaluate(comboboxInPage);
  const checkActive = (state, want) => {
    if (state.activeId !== want) f('combobox-active', target, `aria-activedescendant="${state.activeId}", want "${want}"`);
    else if (!state.activeIsOption || state.activeSelected !== 'true') f('combobox-active', `#${state.activeId}`, 'the active option must be an option of the listbox with aria-selected="true"');
    if (state.othersSelected) f('combobox-active', `#${state.listId}`, `${state.othersSelected} other options are aria-selected`);
    if (!state.focused) f('combobox-focus', target, 'focus left the search box');
    const h = state.highlight;
    if (h && !((h.outlineWidth >= 2 && h.outlineContrast >= 3) || h.backgroundContrast >= 3)) {
      f('combobox-highlight', `#${state.activeId}`, `the active option does not stand out: outline ${h.outlineWidth}px at ${h.outlineContrast.toFixed(2)}:1, background ${h.backgroundContrast.toFixed(2)}:1 against the others (want a 2px outline or a background at 3:1)`);
    }
    if (h && !h.onScreen) f('combobox-highlight', `#${state.activeId}`, 'the active option is not scrolled into view');
  };
  checkActive(first, open1.optionIds[0]);
  if (open1.options > 1) {
    await tab.keyboard.press('ArrowDown');
    checkActive(await tab.evaluate(comboboxInPage), open1.optionIds[1]);
    await tab.keyboard.press('ArrowUp');
    checkActive(await tab.evaluate(comboboxInPage), open1.optionIds[0]);
  }
  note(key, 'combobox');

  // With the list open and the first option active: axe, and the look of it.
  for (const width of WIDTHS) {
    await tab.setViewportSize({ width, height: HEIGHT });
    for (const scheme of SCHEMES) {
      await tab.emulateMedia({ media: 'screen', colorScheme: scheme });
      const state = await tab.evaluate(comboboxInPage);
      if (state.expanded !== 'true' || !state.listShown) {
        f('combobox-expanded', target, `the list closed at ${width}px ${scheme}`);
        continue;
      }
      await timed('axe', () => checkAxe(tab, { key }, width, scheme, `#${state.listId}`));
      if (shot) await tab.screenshot({ path: shot(`${width}-${scheme}`) });
    }
  }
  await tab.emulateMedia({ media: 'screen', colorScheme: 'light' });
  for (const width of [375, 320]) {
    await tab.setViewportSize({ width, height: HEIGHT });
    await timed('layout', () => checkLayout(tab, { key }, `${width}px`));
  }
  await tab.setViewportSize({ width: WIDTHS[0], height: HEIGHT });

  // Escape closes the list and leaves focus in the box.
  await tab.keyboard.press('Escape');
  const closed = await tab.evaluate(comboboxInPage);
  if (closed.expanded !== 'false') f('combobox-escape', target, `after Escape aria-expanded="${closed.expanded}", want "false"`);
  if (closed.listShown) f('combobox-escape', `#${closed.listId}`, 'after Escape the list is still shown');
  if (closed.activeId) f('combobox-escape', target, 'after Escape aria-activedescendant is still set');
  if (!closed.focused) f('combobox-escape', target, 'Escape moved focus out of the search box');
  note(key, 'keyboard');
}

/** The site with JavaScript turned off: the home page and an article show their content, the
 * A–Z bar and a labelled search form whose submit opens search.html, which then points to the
 * letter pages (axe at 1280px light and 375px dark on that state). */
async function checkWithoutJavaScript(w, job) {
  const key = job.key;
  const f = (rule, target, message) => fail(key, 'no JavaScript', rule, target, message);
  const ctx = await w.browser.newContext({ javaScriptEnabled: false, viewport: { width: WIDTHS[0], height: HEIGHT } });
  try {
    const tab = await ctx.newPage();
    for (const page of [job.home, job.article].filter(Boolean)) {
      await tab.goto(urlOf(page));
      const r = await tab.evaluate(() => {
        const form = document.querySelector('form.site-search');
        const input = form && form.querySelector('input[name="q"]');
        return {
          h1: (document.querySelector('main h1')?.textContent || '').trim(),
          body: (document.querySelector('main .article-body')?.textContent || '').trim().length,
          azLinks: document.querySelectorAll('nav.az a[href]').length,
          form: !!form,
          role: form ? form.getAttribute('role') : null,
          method: form ? form.method : null,
          action: form ? form.action : null,
          label: input && input.labels.length ? input.labels[0].textContent.trim() : '',
          submit: !!(form && form.querySelector('button[type="submit"], input[type="submit"]')),
          expanded: input ? input.getAttribute('aria-expanded') : null,
        };
      });
      const where = page.file;
      if (!r.h1) f('content', `${where} main h1`, 'no heading');
      if (page.kind === 'article' && !r.body) f('content', `${where} .article-body`, 'the article text is missing');
      if (!r.azLinks) f('content', `${where} nav.az`, 'the A–Z bar has no links');
      if (!r.form) {
        f('search-form', `${where} form.site-search`, 'no search form');
        continue;
      }
      if (r.role !== 'search') f('search-form', `${where} form.site-search`, `role="${r.role}", want a search landmark`);
      if (!r.label || !r.submit) f('search-form', `${where} form.site-search`, `the search box needs a label (${r.label || 'none'}) and a submit button (${r.submit})`);
      if (r.method !== 'get' || r.action !== pathToFileURL(path.join(job.dir, 'search.html')).href) {
        f('search-form', `${where} form.site-search`, `the form sends ${r.method} to ${r.action}, want get to the site's search.html`);
      }
      if (r.expanded !== 'false') f('search-form', `${where} #site-search`, `aria-expanded="${r.expanded}" without a script to open it`);
      const tree = await tab.locator('form.site-search').ariaSnapshot();
      if (!/- (combobox|searchbox|textbox) "[^"]+"/.test(tree)) f('search-form', `${where} #site-search`, `the search box has no accessible name: ${tree.split('\n')[0]}`);
      note(key, where);
    }

    // Submitting the form (from the last page opened) leads to search.html, which points to the
    // letter pages instead of results.
    await tab.fill('#site-search', job.query || DEFAULT_QUERY);
    await Promise.all([tab.waitForURL((u) => /\/search\.html\?q=/.test(u.href)), tab.press('#site-search', 'Enter')]);
    const r = await tab.evaluate(() => {
      const fallback = document.querySelector('[data-search-fallback]');
      const shown = (el) => !!el && !el.hidden && getComputedStyle(el).display !== 'none' && el.getBoundingClientRect().height > 0;
      return {
        path: location.pathname,
        fallback: shown(fallback),
        letters: fallback ? [...fallback.querySelectorAll('a[href]')].map((a) => a.href) : [],
        results: document.querySelectorAll('[data-search-results] li').length,
      };
    });
    if (!r.path.endsWith('/search.html')) f('search-submit', 'form.site-search', `submit opened ${r.path}`);
    if (!r.fallback || !r.letters.length) f('search-fallback', '[data-search-fallback]', 'without JavaScript search.html must show links to the letter pages');
    for (const href of r.letters) {
      const file = fileURLToPath(href);
      if (!existsSync(file)) f('search-fallback', `a[href="${href}"]`, 'links to a missing page');
    }
    if (r.results) f('search-fallback', '[data-search-results]', `${r.results} results without JavaScript`);
    // The checker can still run its own code in the page, but with the page's scripts turned
    // off no timer ever fires, and axe-core waits on timers: run them as microtasks instead
    // (nothing else in the page runs to notice).
    await tab.evaluate(`${AXE_SOURCE}\n;0`);
    await tab.evaluate(() => {
      window.setTimeout = (f, _ms, ...args) => {
        Promise.resolve().then(() => f(...args));
        return 0;
      };
      window.clearTimeout = () => {};
    });
    // A static page like the letter pages: axe once at each width, in one scheme each.
    for (const [width, scheme] of [[WIDTHS[0], SCHEMES[0]], [WIDTHS[1], SCHEMES[1]]]) {
      await tab.setViewportSize({ width, height: HEIGHT });
      await tab.emulateMedia({ media: 'screen', colorScheme: scheme });
      await timed('axe', () => checkAxe(tab, { key }, width, scheme));
      if (SHOTS) await tab.screenshot({ path: path.join(SHOTS, `${job.site}-search-nojs-${width}-${scheme}.png`), fullPage: true });
      await timed('layout', () => checkLayout(tab, { key }, `${width}px`));
    }
    note(key, 'search.html');
  } finally {
    await ctx.close();
  }
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
  const queue = sites.flatMap((site, i) => browserJobs(site, i));
  try {
    const workers = Array.from({ length: WORKERS }, async () => {
      const ctx = await colourContext(browser, { viewport: { width: WIDTHS[0], height: HEIGHT } });
      const w = { browser, tab: await ctx.newPage(), zoomed: [], contexts: [ctx] };
      for (const [label, width, scale] of [['200% zoom', 640, 2], ['400% zoom', 320, 4]]) {
        const zctx = await colourContext(browser, { viewport: { width, height: HEIGHT / scale }, deviceScaleFactor: scale });
        w.contexts.push(zctx);
        w.zoomed.push([label, await zctx.newPage()]);
      }
      for (let p = queue.shift(); p; p = queue.shift()) {
        let timer;
        const jobStarted = Date.now();
        try {
          // A check that hangs (a wait that never ends) fails its page, not the whole run.
          await Promise.race([
            checkPage(w, p),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error(`gave up after ${JOB_LIMIT / 1000} s`)), JOB_LIMIT);
            }),
          ]);
        } catch (e) {
          fail(p.key, 'browser', 'error', p.file || p.key, e.message.split('\n')[0]);
        } finally {
          clearTimeout(timer);
          jobTimes.push([p.key, Date.now() - jobStarted]);
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
  const allStates = sites.flatMap((s) => s.states);
  const line = (key, name, what) => {
    const ran = summary.get(key);
    const problems = failures.get(key) || [];
    const checks = [...what, ...(ran ? [...ran].filter((c) => !c.startsWith('layout ')) : [])];
    if (ran && [...ran].some((c) => c.startsWith('layout '))) checks.push('layout');
    console.log(`  ${problems.length ? 'FAIL' : ran || !stateKeys.has(key) ? 'ok  ' : 'NOT RUN'} ${name} (${checks.join(', ')})`);
    for (const f of problems) console.log(`       ${f.check}: ${f.rule}: ${f.target}: ${f.message}`);
  };
  for (const site of sites) {
    console.log(`\n${site.label}: ${site.dir}`);
    for (const p of site.pages) line(p.key, p.file, [p.kind, 'static', 'vnu']);
    for (const s of site.states) line(s.key, s.key.slice(site.label.length + 1), ['state']);
  }
  for (const [key, list] of failures) {
    if (allPages.some((p) => p.key === key) || allStates.some((s) => s.key === key)) continue;
    console.log(`\n${key}:`);
    for (const f of list) console.log(`  ${f.check}: ${f.rule}: ${f.target}: ${f.message}`);
  }
  const browserChecked = allPages.filter((p) => summary.has(p.key)).length;
  const statesChecked = allStates.filter((s) => summary.has(s.key)).length;
  const notRun = allStates.length - statesChecked;
  if (notRun) {
    fail('report', 'report', 'not-run', '-', `${notRun} page states were not checked`);
    console.log(`\n${notRun} page states were not checked`);
  }
  const problemTotal = [...failures.values()].reduce((n, l) => n + l.length, 0);
  console.log(`\npages checked: ${allPages.length} by vnu, ${browserChecked} in Chromium (${ALL_PAGES ? 'every check on every page' : 'every page kind and every article'}), and ${statesChecked} page states (search results page, open search list, no JavaScript)`);
  console.log(`vnu: ${vnuErrors} errors, ${vnuWarnings} warnings`);
  console.log(`axe violations (${AXE_TAGS.join(', ')}): ${[...axeCounts].map(([k, v]) => `${k}: ${v}`).join('; ')}`);
  console.log(`  of which in the page states: ${[...axeStateCounts].map(([k, v]) => `${k}: ${v}`).join('; ')}`);
  console.log(`  (axe could not decide the contrast of ${underPopupCount} text elements under an open search list: not counted, they are checked with the list closed)`);
  if (process.env.ENCYC_A11Y_TIMING) {
    console.log(`timings (ms, summed over workers): ${[...timings].map(([k, v]) => `${k} ${v}`).join(', ')}`);
    const slowest = jobTimes.sort((a, b) => b[1] - a[1]).slice(0, 12);
    console.log(`slowest (ms): ${slowest.map(([k, v]) => `${k} ${v}`).join('; ')}`);
  }
  if (SHOTS) console.log(`screenshots and PDF in ${SHOTS}`);
  console.log(`${problemTotal ? 'FAILED' : 'passed'}: ${problemTotal} problems in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(problemTotal ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
