/**
 * Threshold index benchmark: `npx tsx bench/threshold.ts [rows]`
 *
 * 1,000,000 synthetic weighted rows, two attributes (4 and 3 groups, some missing codes).
 * Prints the index build time, the mean `evaluate` time over 1,000 random thresholds, the same
 * 1,000 evaluations done naively (a full pass over the rows each), and the ratio. Also the time
 * of one full `computeMetricFrame` on the same rows for scale. Prints figures; asserts nothing
 * except that both methods agree.
 */
import { createRng } from '../src/core/rng';
import { computeMetricFrame, createThresholdIndex, type ConfusionCounts } from '../src/core/metrics';

const n = Number(process.argv[2] ?? 1_000_000);
const nEval = 1000;
const rng = createRng(2024);
const labels = new Uint8Array(n);
const scores = new Float64Array(n);
const weights = new Float64Array(n);
const a = new Int32Array(n);
const b = new Int32Array(n);
for (let i = 0; i < n; i++) {
  a[i] = rng.next() < 0.01 ? -1 : rng.int(4);
  b[i] = rng.int(3);
  labels[i] = rng.next() < 0.2 + 0.1 * Math.max(0, a[i]) ? 1 : 0;
  scores[i] = Math.min(1, Math.max(0, 0.35 + 0.3 * labels[i] + 0.5 * (rng.next() - 0.5)));
  weights[i] = 0.5 + rng.next();
}
const codes = [a, b];
const G = [4, 3];
const thresholds = new Float64Array(nEval);
for (let k = 0; k < nEval; k++) thresholds[k] = rng.next();

function naive(t: number): { overall: ConfusionCounts; groups: ConfusionCounts[][] } {
  // flat accumulators: slot 0 overall, 1..4 attribute a, 5..7 attribute b; [tp, fp, tn, fn, n, w]
  const acc = new Float64Array(8 * 6);
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    const cell = labels[i] === 1 ? (scores[i] >= t ? 0 : 3) : scores[i] >= t ? 1 : 2;
    acc[cell] += w;
    acc[4]++;
    acc[5] += w;
    const ga = a[i];
    if (ga >= 0) {
      const s = (1 + ga) * 6;
      acc[s + cell] += w;
      acc[s + 4]++;
      acc[s + 5] += w;
    }
    const s = (5 + b[i]) * 6;
    acc[s + cell] += w;
    acc[s + 4]++;
    acc[s + 5] += w;
  }
  const c = (slot: number): ConfusionCounts => {
    const o = slot * 6;
    return { tp: acc[o], fp: acc[o + 1], tn: acc[o + 2], fn: acc[o + 3], n: acc[o + 4], w: acc[o + 5], pos: acc[o] + acc[o + 3], neg: acc[o + 1] + acc[o + 2] };
  };
  return { overall: c(0), groups: [[c(1), c(2), c(3), c(4)], [c(5), c(6), c(7)]] };
}

const t0 = performance.now();
const index = createThresholdIndex(scores, labels, weights, codes, G);
const buildMs = performance.now() - t0;

// warm up both paths a little
for (let k = 0; k < 50; k++) index.evaluate({ rule: 'threshold', threshold: thresholds[k] });
naive(0.5);

let sink = 0;
const t1 = performance.now();
for (let k = 0; k < nEval; k++) sink += index.evaluate({ rule: 'threshold', threshold: thresholds[k] }).groups[1][2].tp;
const indexMs = (performance.now() - t1) / nEval;

const t2 = performance.now();
let maxRel = 0;
for (let k = 0; k < nEval; k++) {
  const want = naive(thresholds[k]);
  sink += want.groups[1][2].tp;
  if (k % 50 === 0) {
    const got = index.evaluate({ rule: 'threshold', threshold: thresholds[k] });
    got.groups.forEach((gs, ai) =>
      gs.forEach((c, g) => {
        const w = want.groups[ai][g];
        for (const key of ['tp', 'fp', 'tn', 'fn'] as const) maxRel = Math.max(maxRel, Math.abs(c[key] - w[key]) / Math.max(1, w.w));
        if (c.n !== w.n) throw new Error('row counts differ');
      }),
    );
  }
}
const naiveMs = (performance.now() - t2) / nEval;

const t3 = performance.now();
computeMetricFrame(
  {
    labels,
    scores,
    weights,
    attributes: [
      { columns: ['a'], codes: a, levels: ['0', '1', '2', '3'], levelValues: [['0'], ['1'], ['2'], ['3']] },
      { columns: ['b'], codes: b, levels: ['0', '1', '2'], levelValues: [['0'], ['1'], ['2']] },
    ],
  },
  { decision: { rule: 'threshold', threshold: 0.5 } },
);
const frameMs = performance.now() - t3;

const f = (x: number, d = 3) => x.toFixed(d);
console.log(`rows: ${n.toLocaleString('en-US')}, attributes: 2 (4 × 3 groups), thresholds: ${nEval}`);
console.log(`index build:               ${f(buildMs, 1)} ms`);
console.log(`evaluate (index), mean:    ${f(indexMs * 1000, 2)} µs`);
console.log(`evaluate (naive pass), mean: ${f(naiveMs, 3)} ms`);
console.log(`speed-up:                  ${f(naiveMs / indexMs, 0)}×`);
console.log(`max |index − naive| / w:   ${maxRel.toExponential(2)}`);
console.log(`computeMetricFrame (all metrics incl. AUC, calibration): ${f(frameMs, 1)} ms`);
if (sink === -1) console.log(sink);
