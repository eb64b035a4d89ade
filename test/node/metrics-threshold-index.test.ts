/**
 * The threshold index equals a naive full pass for every rule, group and attribute.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng';
import {
  argsortDesc,
  computeMetricFrame,
  createThresholdIndex,
  type ConfusionCounts,
  type DecisionRule,
} from '../../src/core/metrics';

function synth(n: number, seed: number) {
  const rng = createRng(seed);
  const labels = new Uint8Array(n);
  const scores = new Float64Array(n);
  const weights = new Float64Array(n);
  const a = new Int32Array(n);
  const b = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = rng.next() < 0.05 ? -1 : rng.int(4);
    b[i] = rng.int(3); // level 3 of b is never used: an empty group
    if (b[i] === 2 && rng.next() < 0.5) b[i] = -1;
    labels[i] = rng.next() < 0.3 + 0.1 * Math.max(0, a[i]) ? 1 : 0;
    scores[i] = Math.round(rng.next() * 200) / 200; // ties
    weights[i] = rng.next() < 0.05 ? 0 : 0.2 + 2 * rng.next();
  }
  return { labels, scores, weights, codes: [a, b], nGroups: [4, 4] };
}

/** Naive: decide every row from the rule, then count in one full pass. */
function naive(
  d: ReturnType<typeof synth>,
  rule: DecisionRule,
): { overall: ConfusionCounts; groups: ConfusionCounts[][] } {
  const n = d.labels.length;
  const selected = new Uint8Array(n);
  if (rule.rule === 'threshold') {
    for (let i = 0; i < n; i++) selected[i] = d.scores[i] >= rule.threshold ? 1 : 0;
  } else {
    const k = rule.rule === 'top-k' ? rule.k : Math.round((rule.percent / 100) * n);
    // comparator sort: score desc, row asc
    const idx = Array.from({ length: n }, (_, i) => i).sort((x, y) => d.scores[y] - d.scores[x] || x - y);
    for (let j = 0; j < Math.min(k, n); j++) selected[idx[j]] = 1;
  }
  const zero = (): ConfusionCounts => ({ tp: 0, fp: 0, tn: 0, fn: 0, n: 0, w: 0, pos: 0, neg: 0 });
  const overall = zero();
  const groups = d.nGroups.map((G) => Array.from({ length: G }, zero));
  const add = (c: ConfusionCounts, i: number) => {
    const w = d.weights[i];
    c.n++;
    c.w += w;
    if (d.labels[i] === 1) {
      c.pos += w;
      if (selected[i]) c.tp += w;
      else c.fn += w;
    } else {
      c.neg += w;
      if (selected[i]) c.fp += w;
      else c.tn += w;
    }
  };
  for (let i = 0; i < n; i++) {
    add(overall, i);
    d.codes.forEach((codes, a) => {
      if (codes[i] >= 0) add(groups[a][codes[i]], i);
    });
  }
  return { overall, groups };
}

function expectCounts(actual: ConfusionCounts, expected: ConfusionCounts, what: string): void {
  expect(actual.n, what).toBe(expected.n);
  for (const k of ['tp', 'fp', 'tn', 'fn', 'w', 'pos', 'neg'] as const) {
    expect(Math.abs(actual[k] - expected[k]), `${what} ${k}`).toBeLessThan(1e-9 * Math.max(1, expected.w));
  }
}

describe('createThresholdIndex', () => {
  const d = synth(3000, 11);
  const index = createThresholdIndex({ scores: d.scores, labels: d.labels, weights: d.weights, groupCodes: d.codes, groupCounts: d.nGroups });

  it('evaluate equals a naive full pass at many thresholds (incl. exact tie values and extremes)', () => {
    const rng = createRng(5);
    const thresholds = [-1, 0, 0.5, 1, 2, 0.005, 0.995];
    for (let k = 0; k < 150; k++) thresholds.push(k % 2 === 0 ? rng.next() : Math.round(rng.next() * 200) / 200);
    for (const t of thresholds) {
      const rule: DecisionRule = { rule: 'threshold', threshold: t };
      const got = index.evaluate(rule);
      const want = naive(d, rule);
      expectCounts(got.overall, want.overall, `t=${t} overall`);
      got.groups.forEach((gs, a) => gs.forEach((c, g) => expectCounts(c, want.groups[a][g], `t=${t} attr ${a} group ${g}`)));
    }
  });

  it('evaluate equals naive for top-k (ties by row index) and top-percent', () => {
    const rules: DecisionRule[] = [];
    for (const k of [0, 1, 2, 17, 100, 1499, 1500, 2999, 3000, 5000]) rules.push({ rule: 'top-k', k });
    for (const p of [0, 0.1, 12.5, 33.3, 50, 99.99, 100]) rules.push({ rule: 'top-percent', percent: p });
    for (const rule of rules) {
      const got = index.evaluate(rule);
      const want = naive(d, rule);
      expectCounts(got.overall, want.overall, `${JSON.stringify(rule)} overall`);
      got.groups.forEach((gs, a) => gs.forEach((c, g) => expectCounts(c, want.groups[a][g], `${JSON.stringify(rule)} ${a}/${g}`)));
    }
    expect(index.evaluate({ rule: 'top-k', k: 5000 }).selected).toBe(3000);
  });

  it('agrees with computeMetricFrame (same tie rule) and keeps the empty group empty', () => {
    const frame = computeMetricFrame(
      {
        labels: d.labels,
        scores: d.scores,
        weights: d.weights,
        attributes: d.codes.map((codes, a) => ({
          columns: [`a${a}`],
          codes,
          levels: ['0', '1', '2', '3'],
          levelValues: [['0'], ['1'], ['2'], ['3']],
        })),
      },
      { decision: { rule: 'top-k', k: 777 } },
    );
    const ev = index.evaluate({ rule: 'top-k', k: 777 });
    frame.attributes.forEach((at, a) =>
      at.groups.forEach((g, gi) => {
        const c = ev.groups[a][gi];
        const sr = c.w > 0 ? (c.tp + c.fp) / c.w : null;
        if (sr === null) expect(g.metrics.selectionRate.value).toBeNull();
        else expect(g.metrics.selectionRate.value).toBeCloseTo(sr, 12);
      }),
    );
    expect(ev.groups[1][3].n).toBe(0);
    expect(ev.groups[1][3].w).toBe(0);
  });

  it('sweep gives selection rate / TPR / FPR per group that match evaluate, NaN where undefined', () => {
    const ts = [0, 0.1, 0.25, 0.5, 0.75, 1];
    const sw = index.sweep(ts);
    ts.forEach((t, k) => {
      const ev = index.evaluate({ rule: 'threshold', threshold: t });
      ev.groups.forEach((gs, a) =>
        gs.forEach((c, g) => {
          const s = sw.groups[a][g];
          if (c.w === 0) {
            expect(Number.isNaN(s.selectionRate[k])).toBe(true);
            expect(s.reasons.selectionRate).toBe('empty-group');
          } else {
            expect(s.selectionRate[k]).toBeCloseTo((c.tp + c.fp) / c.w, 12);
            expect(s.truePositiveRate[k]).toBeCloseTo(c.tp / c.pos, 12);
            expect(s.falsePositiveRate[k]).toBeCloseTo(c.fp / c.neg, 12);
          }
        }),
      );
      expect(sw.overall.selectionRate[k]).toBeCloseTo((ev.overall.tp + ev.overall.fp) / ev.overall.w, 12);
    });
  });

  it('ROC curves per group: distinct thresholds, end at (1, 1), AUC equals the frame', () => {
    const frame = computeMetricFrame({
      labels: d.labels,
      scores: d.scores,
      weights: d.weights,
      attributes: [{ columns: ['a'], codes: d.codes[0], levels: ['0', '1', '2', '3'], levelValues: [['0'], ['1'], ['2'], ['3']] }],
    });
    const all = index.rocCurve(null);
    expect(all.fpr[0]).toBe(0);
    expect(all.tpr[0]).toBe(0);
    expect(all.thresholds[0]).toBe(Infinity);
    expect(all.fpr[all.fpr.length - 1]).toBeCloseTo(1, 12);
    expect(all.tpr[all.tpr.length - 1]).toBeCloseTo(1, 12);
    expect(new Set(all.thresholds).size).toBe(all.thresholds.length);
    expect(all.auc.value).toBeCloseTo(frame.overall.metrics.rocAuc.value as number, 12);
    for (let g = 0; g < 4; g++) {
      const roc = index.rocCurve(0, g);
      expect(roc.auc.value).toBeCloseTo(frame.attributes[0].groups[g].metrics.rocAuc.value as number, 12);
      for (let k = 1; k < roc.thresholds.length; k++) expect(roc.thresholds[k]).toBeLessThan(roc.thresholds[k - 1]);
    }
    expect(index.rocCurve(1, 3).auc).toEqual({ value: null, reason: 'empty-group' });
  });

  it('no weights means weight 1', () => {
    const i2 = createThresholdIndex({ scores: d.scores, labels: d.labels, groupCodes: [] });
    const ev = i2.evaluate({ rule: 'threshold', threshold: 0.5 });
    let tp = 0;
    for (let i = 0; i < d.labels.length; i++) if (d.labels[i] === 1 && d.scores[i] >= 0.5) tp++;
    expect(ev.overall.tp).toBe(tp);
    expect(ev.overall.w).toBe(3000);
  });

});

describe('argsortDesc', () => {
  it('equals a comparator sort (desc, ties by row) with negatives, ±0, Float32 input', () => {
    const rng = createRng(3);
    const v = new Float32Array(5000);
    for (let i = 0; i < v.length; i++) v[i] = Math.round((rng.next() - 0.3) * 50) / 7;
    v[10] = -0;
    v[11] = 0;
    v[12] = 1e30;
    v[13] = -1e-30;
    const want = Array.from({ length: v.length }, (_, i) => i).sort((x, y) => v[y] - v[x] || x - y);
    expect(Array.from(argsortDesc(v))).toEqual(want);
  });
});
