/**
 * `bias-workbench compare --model` with models that are not TensorFlow.js Layers models: an
 * ONNX file (the skl2onnx-shaped pipeline fixture, on 2,000 rows of the bank demo, which has
 * its columns age, campaign and job) and a TensorFlow.js graph model. The imported baseline
 * and the post-processing scenarios run on the model's own scores; with --train the model
 * gives only its columns to the workbench's retrained models.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demo, makeTempDir, root, run, writeIn } from './cli-harness';
import { manifestOf, onnxDir, open } from './onnx-fixtures';
import type { CompareReport } from '../../src/cli/compare';
import { readCsvFile } from '../../src/cli/read-csv';
import { createSplit } from '../../src/core/mitigate';
import { encodeTable } from '../../src/core/manifest';
import { setupNodeBackend } from '../../src/cli/backend';

let dir: string;
let bankCsv: string;

afterEach(() => vi.restoreAllMocks());

const file = (name: string, content: string): string => writeIn(dir, name, content);

beforeAll(() => {
  dir = makeTempDir('bw-compare-models-');
  bankCsv = file('bank.csv', readFileSync(join(demo, 'bank-full.csv'), 'utf8').split('\n').slice(0, 2001).join('\n') + '\n');
});

const PIPELINE = ['--protected', 'age', '--bins', 'age=30,50', '--model', join(onnxDir, 'pipeline.onnx'), '--bootstrap', '0', '--seed', '3'];

describe('compare with an ONNX model', () => {
  it('evaluates it as it is: as-is, neutralise and group thresholds on the ONNX scores', async () => {
    const sc = file('onnx.json', JSON.stringify([
      { name: 'as is', interventions: [] },
      { name: 'neutralise job', interventions: [{ kind: 'neutralise', columns: ['job'] }] },
      { name: 'EO', interventions: [{ kind: 'group-thresholds', constraint: 'equal-opportunity' }] },
    ]));
    const r = await run(['compare', '--data', bankCsv, ...PIPELINE, '--scenarios', sc]); // target and positive from the manifest
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/the imported model pipeline\.onnx \(onnx\)/);
    const rep = JSON.parse(r.out) as CompareReport;
    expect(rep.baseline).toMatchObject({ kind: 'imported', format: 'onnx', features: ['age', 'campaign', 'job'], threshold: 0.5 });
    expect(rep.groups.levels).toEqual(['<30', '30–49', '50+']);
    expect(rep.scenarios.map((s) => s.trainRows)).toEqual([0, 0, 0]);
    // group thresholds move the decisions, not the scores
    expect(rep.scenarios[2].metrics.rocAuc).toBe(rep.scenarios[0].metrics.rocAuc);
    expect(rep.scenarios[2].groupThresholds).toBeDefined();

    // the as-is decisions are the ONNX model's own scores at its threshold, on the held-out rows of the same split
    await setupNodeBackend();
    const { table } = await readCsvFile(bankCsv);
    const split = createSplit(table, { target: { column: 'y', positive: 'yes' }, protected: [{ column: 'age', cuts: [30, 50] }], features: [], ignored: [] }, 3);
    const model = await open('pipeline');
    try {
      const scores = await model.scorer.predict(encodeTable(table, manifestOf('pipeline')), table.nRows);
      let selected = 0;
      for (const row of split.test) if (scores[row] >= 0.5) selected++;
      expect(rep.scenarios[0].heldOutRows).toBe(split.test.length);
      expect(rep.scenarios[0].selected).toBe(selected);
    } finally {
      model.dispose();
    }
  }, 60_000);

  it('with --train, retrains the workbench model on the ONNX model\'s columns and says so', async () => {
    const sc = file('onnx-train.json', JSON.stringify([
      { name: 'baseline', interventions: [] },
      { name: 'no job', interventions: [{ kind: 'drop-features', columns: ['job'] }] },
    ]));
    const r = await run(['compare', '--data', bankCsv, ...PIPELINE, '--train', 'logistic', '--scenarios', sc]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/the workbench's model on the columns of pipeline\.onnx \(onnx\), not that model retrained/);
    const rep = JSON.parse(r.out) as CompareReport;
    expect(rep.baseline).toMatchObject({ kind: 'trained', trainKind: 'logistic', featuresFrom: 'model', features: ['age', 'campaign', 'job'] });
    expect(rep.scenarios[0].trainRows).toBeGreaterThan(0);
  }, 60_000);

  it('refuses a retraining scenario on the imported ONNX model with one line naming it', async () => {
    const sc = file('onnx-drop.json', JSON.stringify([{ name: 'baseline', interventions: [] }, { name: 'no age', interventions: [{ kind: 'reweigh' }] }]));
    const r = await run(['compare', '--data', bankCsv, ...PIPELINE, '--scenarios', sc]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/scenario "no age".*"reweigh" retrains the model.*--train/);
  });
});

describe('compare with a TensorFlow.js graph model', () => {
  it('evaluates it as it is, with group thresholds', async () => {
    const graph = join(root, 'test/fixtures/graph');
    const sc = file('graph.json', JSON.stringify([
      { name: 'as is', interventions: [] },
      { name: 'DP', interventions: [{ kind: 'group-thresholds', constraint: 'demographic-parity' }] },
    ]));
    const r = await run(['compare', '--data', join(graph, 'data.csv'), '--protected', 'region', '--model', join(graph, 'model.json'), '--bootstrap', '0', '--scenarios', sc]);
    expect(r.code, r.err).toBe(0);
    const rep = JSON.parse(r.out) as CompareReport;
    expect(rep.baseline).toMatchObject({ kind: 'imported', format: 'tfjs-graph', features: ['pages', 'days', 'channel'] });
    expect(rep.scenarios[1].metrics.rocAuc).toBe(rep.scenarios[0].metrics.rocAuc);
    expect(rep.scenarios[0].heldOutRows).toBe(rep.split.test);
  }, 60_000);
});
