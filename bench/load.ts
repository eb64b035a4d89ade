/**
 * Big files in the page: the 45,211-row bank file and a 1,000,000-row file made of the same
 * rows repeated, each loaded through the Data tab's file input of the built app (the bank demo's
 * model loaded), in real Chromium, one after the other in the same run.
 *   npm run bench -- load            (or: npx tsx bench/load.ts [rows])
 * Per file it prints: the time from choosing the file to its profile on screen (read, parse,
 * profile in the worker), from there to the audit's numbers for every row (scoring included),
 * the peak memory while it loaded and audited, the main thread's long tasks meanwhile, and per
 * row the big file's cost as a ratio against the bank file's (1.0: cost grows with the rows).
 *
 * Memory is the resident set (RSS, from /proc/<pid>/status) of Chromium's renderer processes
 * summed, sampled every 100 ms: the page and its Web Workers live in the renderer, and RSS
 * counts typed-array backing stores and the wasm heap, which the JS-heap figures leave out.
 * The page's own JS heap (main thread only, CDP Performance.getMetrics) is printed beside it.
 * The big file is written into tmp/ when the bench runs and deleted after; it is never committed.
 * Figures are printed, never asserted.
 */
import { closeSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, writeSync, mkdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { count } from '../src/core/format';
import { describeLongTasks, root, startApp, type LongTasks } from '../test/e2e/harness';

const bigRows = Number(process.argv[2] ?? 1_000_000);
const bankPath = join(root, 'public/demo/bank/bank-full.csv');

/** The bank file's data rows repeated (header once) until `rows` rows: written to `path` in blocks. */
export function writeRepeatedCsv(source: Uint8Array, rows: number, path: string): void {
  const headerEnd = source.indexOf(10) + 1;
  const body = source.subarray(headerEnd);
  const lineEnds: number[] = [];
  for (let i = 0; i < body.length; i++) if (body[i] === 10) lineEnds.push(i + 1);
  if (body.length && body[body.length - 1] !== 10) lineEnds.push(body.length);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, source.subarray(0, headerEnd));
    let left = rows;
    while (left > 0) {
      const take = Math.min(left, lineEnds.length);
      const part = body.subarray(0, lineEnds[take - 1]);
      writeSync(fd, part);
      if (part[part.length - 1] !== 10) writeSync(fd, new Uint8Array([10]));
      left -= take;
    }
  } finally {
    closeSync(fd);
  }
}

/** Chromium's renderer processes among this process's descendants. */
function rendererPids(): number[] {
  const parents = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parents.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const mine = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (mine.has(pid) || !mine.has(ppid)) continue;
      mine.add(pid);
      grew = true;
    }
  }
  return [...mine].filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer');
    } catch {
      return false;
    }
  });
}

function rssBytes(pids: number[]): number {
  let sum = 0;
  for (const pid of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) sum += Number(m[1]) * 1024;
    } catch {
      // exited
    }
  }
  return sum;
}

/** Sample the renderers' summed RSS every 100 ms until stopped; returns the peak. */
function sampleRss(): { stop: () => { peak: number; start: number } } {
  const start = rssBytes(rendererPids());
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, rssBytes(rendererPids()));
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, rssBytes(rendererPids()));
      return { peak, start };
    },
  };
}

async function pageHeap(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  await cdp.detach();
  return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
}

interface Loaded {
  rows: number;
  mb: number;
  profileMs: number;
  auditMs: number;
  peakRss: number;
  rssBefore: number;
  heap: number;
  tasks: LongTasks;
}

async function loadAndAudit(page: Page, path: string, rows: number): Promise<Loaded> {
  await page.getByTestId('tab-data').click();
  const rss = sampleRss();
  const t0 = await page.evaluate(() => performance.now());
  const from = Date.now();
  await page.getByTestId('csv-input').setInputFiles(path);
  // the file's own name and row count (the demo's copy of the bank file is already on screen under its name)
  await page.waitForFunction((text) => document.querySelector('[data-testid="dataset-summary"]')?.textContent?.includes(text), `${basename(path)}: ${count(rows)} rows`, { timeout: 600_000, polling: 50 });
  const profileMs = Date.now() - from;
  await page.getByTestId('tab-audit').click();
  await page.waitForFunction((text) => document.querySelector('[data-testid="audit-footnote"]')?.textContent?.includes(text), `of ${count(rows)} leads selected`, { timeout: 600_000, polling: 50 });
  const auditMs = Date.now() - from - profileMs;
  await page.waitForTimeout(1500);
  const { peak, start } = rss.stop();
  const list = await page.evaluate(
    (t) => (window as unknown as { __bwLongTasks: { start: number; duration: number }[] }).__bwLongTasks.filter((x) => x.start + x.duration >= t),
    t0,
  );
  const tasks = { count: list.length, max: list.reduce((m, t) => Math.max(m, t.duration), 0), total: list.reduce((s, t) => s + t.duration, 0) };
  return { rows, mb: statSync(path).size / 1e6, profileMs, auditMs, peakRss: peak, rssBefore: start, heap: await pageHeap(page), tasks };
}

const MB = (b: number) => `${Math.round(b / 1e6)} MB`;

mkdirSync(join(root, 'tmp'), { recursive: true });
const bigPath = join(root, `tmp/bank-${bigRows}.csv`);
const bank = readFileSync(bankPath);
// the bank file under a name of its own, so its load is told apart from the demo's
const smallPath = join(root, 'tmp/bank-as-chosen.csv');
writeFileSync(smallPath, bank);
const w0 = Date.now();
writeRepeatedCsv(bank, bigRows, bigPath);
console.log(`[load] wrote ${bigPath} (${count(bigRows)} rows, ${MB(statSync(bigPath).size)}) in ${Date.now() - w0} ms`);
const bankRows = bank.subarray(bank.indexOf(10) + 1).reduce((n, b) => n + (b === 10 ? 1 : 0), 0);

const app = await startApp();
try {
  const page = await app.newPage();
  await page.goto(`${app.origin}/?demo=bank`);
  await page.getByTestId('metric-accuracy').waitFor({ timeout: 120_000 });
  await page.waitForTimeout(1500);
  const results: Loaded[] = [];
  for (const [path, rows] of [
    [smallPath, bankRows],
    [bigPath, bigRows],
  ] as const) {
    const r = await loadAndAudit(page, path, rows);
    results.push(r);
    console.log(
      `[load] ${count(r.rows)} rows (${r.mb.toFixed(1)} MB): read+parse+profile ${r.profileMs} ms, audit ${r.auditMs} ms; ` +
        `renderer RSS ${MB(r.rssBefore)} before, peak ${MB(r.peakRss)} (+${MB(r.peakRss - r.rssBefore)}); page JS heap after ${MB(r.heap)}`,
    );
    console.log(describeLongTasks(`loading and auditing ${count(r.rows)} rows`, r.tasks));
  }
  const [a, b] = results;
  const per = (ms: number, rows: number) => (1000 * ms) / rows;
  console.log(
    `[load] per 1,000 rows: parse+profile ${per(a.profileMs, a.rows).toFixed(1)} → ${per(b.profileMs, b.rows).toFixed(1)} ms (ratio ${(per(b.profileMs, b.rows) / per(a.profileMs, a.rows)).toFixed(2)}), ` +
      `audit ${per(a.auditMs, a.rows).toFixed(1)} → ${per(b.auditMs, b.rows).toFixed(1)} ms (ratio ${(per(b.auditMs, b.rows) / per(a.auditMs, a.rows)).toFixed(2)}); ` +
      `memory growth per row ${((a.peakRss - a.rssBefore) / a.rows).toFixed(0)} → ${((b.peakRss - b.rssBefore) / b.rows).toFixed(0)} bytes`,
  );
} finally {
  await app.close();
  rmSync(bigPath, { force: true });
  rmSync(smallPath, { force: true });
}
