import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../src/core/errors';
import { permutationImportance, rocAuc, type ExplainScorer, type Player } from '../../src/core/explain';
import { createRng } from '../../src/core/rng';

// inputs: [x0, g (group flag), c0, c1, c2 (one-hot), noise]; the model ignores `noise`
const W = 6;
const players: Player[] = [
  { name: 'x0', start: 0, end: 1 },
  { name: 'g', start: 1, end: 2 },
  { name: 'cat', start: 2, end: 5 },
  { name: 'noise', start: 5, end: 6 },
];
const scorer: ExplainScorer = {
  nFeatures: W,
  predict: async (X, n) => {
    const out = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      const o = r * W;
      out[r] = 1 / (1 + Math.exp(-(2 * X[o] + 1.5 * X[o + 1] + X[o + 2] - X[o + 4] - 0.5)));
    }
    return out;
  },
  dispose: () => {},
};

function data(n: number, seed: number) {
  const rng = createRng(seed);
  const X = new Float32Array(n * W);
  const labels = new Uint8Array(n);
  const groups = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const g = rng.next() < 0.4 ? 1 : 0;
    const x0 = rng.next() * 2 - 1;
    const cat = rng.int(3);
    X.set([x0, g, cat === 0 ? 1 : 0, cat === 1 ? 1 : 0, cat === 2 ? 1 : 0, rng.next()], i * W);
    const z = 2 * x0 + 1.5 * g + (cat === 0 ? 1 : 0) - (cat === 2 ? 1 : 0) - 0.5;
    labels[i] = rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    groups[i] = g;
  }
  return { X, labels, groups };
}

const n = 1500;
const d = data(n, 42);

describe('permutationImportance', () => {
  for (const score of ['accuracy', 'auc', 'logloss'] as const) {
    it(`${score}: ignored column gets 0, informative columns > 0`, async () => {
      const r = await permutationImportance({ scorer, X: d.X, nRows: n, players, labels: d.labels, score, repeats: 3, seed: 1 });
      const by = new Map(r.players.map((p) => [p.name, p]));
      expect(by.get('noise')!.mean).toBe(0);
      expect(by.get('noise')!.std).toBe(0);
      expect(by.get('x0')!.mean).toBeGreaterThan(0.02);
      expect(by.get('x0')!.mean).toBeGreaterThan(by.get('cat')!.mean);
      expect(by.get('x0')!.repeats.length).toBe(3);
      expect(r.evaluations).toBe(n * (1 + 4 * 3));
    });
  }

  it('fairness: the group column creates the demographic-parity gap; an ignored column none', async () => {
    const r = await permutationImportance({ scorer, X: d.X, nRows: n, players, labels: d.labels, groupCodes: d.groups, score: 'demographic-parity', repeats: 4, seed: 3 });
    expect(r.baseline).toBeGreaterThan(0.2);
    const by = new Map(r.players.map((p) => [p.name, p]));
    expect(by.get('noise')!.mean).toBe(0);
    // permuting `g` removes most of the disparity (the model uses g directly)
    expect(by.get('g')!.mean).toBeGreaterThan(0.5 * r.baseline);
    const eo = await permutationImportance({ scorer, X: d.X, nRows: n, players, labels: d.labels, groupCodes: d.groups, score: 'equalized-odds', repeats: 2, seed: 3 });
    expect(eo.baseline).toBeGreaterThan(0);
    expect(eo.players.find((p) => p.name === 'noise')!.mean).toBe(0);
    expect(eo.players.find((p) => p.name === 'g')!.mean).toBeGreaterThan(0);
  });

  it('is deterministic under a seed and independent of batch size; weights are used', async () => {
    const base = { scorer, X: d.X, nRows: n, players, labels: d.labels, score: 'logloss' as const, repeats: 2, seed: 9 };
    const a = await permutationImportance(base);
    const b = await permutationImportance({ ...base, batchRows: 1000 });
    expect(a.players.map((p) => Array.from(p.repeats))).toEqual(b.players.map((p) => Array.from(p.repeats)));
    const w = new Float64Array(n).fill(1);
    for (let i = 0; i < n; i += 2) w[i] = 3;
    const c = await permutationImportance({ ...base, weights: w });
    expect(c.baseline).not.toBe(a.baseline);
  });

  it('needs groups for fairness scores and two classes for AUC', async () => {
    await expect(permutationImportance({ scorer, X: d.X, nRows: n, players, labels: d.labels, score: 'demographic-parity' })).rejects.toThrow(/groupCodes/);
    const err = await permutationImportance({ scorer, X: d.X, nRows: n, players, labels: new Uint8Array(n), score: 'auc' }).catch((e: unknown) => e);
    expect((err as WorkbenchError).code).toBe('target-one-class');
  });

  it('rocAuc handles ties and weights like sklearn', () => {
    // sklearn.metrics.roc_auc_score([0,0,1,1,1],[0.1,0.4,0.4,0.8,0.1]) = 4/6 (two ties count ½)
    expect(rocAuc([0.1, 0.4, 0.4, 0.8, 0.1], Uint8Array.from([0, 0, 1, 1, 1]), [1, 1, 1, 1, 1])).toBeCloseTo(2 / 3, 12);
    // weight 2 on a row = the row twice
    const a = rocAuc([0.2, 0.3, 0.6, 0.3, 0.9], Uint8Array.from([0, 1, 0, 0, 1]), [2, 1, 1, 1, 1]);
    const b = rocAuc([0.2, 0.2, 0.3, 0.6, 0.3, 0.9], Uint8Array.from([0, 0, 1, 0, 0, 1]), [1, 1, 1, 1, 1, 1]);
    expect(a).toBeCloseTo(b, 12);
  });
});
