/**
 * The metric frame with per-row counts (`MetricFrameInput.counts`): a row that stands for c
 * identical rows gives the frame of the table with those rows written out — every number,
 * the rows missing from an attribute, the selection, and the bootstrap intervals draw for draw
 * (scores are distinct per row and dyadic, so every sum is exact in either order).
 */
import { describe, expect, it } from 'vitest';
import { computeMetricFrame, type MetricFrameInput } from '../../src/core/metrics/metric-frame';
import { createRng } from '../../src/core/rng';
import { WorkbenchError } from '../../src/core/errors';

const levels = ['x', 'y', 'z'];
const attribute = (codes: Int32Array) => ({ columns: ['g'], codes, levels, levelValues: levels.map((l) => [l]) });

/** 120 rows with distinct scores k/128, codes with some missing, counts 1–4. */
function cells(): MetricFrameInput & { counts: Float64Array } {
  const rng = createRng(11);
  const C = 120;
  const scores = new Float64Array(C);
  const labels = new Uint8Array(C);
  const codes = new Int32Array(C);
  const counts = new Float64Array(C);
  for (let i = 0; i < C; i++) {
    scores[i] = (i + 1) / 128;
    labels[i] = rng.next() < scores[i] ? 1 : 0;
    codes[i] = rng.int(4) - 1;
    counts[i] = 1 + rng.int(4);
  }
  return { labels, scores, counts, attributes: [attribute(codes)] };
}

/** The same rows written out: row i repeated counts[i] times. */
function expand(c: ReturnType<typeof cells>): MetricFrameInput {
  const idx: number[] = [];
  c.counts.forEach((k, i) => {
    for (let r = 0; r < k; r++) idx.push(i);
  });
  return {
    labels: Uint8Array.from(idx, (i) => c.labels[i]),
    scores: Float64Array.from(idx, (i) => c.scores[i]),
    attributes: [attribute(Int32Array.from(idx, (i) => c.attributes[0].codes[i]))],
  };
}

describe('metric frame with counts', () => {
  it('equals the frame of the written-out rows, bootstrap included', () => {
    const c = cells();
    const options = { decision: { rule: 'threshold' as const, threshold: 0.4 }, bootstrap: { resamples: 40, seed: 5 } };
    const fromCounts = computeMetricFrame(c, options);
    const fromRows = computeMetricFrame(expand(c), options);
    expect(fromCounts.n).toBe(c.counts.reduce((a, b) => a + b, 0));
    expect(fromCounts.attributes[0].missingRows).toBeGreaterThan(fromCounts.attributes[0].groups.length);
    expect(JSON.stringify(fromCounts)).toBe(JSON.stringify(fromRows));
  });

  it('refuses a count that is not a whole number ≥ 1', () => {
    const c = cells();
    c.counts[3] = 0;
    expect(() => computeMetricFrame(c)).toThrow(WorkbenchError);
    expect(() => computeMetricFrame(c)).toThrow(/cell 4 counts 0 rows/);
  });
});
