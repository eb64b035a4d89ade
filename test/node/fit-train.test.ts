/**
 * The exact logistic fit inside trainModel and the scenarios, and early stopping: the Layers
 * model carries the solver's coefficients; scenarios fit logistic baselines exactly (the
 * constraint stays on Adam) and stop MLPs early on held-out training rows.
 */
import { describe, expect, it } from 'vitest';
import { fitLogistic, predictLogistic } from '../../src/core/fit/logistic';
import { encodeTable, encodeTarget, manifestWidth } from '../../src/core/manifest';
import { createSplit, runScenario, type ScenarioContext } from '../../src/core/mitigate';
import { createModelScorer } from '../../src/core/model';
import type { DatasetRoles } from '../../src/core/roles';
import { trainModel, type TrainSpec } from '../../src/core/train';
import { groupProxyTable, rejects } from './synthetic';
import { setupTfAndCheckLeaks } from './tf-setup';

const table = groupProxyTable(2400, 9, { second: true });
const spec: TrainSpec = { target: { column: 'y', positive: 'yes' }, features: ['x1', 'x2', 'c'] };
const labels = encodeTarget(table, spec.target);
const labelled = Uint32Array.from({ length: table.nRows }, (_, i) => i).filter((r) => labels[r] >= 0);
const trainRows = labelled.filter((_, i) => i % 4 !== 0);
const weights = Float32Array.from({ length: table.nRows }, (_, i) => 0.5 + (i % 3));

setupTfAndCheckLeaks();

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("trainModel with optimizer 'newton'", () => {
  it('sets the exact fit of the encoded training rows into the Dense(1, sigmoid) model', async () => {
    const r = await trainModel(table, spec, { kind: 'logistic', seed: 1, optimizer: 'newton', trainRows, sampleWeight: weights, date: null });
    try {
      const d = manifestWidth(r.manifest);
      const X = encodeTable(table, r.manifest, r.split.train);
      const y = Float64Array.from(r.split.train, (row) => labels[row]);
      const exact = fitLogistic(X, y, d, { C: 1, sampleWeight: Float64Array.from(r.split.train, (row) => weights[row]) });
      const [kernel, bias] = r.model.getLayer('output').getWeights();
      expect(maxAbsDiff(kernel.dataSync(), Float32Array.from(exact.coef))).toBe(0);
      expect(bias.dataSync()[0]).toBe(Math.fround(exact.intercept));
      // the model scores as the float64 fit, to float32 rounding
      const scorer = createModelScorer(r.model, r.manifest);
      const p = await scorer.predict(X, r.split.train.length);
      expect(maxAbsDiff(p, predictLogistic(exact, X, d))).toBeLessThan(1e-6);
      const t = r.manifest.training!;
      expect(t.optimizer).toBe('newton');
      expect(t.C).toBe(1);
      expect((t.solver as { converged: boolean }).converged).toBe(true);
      expect(t.learningRate).toBeUndefined();
      expect(r.history).toHaveLength(1);
      expect(r.history[0].valAccuracy).toBeGreaterThan(0.7);
    } finally {
      r.model.dispose();
    }
  });

  it('refuses what it cannot do: an MLP, a fairness penalty, early stopping', async () => {
    expect((await rejects(trainModel(table, spec, { kind: 'mlp', seed: 1, optimizer: 'newton' }))).message).toMatch(/logistic models only/);
    const groups = Int32Array.from({ length: table.nRows }, (_, i) => i % 2);
    expect((await rejects(trainModel(table, spec, { kind: 'logistic', seed: 1, optimizer: 'newton', fairnessPenalty: { constraint: 'demographic-parity', lambda: 1, groupCodes: groups, nGroups: 2 } }))).message).toMatch(/no fairness penalty/);
    expect((await rejects(trainModel(table, spec, { kind: 'logistic', seed: 1, optimizer: 'newton', earlyStopping: { patience: 2 } }))).message).toMatch(/early stopping does not apply/);
    expect((await rejects(trainModel(table, spec, { kind: 'mlp', seed: 1, earlyStopping: { patience: 0 } }))).message).toMatch(/patience must be/);
  });
});

describe('early stopping', () => {
  const options = { kind: 'mlp' as const, seed: 4, epochs: 30, batchSize: 64, learningRate: 0.05, trainRows, validationRows: new Uint32Array(0), earlyStopping: { patience: 2 }, date: null };

  it('holds out a tenth of the distinct training rows, stops after `patience` epochs without improvement and returns the best epoch', async () => {
    const r = await trainModel(table, spec, options);
    try {
      const { train, validation } = r.split;
      expect(validation.length).toBeGreaterThan(0.09 * trainRows.length);
      expect(validation.length).toBeLessThan(0.11 * trainRows.length);
      const held = new Set(validation);
      expect(train.every((row) => !held.has(row))).toBe(true);
      expect(train.length + validation.length).toBe(trainRows.length);
      const best = r.bestEpoch!;
      const losses = r.history.map((e) => e.valLoss);
      expect(best).toBe(losses.indexOf(Math.min(...losses)) + 1);
      // with a high learning rate it overfits and stops before the 30 epochs
      expect(r.history.length).toBe(best + 2);
      // the model holds the best epoch's weights: its validation loss is that epoch's
      const X = encodeTable(table, r.manifest, validation);
      const p = await createModelScorer(r.model, r.manifest).predict(X, validation.length);
      let loss = 0;
      for (let i = 0; i < p.length; i++) {
        const q = Math.min(1 - 1e-7, Math.max(1e-7, p[i]));
        loss -= labels[validation[i]] === 1 ? Math.log(q) : Math.log(1 - q);
      }
      expect(loss / p.length).toBeCloseTo(losses[best - 1], 5);
      expect(r.manifest.training?.earlyStopping).toEqual({ patience: 2, bestEpoch: best });
      expect(r.manifest.training?.metrics?.valLoss).toBeCloseTo(losses[best - 1], 10);
    } finally {
      r.model.dispose();
    }
  });

  it('is deterministic under the seed; a resampled duplicate is never both trained and held out', async () => {
    const dup = Uint32Array.from([...trainRows, ...trainRows.filter((_, i) => i % 3 === 0)]);
    const a = await trainModel(table, spec, { ...options, trainRows: dup });
    const b = await trainModel(table, spec, { ...options, trainRows: dup });
    try {
      expect(Array.from(a.split.validation)).toEqual(Array.from(b.split.validation));
      expect(a.bestEpoch).toBe(b.bestEpoch);
      const wa = a.model.getWeights().map((t) => Array.from(t.dataSync()));
      const wb = b.model.getWeights().map((t) => Array.from(t.dataSync()));
      expect(wa).toEqual(wb);
      const held = new Set(a.split.validation);
      expect(a.split.train.every((row) => !held.has(row))).toBe(true);
      expect(a.split.train.length).toBe(dup.filter((row) => !held.has(row)).length);
      expect(a.split.validation.length).toBe(held.size);
    } finally {
      a.model.dispose();
      b.model.dispose();
    }
  });
});

describe('scenarios', () => {
  const roles: DatasetRoles = { target: spec.target, protected: [{ column: 'g' }], features: ['x1', 'x2', 'c'], ignored: [] };
  const split = createSplit(table, roles, 3);
  const base = { table, roles, split, seed: 5, protectedAttribute: { column: 'g' }, bootstrap: 0 };

  it('fit a logistic baseline exactly (reweighing weights included); the constraint keeps Adam', async () => {
    const ctx: ScenarioContext = { ...base, baseline: { kind: 'trained', trainKind: 'logistic', epochs: 3 } };
    const rw = await runScenario(ctx, { name: 'reweigh', interventions: [{ kind: 'reweigh' }] });
    const t = rw.artifacts.manifest.training!;
    expect(t.optimizer).toBe('newton');
    expect(t.sampleWeighted).toBe(true);
    expect((t.solver as { converged: boolean }).converged).toBe(true);
    const con = await runScenario(ctx, { name: 'dp', interventions: [{ kind: 'constraint', constraint: 'demographic-parity', lambda: 1 }] });
    expect(con.artifacts.manifest.training?.optimizer).toBe('adam');
    const adam = await runScenario({ ...ctx, baseline: { kind: 'trained', trainKind: 'logistic', epochs: 3, optimizer: 'adam' } }, { name: 'b', interventions: [] });
    expect(adam.artifacts.manifest.training?.optimizer).toBe('adam');
  });

  it('stop an MLP early on held-out training rows', async () => {
    const ctx: ScenarioContext = { ...base, baseline: { kind: 'trained', trainKind: 'mlp', epochs: 40, batchSize: 64, learningRate: 0.05 } };
    const r = await runScenario(ctx, { name: 'baseline', interventions: [] });
    const t = r.artifacts.manifest.training!;
    expect(t.optimizer).toBe('adam');
    expect((t.earlyStopping as { patience: number }).patience).toBe(3);
    expect(t.epochsRun).toBeLessThan(40);
    expect((t.split as { validationRows: number }).validationRows).toBeGreaterThan(0);
  });
});
