/**
 * End to end in real headless Chromium: the bank demo's data with an ONNX tree model
 * (test/fixtures/onnx/trees.onnx and its manifest, made by scripts/make-onnx-fixtures.ts: a
 * TreeEnsembleRegressor on age, balance, campaign, day and contact, columns the bank data has)
 * chosen through the page's model file picker, then audited. onnxruntime-web comes from our own
 * origin, and only once the ONNX model is chosen: the first screen and the data load request
 * none of its files. And the manifest writer on an ONNX model chosen without its manifest: the
 * skl2onnx-shaped pipeline fixture's named inputs are read from the model and bound to the
 * data's columns of the same name, and the audit with the written manifest equals the audit
 * with the committed one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, startApp, type App } from './harness';

const BANK = join(root, 'public/demo/bank/bank-full.csv');
const TREES = join(root, 'test/fixtures/onnx/trees.onnx');
const TREES_MANIFEST = join(root, 'test/fixtures/onnx/trees.manifest.json');
/** onnxruntime-web's files as the build names them: its lazy chunks and its .wasm */
const ORT_ASSET = /\/assets\/ort[-.][^/]*\.(js|wasm)$/;
const GRAPH = join(root, 'test/fixtures/graph');
const ONNX = join(root, 'test/fixtures/onnx');

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

  it('writes the manifest for an ONNX pipeline chosen without one: its named inputs pre-filled, the audit equal to the committed manifest\'s', async () => {
    const page = await app.newPage();
    await page.goto(`${app.origin}/`);
    await page.getByTestId('csv-input').setInputFiles(join(ONNX, 'data.csv'));
    await expect.poll(() => page.getByTestId('dataset-summary').textContent(), { timeout: 30_000 }).toContain('40 rows');

    // the committed manifest first: the numbers to match
    await page.getByTestId('model-input').setInputFiles([join(ONNX, 'pipeline.onnx'), join(ONNX, 'pipeline.manifest.json')]);
    await expect.poll(() => page.getByTestId('model-summary').textContent(), { timeout: 60_000 }).toContain('pipeline');
    const auditNumbers = async (): Promise<string[]> => {
      await page.getByTestId('tab-audit').click();
      await page.getByTestId('metric-accuracy').waitFor({ timeout: 60_000 });
      return [await page.getByTestId('metric-accuracy').textContent(), await page.getByTestId('metric-auc').textContent()].map(String);
    };
    const committed = await auditNumbers();
    expect(committed[0]).toMatch(/^\d+\.\d%$/);

    // the model alone: the writer reads its inputs and binds them by name
    await page.getByTestId('tab-data').click();
    await page.getByTestId('model-input').setInputFiles([join(ONNX, 'pipeline.onnx')]);
    const inputs = page.getByTestId('writer-inputs');
    await inputs.waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('writer-columns').count()).toBe(0);
    for (const name of ['age', 'campaign', 'job']) expect(await page.getByLabel(`column for the input ${name}`).inputValue()).toBe(name);
    expect(await page.getByLabel('how age is fed').inputValue()).toBe('none');
    expect(await page.getByLabel('how campaign is fed').inputValue()).toBe('none');
    expect(await page.getByLabel('how job is fed').inputValue()).toBe('label');
    expect(await page.getByTestId('writer-model').textContent()).toContain("classes 'no', 'yes'");
    expect(await page.getByTestId('writer-output-name').inputValue()).toBe('output_probability');
    await page.getByTestId('writer-target').selectOption('y');
    await page.getByTestId('writer-positive').selectOption('yes');
    // an input left without a column blocks the manifest until it has one
    await page.getByLabel('column for the input job').selectOption('');
    await expect.poll(() => page.getByTestId('writer-unbound').textContent()).toContain("'job'");
    expect(await page.getByTestId('writer-use').isDisabled()).toBe(true);
    await page.getByLabel('column for the input job').selectOption('job');
    await expect.poll(() => page.getByTestId('writer-summary').textContent()).toContain('3 columns');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('writer-download').click()]);
    const written = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    expect(written.model).toEqual({
      format: 'onnx',
      inputs: [
        { name: 'age', column: 'age', type: 'float' },
        { name: 'campaign', column: 'campaign', type: 'int64' },
        { name: 'job', column: 'job', type: 'string' },
      ],
      outputName: 'output_probability',
    });
    expect(written.features.map((f: { column: string; kind: string }) => `${f.column}:${f.kind}`)).toEqual(['age:numeric', 'campaign:numeric', 'job:label']);

    await page.getByTestId('writer-use').click();
    await expect.poll(() => page.getByTestId('model-summary').textContent(), { timeout: 60_000 }).toContain('3 inputs from 3 columns');
    await auditNumbers();
    await expect.poll(() => Promise.all([page.getByTestId('metric-accuracy').textContent(), page.getByTestId('metric-auc').textContent()]), { timeout: 30_000 }).toEqual(committed);
    await page.close();
  });
});
