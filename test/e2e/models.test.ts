/**
 * End to end in real headless Chromium: the bank demo's data with an ONNX tree model
 * (test/fixtures/onnx/trees.onnx and its manifest, made by scripts/make-onnx-fixtures.ts: a
 * TreeEnsembleRegressor on age, balance, campaign, day and contact, columns the bank data has)
 * chosen through the page's model file picker, then audited. onnxruntime-web comes from our own
 * origin, and only once the ONNX model is chosen: the first screen and the data load request
 * none of its files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { root, startApp, type App } from './harness';

const BANK = join(root, 'public/demo/bank/bank-full.csv');
const TREES = join(root, 'test/fixtures/onnx/trees.onnx');
const TREES_MANIFEST = join(root, 'test/fixtures/onnx/trees.manifest.json');
/** onnxruntime-web's files as the build names them: its lazy chunks and its .wasm */
const ORT_ASSET = /\/assets\/ort[-.][^/]*\.(js|wasm)$/;
const GRAPH = join(root, 'test/fixtures/graph');

let app: App;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

describe('an ONNX model chosen in the page, in Chromium', () => {
  it('audits the bank data with an ONNX tree model; onnxruntime-web loads from our origin only once the model is chosen', async () => {
    const page = await app.newPage();
    await page.goto(`${app.origin}/`);
    await page.getByTestId('csv-input').setInputFiles(BANK);
    await expect.poll(() => page.getByTestId('dataset-summary').textContent(), { timeout: 60_000 }).toContain('45,211');
    const beforeModel = app.requests.length;
    expect(app.requests.filter((u) => ORT_ASSET.test(u) || /onnx/i.test(u))).toEqual([]);

    await page.getByTestId('model-input').setInputFiles([TREES, TREES_MANIFEST]);
    const summary = page.getByTestId('model-summary');
    await expect.poll(() => summary.textContent(), { timeout: 60_000 }).toContain('trees.onnx');
    expect(await summary.textContent()).toContain('5 inputs from 5 columns');
    expect(await page.getByTestId('export-model').count()).toBe(0); // only a Layers model can be exported
    // the runtime and its wasm came now, from our origin
    const ortRequests = app.requests.slice(beforeModel).filter((u) => ORT_ASSET.test(u));
    expect(ortRequests.some((u) => u.startsWith(app.origin) && u.endsWith('.wasm'))).toBe(true);
    expect(app.requests.slice(0, beforeModel).filter((u) => ORT_ASSET.test(u))).toEqual([]);

    await page.getByTestId('tab-audit').click();
    await page.getByTestId('metric-accuracy').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('metric-accuracy').textContent()).toMatch(/^\d+\.\d%$/);
    const auc = Number(await page.getByTestId('metric-auc').textContent());
    expect(auc).toBeGreaterThan(0);
    expect(auc).toBeLessThanOrEqual(1);
    const groups = await page.getByTestId('group-table').locator('tbody tr').allTextContents();
    expect(groups.length).toBe(3); // the manifest's age cuts: <30, 30–50, ≥50
    expect(groups[0]).toContain('<30');

    const outside = app.requests.filter((u) => !u.startsWith(app.origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(outside).toEqual([]);
    expect(app.consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
    await page.close();
  });

  it('audits a TensorFlow.js graph model chosen with its shard and manifest (the converter a lazy chunk of the worker)', async () => {
    const page = await app.newPage();
    await page.goto(`${app.origin}/`);
    await page.getByTestId('csv-input').setInputFiles(join(GRAPH, 'data.csv'));
    await expect.poll(() => page.getByTestId('dataset-summary').textContent(), { timeout: 30_000 }).toContain('30 rows');
    await page.getByTestId('model-input').setInputFiles(['model.json', 'group1-shard1of1.bin', 'model.manifest.json'].map((f) => join(GRAPH, f)));
    const summary = page.getByTestId('model-summary');
    await expect.poll(() => summary.textContent(), { timeout: 60_000 }).toContain('TensorFlow.js graph model');
    expect(await summary.textContent()).toContain('5 inputs from 3 columns');
    await page.getByTestId('tab-audit').click();
    await page.getByTestId('metric-accuracy').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('metric-accuracy').textContent()).toMatch(/^\d+\.\d%$/);
    const groups = await page.getByTestId('group-table').locator('tbody tr').allTextContents();
    expect(groups.map((g) => g.match(/north|south/)?.[0])).toEqual(['north', 'south']);
    const outside = app.requests.filter((u) => !u.startsWith(app.origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
    expect(outside).toEqual([]);
    await page.close();
  });
});
