/**
 * A 1,000,000-row CSV in the page: the first 40,000 rows of the bank demo file, repeated 25
 * times, chosen in the Data tab with the bank model loaded, is read, profiled and audited. Each
 * row of the small file stands 25 times in the big one, so the big file's audit must show the
 * small file's rates exactly and 25 times its counts: both files are loaded in the same page
 * and their numbers compared. Both files are written at test time into a temporary folder
 * (never committed). Timings are printed, never asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describeLongTasks, longTasksDuring, openDemo, root, startApp, type App } from './harness';

const SMALL_ROWS = 40_000;
const REPEAT = 25;

let app: App;
let dir: string;
let smallPath: string;
let bigPath: string;

/** Header + the first `rows` rows of the bank file, once into `small`, `times` times into `big`. */
function writeFiles(rows: number, times: number): void {
  const bank = readFileSync(join(root, 'public/demo/bank/bank-full.csv'));
  const headerEnd = bank.indexOf(10) + 1;
  let end = headerEnd;
  for (let r = 0; r < rows; r++) end = bank.indexOf(10, end) + 1;
  const body = bank.subarray(headerEnd, end);
  writeFileSync(smallPath, bank.subarray(0, end));
  writeFileSync(bigPath, bank.subarray(0, headerEnd));
  for (let i = 0; i < times; i++) appendFileSync(bigPath, body);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bw-bigfile-'));
  smallPath = join(dir, 'bank-40k.csv');
  bigPath = join(dir, 'bank-1m.csv');
  writeFiles(SMALL_ROWS, REPEAT);
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Shown {
  summary: string;
  footnote: string;
  metrics: Record<string, string>;
  groups: { level: string; count: string; rest: string[] }[];
}

/** Choose a CSV in the Data tab, wait for its profile and then for its audit; what the audit shows. */
async function loadAndAudit(page: Page, path: string, rows: string): Promise<Shown & { profileMs: number; auditMs: number }> {
  await page.getByTestId('tab-data').click();
  const t0 = Date.now();
  await page.getByTestId('csv-input').setInputFiles(path);
  await expect.poll(() => page.getByTestId('dataset-summary').textContent(), { timeout: 300_000, interval: 200 }).toContain(`${rows} rows`);
  const profileMs = Date.now() - t0;
  await page.getByTestId('tab-audit').click();
  await expect.poll(() => page.getByTestId('audit-footnote').textContent(), { timeout: 300_000, interval: 200 }).toContain(`of ${rows} leads selected`);
  const auditMs = Date.now() - t0 - profileMs;
  const metrics: Record<string, string> = {};
  for (const id of ['metric-accuracy', 'metric-precision', 'metric-recall', 'metric-auc', 'metric-selection', 'four-fifths']) metrics[id] = (await page.getByTestId(id).textContent()) ?? '';
  const groups = await page
    .getByTestId('group-table')
    .locator('tbody tr')
    // each cell's value without its bootstrap interval (intervals narrow with more rows)
    .evaluateAll((trs) =>
      trs.map((tr) => ({
        level: tr.querySelector('th')?.textContent ?? '',
        cells: [...tr.querySelectorAll('td')].map((td) => [...td.childNodes].filter((n) => !(n instanceof HTMLElement && n.classList.contains('ci'))).map((n) => n.textContent).join('')),
      })),
    );
  return {
    summary: (await page.getByTestId('dataset-summary').textContent()) ?? '',
    footnote: (await page.getByTestId('audit-footnote').textContent()) ?? '',
    metrics,
    groups: groups.map((g) => ({ level: g.level, count: g.cells[0], rest: g.cells.slice(1) })),
    profileMs,
    auditMs,
  };
}

const num = (s: string) => Number(s.replace(/,/g, ''));

describe('a 1,000,000-row file', () => {
  it('loads, profiles and audits in the page, with the rates of the rows it repeats and 25 times their counts', async () => {
    const { page } = await openDemo(app);
    const small = await loadAndAudit(page, smallPath, '40,000');
    let big: Awaited<ReturnType<typeof loadAndAudit>> | undefined;
    const tasks = await longTasksDuring(page, async () => {
      big = await loadAndAudit(page, bigPath, '1,000,000');
    });
    console.log(`[e2e] 40,000 rows: profile ${small.profileMs} ms, audit ${small.auditMs} ms; 1,000,000 rows: profile ${big!.profileMs} ms, audit ${big!.auditMs} ms`);
    console.log(describeLongTasks('loading and auditing 1,000,000 rows', tasks));
    const b = big!;
    expect(b.summary).toContain('1,000,000 rows, 17 columns');
    expect(b.metrics).toEqual(small.metrics);
    // "N of M leads selected": both 25 times the small file's
    const [selSmall, nSmall] = small.footnote.match(/([\d,]+) of ([\d,]+) leads selected/)!.slice(1).map(num);
    const [selBig, nBig] = b.footnote.match(/([\d,]+) of ([\d,]+) leads selected/)!.slice(1).map(num);
    expect({ selected: selBig, n: nBig }).toEqual({ selected: REPEAT * selSmall, n: REPEAT * nSmall });
    expect(b.groups.map((g) => g.level)).toEqual(small.groups.map((g) => g.level));
    expect(b.groups.map((g) => num(g.count))).toEqual(small.groups.map((g) => REPEAT * num(g.count)));
    expect(b.groups.map((g) => g.rest)).toEqual(small.groups.map((g) => g.rest));
    expect(small.groups.length).toBeGreaterThan(1);
    await page.close();
  }, 900_000);
});
