/**
 * End to end in real headless Chromium against the production build: the app opens
 * /?demo=bank, computes the audit in a worker and shows numbers; every request is recorded
 * and none leaves the page's origin; bad input gets its message and loses nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, preview, type PreviewServer } from 'vite';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const outDir = mkdtempSync(join(tmpdir(), 'bw-e2e-dist-'));
const profile = mkdtempSync(join(tmpdir(), 'bw-e2e-profile-'));
let server: PreviewServer;
let context: BrowserContext;
let origin: string;
const requests: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  server = await preview({ root, logLevel: 'warn', build: { outDir }, preview: { port: 0, host: '127.0.0.1', strictPort: false } });
  origin = server.resolvedUrls!.local[0].replace(/\/$/, '');
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 1100 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context.on('request', (r) => requests.push(r.url()));
  context.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
});

afterAll(async () => {
  await context?.close();
  await new Promise<void>((r) => server?.httpServer.close(() => r()));
  rmSync(outDir, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
});

async function openDemo(): Promise<{ page: Page; ms: number }> {
  const page = await context.newPage();
  const t0 = Date.now();
  await page.goto(`${origin}/?demo=bank`);
  await page.getByTestId('metric-accuracy').waitFor({ timeout: 90_000 });
  await page.getByTestId('group-chart').locator('.main-svg').first().waitFor({ timeout: 30_000 });
  return { page, ms: Date.now() - t0 };
}

describe('the app in Chromium', () => {
  let page: Page;

  it('opens /?demo=bank and shows the audit computed in a worker', async () => {
    const opened = await openDemo();
    page = opened.page;
    console.log(`[e2e] /?demo=bank to numbers on screen: ${opened.ms} ms`);
    const accuracy = await page.getByTestId('metric-accuracy').textContent();
    expect(accuracy).toMatch(/^\d+\.\d%$/);
    const auc = Number(await page.getByTestId('metric-auc').textContent());
    expect(auc).toBeGreaterThan(0.6);
    expect(auc).toBeLessThan(1);
    const rows = await page.getByTestId('group-table').locator('tbody tr').allTextContents();
    expect(rows.length).toBe(4);
    expect(rows[0]).toContain('<25');
    expect(rows[0]).toContain('809');
    await expect.poll(() => page.getByTestId('credit').textContent()).toContain('CC BY 4.0');
    const scoring = await page.getByTestId('scoring').textContent();
    console.log(`[e2e] ${scoring}`);
    if (process.env.BW_SCREENSHOT) await page.screenshot({ path: process.env.BW_SCREENSHOT, fullPage: true });
  });

  it('moves the threshold and the numbers follow', async () => {
    const before = await page.getByTestId('group-table').locator('tbody').textContent();
    await page.getByTestId('threshold').fill('0.2');
    await expect.poll(() => page.getByTestId('threshold-value').textContent()).toBe('0.20');
    await expect.poll(async () => page.getByTestId('group-table').locator('tbody').textContent(), { timeout: 10_000 }).not.toBe(before);
  });

  it('finds worst slices and opens one against the rest', async () => {
    await page.getByTestId('find-slices').click();
    const first = page.getByTestId('slice-list').locator('tbody tr').first();
    await first.waitFor({ timeout: 30_000 });
    await first.click();
    await page.getByTestId('slice-audit').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('slice-audit').locator('tbody tr').count()).toBe(2);
  });

  it('explains a lead picked in the call list, then 1,000 leads with progress, responsive', async () => {
    await page.getByTestId('explain-lead').first().click();
    await page.getByTestId('waterfall-lead').locator('.main-svg').first().waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('explain-cost').textContent()).toMatch(/model evaluations/);
    const t0 = Date.now();
    await page.getByTestId('explain-run').click();
    await page.getByTestId('explain-progress').waitFor({ timeout: 10_000 });
    // the page stays responsive while the workers compute: a round trip through the main thread is quick
    const lag = await page.evaluate(() => new Promise<number>((r) => { const t = performance.now(); setTimeout(() => r(performance.now() - t), 0); }));
    expect(lag).toBeLessThan(1000);
    await page.getByTestId('explain-result').waitFor({ timeout: 120_000 });
    console.log(`[e2e] explain 1,000 leads: ${Date.now() - t0} ms; ${await page.getByTestId('explain-summary').textContent()}`);
    await page.getByTestId('group-difference').locator('.main-svg').first().waitFor({ timeout: 30_000 });
    await page.getByTestId('proxy-ranking').locator('.main-svg').first().waitFor({ timeout: 30_000 });
    await page.getByTestId('tab-audit').click();
  });

  it('builds the six standard scenarios and shows them on the Pareto chart as they finish', async () => {
    await page.getByTestId('tab-compare').click();
    const t0 = Date.now();
    await page.getByTestId('add-standard').click();
    const rows = page.getByTestId('scenario-table').locator('tbody tr');
    await expect.poll(async () => (await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-status')))).filter((s) => s === 'done').length, { timeout: 180_000, interval: 1000 }).toBe(6);
    console.log(`[e2e] six scenarios done in ${Date.now() - t0} ms`);
    await page.getByTestId('pareto').locator('.main-svg').first().waitFor();
    const text = await page.getByTestId('scenario-table').innerText();
    expect(text).toContain('EO thresholds');
    expect(text).toContain('protected attribute at decision time');
    await page.getByTestId('tab-audit').click();
  });

  it('gives bad input a clear message and keeps the loaded dataset and model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-bad-'));
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    await page.getByTestId('csv-input').setInputFiles(empty);
    await expect.poll(() => page.getByTestId('problem').getAttribute('data-code')).toBe('csv-empty');
    expect(await page.getByTestId('dataset-summary').textContent()).toContain('45,211 rows');

    const modelOnly = join(dir, 'model.json');
    const demoModel = JSON.parse(readFileSync(join(root, 'public/demo/bank/model.json'), 'utf8'));
    demoModel.weightsManifest[0].paths = ['group1-shard1of1.bin'];
    writeFileSync(modelOnly, JSON.stringify(demoModel));
    const manifest = join(dir, 'model.manifest.json');
    writeFileSync(manifest, JSON.stringify({ format: 'bias-workbench.manifest/1', target: { column: 'y', positive: 'yes' }, features: [{ column: 'age', kind: 'numeric' }], output: 'probability', threshold: 0.5 }));
    await page.getByTestId('model-input').setInputFiles([modelOnly, manifest]);
    await expect.poll(() => page.getByTestId('problem').getAttribute('data-code')).toBe('model-missing-weights');
    expect(await page.getByTestId('problem').textContent()).toContain('group1-shard1of1.bin');
    expect(await page.getByTestId('model-summary').textContent()).toContain('Bank demo');
    expect(await page.getByTestId('metric-accuracy').textContent()).toMatch(/%$/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('made no request outside its own origin', () => {
    expect(requests.length).toBeGreaterThan(5);
    const outside = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:'));
    expect(outside).toEqual([]);
    expect(consoleErrors.filter((e) => /Content Security Policy|Refused to/.test(e))).toEqual([]);
  });
});
