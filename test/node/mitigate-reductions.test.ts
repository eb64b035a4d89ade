import { describe, expect, it } from 'vitest';
import { encodeTable, encodeTarget, manifestWidth } from '../../src/core/manifest';
import {
  buildMoment,
  costSensitiveProblem,
  createSplit,
  exponentiatedGradient,
  fitThreshold,
  gammaOf,
  hardGap,
  logisticLearner,
  mixtureLayersModel,
  mixtureScores,
  runScenario,
  signedWeights,
  validateScenarios,
  describeIntervention,
  type ScenarioContext,
  type WeightedLearner,
} from '../../src/core/mitigate';
import { linprog } from '../../src/core/mitigate/linprog';
import { fitLogistic } from '../../src/core/fit/logistic';
import { createModelScorer, loadLayersModelFromFiles, saveModelArtifacts } from '../../src/core/model';
import { groupColumn, type DatasetRoles } from '../../src/core/roles';
import { trainModel } from '../../src/core/train';
import type { FairnessConstraint } from '../../src/core/train-penalty';
import { groupProxyTable, problem } from './synthetic';
import { setupTfAndCheckLeaks } from './tf-setup';

setupTfAndCheckLeaks();

describe('linprog', () => {
  it('solves a small programme with a known optimum, an equality and a free variable', () => {
    // max 3x + 2y s.t. x + y ≤ 4, x + 3y ≤ 6, x ≤ 3 → x = 3, y = 1, value 11
    const r = linprog({ c: [-3, -2], aUb: [[1, 1], [1, 3], [1, 0]], bUb: [4, 6, 3] });
    expect(r.status).toBe('optimal');
    if (r.status !== 'optimal') return;
    expect(Array.from(r.x)).toEqual([3, 1]);
    expect(r.value).toBeCloseTo(-11, 12);
    // min z s.t. z ≥ x − 2, z ≥ 2 − x, x + w = 1 (w ≥ 0), z free → x = 1, z = 1
    const f = linprog({ c: [0, 1, 0], aUb: [[1, -1, 0], [-1, -1, 0]], bUb: [2, -2], aEq: [[1, 0, 1]], bEq: [1], free: [false, true, false] });
    expect(f.status).toBe('optimal');
    if (f.status === 'optimal') expect(Array.from(f.x).map((v) => +v.toFixed(12))).toEqual([1, 1, 0]);
  });

  it('says when there is no feasible point or no bounded optimum', () => {
    expect(linprog({ c: [1], aUb: [[1]], bUb: [-1] }).status).toBe('infeasible'); // x ≤ −1, x ≥ 0
    expect(linprog({ c: [-1], aUb: [[-1]], bUb: [0] }).status).toBe('unbounded');
  });
});

describe('the best-response costs (hand-computed)', () => {
  // 4 rows: groups 0, 0, 1, 1; labels 1, 0, 1, 0
  const data = { y: Uint8Array.from([1, 0, 1, 0]), groups: Int32Array.from([0, 0, 1, 1]), nGroups: 2 };

  it('demographic parity, fairlearn\'s form: only "+ g0" active', () => {
    const m = buildMoment(data, 'demographic-parity', 0.1, 'overall');
    expect(m.names).toEqual(['+ all g0', '+ all g1', '- all g0', '- all g1']);
    // γ(+g0) = rate_g0 − rate_all, so ∂γ/∂h_i = [i ∈ g0]/2 − 1/4; benefit_i = (2y_i − 1) − 4·λ·∂γ/∂h_i
    const s = signedWeights(m, data.y, [1, 0, 0, 0]);
    expect(Array.from(s)).toEqual([0, -2, 2, 0]);
    const p = costSensitiveProblem(s);
    expect(Array.from(p.labels)).toEqual([0, 0, 1, 0]);
    expect(Array.from(p.weights)).toEqual([0, 2, 2, 0]); // n·|s|/Σ|s|
    expect(Array.from(gammaOf(m, [1, 0, 0, 0]))).toEqual([0.25, -0.25, -0.25, 0.25]);
  });

  it('between groups: "g0 − g1" costs twice as much per row as against the overall rate', () => {
    const m = buildMoment(data, 'demographic-parity', 0.1, 'between-groups');
    expect(m.names).toEqual(['all g0 − g1', 'all g1 − g0']);
    // ∂(rate_g0 − rate_g1)/∂h_i = ±1/2
    expect(Array.from(signedWeights(m, data.y, [1, 0]))).toEqual([-1, -3, 3, 1]);
    expect(Array.from(m.opposite)).toEqual([1, 0]);
  });

  it('equalized odds: each label is its own event', () => {
    const m = buildMoment(data, 'equalized-odds', 0.1, 'overall');
    expect(m.names).toEqual(['+ label=0 g0', '+ label=0 g1', '+ label=1 g0', '+ label=1 g1', '- label=0 g0', '- label=0 g1', '- label=1 g0', '- label=1 g1']);
    // "+ label=1 g0": TPR_g0 − TPR_all; one positive per group: ∂/∂h_i = [i = 0] − 1/2 for positives, 0 for negatives
    const s = signedWeights(m, data.y, [0, 0, 1, 0, 0, 0, 0, 0]);
    expect(Array.from(s)).toEqual([1 - 4 * 0.5, -1, 1 + 4 * 0.5, -1]);
  });

  it('row weights weight the error and every rate', () => {
    const m = buildMoment({ ...data, weights: [2, 1, 1, 1] }, 'demographic-parity', 0.1, 'overall');
    // W = 5; g0 weighs 3, all 5: ∂γ/∂h_0 = 2/3 − 2/5; benefit_0 = 4·(2·1/5 − 1·(2/3 − 2/5))
    const s = signedWeights(m, data.y, [1, 0, 0, 0]);
    expect(s[0]).toBeCloseTo(4 * (2 / 5 - (2 / 3 - 2 / 5)), 14);
    expect(s[2]).toBeCloseTo(4 * (1 / 5 + 1 / 5), 14);
  });
});

/**
 * fairlearn's smoke test (test/unit/reductions/exponentiated_gradient/test_exponentiatedgradient_smoke.py,
 * fairlearn 0.15.0.dev0): 20 rows, three groups, a weighted least-squares learner, eps = the
 * difference bound. Its expected figures are the state fairlearn's ExponentiatedGradient reaches.
 */
describe('exponentiated gradient reproduces fairlearn\'s smoke test', () => {
  const A = 'AAAAAAABBBBBBBCCCCCC';
  const y = Uint8Array.from('01101000010111001111', Number);
  const X1 = '01101010111101001011';
  const X2 = '00001000000011111111';
  const X = new Float64Array(60);
  for (let i = 0; i < 20; i++) [X[3 * i], X[3 * i + 1], X[3 * i + 2]] = [Number(X1[i]), Number(X2[i]), 1];
  const groups = Int32Array.from(A, (c) => c.charCodeAt(0) - 65);

  /** fairlearn's LeastSquaresBinaryClassifierLearner: weighted least squares, decisions Xw > 0.5. */
  const leastSquares: WeightedLearner<Float64Array> = (labels, weights) => {
    const M = new Float64Array(9);
    const b = new Float64Array(3);
    for (let i = 0; i < 20; i++) {
      for (let j = 0; j < 3; j++) {
        b[j] += weights[i] * X[3 * i + j] * labels[i];
        for (let k = 0; k < 3; k++) M[3 * j + k] += weights[i] * X[3 * i + j] * X[3 * i + k];
      }
    }
    const w = solve3(M, b);
    const decisions = new Uint8Array(20);
    for (let i = 0; i < 20; i++) decisions[i] = X[3 * i] * w[0] + X[3 * i + 1] * w[1] + X[3 * i + 2] * w[2] > 0.5 ? 1 : 0;
    return { model: w, decisions };
  };

  const cases: [FairnessConstraint, number, { lastIter: number; disp: number; error: number; calls: number; predictors: number }][] = [
    ['demographic-parity', 0.1, { lastIter: 5, disp: 0.1, error: 0.25, calls: 32, predictors: 3 }],
    ['demographic-parity', 0.05, { lastIter: 5, disp: 0.05, error: 0.266522, calls: 23, predictors: 6 }],
    ['demographic-parity', 0.02, { lastIter: 5, disp: 0.02, error: 0.332261, calls: 22, predictors: 5 }],
    ['demographic-parity', 0.01, { lastIter: 5, disp: 0.01, error: 0.354174, calls: 22, predictors: 5 }],
    ['equalized-odds', 0.1, { lastIter: 5, disp: 0.1, error: 0.309333, calls: 21, predictors: 4 }],
    ['equalized-odds', 0.05, { lastIter: 5, disp: 0.05, error: 0.378827, calls: 19, predictors: 6 }],
    ['equalized-odds', 0.01, { lastIter: 5, disp: 0.01, error: 0.435765, calls: 19, predictors: 6 }],
    ['error-rate-parity', 0.1, { lastIter: 5, disp: 0.1, error: 0.25625, calls: 17, predictors: 3 }],
  ];
  it.each(cases)('%s, eps %s', (constraint, eps, want) => {
    const r = exponentiatedGradient({ y, groups, nGroups: 3 }, leastSquares, { constraint, bound: eps, eps, parity: 'overall' });
    expect(r.bestGap).toBeCloseTo(0, 5);
    expect(r.lastIter).toBe(want.lastIter);
    expect(r.bestIter).toBe(want.lastIter);
    expect(r.oracleCalls).toBe(want.calls);
    expect(r.constantCalls).toBe(0);
    expect(r.members.length).toBe(want.predictors);
    expect(Math.max(...r.gamma)).toBeCloseTo(want.disp, 5);
    expect(r.error).toBeCloseTo(want.error, 5);
    // the mixture: weights ≥ 0 summing to 1
    expect(Math.min(...r.weights)).toBeGreaterThanOrEqual(0);
    expect(r.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
  });
});

function solve3(M: Float64Array, b: Float64Array): Float64Array {
  // Gaussian elimination with partial pivoting on a 3 × 3 system
  const a = [[M[0], M[1], M[2], b[0]], [M[3], M[4], M[5], b[1]], [M[6], M[7], M[8], b[2]]];
  for (let c = 0; c < 3; c++) {
    let p = c;
    for (let r = c + 1; r < 3; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = 0; r < 3; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k < 4; k++) a[r][k] -= f * a[c][k];
    }
  }
  return Float64Array.from([a[0][3] / a[0][0], a[1][3] / a[1][1], a[2][3] / a[2][2]]);
}

describe('reductions with the logistic learner on data with a known disparity', () => {
  const table = groupProxyTable(2400, 5);
  const roles: DatasetRoles = { target: { column: 'y', positive: 'yes' }, protected: [{ column: 'g' }], features: ['x1', 'x2', 'c'], ignored: [] };
  const split = createSplit(table, roles, 1);
  const groups = groupColumn(table, { column: 'g' });
  const labels = encodeTarget(table, roles.target);
  const yTrain = Uint8Array.from(split.train, (r) => labels[r]);
  const gTrain = Int32Array.from(split.train, (r) => groups.codes[r]);
  const bound = 0.05;

  async function encoded(): Promise<{ X: Float32Array; d: number }> {
    const plain = await trainModel(table, { target: roles.target, features: roles.features }, { kind: 'logistic', seed: 1, optimizer: 'newton', trainRows: split.train, date: null });
    plain.model.dispose();
    return { X: encodeTable(table, plain.manifest, split.train), d: manifestWidth(plain.manifest) };
  }

  it.each(['demographic-parity', 'equalized-odds'] as FairnessConstraint[])('%s: the randomised mixture meets the bound on the training rows, deterministically', async (constraint) => {
    const { X, d } = await encoded();
    const before = hardGap({ scores: mixtureScores({ members: [{ kind: 'fitted', model: fitLogistic(X, yTrain, d) }], weights: Float64Array.of(1) }, X, d), labels: yTrain, groupCodes: gTrain, nGroups: 2, constraint }).value!;
    expect(before).toBeGreaterThan(0.12); // the disparity is real (0.137 for DP, 0.127 for EO), well above the bound
    const run = () => exponentiatedGradient({ y: yTrain, groups: gTrain, nGroups: 2 }, logisticLearner(X, d), { constraint, bound });
    const r = run();
    // The mixture's rates meet the bound up to what the stopping rule certifies: at the kept
    // (Q, λ̂), B·v ≤ L_high − err ≤ L − err + gap = Σ_k λ̂_k(γ_k − bound) + gap ≤ ‖λ̂‖₁·v + gap for
    // the largest violation v > 0, so v ≤ gap / (B − ‖λ̂‖₁) — here below 1e-6.
    const B = 100;
    const norm = r.lambda.reduce((a, b) => a + b, 0);
    const certified = norm < B ? r.bestGap / (B - norm) : Infinity;
    expect(certified).toBeLessThan(1e-6);
    expect(Math.max(...r.gamma) - bound).toBeLessThanOrEqual(certified + 1e-12);
    expect(r.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    expect(r.error).toBeLessThan(0.5);
    const again = run();
    expect(Array.from(again.weights)).toEqual(Array.from(r.weights));
    expect(Array.from(again.lambda)).toEqual(Array.from(r.lambda));
    expect(again.oracleCalls).toBe(r.oracleCalls);
  });

  it('the first best response is the plain fit (equal multipliers cancel), and the learner\'s fit gets the costs as weights', async () => {
    const calls: { labels: Uint8Array; weights: Float64Array }[] = [];
    const { X, d } = await encoded();
    const learner = logisticLearner(X, d);
    const spy: WeightedLearner<unknown> = (l, w) => {
      calls.push({ labels: l.slice(), weights: w.slice() });
      return learner(l, w);
    };
    exponentiatedGradient({ y: yTrain, groups: gTrain, nGroups: 2 }, spy, { constraint: 'demographic-parity', bound, maxIter: 1 });
    expect(Array.from(calls[0].labels)).toEqual(Array.from(yTrain));
    expect(calls[0].weights.every((w) => w === 1)).toBe(true);
    // the logistic learner's first fit is fitLogistic with those weights
    expect(calls.length).toBeGreaterThan(1);
    expect(calls[1].weights.reduce((a, b) => a + b, 0)).toBeCloseTo(yTrain.length, 8);
    const direct = fitLogistic(X, calls[1].labels, d, { sampleWeight: calls[1].weights });
    const fresh = logisticLearner(X, d)(calls[1].labels, calls[1].weights).model;
    expect(Array.from(fresh.coef)).toEqual(Array.from(direct.coef));
    expect(fresh.intercept).toBe(direct.intercept);
  });

  it('the fitted threshold meets the bound on its rows with the fewest errors', () => {
    const scores = Float64Array.from({ length: 200 }, (_, i) => ((i * 37) % 200) / 200);
    const ys = Uint8Array.from(scores, (s, i) => (s > 0.6 || i % 7 === 0 ? 1 : 0));
    const gs = Int32Array.from(scores, (_, i) => (i % 3 === 0 ? 1 : 0));
    const t = fitThreshold({ scores, labels: ys, groups: gs, nGroups: 2, constraint: 'demographic-parity', bound: 0.03 });
    expect(hardGap({ scores, labels: ys, groupCodes: gs, nGroups: 2, constraint: 'demographic-parity', threshold: t.threshold }).value!).toBeLessThanOrEqual(0.03);
    // brute force over every candidate
    let best = Infinity;
    for (const c of [...new Set(scores), Infinity]) {
      const gap = hardGap({ scores, labels: ys, groupCodes: gs, nGroups: 2, constraint: 'demographic-parity', threshold: c }).value!;
      if (gap > 0.03) continue;
      let e = 0;
      scores.forEach((s, i) => { if ((s >= c ? 1 : 0) !== ys[i]) e++; });
      best = Math.min(best, e);
    }
    expect(t.errors).toBe(best);
  });

  it("with parity 'overall' (fairlearn's form) the gap is the largest |group rate − overall rate|, and the threshold is the fewest-error one that meets it", () => {
    // three groups of unequal size: max − min and the distance to the overall rate differ
    const n = 300;
    const scores = Float64Array.from({ length: n }, (_, i) => ((i * 53) % n) / n);
    const gs = Int32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 2 : i % 2));
    const ys = Uint8Array.from(scores, (s, i) => (s + 0.15 * gs[i] > 0.7 || i % 11 === 0 ? 1 : 0));
    /** rates of the rows where `keep` holds: per group, and over all of them */
    const rates = (d: Uint8Array, keep: (i: number) => boolean): { per: number[]; all: number } => {
      const sel = [0, 0, 0];
      const cnt = [0, 0, 0];
      for (let i = 0; i < n; i++) if (keep(i)) { cnt[gs[i]]++; sel[gs[i]] += d[i]; }
      return { per: sel.map((x, g) => x / cnt[g]), all: sel.reduce((a, b) => a + b) / cnt.reduce((a, b) => a + b) };
    };
    const dev = (r: { per: number[]; all: number }): number => Math.max(...r.per.map((x) => Math.abs(x - r.all)));
    for (const constraint of ['demographic-parity', 'equalized-odds'] as const) {
      const gapOf = (t: number): number => {
        const d = Uint8Array.from(scores, (s) => (s >= t ? 1 : 0));
        if (constraint === 'demographic-parity') return dev(rates(d, () => true));
        return Math.max(dev(rates(d, (i) => ys[i] === 1)), dev(rates(d, (i) => ys[i] === 0)));
      };
      const bound = 0.04;
      const t = fitThreshold({ scores, labels: ys, groups: gs, nGroups: 3, constraint, bound, parity: 'overall' });
      let best = Infinity;
      for (const c of [...new Set(scores), Infinity]) {
        if (gapOf(c) > bound + 1e-12) continue;
        let e = 0;
        scores.forEach((s, i) => { if ((s >= c ? 1 : 0) !== ys[i]) e++; });
        best = Math.min(best, e);
      }
      expect(t.errors).toBe(best);
      expect(t.gap).toBeCloseTo(gapOf(t.threshold), 12);
      // the between-groups form is stricter here: its best threshold makes at least as many errors
      const between = fitThreshold({ scores, labels: ys, groups: gs, nGroups: 3, constraint, bound });
      expect(between.errors).toBeGreaterThanOrEqual(t.errors);
      if (constraint === 'equalized-odds') expect(between.errors).toBeGreaterThan(t.errors);
      expect(gapOf(between.threshold)).toBeLessThanOrEqual(bound + 1e-12);
    }
  });

  it('exports the mixture as one Layers model whose scores are the mixture\'s', async () => {
    const { X, d } = await encoded();
    const r = exponentiatedGradient({ y: yTrain, groups: gTrain, nGroups: 2 }, logisticLearner(X, d), { constraint: 'demographic-parity', bound });
    expect(r.weights.filter((q) => q > 0).length).toBeGreaterThan(1);
    const model = mixtureLayersModel(r, d);
    const files = await saveModelArtifacts(model);
    model.dispose();
    const loaded = await loadLayersModelFromFiles(files.map((f) => ({ name: f.name, data: f.data })));
    try {
      const plain = await trainModel(table, { target: roles.target, features: roles.features }, { kind: 'logistic', seed: 1, optimizer: 'newton', trainRows: split.train, date: null });
      plain.model.dispose();
      const scorer = createModelScorer(loaded, plain.manifest);
      const got = await scorer.predict(X, split.train.length);
      scorer.dispose();
      const want = mixtureScores(r, X, d);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
      expect(worst).toBeLessThan(1e-6); // float32
    } finally {
      loaded.dispose();
    }
  });

  describe('as a scenario', () => {
    const ctx: ScenarioContext = { table, roles, split, baseline: { kind: 'trained', trainKind: 'logistic' }, seed: 4, protectedAttribute: { column: 'g' }, bootstrap: 0 };

    it.each(['demographic-parity', 'equalized-odds'] as FairnessConstraint[])('%s ≤ bound: met on the training rows by the exported model, the same under the same seed', async (constraint) => {
      const baseline = await runScenario(ctx, { name: 'baseline', interventions: [] });
      const r = await runScenario(ctx, { name: 'c', interventions: [{ kind: 'constraint', constraint, bound }] });
      const c = r.constraint!;
      expect(c.method).toBe('reductions');
      expect(c.met).toBe(true);
      expect(c.trainingGap!).toBeLessThanOrEqual(bound);
      expect(c.reductions!.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(r.artifacts.manifest.threshold).toBe(c.reductions!.threshold);
      expect(r.artifacts.manifest.training?.fairnessConstraint).toMatchObject({ method: 'reductions', constraint, bound });
      // not a collapse: it still selects, and it is no worse than the plain model at ranking by more than a little
      expect(r.metrics.degenerate).toBeNull();
      const gap = constraint === 'demographic-parity' ? 'demographicParityDifference' : 'equalizedOddsDifference';
      expect(r.metrics[gap].value!).toBeLessThan(baseline.metrics[gap].value!);
      // the training gap, recomputed from the exported files
      const loaded = await loadLayersModelFromFiles(r.artifacts.files!.map((f) => ({ name: f.name, data: f.data })));
      const scorer = createModelScorer(loaded, r.artifacts.manifest);
      const scores = await scorer.predict(encodeTable(table, r.artifacts.manifest, split.train), split.train.length);
      scorer.dispose();
      loaded.dispose();
      expect(hardGap({ scores, labels: yTrain, groupCodes: gTrain, nGroups: 2, constraint, threshold: r.artifacts.manifest.threshold }).value).toBe(c.trainingGap);
      const again = await runScenario(ctx, { name: 'c', interventions: [{ kind: 'constraint', constraint, bound }] });
      expect(again.constraint!.reductions).toEqual(c.reductions);
      expect(again.metrics.accuracy.value).toBe(r.metrics.accuracy.value);
    });

    it("parity 'overall' (fairlearn's form): the exported model meets it on the training rows, and the manifest says which form", async () => {
      const r = await runScenario(ctx, { name: 'o', interventions: [{ kind: 'constraint', constraint: 'demographic-parity', bound, parity: 'overall' }] });
      const c = r.constraint!;
      expect(c.reductions!.parity).toBe('overall');
      expect(r.artifacts.manifest.training?.fairnessConstraint).toMatchObject({ method: 'reductions', parity: 'overall', bound });
      expect(c.trainingGap!).toBeLessThanOrEqual(bound);
      const loaded = await loadLayersModelFromFiles(r.artifacts.files!.map((f) => ({ name: f.name, data: f.data })));
      const scorer = createModelScorer(loaded, r.artifacts.manifest);
      const scores = await scorer.predict(encodeTable(table, r.artifacts.manifest, split.train), split.train.length);
      scorer.dispose();
      loaded.dispose();
      const at = { scores, labels: yTrain, groupCodes: gTrain, nGroups: 2, constraint: 'demographic-parity' as const, threshold: r.artifacts.manifest.threshold };
      expect(hardGap({ ...at, parity: 'overall' }).value).toBe(c.trainingGap);
      // two groups: each is within the bound of the overall rate, so the pair is within twice it
      expect(hardGap(at).value!).toBeLessThanOrEqual(2 * bound + 1e-12);
      expect(r.notes.join(' ')).toMatch(/each group within the bound of the overall rate/);
    });

    it('keeps the penalty reachable, and refuses reductions on an MLP baseline', async () => {
      const pen = await runScenario({ ...ctx, baseline: { kind: 'trained', trainKind: 'logistic', epochs: 3 } }, { name: 'p', interventions: [{ kind: 'constraint', constraint: 'demographic-parity', bound: 0.5, method: 'penalty' }] });
      expect(pen.constraint!.method).toBe('penalty');
      expect(pen.artifacts.manifest.training?.optimizer).toBe('adam');
      const mlp: ScenarioContext = { ...ctx, baseline: { kind: 'trained', trainKind: 'mlp', epochs: 2 } };
      await expect(runScenario(mlp, { name: 'r', interventions: [{ kind: 'constraint', constraint: 'demographic-parity', bound, method: 'reductions' }] })).rejects.toThrow(/reductions method fits logistic models/);
    });
  });
});

describe('the constraint intervention', () => {
  it('validates the method and describes it', () => {
    expect(validateScenarios([{ name: 'a', interventions: [{ kind: 'constraint', constraint: 'equalized-odds', bound: 0.02, method: 'reductions' }] }])[0].interventions[0]).toEqual({ kind: 'constraint', constraint: 'equalized-odds', bound: 0.02, method: 'reductions' });
    expect(problem(() => validateScenarios([{ name: 'a', interventions: [{ kind: 'constraint', constraint: 'demographic-parity', bound: 0.02, method: 'grid' }] }])).message).toMatch(/method must be "reductions" or "penalty", not "grid"/);
    expect(problem(() => validateScenarios([{ name: 'a', interventions: [{ kind: 'constraint', constraint: 'demographic-parity', lambda: 2, method: 'reductions' }] }])).message).toMatch(/needs a "bound"/);
    expect(problem(() => validateScenarios([{ name: 'a', interventions: [{ kind: 'constraint', constraint: 'demographic-parity', bound: 0.1, lambda: 2, method: 'reductions' }] }])).message).toMatch(/lambda is a setting of the penalty/);
    expect(describeIntervention({ kind: 'constraint', constraint: 'demographic-parity', bound: 0.02 })).toBe('demographic-parity in training, bound 0.02 (exponentiated gradient; a penalty for an MLP)');
    expect(describeIntervention({ kind: 'constraint', constraint: 'demographic-parity', bound: 0.02, method: 'penalty' })).toBe('demographic-parity in training, bound 0.02 (penalty)');
    expect(describeIntervention({ kind: 'constraint', constraint: 'equalized-odds', bound: 0.02, method: 'reductions' })).toBe('equalized-odds in training, bound 0.02 (exponentiated gradient)');
  });

  it("takes parity 'overall' for reductions only, and says it", () => {
    const ok = validateScenarios([{ name: 'a', interventions: [{ kind: 'constraint', constraint: 'demographic-parity', bound: 0.02, parity: 'overall' }] }])[0].interventions[0];
    expect(ok).toEqual({ kind: 'constraint', constraint: 'demographic-parity', bound: 0.02, parity: 'overall' });
    expect(problem(() => validateScenarios([{ name: 'a', interventions: [{ kind: 'constraint', constraint: 'demographic-parity', bound: 0.02, parity: 'pairs' }] }])).message).toMatch(/parity must be "between-groups" or "overall", not "pairs"/);
    expect(problem(() => validateScenarios([{ name: 'a', interventions: [{ kind: 'constraint', constraint: 'demographic-parity', bound: 0.02, method: 'penalty', parity: 'overall' }] }])).message).toMatch(/parity is a setting of method "reductions"/);
    expect(describeIntervention(ok)).toBe("demographic-parity in training, bound 0.02 (exponentiated gradient; each group within the bound of the overall rate, fairlearn's form)");
  });

  it("hardGap with parity 'overall' is the largest |group rate − overall rate| (hand-computed)", () => {
    // group 0: 4 rows, 2 selected (0.5); group 1: 2 rows, 0 selected; group 2: 4 rows, 1 selected (0.25); overall 3/10
    const scores = [1, 1, 0, 0, 0, 0, 1, 0, 0, 0];
    const labels = [1, 0, 1, 0, 1, 0, 1, 1, 0, 0];
    const groupCodes = Int32Array.from([0, 0, 0, 0, 1, 1, 2, 2, 2, 2]);
    const base = { scores, labels, groupCodes, nGroups: 3 };
    expect(hardGap({ ...base, constraint: 'demographic-parity' }).value).toBeCloseTo(0.5, 12);
    expect(hardGap({ ...base, constraint: 'demographic-parity', parity: 'overall' }).value).toBeCloseTo(0.3, 12);
    // TPR: g0 1/2, g1 0/1, g2 1/2, overall 2/5; FPR: g0 1/2, g1 0/1, g2 0/2, overall 1/5
    expect(hardGap({ ...base, constraint: 'equalized-odds', parity: 'overall' }).value).toBeCloseTo(0.4, 12);
    expect(hardGap({ ...base, constraint: 'equalized-odds' }).value).toBeCloseTo(0.5, 12);
  });
});
