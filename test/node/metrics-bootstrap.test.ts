/**
 * Bootstrap intervals: deterministic under a seed, present for every rate and named disparity.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng';
import { computeMetricFrame, RATE_KEYS, type MetricFrameInput } from '../../src/core/metrics';

function input(n: number, seed: number): MetricFrameInput {
  const rng = createRng(seed);
  const labels = new Uint8Array(n);
  const scores = new Float64Array(n);
  const weights = new Float64Array(n);
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    codes[i] = rng.int(3);
    labels[i] = rng.next() < 0.3 + 0.15 * codes[i] ? 1 : 0;
    scores[i] = Math.min(1, Math.max(0, 0.3 + 0.3 * labels[i] + 0.6 * (rng.next() - 0.5)));
    weights[i] = 0.5 + rng.next();
  }
  return {
    labels,
    scores,
    weights,
    attributes: [{ columns: ['g'], codes, levels: ['a', 'b', 'c'], levelValues: [['a'], ['b'], ['c']] }],
  };
}

describe('bootstrap', () => {
  const data = input(600, 1);

  it('same seed → identical intervals; another seed → different ones', () => {
    const opts = { bootstrap: { resamples: 200, seed: 42 } };
    const a = computeMetricFrame(data, opts);
    const b = computeMetricFrame(data, opts);
    const c = computeMetricFrame(data, { bootstrap: { resamples: 200, seed: 43 } });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.overall.intervals).toEqual(b.overall.intervals);
    expect(a.attributes[0].disparities.named).toEqual(b.attributes[0].disparities.named);
    expect(a.overall.intervals?.selectionRate).not.toEqual(c.overall.intervals?.selectionRate);
    expect(a.bootstrap).toEqual({ resamples: 200, seed: 42, level: 0.95 });
  });

  it('every rate of every group and every named disparity has an interval around its estimate', () => {
    const f = computeMetricFrame(data, { bootstrap: { resamples: 300, seed: 7, level: 0.9 } });
    for (const g of [f.overall, ...f.attributes[0].groups]) {
      for (const k of RATE_KEYS) {
        const iv = g.intervals?.[k];
        expect(iv, k).toBeDefined();
        expect(iv!.level).toBe(0.9);
        expect(iv!.defined).toBe(300);
        expect(iv!.lower!).toBeLessThanOrEqual(iv!.upper!);
        const v = g.metrics[k].value as number;
        // the point estimate lies inside a 90% interval for these well-populated groups
        expect(v, k).toBeGreaterThanOrEqual(iv!.lower! - 0.02);
        expect(v, k).toBeLessThanOrEqual(iv!.upper! + 0.02);
      }
    }
    const n = f.attributes[0].disparities.named;
    for (const agg of [n.demographicParityDifference, n.demographicParityRatio, n.disparateImpact, n.equalOpportunityDifference,
      n.equalizedOddsDifference.worstCase, n.equalizedOddsDifference.mean, n.equalizedOddsRatio.worstCase, n.aucGap, n.calibrationGap, n.predictiveParityDifference]) {
      expect(agg.betweenGroups.interval?.defined).toBe(300);
      expect(agg.toOverall.interval?.defined).toBe(300);
      expect(agg.betweenGroups.value!).toBeGreaterThanOrEqual(agg.betweenGroups.interval!.lower! - 0.05);
      expect(agg.betweenGroups.value!).toBeLessThanOrEqual(agg.betweenGroups.interval!.upper! + 0.05);
    }
    expect(n.averageOddsDifference.every((x) => x.value.interval?.defined === 300)).toBe(true);
    expect(n.betweenGroupTheilIndex.interval?.defined).toBe(300);
    expect(f.inequality.theilIndex.interval?.defined).toBe(300);
  });

  it('a group that is sometimes one-class in resamples reports how many resamples defined it', () => {
    // group "tiny": 3 rows, one positive → in some resamples it has no positive (TPR undefined)
    const labels = Uint8Array.from([...Array.from(data.labels), 1, 0, 0]);
    const n = labels.length;
    const codes = new Int32Array(n);
    codes.set(data.attributes[0].codes);
    codes.fill(3, n - 3);
    const f = computeMetricFrame(
      {
        labels,
        scores: Float64Array.from([...Array.from(data.scores), 0.9, 0.2, 0.8]),
        attributes: [{ columns: ['g'], codes, levels: ['a', 'b', 'c', 'tiny'], levelValues: [['a'], ['b'], ['c'], ['tiny']] }],
      },
      { bootstrap: { resamples: 400, seed: 9 } },
    );
    const tiny = f.attributes[0].groups[3];
    expect(tiny.small).toBe(true);
    const iv = tiny.intervals!.truePositiveRate!;
    expect(iv.defined).toBeGreaterThan(0);
    expect(iv.defined).toBeLessThan(400);
    expect(iv.resamples).toBe(400);
  });
});
