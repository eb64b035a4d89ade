/**
 * End to end in real headless Chromium: a CRM export with a vendor's score and no model
 * (test/fixtures/scores/leads-with-scores.csv, made by scripts/make-scores-fixture.ts). The
 * score column is chosen as the scores, the audit shows its numbers and its per-group table,
 * Explain says plainly that it needs a model, the group-threshold scenario runs on the scores
 * while retraining scenarios say why they do not, and no request leaves the origin. And the
 * manifest writer: model files chosen without a manifest open a form that writes one from the
 * data, shows validateManifest's message inline, downloads it and loads the model with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDemo, root, startApp, type App } from './harness';

const FIXTURE = join(root, 'test/fixtures/scores/leads-with-scores.csv');

let app: App;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

describe('scores from a column of the data, in Chromium', () => {
  it('audits a score column, says Explain needs a model, and runs group thresholds on the scores', async () => {
    const page = await app.newPage();
    await page.goto(`${app.origin}/`);
    await page.getByTestId('csv-input').setInputFiles(FIXTURE);
    await expect.poll(() => page.getByTestId('dataset-summary').textContent(), { timeout: 30_000 }).toContain('2,000');
    // no model yet: the audit waits for one
    expect(await page.getByTestId('tab-audit').isDisabled()).toBe(true);

    // the picker offers the score column, read as a score
    expect(await page.getByTestId('score-column-name').inputValue()).toBe('vendor_score');
    expect(await page.getByTestId('score-column-kind').inputValue()).toBe('score');
    await page.getByTestId('use-score-column').click();
    await expect.poll(() => page.getByTestId('model-summary').textContent(), { timeout: 30_000 }).toContain("scores from column 'vendor_score'");
    expect(await page.getByTestId('export-model').count()).toBe(0);

    await page.getByTestId('tab-audit').click();
    await page.getByTestId('metric-accuracy').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('metric-accuracy').textContent()).toMatch(/^\d+\.\d%$/);
    const auc = Number(await page.getByTestId('metric-auc').textContent());
    expect(auc).toBeGreaterThan(0.5);
    expect(auc).toBeLessThan(1);
    const groups = await page.getByTestId('group-table').locator('tbody tr').allTextContents();
    expect(groups.length).toBe(4); // age <25, 25–40, 40–60, ≥60
    expect(groups[0]).toContain('<25');
    expect(await page.getByTestId('audit-provenance').textContent()).toContain('threshold 0.50');
    // worst slices over the data's columns: the score column is no input of anything
    await page.getByTestId('find-slices').click();
    await page.getByTestId('open-slice').first().waitFor({ timeout: 30_000 });
    const slices = await page.getByTestId('open-slice').allTextContents();
    expect(slices.length).toBeGreaterThan(0);
    expect(slices.some((n) => n.includes('vendor_score'))).toBe(false);

    await page.getByTestId('tab-explain').click();
    expect(await page.getByTestId('explain-needs-model').textContent()).toContain('Explanations need a model to call on changed rows');
    expect(await page.getByTestId('explain-run').count()).toBe(0);

    await page.getByTestId('tab-compare').click();
    await page.getByTestId('add-standard').click();
    const rows = page.getByTestId('scenario-table').locator('tbody tr');
    const statusOf = async (name: string) => rows.filter({ hasText: name }).first().getAttribute('data-status');
    await expect.poll(() => statusOf('EO thresholds'), { timeout: 120_000, interval: 500 }).toBe('done');
    await expect.poll(() => statusOf('audited model (as loaded)'), { timeout: 60_000, interval: 500 }).toBe('done');
    expect(await statusOf('retrained baseline')).toBe('failed');
    expect(await rows.filter({ hasText: 'retrained baseline' }).first().textContent()).toContain('Retraining needs the model');
    expect(await rows.filter({ hasText: 'EO thresholds' }).first().textContent()).toMatch(/\d\.\d/);

    const outside = app.requests.filter((u) => !u.startsWith(app.origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(outside).toEqual([]);
    await page.close();
  });

  it('writes the manifest for model files chosen without one, from the loaded data, and loads the model with it', async () => {
    const { page } = await openDemo(app);
    await page.getByTestId('tab-data').click();
    const demo = join(root, 'public/demo/bank');
    await page.getByTestId('model-input').setInputFiles([join(demo, 'model.json'), join(demo, 'model.weights.bin')]);
    const writer = page.getByTestId('manifest-writer');
    await writer.waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('problem').count()).toBe(0);
    // the demo model reads age and marital too (protected here, so not inputs by default)
    await page.getByLabel('age is a model input').check();
    await page.getByLabel('marital is a model input').check();
    await expect.poll(() => page.getByTestId('writer-summary').textContent()).toContain('15 columns');
    // the width the model's input takes, read from the model, beside the width the draft encodes
    expect(await page.getByTestId('writer-width').textContent()).toContain('The model takes 50 values per row; this draft encodes 50');

    // validateManifest's message, inline
    await page.getByTestId('writer-threshold').fill('1.5');
    await expect.poll(() => page.getByTestId('writer-problem').textContent()).toContain('threshold');
    expect(await page.getByTestId('writer-use').isDisabled()).toBe(true);
    await page.getByTestId('writer-threshold').fill('0.5');
    await expect.poll(() => page.getByTestId('writer-problem').count()).toBe(0);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('writer-download').click()]);
    const written = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    const demoManifest = JSON.parse(readFileSync(join(demo, 'model.manifest.json'), 'utf8'));
    expect(written.features.map((f: { column: string }) => f.column)).toEqual(demoManifest.features.map((f: { column: string }) => f.column));
    expect(written.features.filter((f: { kind: string }) => f.kind === 'categorical')).toEqual(demoManifest.features.filter((f: { kind: string }) => f.kind === 'categorical'));

    await page.getByTestId('writer-use').click();
    await expect.poll(() => page.getByTestId('model-summary').textContent(), { timeout: 30_000 }).toContain('50 inputs from 15 columns');
    expect(await writer.count()).toBe(0);
    await page.getByTestId('tab-audit').click();
    await page.getByTestId('metric-accuracy').waitFor({ timeout: 60_000 });
    expect(Number(await page.getByTestId('metric-auc').textContent())).toBeGreaterThan(0.6);
    await page.close();
  });
});
