/**
 * The logistic solver against scikit-learn: test/fixtures/logistic/bank-2000.json holds
 * LogisticRegression fits (converged newton-cg, same objective as lbfgs) on 2,000 bank rows
 * encoded by the demo manifest; scripts/logistic_reference.py writes it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/core/csv';
import { WorkbenchError } from '../../src/core/errors';
import { choleskyInPlace, choleskySolveInPlace } from '../../src/core/fit/cholesky';
import { buildDesign } from '../../src/core/fit/design';
import { lbfgs } from '../../src/core/fit/lbfgs';
import { fitLogistic, predictLogistic } from '../../src/core/fit/logistic';
import { logisticHessian, logisticLoss, logisticLossGradient } from '../../src/core/fit/logistic-loss';
import { encodeTable, encodeTarget, manifestWidth, validateManifest } from '../../src/core/manifest';
import { createRng } from '../../src/core/rng';

interface ReferenceFit {
  name: string;
  C: number;
  weighted: boolean;
  coef: number[];
  intercept: number;
  gradMax: number;
  probabilities: number[];
}
interface Reference {
  sklearn: string;
  data: { step: number; count: number; width: number; positives: number };
  fits: ReferenceFit[];
}

const root = join(__dirname, '..', '..');
const ref = JSON.parse(readFileSync(join(root, 'test/fixtures/logistic/bank-2000.json'), 'utf8')) as Reference;

/** The fixture's rows encoded as the workbench encodes them, with labels and the weights rule. */
function fixture(): { X: Float32Array; y: Float64Array; d: number; weights: Float64Array } {
  const { table } = parseCsv(new Uint8Array(readFileSync(join(root, 'public/demo/bank/bank-full.csv'))));
  const manifest = validateManifest(JSON.parse(readFileSync(join(root, 'public/demo/bank/model.manifest.json'), 'utf8')));
  const rows = Uint32Array.from({ length: ref.data.count }, (_, i) => i * ref.data.step);
  const labels = encodeTarget(table, manifest.target);
  const y = Float64Array.from(rows, (r) => labels[r]);
  const weights = Float64Array.from(rows, (_, i) => (i % 10 === 0 ? 0 : 0.5 + 0.5 * (i % 4)));
  return { X: encodeTable(table, manifest, rows), y, d: manifestWidth(manifest), weights };
}

const data = fixture();

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('the fixture', () => {
  it('is the data scikit-learn fitted: same width and positives, and the reference is converged', () => {
    expect(data.d).toBe(ref.data.width);
    expect(data.y.reduce((a, b) => a + b, 0)).toBe(ref.data.positives);
    for (const f of ref.fits) expect(f.gradMax).toBeLessThan(1e-7);
  });
});

describe('fitLogistic matches scikit-learn LogisticRegression', () => {
  for (const f of ref.fits) {
    for (const solver of ['newton', 'lbfgs'] as const) {
      it(`${f.name}, ${solver}: coefficients within 1e-6 (the brief asks 1e-4), P(yes) within 1e-6`, () => {
        const fit = fitLogistic(data.X, data.y, data.d, { C: f.C, solver, ...(f.weighted ? { sampleWeight: data.weights } : {}) });
        expect(fit.converged).toBe(true);
        expect(maxAbsDiff(fit.coef, f.coef)).toBeLessThan(1e-6);
        expect(Math.abs(fit.intercept - f.intercept)).toBeLessThan(1e-6);
        const p = predictLogistic(fit, data.X, data.d);
        const every10 = p.filter((_, i) => i % 10 === 0);
        expect(every10.length).toBe(f.probabilities.length);
        expect(maxAbsDiff(every10, f.probabilities)).toBeLessThan(1e-6);
      });
    }
  }

  it('is deterministic: the same inputs give the same bits', () => {
    const a = fitLogistic(data.X, data.y, data.d, { sampleWeight: data.weights });
    const b = fitLogistic(data.X, data.y, data.d, { sampleWeight: data.weights });
    expect(Array.from(a.coef)).toEqual(Array.from(b.coef));
    expect(a.intercept).toBe(b.intercept);
  });

  it('a row of weight 0 counts as a row left out; weight 2 as the row twice', () => {
    const { X, y, d } = data;
    const n = 400;
    const Xs = X.subarray(0, n * d);
    const ys = y.subarray(0, n);
    const w = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : i % 3 === 1 ? 2 : 1));
    const keep: number[] = [];
    for (let i = 0; i < n; i++) for (let k = 0; k < w[i]; k++) keep.push(i);
    const Xr = new Float32Array(keep.length * d);
    keep.forEach((r, i) => Xr.set(Xs.subarray(r * d, (r + 1) * d), i * d));
    const weighted = fitLogistic(Xs, ys, d, { sampleWeight: w, tol: 1e-9 });
    const repeated = fitLogistic(Xr, Float64Array.from(keep, (r) => ys[r]), d, { tol: 1e-9 });
    expect(weighted.rows).toBe(n - Math.ceil(n / 3));
    expect(maxAbsDiff(weighted.coef, repeated.coef)).toBeLessThan(1e-8);
    expect(Math.abs(weighted.intercept - repeated.intercept)).toBeLessThan(1e-8);
  });

  it('C = Infinity leaves the coefficients unpenalised (larger in norm than at C = 1)', () => {
    const free = fitLogistic(data.X, data.y, data.d, { C: Infinity });
    const pen = fitLogistic(data.X, data.y, data.d, { C: 1 });
    const norm = (a: Float64Array): number => a.reduce((s, v) => s + v * v, 0);
    expect(norm(free.coef)).toBeGreaterThan(norm(pen.coef));
    // at the unpenalised optimum the gradient of the summed log-loss vanishes
    const design = buildDesign(data.X, data.y, data.d);
    const g = new Float64Array(data.d + 1);
    logisticLossGradient(design, Float64Array.from([...free.coef, free.intercept]), 0, g);
    expect(Math.max(...g.map(Math.abs))).toBeLessThan(1e-6);
  });

  it('says what is wrong with malformed inputs', () => {
    const X = new Float32Array([0, 1, 1, 0]);
    expect(() => fitLogistic(X, [0, 2], 2)).toThrow(WorkbenchError);
    expect(() => fitLogistic(X, [0, 1], 2, { sampleWeight: [1, -1] })).toThrow(/weights must be finite/);
    expect(() => fitLogistic(X, [0, 1], 3)).toThrow(/not 2 rows × 3/);
    expect(() => fitLogistic(X, [0, 1], 2, { C: 0 })).toThrow(/C must be > 0/);
    expect(() => fitLogistic(new Float32Array([NaN, 1, 1, 0]), [0, 1], 2)).toThrow(/inputs must be finite/);
  });
});

describe('the pieces', () => {
  it('gradient and Hessian agree with central differences of the objective', () => {
    const rng = createRng(3);
    const n = 60;
    const d = 4;
    const X = Float32Array.from({ length: n * d }, (_, i) => (i % 3 === 0 ? 0 : rng.next() * 2 - 1));
    const y = Float64Array.from({ length: n }, () => (rng.next() < 0.4 ? 1 : 0));
    const w = Float64Array.from({ length: n }, () => 0.5 + rng.next());
    const design = buildDesign(X, y, d, w);
    const theta = Float64Array.from({ length: d + 1 }, () => rng.next() - 0.5);
    const invC = 0.7;
    const g = new Float64Array(d + 1);
    const curv = new Float64Array(design.n);
    logisticLossGradient(design, theta, invC, g, curv);
    const H = new Float64Array((d + 1) ** 2);
    logisticHessian(design, curv, invC, H);
    const h = 1e-5;
    const gp = new Float64Array(d + 1);
    const gm = new Float64Array(d + 1);
    for (let j = 0; j <= d; j++) {
      const tp = Float64Array.from(theta);
      const tm = Float64Array.from(theta);
      tp[j] += h;
      tm[j] -= h;
      expect(g[j]).toBeCloseTo((logisticLoss(design, tp, invC) - logisticLoss(design, tm, invC)) / (2 * h), 6);
      logisticLossGradient(design, tp, invC, gp);
      logisticLossGradient(design, tm, invC, gm);
      for (let k = 0; k <= d; k++) expect(H[j * (d + 1) + k]).toBeCloseTo((gp[k] - gm[k]) / (2 * h), 5);
    }
  });

  it('Cholesky solves a symmetric positive-definite system and refuses an indefinite one', () => {
    const A = Float64Array.from([4, 2, 0.4, 2, 5, 1, 0.4, 1, 3]);
    const x = Float64Array.from([1, -2, 0.5]);
    const b = Float64Array.from([0, 1, 2].map((i) => A[3 * i] * x[0] + A[3 * i + 1] * x[1] + A[3 * i + 2] * x[2]));
    const L = Float64Array.from(A);
    expect(choleskyInPlace(L, 3)).toBe(true);
    choleskySolveInPlace(L, 3, b);
    expect(maxAbsDiff(b, x)).toBeLessThan(1e-12);
    expect(choleskyInPlace(Float64Array.from([1, 2, 2, 1]), 2)).toBe(false);
  });

  it('L-BFGS finds the minimum of the Rosenbrock function from (−1.2, 1)', () => {
    const r = lbfgs((x, g) => {
      const [a, b] = [x[0], x[1]];
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    }, Float64Array.from([-1.2, 1]), { tol: 1e-9, maxIter: 200 });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.x[0] - 1)).toBeLessThan(1e-7);
    expect(Math.abs(r.x[1] - 1)).toBeLessThan(1e-7);
  });
});
