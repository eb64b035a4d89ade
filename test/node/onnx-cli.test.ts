/**
 * The CLI with an ONNX model: `score`, `audit` and `explain` on the fixtures of
 * test/fixtures/onnx, the manifest found beside the model (NAME.manifest.json) or given.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, run } from './cli-harness';
import { maxAbsDiff, onnxDir, reference } from './onnx-fixtures';

afterEach(() => vi.restoreAllMocks());

const data = join(onnxDir, 'data.csv');

function scoreColumn(csv: string): number[] {
  const lines = csv.trim().split('\n');
  const at = lines[0].split(',').indexOf('score');
  return lines.slice(1).map((l) => Number(l.split(',')[at]));
}

describe('CLI with .onnx models', () => {
  it.each(['logistic', 'pipeline', 'trees'] as const)('score --model %s.onnx equals the reference (1e-6), manifest found beside it', async (name) => {
    const r = await run(['score', '--data', data, '--model', join(onnxDir, `${name}.onnx`)]);
    expect(r.code).toBe(0);
    const s = scoreColumn(r.out);
    expect(s.length).toBe(40);
    expect(maxAbsDiff(s, reference(name))).toBeLessThan(1e-6);
  });

  it('score with --manifest, and model.manifest.json beside a model of another name', async () => {
    const dir = makeTempDir('bw-onnx-');
    copyFileSync(join(onnxDir, 'pipeline.onnx'), join(dir, 'scorer.onnx'));
    copyFileSync(join(onnxDir, 'pipeline.manifest.json'), join(dir, 'model.manifest.json'));
    const beside = await run(['score', '--data', data, '--model', join(dir, 'scorer.onnx')]);
    expect(beside.code).toBe(0);
    expect(maxAbsDiff(scoreColumn(beside.out), reference('pipeline'))).toBeLessThan(1e-6);
    const given = await run(['score', '--data', data, '--model', join(dir, 'scorer.onnx'), '--manifest', join(onnxDir, 'pipeline.manifest.json')]);
    expect(given.out).toBe(beside.out);
  });

  it('no manifest: says where it looked', async () => {
    const dir = makeTempDir('bw-onnx-');
    copyFileSync(join(onnxDir, 'trees.onnx'), join(dir, 'm.onnx'));
    const r = await run(['score', '--data', data, '--model', join(dir, 'm.onnx')]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/no manifest at .*m\.manifest\.json/);
    expect(r.err).toMatch(/m\.manifest\.json \(or model\.manifest\.json\) beside m\.onnx/);
  });

  it('audit --model pipeline.onnx audits the model\'s scores', async () => {
    const r = await run(['audit', '--data', data, '--model', join(onnxDir, 'pipeline.onnx'), '--target', 'y', '--positive', 'yes', '--protected', 'marital']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as { overall: { count: number; meanScore: number; selectionRate: number } };
    const ref = reference('pipeline');
    expect(report.overall.count).toBe(40);
    expect(Math.abs(report.overall.meanScore - ref.reduce((a, b) => a + b, 0) / ref.length)).toBeLessThan(1e-6);
    expect(report.overall.selectionRate).toBe(ref.filter((p) => p >= 0.5).length / ref.length);
  });

  it('explain --model trees.onnx --method exact: values add up to each prediction', async () => {
    const r = await run(['explain', '--data', data, '--model', join(onnxDir, 'trees.onnx'), '--rows', '5', '--background', '10', '--method', 'exact']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { baseValue: number; features: string[]; rows: { prediction: number; values: number[] }[] };
    expect(out.features).toEqual(['age', 'balance', 'campaign', 'day', 'contact']);
    expect(out.rows.length).toBe(5);
    const ref = reference('trees');
    out.rows.forEach((row, i) => {
      const sum = row.values.reduce((a, b) => a + b, 0);
      expect(Math.abs(out.baseValue + sum - row.prediction)).toBeLessThan(1e-6);
      expect(Math.abs(row.prediction - ref[i])).toBeLessThan(1e-6);
    });
  });

  it('explain on worker threads opens the ONNX model in each worker: the same values as on one thread', async () => {
    const args = ['explain', '--data', data, '--model', join(onnxDir, 'trees.onnx'), '--rows', '12', '--background', '10', '--method', 'exact'];
    const one = await run([...args, '--threads', '1']);
    const two = await run([...args, '--threads', '2']);
    expect(two.code).toBe(0);
    const values = (r: { out: string }) => (JSON.parse(r.out) as { rows: { values: number[] }[] }).rows.map((x) => x.values);
    expect((JSON.parse(two.out) as { threads: number }).threads).toBe(2);
    expect(values(two)).toEqual(values(one));
  });
});
