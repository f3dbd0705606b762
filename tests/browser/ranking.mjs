#!/usr/bin/env node
// Search ranking without a browser: runs the site's own search.js (and the vendored MiniSearch
// it loads) in node against a built site's index files, with just enough of a document for
// the script to load its index, and checks what comes first for each query.
//
//   node tests/browser/ranking.mjs CASES.json
//
// CASES.json: { "output": DIR,
//   "queries": [ { "type": "sciatia", "first": "Sciatica", "within": 1 }, ... ],
//   (a query may also name a result that must not be found at all: "absent": "Ano")
//   "folding": [ { "text": "Sjøgren", "folded": "sjogren" }, ... ] }
// "first" is a result's visible name (for a match on an alternative name, "Alt — see Title").
// Prints each query with its first three results; exits 1 on any failure.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const output = cases.output;

// The document search.js sees: no search box, no results page; a <script> added to the head
// runs the index file it names.
const context = { console, Promise, Map, Set, URLSearchParams, setTimeout, clearTimeout };
context.window = context;
context.document = {
  currentScript: null,
  readyState: 'complete',
  documentElement: { classList: { add() {} } },
  querySelector: () => null,
  createElement: () => ({}),
  head: {
    appendChild(el) {
      setImmediate(() => {
        let code;
        try {
          code = readFileSync(path.join(output, el.src), 'utf8');
        } catch (e) {
          el.onerror(e);
          return;
        }
        vm.runInContext(code, context, { filename: el.src });
        el.onload();
      });
    },
  },
};
vm.createContext(context);
vm.runInContext(readFileSync(path.join(output, 'assets/search.js'), 'utf8'), context, { filename: 'search.js' });
const api = context.encycSearch;

const failures = [];
const fail = (what) => {
  failures.push(what);
  console.log(`  FAIL ${what}`);
};

function shown(article, result) {
  const title = api.title(result.article);
  return result.alt ? `${result.name} — see ${title}` : title;
}

// Folding comes with the index: load it first (by a search).
await api.search('loading');
for (const v of cases.folding || []) {
  const got = api.fold(v.text);
  if (got !== v.folded) fail(`fold(${JSON.stringify(v.text)}) is ${JSON.stringify(got)}, not ${JSON.stringify(v.folded)}`);
}
console.log(`folding: ${(cases.folding || []).length} vectors checked`);

for (const q of cases.queries) {
  const within = q.within || 1;
  const results = await api.search(q.type);
  const all = api.ordered(results).map((r) => shown(null, r));
  const at = all.indexOf(q.first);
  const top = all.slice(0, 3).map((r) => (r.length > 60 ? r.slice(0, 60) + '…' : r)).join(' | ');
  const shownToo = q.absent ? all.indexOf(q.absent) : -1;
  const ok = at >= 0 && at < within && shownToo < 0;
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} "${q.type}" → ${top || '(nothing)'}`);
  if (at < 0 || at >= within) {
    fail(`"${q.type}": expected "${q.first}" in the first ${within}, it is ${at < 0 ? 'not found' : 'at ' + (at + 1)}`);
  }
  if (shownToo >= 0) fail(`"${q.type}": "${q.absent}" should not be found, it is at ${shownToo + 1}`);
}

console.log(failures.length ? `\n${failures.length} ranking check(s) failed` : '\nall ranking checks passed');
process.exit(failures.length ? 1 : 0);
