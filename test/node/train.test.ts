import { describe, expect, it } from 'vitest';
import { encodeTable, validateManifest } from '../../src/core/manifest';
import { createModelScorer, saveModelArtifacts } from '../../src/core/model';
import { createRng } from '../../src/core/rng';
import type { ColumnTable } from '../../src/core/table';
import { rocAuc, stratifiedSplit, trainModel, type EpochStats, type TrainSpec } from '../../src/core/train';
import { gaussian, rejects } from './synthetic';
import { liveTensors, setupTfAndCheckLeaks } from './tf-setup';

/** A separable-ish synthetic problem: y depends on x1, x2 and the group g, plus noise. */
function synthetic(n: number, seed: number): ColumnTable {
  const rng = createRng(seed);
  const gauss = gaussian(rng);
  const x1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  const g = new Int32Array(n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x1[i] = 50 + 10 * gauss();
    x2[i] = i % 37 === 0 ? NaN : gauss();
    g[i] = rng.int(3);
    const z = (x1[i] - 50) / 10 + 1.5 * (Number.isNaN(x2[i]) ? 0 : x2[i]) + (g[i] === 0 ? 1 : g[i] === 1 ? -1 : 0) - 0.5 + 0.5 * gauss();
    y[i] = z > 0 ? 1 : 0;
  }
  return {
    nRows: n,
    columns: [
      { type: 'numeric', name: 'x1', values: x1 },
      { type: 'numeric', name: 'x2', values: x2 },
      { type: 'categorical', name: 'g', codes: g, levels: ['a', 'b', 'c'] },
      { type: 'categorical', name: 'y', codes: y, levels: ['no', 'yes'] },
    ],
  };
}

const data = synthetic(3000, 7);
// 3,000 rows: small batches so a few epochs make enough Adam steps
const spec: TrainSpec = { target: { column: 'y', positive: 'yes' }, features: ['x1', 'x2', 'g'], protected: [{ column: 'g' }] };

setupTfAndCheckLeaks();

describe('helpers', () => {
  it('rocAuc handles ties and one class', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBeCloseTo(0.5, 12);
    expect(rocAuc([0.1, 0.2], [1, 1])).toBeUndefined();
  });
  it('stratifiedSplit keeps class shares, covers every labelled row once and is seeded', () => {
    const labels = Int8Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 1 : i % 97 === 0 ? -1 : 0));
    const a = stratifiedSplit(labels, 0.2, 3);
    const b = stratifiedSplit(labels, 0.2, 3);
    expect(Array.from(a.validation)).toEqual(Array.from(b.validation));
    expect(a.validation.filter((r) => labels[r] === 1).length).toBe(20);
    const all = [...a.train, ...a.validation].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i).filter((i) => labels[i] >= 0));
    expect(Array.from(stratifiedSplit(labels, 0.2, 4).validation)).not.toEqual(Array.from(a.validation));
  });
});

describe('trainModel', () => {
  it('learns a separable problem (logistic and mlp), reports every epoch, writes a valid manifest', async () => {
    for (const kind of ['logistic', 'mlp'] as const) {
      const n0 = liveTensors();
      const epochs: EpochStats[] = [];
      const r = await trainModel(data, spec, { kind, seed: 1, epochs: 8, batchSize: 64, onEpoch: (e) => { epochs.push(e); } });
      expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(epochs.every((e) => e.epochs === 8 && Number.isFinite(e.loss) && Number.isFinite(e.valLoss))).toBe(true);
      expect(r.history).toEqual(epochs);
      const last = epochs[epochs.length - 1];
      expect(last.valAuc).toBeGreaterThan(0.8);
      expect(last.loss).toBeLessThan(epochs[0].loss);
      expect(r.stoppedEarly).toBe(false);

      // manifest: from the training rows, valid, probability output
      const m = validateManifest(JSON.parse(JSON.stringify(r.manifest)));
      expect(m.output).toBe('probability');
      expect(m.threshold).toBe(0.5);
      expect(m.features.map((f) => f.column)).toEqual(['x1', 'x2', 'g']);
      expect(m.features[2]).toEqual({ column: 'g', kind: 'categorical', categories: ['a', 'b', 'c'] });
      const x1 = data.columns[0].type === 'numeric' ? data.columns[0].values : new Float64Array();
      const mean = r.split.train.reduce((a, i) => a + x1[i], 0) / r.split.train.length;
      const f0 = m.features[0];
      expect(f0.kind === 'numeric' && f0.mean).toBeCloseTo(mean, 9);
      expect(m.protected).toEqual([{ column: 'g' }]);
      expect(m.training?.seed).toBe(1);
      expect(m.training?.metrics?.valAuc).toBe(last.valAuc);
      expect(typeof m.training?.date).toBe('string');

      // split: 20 % stratified, disjoint
      expect(r.split.validation.length).toBe(600);
      expect(r.split.train.length).toBe(2400);
      const inVal = new Set(r.split.validation);
      expect(r.split.train.some((i) => inVal.has(i))).toBe(false);

      // the model scores through the adapter like any other
      const scorer = createModelScorer(r.model, r.manifest);
      const p = await scorer.predict(encodeTable(data, r.manifest, r.split.validation), r.split.validation.length);
      const yv = Array.from(r.split.validation, (i) => (data.columns[3].type !== 'numeric' ? data.columns[3].codes[i] : 0));
      expect(rocAuc(p, yv)).toBeCloseTo(last.valAuc!, 6);
      r.model.dispose();
      expect(liveTensors()).toBe(n0);
    }
  });

  it('is deterministic under a seed: two runs give identical weights and predictions', async () => {
    const opts = { kind: 'mlp' as const, seed: 42, epochs: 3, date: null };
    const a = await trainModel(data, spec, opts);
    const b = await trainModel(data, spec, opts);
    const c = await trainModel(data, spec, { ...opts, seed: 43 });
    const X = encodeTable(data, a.manifest);
    const pa = await createModelScorer(a.model, a.manifest).predict(X, data.nRows);
    const pb = await createModelScorer(b.model, b.manifest).predict(X, data.nRows);
    const pc = await createModelScorer(c.model, c.manifest).predict(X, data.nRows);
    expect(Array.from(pb)).toEqual(Array.from(pa));
    expect(Array.from(pc)).not.toEqual(Array.from(pa));
    expect(JSON.stringify(b.manifest)).toBe(JSON.stringify(a.manifest));
    expect(a.manifest.training?.date).toBeUndefined();
    const fa = await saveModelArtifacts(a.model);
    const fb = await saveModelArtifacts(b.model);
    expect(Buffer.from(fb[0].data).equals(Buffer.from(fa[0].data))).toBe(true); // model.json too: explicit layer names
    expect(Buffer.from(fb[1].data).equals(Buffer.from(fa[1].data))).toBe(true);
    for (const r of [a, b, c]) r.model.dispose();
  });

  it('stops when shouldStop says so: after an epoch it returns the model so far, before one it throws aborted', async () => {
    const n0 = liveTensors();
    let seen = 0;
    const r = await trainModel(data, spec, { kind: 'logistic', seed: 2, epochs: 10, onEpoch: () => { seen++; }, shouldStop: () => seen >= 2 });
    expect(r.history.length).toBe(2);
    expect(r.stoppedEarly).toBe(true);
    expect(r.manifest.training?.epochsRun).toBe(2);
    r.model.dispose();
    // mid-epoch stop: batches after epoch 1 ran, metrics are recomputed for the returned weights
    let calls = 0;
    const r2 = await trainModel(data, spec, { kind: 'logistic', seed: 2, epochs: 10, batchSize: 100, shouldStop: () => ++calls > 30 });
    expect(r2.history.length).toBe(1);
    expect(r2.manifest.training?.metrics?.valLoss).not.toBe(r2.history[0].valLoss);
    r2.model.dispose();
    const e = await rejects(trainModel(data, spec, { kind: 'mlp', seed: 2, shouldStop: () => true }));
    expect(e.code).toBe('aborted');
    expect(liveTensors()).toBe(n0);
  });

  it('refuses a target with one class', async () => {
    const e = await rejects(trainModel(data, { ...spec, target: { column: 'y', positive: 'YES!' } }, { kind: 'logistic', seed: 1 }));
    expect(e.code).toBe('target-one-class');
    expect(e.message).toMatch(/no rows where it is 'YES!'.*'no', 'yes'/);
  });

  it('checks the roles', async () => {
    expect((await rejects(trainModel(data, { ...spec, target: { column: 'nope', positive: 'yes' } }, { kind: 'logistic', seed: 1 }))).code).toBe('target-missing');
    expect((await rejects(trainModel(data, { ...spec, features: ['x1', 'y'] }, { kind: 'logistic', seed: 1 }))).code).toBe('roles-invalid');
    expect((await rejects(trainModel(data, { ...spec, features: ['x1', 'zz'] }, { kind: 'logistic', seed: 1 }))).message).toMatch(/'zz'/);
    expect((await rejects(trainModel(data, { ...spec, features: [] }, { kind: 'logistic', seed: 1 }))).code).toBe('roles-invalid');
  });

  it('takes explicit training rows and per-row sample weights', async () => {
    const n0 = liveTensors();
    const trainRows = Uint32Array.from({ length: 1000 }, (_, i) => i);
    const w = new Float32Array(data.nRows).fill(1);
    for (let i = 0; i < 500; i++) w[i] = 0; // rows 0..499 do not train
    const r = await trainModel(data, spec, { kind: 'logistic', seed: 5, epochs: 10, batchSize: 32, trainRows, sampleWeight: w });
    expect(r.split.train.length).toBe(1000);
    expect(r.split.validation.length).toBe(2000);
    expect(r.split.validation[0]).toBe(1000);
    expect(r.manifest.training?.sampleWeighted).toBe(true);
    expect(r.manifest.training?.split).toMatchObject({ method: 'explicit', trainRows: 1000, validationRows: 2000 });
    expect(r.history[r.history.length - 1].valAuc).toBeGreaterThan(0.8);
    r.model.dispose();
    expect(liveTensors()).toBe(n0);
  });
});

describe('sample weights', () => {
  it('weights of 1 change nothing; other weights change the model', async () => {
    const opts = { kind: 'logistic' as const, seed: 9, epochs: 2, batchSize: 128, date: null };
    const plain = await trainModel(data, spec, opts);
    const ones = await trainModel(data, spec, { ...opts, sampleWeight: new Float32Array(data.nRows).fill(1) });
    const w = new Float32Array(data.nRows).fill(1);
    for (let i = 0; i < data.nRows; i += 2) w[i] = 3;
    const weighted = await trainModel(data, spec, { ...opts, sampleWeight: w });
    const [a, b, c] = [plain, ones, weighted].map((r) => r.model.getWeights().flatMap((t) => Array.from(t.dataSync())));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    for (const r of [plain, ones, weighted]) r.model.dispose();
    await expect(trainModel(data, spec, { ...opts, sampleWeight: new Float32Array(3) })).rejects.toThrow(/sampleWeight has 3 entries/);
  });
});
