/**
 * The audit index gives the same metric frame as `computeMetricFrame` at every rule: identical
 * without weights, within 1e-12 (relative) with weights, where FN/TN come from a difference of
 * prefix sums instead of the frame's running sum.
 */
import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../src/core/errors';
import { createRng } from '../../src/core/rng';
import type { CategoricalColumn } from '../../src/core/table';
import {
  attributeFromColumns,
  computeMetricFrame,
  createAuditIndex,
  type AuditIndexOptions,
  type DecisionRule,
  type MetricFrame,
  type MetricFrameInput,
  type ScalarKey,
} from '../../src/core/metrics';

/**
 * Attribute "a": levels a0..a3 plus "aE" that no row has (an empty group), 5 % missing.
 * Attribute "b": b0, b1, and "bN" whose rows are all negatives (a group with no positives),
 * plus "bP" whose rows are all positives (no negatives); 3 % missing.
 * Their intersection (attributeFromColumns): 20 groups, many empty or small.
 * Scores on a grid of 1/40 (lots of ties); weights with 5 % zeros.
 */
function synth(n: number, seed: number, weighted: boolean, floatArrays = false): MetricFrameInput {
  const rng = createRng(seed);
  const labels = new Uint8Array(n);
  const scores = floatArrays ? new Float32Array(n) : new Float64Array(n);
  const weights = floatArrays ? new Float32Array(n) : new Float64Array(n);
  const a = new Int32Array(n);
  const b = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = rng.next() < 0.05 ? -1 : rng.int(4);
    const r = rng.next();
    b[i] = r < 0.03 ? -1 : r < 0.45 ? 0 : r < 0.85 ? 1 : r < 0.95 ? 2 : 3;
    labels[i] = b[i] === 2 ? 0 : b[i] === 3 ? 1 : rng.next() < 0.25 + 0.1 * Math.max(0, a[i]) ? 1 : 0;
    scores[i] = Math.round(Math.min(1, Math.max(0, 0.3 + 0.35 * labels[i] + 0.6 * (rng.next() - 0.5))) * 40) / 40;
    weights[i] = rng.next() < 0.05 ? 0 : 0.1 + 3 * rng.next();
  }
  const colA: CategoricalColumn = { type: 'categorical', name: 'a', codes: a, levels: ['a0', 'a1', 'a2', 'a3', 'aE'] };
  const colB: CategoricalColumn = { type: 'categorical', name: 'b', codes: b, levels: ['b0', 'b1', 'bN', 'bP'] };
  return {
    labels,
    scores,
    ...(weighted ? { weights } : {}),
    attributes: [attributeFromColumns([colA]), attributeFromColumns([colB]), attributeFromColumns([colA, colB])],
  };
}

const NUMBER = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g;

/**
 * Deep comparison: same keys, same nulls/booleans, numbers equal (tol = 0) or within
 * tol · max(1, |a|, |b|). With tol > 0, two rounding-level effects of the weighted FN/TN are
 * accepted: numbers printed inside note messages compare with the same tolerance, and a
 * groupMin/groupMax may name another group when the extreme values agree within tol (groups
 * whose exact values tie, e.g. base rate 1 of two all-positive groups, computed as
 * (TP + FN) / w, which rounds to 1 ± 1 ulp depending on the summation order).
 */
function compare(actual: unknown, expected: unknown, tol: number): { diffs: string[]; maxDev: number } {
  const diffs: string[] = [];
  let maxDev = 0;
  const close = (x: number, y: number): boolean => {
    if (Object.is(x, y) || x === y) return true;
    const dev = Math.abs(x - y) / Math.max(1, Math.abs(x), Math.abs(y));
    if (Number.isFinite(dev)) maxDev = Math.max(maxDev, dev);
    return dev <= tol;
  };
  const walk = (x: unknown, y: unknown, path: string): void => {
    if (diffs.length >= 10) return;
    if (typeof x === 'number' && typeof y === 'number') {
      if (!close(x, y)) diffs.push(`${path}: ${x} vs ${y}`);
      return;
    }
    if (typeof x === 'string' && typeof y === 'string' && x !== y && tol > 0) {
      const nx = x.match(NUMBER) ?? [];
      const ny = y.match(NUMBER) ?? [];
      const same =
        x.replace(NUMBER, '#') === y.replace(NUMBER, '#') && nx.length === ny.length && nx.every((v, i) => close(Number(v), Number(ny[i])));
      if (!same) diffs.push(`${path}: ${x} vs ${y}`);
      return;
    }
    if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') {
      if (x !== y) diffs.push(`${path}: ${String(x)} vs ${String(y)}`);
      return;
    }
    if (Array.isArray(x) !== Array.isArray(y)) {
      diffs.push(`${path}: array vs non-array`);
      return;
    }
    const kx = Object.keys(x).sort();
    const ky = Object.keys(y).sort();
    if (kx.join(',') !== ky.join(',')) {
      diffs.push(`${path}: keys [${kx.join(',')}] vs [${ky.join(',')}]`);
      return;
    }
    const rx = x as Record<string, unknown>;
    const ry = y as Record<string, unknown>;
    const extreme = tol > 0 && /\.group(Min|Max)$/.test(path);
    for (const k of kx) {
      if (extreme && k === 'level') continue; // checked through the value (see above)
      walk(rx[k], ry[k], `${path}.${k}`);
    }
  };
  walk(actual, expected, '$');
  return { diffs, maxDev };
}

/** Every groupMin/groupMax of `got` names a group of `got` whose value is the extreme of `want`, within tol. */
function expectExtremesAttained(got: MetricFrame, want: MetricFrame, tol: number): void {
  got.attributes.forEach((a, ai) => {
    for (const [key, d] of Object.entries(a.disparities.perMetric)) {
      for (const side of ['groupMin', 'groupMax'] as const) {
        const g = d[side];
        const w = want.attributes[ai].disparities.perMetric[key as ScalarKey][side];
        expect(g === null, `${a.name} ${key} ${side}`).toBe(w === null);
        if (g === null || w === null) continue;
        const group = a.groups.find((x) => x.level === g.level);
        const m = group?.metrics[key as ScalarKey];
        const v = typeof m === 'number' ? m : (m?.value ?? NaN);
        expect(Math.abs(v - w.value), `${a.name} ${key} ${side}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w.value)));
      }
    }
  });
}

function distinctScores(input: MetricFrameInput): number[] {
  return [...new Set(Array.from(input.scores))].sort((p, q) => q - p);
}

function rulesFor(input: MetricFrameInput, seed: number): DecisionRule[] {
  const n = input.labels.length;
  const rng = createRng(seed);
  const rules: DecisionRule[] = [];
  // every tie-block boundary, a midpoint beside each, the extremes
  for (const s of distinctScores(input)) rules.push({ rule: 'threshold', threshold: s }, { rule: 'threshold', threshold: s + 0.0125 });
  for (const t of [-1, 0, 0.5, 1, 1.5, Infinity, -Infinity]) rules.push({ rule: 'threshold', threshold: t });
  for (let k = 0; k < 10; k++) rules.push({ rule: 'threshold', threshold: rng.next() });
  for (const k of [0, 1, 2, 7.9, Math.floor(n / 3), n - 1, n, n + 5, -3]) rules.push({ rule: 'top-k', k });
  for (let k = 0; k < 10; k++) rules.push({ rule: 'top-k', k: rng.int(n + 1) });
  for (const percent of [0, 0.1, 12.5, 33.3, 50, 99.9, 100, 150, -5]) rules.push({ rule: 'top-percent', percent });
  for (let k = 0; k < 5; k++) rules.push({ rule: 'top-percent', percent: 100 * rng.next() });
  return rules;
}

const optionSets: { label: string; options: AuditIndexOptions }[] = [
  { label: 'defaults', options: {} },
  { label: 'fairlearnCompatible', options: { fairlearnCompatible: true } },
  {
    label: 'given references, small groups, several alphas',
    options: { reference: ['a1', 'bN', 'nope'], minGroupSize: 60, entropyAlphas: [0, 0.5, 1, 2, 3, -1] },
  },
  { label: 'compatible, reference = an empty group', options: { fairlearnCompatible: true, reference: 'aE', minGroupSize: 5 } },
];

describe('createAuditIndex', () => {
  for (const weighted of [false, true]) {
    for (const { label, options } of optionSets) {
      it(`frameAt equals computeMetricFrame at every rule (${weighted ? 'weighted' : 'unweighted'}, ${label})`, () => {
        const input = synth(700, weighted ? 11 : 12, weighted);
        const index = createAuditIndex(input, options);
        const rules = rulesFor(input, 5);
        expect(rules.length).toBeGreaterThan(100);
        let worst = 0;
        for (const rule of rules) {
          const want = computeMetricFrame(input, { ...options, decision: rule });
          const got = index.frameAt(rule);
          const { diffs, maxDev } = compare(got, want, weighted ? 1e-12 : 0);
          expect(diffs, JSON.stringify(rule)).toEqual([]);
          worst = Math.max(worst, maxDev);
          if (!weighted) expect(got).toEqual(want);
          else expectExtremesAttained(got, want, 1e-12);
        }
        if (!weighted) expect(worst).toBe(0);
      });
    }
  }

  it('the fixture covers what it claims: empty group, no-positive group, missing rows, small groups', () => {
    const input = synth(700, 11, true);
    const frame = createAuditIndex(input, { minGroupSize: 60 }).frameAt({ rule: 'threshold', threshold: 0.5 });
    const [a, b, ab] = frame.attributes;
    expect(a.groups.find((g) => g.level === 'aE')?.undefinedReasons.truePositiveRate).toBe('empty-group');
    expect(b.groups.find((g) => g.level === 'bN')?.undefinedReasons.truePositiveRate).toBe('no-positives');
    expect(b.groups.find((g) => g.level === 'bP')?.undefinedReasons.falsePositiveRate).toBe('no-negatives');
    expect(a.missingRows).toBeGreaterThan(0);
    expect(b.missingRows).toBeGreaterThan(0);
    expect(ab.missingRows).toBeGreaterThan(a.missingRows);
    expect(ab.groups).toHaveLength(20);
    expect(ab.notes.some((note) => note.kind === 'small-group')).toBe(true);
    expect(frame.overall.metrics.rocAuc.value).toBeGreaterThan(0.5);
  });

  it('matches at 40 random rules on a larger weighted table, with Float32 scores and weights', () => {
    const input = synth(30_000, 99, true, true);
    const options: AuditIndexOptions = { fairlearnCompatible: false, entropyAlphas: [1, 2] };
    const index = createAuditIndex(input, options);
    const rng = createRng(3);
    for (let k = 0; k < 40; k++) {
      const rule: DecisionRule =
        k % 4 === 0 ? { rule: 'top-k', k: rng.int(30_001) } : k % 4 === 1 ? { rule: 'top-percent', percent: 100 * rng.next() } : { rule: 'threshold', threshold: rng.next() };
      const { diffs } = compare(index.frameAt(rule), computeMetricFrame(input, { ...options, decision: rule }), 1e-12);
      expect(diffs, JSON.stringify(rule)).toEqual([]);
    }
  });

  it('uses the frame default rule (threshold 0.5) and reports the cut', () => {
    const input = synth(300, 4, false);
    const index = createAuditIndex(input);
    expect(index.frameAt()).toEqual(computeMetricFrame(input));
    expect(index.n).toBe(300);
    expect(index.cut({ rule: 'top-k', k: 17 })).toBe(17);
    expect(index.cut({ rule: 'threshold', threshold: 0.5 })).toBe(index.frameAt().decision.selected);
  });

  it('returns independent frames and ignores later changes to the input arrays', () => {
    const input = synth(300, 8, true);
    const index = createAuditIndex(input);
    const rule: DecisionRule = { rule: 'threshold', threshold: 0.4 };
    const want = computeMetricFrame(input, { decision: rule });
    const first = index.frameAt(rule);
    first.attributes[0].notes.push({ kind: 'reference', message: 'scribble' });
    first.attributes[0].groups[0].values.a = 'changed';
    first.overall.metrics.accuracy.value = -1;
    input.labels.fill(0);
    (input.scores as Float64Array).fill(0.9);
    expect(compare(index.frameAt(rule), want, 1e-12).diffs).toEqual([]);
  });

  it('handles no rows and no attributes', () => {
    const empty: MetricFrameInput = { labels: new Uint8Array(0), scores: new Float64Array(0), attributes: [] };
    const index = createAuditIndex(empty);
    for (const rule of [{ rule: 'threshold', threshold: 0.5 }, { rule: 'top-k', k: 3 }] as DecisionRule[]) {
      expect(index.frameAt(rule)).toEqual(computeMetricFrame(empty, { decision: rule }));
    }
    const plain = { ...synth(200, 2, true), attributes: [] };
    expect(compare(createAuditIndex(plain).frameAt({ rule: 'top-percent', percent: 30 }), computeMetricFrame(plain, { decision: { rule: 'top-percent', percent: 30 } }), 1e-12).diffs).toEqual([]);
  });

  it('with predictions, the rule is ignored, as in the frame', () => {
    const input = synth(300, 6, true);
    const predictions = new Uint8Array(300);
    for (let i = 0; i < 300; i++) predictions[i] = input.scores[i] > 0.45 ? 1 : 0;
    const withPred = { ...input, predictions };
    const index = createAuditIndex(withPred, { fairlearnCompatible: true });
    const rule: DecisionRule = { rule: 'top-k', k: 3 };
    expect(index.frameAt(rule)).toEqual(computeMetricFrame(withPred, { fairlearnCompatible: true, decision: rule }));
    expect(index.frameAt(rule).decision.source).toBe('predictions');
    expect(index.cut(rule)).toBe(3);
  });

  it('rejects the inputs the frame rejects, with the same problem', () => {
    const base = synth(50, 1, true);
    const bad: MetricFrameInput[] = [
      { ...base, labels: Uint8Array.from(base.labels, (v, i) => (i === 7 ? 2 : v)) },
      { ...base, scores: Float64Array.from(base.scores, (v, i) => (i === 3 ? NaN : v)) },
      { ...base, weights: Float64Array.from(base.weights ?? [], (v, i) => (i === 4 ? -1 : v)) },
      { ...base, scores: new Float64Array(49) },
      { ...base, predictions: new Uint8Array(50).fill(3) },
      { ...base, attributes: [{ ...base.attributes[0], codes: new Int32Array(50).fill(9) }] },
    ];
    for (const input of bad) {
      let want: unknown = null;
      try {
        computeMetricFrame(input);
      } catch (e) {
        want = e;
      }
      expect(want).toBeInstanceOf(WorkbenchError);
      expect(() => createAuditIndex(input)).toThrow((want as WorkbenchError).message);
    }
  });
});
