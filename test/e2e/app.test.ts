/**
 * End to end in real headless Chromium against the production build. Every test opens its own
 * page (the build, the server and the browser are shared), so each can run alone and in any
 * order: `npx vitest run --project e2e -t "<name>"`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dragThreshold, openDemo, root, startApp, type App } from './harness';

let app: App;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

describe('the app in Chromium', () => {
  it('opens /?demo=bank and shows the audit computed in a worker, with what it was computed for', async () => {
    const { page, ms } = await openDemo(app);
    console.log(`[e2e] /?demo=bank to numbers on screen: ${ms} ms`);
    expect(await page.getByTestId('metric-accuracy').textContent()).toMatch(/^\d+\.\d%$/);
    const auc = Number(await page.getByTestId('metric-auc').textContent());
    expect(auc).toBeGreaterThan(0.6);
    expect(auc).toBeLessThan(1);
    const rows = await page.getByTestId('group-table').locator('tbody tr').allTextContents();
    expect(rows.length).toBe(4);
    expect(rows[0]).toContain('<25');
    expect(rows[0]).toContain('809');
    const provenance = await page.getByTestId('audit-provenance').textContent();
    expect(provenance).toContain('threshold 0.50');
    expect(provenance).toContain('all 45,211 rows of bank-full.csv');
    expect(await page.getByTestId('audit-rows').textContent()).toContain('every one of the 45,211 rows');
    await expect.poll(() => page.getByTestId('credit').textContent()).toContain('CC BY 4.0');
    console.log(`[e2e] ${await page.getByTestId('scoring').textContent()}`);
    if (process.env.BW_SCREENSHOT) await page.screenshot({ path: process.env.BW_SCREENSHOT, fullPage: true });
    await page.close();
  });

  it('moves the threshold and the numbers and their settings follow', async () => {
    const { page } = await openDemo(app);
    const before = await page.getByTestId('group-table').locator('tbody').textContent();
    await page.getByTestId('threshold').fill('0.2');
    await expect.poll(() => page.getByTestId('threshold-value').textContent()).toBe('0.20');
    await expect.poll(() => page.getByTestId('audit-provenance').textContent(), { timeout: 10_000 }).toContain('threshold 0.20');
    await expect.poll(() => page.getByTestId('audit-provenance').getAttribute('data-stale')).toBe('false');
    expect(await page.getByTestId('group-table').locator('tbody').textContent()).not.toBe(before);
    await page.close();
  });

  it('refuses a call list of 0 leads and keeps the last valid rule', async () => {
    const { page } = await openDemo(app);
    await page.getByTestId('rule-select').selectOption('top-k');
    await expect.poll(() => page.getByTestId('audit-provenance').textContent()).toContain('call list of the top 200 leads');
    await page.getByTestId('top-k').fill('0');
    await expect(page.getByTestId('top-k-error').textContent()).resolves.toContain('from 1 to 45,211');
    expect(await page.getByTestId('audit-provenance').textContent()).toContain('top 200 leads');
    await page.getByTestId('top-k').fill('500');
    await expect.poll(() => page.getByTestId('audit-provenance').textContent()).toContain('top 500 leads');
    await page.getByTestId('rule-select').selectOption('top-percent');
    await page.getByTestId('top-percent').fill('150');
    expect(await page.getByTestId('top-percent-error').textContent()).toContain('at most 100');
    await page.close();
  });

  it('finds worst slices, none of them true for every lead, and opens one from the keyboard', async () => {
    const { page } = await openDemo(app);
    await page.getByTestId('find-slices').click();
    const first = page.getByTestId('open-slice').first();
    await first.waitFor({ timeout: 30_000 });
    const names = await page.getByTestId('open-slice').allTextContents();
    expect(names.length).toBeGreaterThan(0);
    expect(names.some((n) => /pdays ≥ -1\b/.test(n))).toBe(false);
    expect(new Set(names).size).toBe(names.length);
    await first.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('slice-audit').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('slice-audit').locator('tbody tr').count()).toBe(2);
    await page.close();
  });

  it('explains a lead picked in the call list, then 1,000 leads; the lead picker finds a lead by its row; the group view follows "Groups by"', async () => {
    const { page } = await openDemo(app);
    await page.getByTestId('explain-lead').first().click();
    await page.getByTestId('waterfall-lead').locator('svg').first().waitFor({ timeout: 60_000 });
    const pickedRow = Number((await page.getByTestId('lead-waterfall').locator('h3').textContent())!.match(/lead (\d+)/)![1]);
    expect(await page.getByTestId('explain-cost').textContent()).toMatch(/model evaluations/);
    const t0 = Date.now();
    await page.getByTestId('explain-run').click();
    await page.getByTestId('explain-progress').waitFor({ timeout: 10_000 });
    await page.getByTestId('explain-result').waitFor({ timeout: 120_000 });
    console.log(`[e2e] explain 1,000 leads: ${Date.now() - t0} ms; ${await page.getByTestId('explain-summary').textContent()}`);
    await page.getByTestId('group-difference').locator('svg').first().waitFor({ timeout: 30_000 });
    await page.getByTestId('proxy-ranking').locator('svg').first().waitFor({ timeout: 30_000 });
    // the lead picked in the call list is among the explained ones, and shown
    expect(await page.getByTestId('lead-current').textContent()).toContain(`row ${pickedRow.toLocaleString('en-US')} ·`);
    // the picker: a row number lists the 8 explained leads nearest to it (a spread every ~45
    // rows: 4,521 is nearest row 4,522), Enter shows the nearest, the arrows move in the list
    const search = page.getByTestId('lead-search');
    const waterfallText = () => page.getByTestId('waterfall-figure').locator('.chart-text p').textContent();
    const before = await waterfallText();
    await search.fill('4521');
    expect(await page.getByTestId('lead-options').locator('[role="option"]').count()).toBe(8);
    expect(await search.getAttribute('aria-expanded')).toBe('true');
    await search.press('Enter');
    await expect.poll(() => page.getByTestId('lead-current').textContent()).toContain('row 4,522 ·');
    expect(await search.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByTestId('lead-options').isHidden()).toBe(true);
    await expect.poll(waterfallText).not.toBe(before);
    await search.fill('4521');
    await search.press('ArrowDown');
    await search.press('Enter');
    await expect.poll(() => page.getByTestId('lead-current').textContent()).toContain('row 4,567 ·');
    await page.getByTestId('lead-previous').click();
    await expect.poll(() => page.getByTestId('lead-current').textContent()).toContain('row 4,522 ·');
    await search.fill('4521');
    await search.press('Escape');
    expect(await search.getAttribute('aria-expanded')).toBe('false');
    // the default pair is the one with the largest gap, and says so
    expect(await page.getByTestId('gap-provenance').textContent()).toContain('largest gap');
    expect(await page.getByTestId('explain-groups').textContent()).toContain('Between groups of age');
    // change the attribute in the audit: Explain's group view, gap and legend follow it
    await page.getByTestId('tab-audit').click();
    await page.getByTestId('attribute-select').selectOption('marital');
    await page.getByTestId('tab-explain').click();
    await expect.poll(() => page.getByTestId('explain-groups').locator('h3').textContent(), { timeout: 30_000 }).toBe('Between groups of marital');
    await expect.poll(() => page.getByTestId('gap-provenance').getAttribute('data-stale')).toBe('false');
    const options = await page.getByTestId('gap-group-a').locator('option').allTextContents();
    expect(options.join(' ')).toMatch(/married/);
    expect(await page.getByTestId('dependence').locator('..').locator('..').textContent()).not.toContain('<25');
    await page.close();
  });

  it('runs the standard scenarios against the audited model, shown as the reference', async () => {
    const { page } = await openDemo(app);
    await page.getByTestId('tab-compare').click();
    const t0 = Date.now();
    await page.getByTestId('add-standard').click();
    const rows = page.getByTestId('scenario-table').locator('tbody tr');
    await expect
      .poll(async () => (await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-status')))).filter((s) => s === 'done').length, { timeout: 240_000, interval: 1000 })
      .toBe(7);
    console.log(`[e2e] seven scenarios done in ${Date.now() - t0} ms`);
    await page.getByTestId('pareto').locator('svg').first().waitFor();
    const text = await page.getByTestId('scenario-table').innerText();
    expect(text).toContain('audited model (as loaded)');
    expect(text).toContain('retrained baseline');
    expect(text).toContain('EO thresholds');
    expect(text).toContain('protected attribute at decision time');
    expect(await page.getByTestId('compare-provenance').textContent()).toContain('reference: the audited model');
    await page.close();
  });

  it('gives bad input a clear message and keeps the loaded dataset and model', async () => {
    const { page } = await openDemo(app);
    await page.getByTestId('tab-data').click();
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

    // the demo model with a manifest naming a column the data lacks: refused, the working model stays
    const good = JSON.parse(readFileSync(join(root, 'public/demo/bank/model.manifest.json'), 'utf8'));
    good.features[0].column = 'not_in_this_csv';
    writeFileSync(manifest, JSON.stringify(good));
    writeFileSync(modelOnly, readFileSync(join(root, 'public/demo/bank/model.json')));
    const weights = join(dir, 'model.weights.bin');
    writeFileSync(weights, readFileSync(join(root, 'public/demo/bank/model.weights.bin')));
    await page.getByTestId('model-input').setInputFiles([modelOnly, weights, manifest]);
    await expect.poll(() => page.getByTestId('problem').textContent()).toContain('not_in_this_csv');
    expect(await page.getByTestId('model-summary').textContent()).toContain('Bank demo');
    await page.getByTestId('tab-audit').click();
    expect(await page.getByTestId('metric-accuracy').textContent()).toMatch(/%$/);
    rmSync(dir, { recursive: true, force: true });
    await page.close();
  });

  it('reads a space-delimited file as columns, not as one column with its first row as header', async () => {
    const page = await app.newPage();
    await page.goto(app.origin);
    const dir = mkdtempSync(join(tmpdir(), 'bw-space-'));
    const file = join(dir, 'leads.txt');
    writeFileSync(file, 'age  income   converted\n34   52000    yes\n51   61000    no\n29   38000    no\n');
    await page.getByTestId('csv-input').setInputFiles(file);
    await expect.poll(() => page.getByTestId('dataset-summary').textContent()).toContain('3 rows, 3 columns');
    rmSync(dir, { recursive: true, force: true });
    await page.close();
  });

  it('keeps the numbers on screen and marks nothing stale once a drag settles', async () => {
    const { page } = await openDemo(app);
    await dragThreshold(page, 20);
    await expect.poll(() => page.getByTestId('audit-provenance').getAttribute('data-stale')).toBe('false');
    const shown = await page.getByTestId('threshold-value').textContent();
    await expect.poll(() => page.getByTestId('audit-provenance').textContent()).toContain(`threshold ${shown}`);
    await page.close();
  });
});
