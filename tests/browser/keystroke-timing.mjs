#!/usr/bin/env node
// How long search takes per keystroke, as on a phone: Chromium with the CPU slowed down 4×
// (CDP Emulation.setCPUThrottlingRate), a built site opened from disk, each query typed one
// letter at a time; the time of the site's own search (names, text, passages) per keystroke.
// A measuring tool, not a test (run it by hand on a big generated site, see the README):
//
//   node tests/browser/keystroke-timing.mjs OUTPUT_DIR [QUERY ...]

import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { chromium } from 'playwright-core';

const [output, ...given] = process.argv.slice(2);
const queries = given.length ? given : ['chronic knee pain', 'acute bak pian', 'sciatica', 'inflamatory'];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage();
  await page.goto(pathToFileURL(path.join(output, 'index.html')).href);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  // The first use loads the index: timed apart.
  const load = await page.evaluate(async () => {
    const t = performance.now();
    await window.encycSearch.search('xx');
    return performance.now() - t;
  });
  console.log(`first use (loads the names index): ${load.toFixed(0)} ms`);
  const all = [];
  for (const q of queries) {
    const times = [];
    for (let n = 2; n <= q.length; n++) {
      const typed = q.slice(0, n);
      if (typed.endsWith(' ')) continue;
      times.push(await page.evaluate(async (typed) => {
        const t = performance.now();
        await window.encycSearch.search(typed);
        return performance.now() - t;
      }, typed));
    }
    all.push(...times);
    const max = Math.max(...times);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    console.log(`"${q}": ${times.length} keystrokes, mean ${mean.toFixed(0)} ms, slowest ${max.toFixed(0)} ms`);
  }
  all.sort((a, b) => a - b);
  console.log(`all keystrokes: median ${all[Math.floor(all.length / 2)].toFixed(0)} ms, ` +
    `90th percentile ${all[Math.floor(all.length * 0.9)].toFixed(0)} ms, slowest ${all[all.length - 1].toFixed(0)} ms`);
} finally {
  await browser.close();
}
