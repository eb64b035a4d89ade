/**
 * Threshold index benchmark: `npx tsx bench/threshold.ts [rows]`
 *
 * 1,000,000 synthetic weighted rows, two attributes (4 and 3 groups, some missing codes).
 * Prints the index build time, the mean `evaluate` time over 1,000 random thresholds, the same
 * 1,000 evaluations done naively (a full pass over the rows each), and the ratio. Also the time
 * of one full `computeMetricFrame` on the same rows for scale. Prints figures; asserts nothing
 * except that both methods agree.
 *
 * Then the audit index (every metric, not just the counts) on the same rows with a third
 * attribute, the intersection a&b (12 groups): its build time, the mean / max `frameAt` time over
 * 200 random thresholds, and a full `computeMetricFrame` per move (the baseline, fewer
 * repetitions) on the same input, the ratio, and whether `frameAt` fits in a 60 Hz frame
 * (16.7 ms). Also the largest relative difference between the two frames.
 */
import { createRng } from '../src/core/rng';
import {
  computeMetricFrame,
  createAuditIndex,
  createThresholdIndex,
  type ConfusionCounts,
  type MetricFrameInput,
} from '../src/core/metrics';

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
const index = createThresholdIndex({ scores, labels, weights, groupCodes: codes, groupCounts: G });
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

// ---- audit index: every metric of the frame per threshold move ----
const nAudit = 200;
const nBaseline = 5;
const ab = new Int32Array(n);
for (let i = 0; i < n; i++) ab[i] = a[i] < 0 ? -1 : a[i] * 3 + b[i];
const abLevels: string[] = [];
const abValues: string[][] = [];
for (let x = 0; x < 4; x++) {
  for (let y = 0; y < 3; y++) {
    abLevels.push(`${x}|${y}`);
    abValues.push([String(x), String(y)]);
  }
}
const auditInput: MetricFrameInput = {
  labels,
  scores,
  weights,
  attributes: [
    { columns: ['a'], codes: a, levels: ['0', '1', '2', '3'], levelValues: [['0'], ['1'], ['2'], ['3']] },
    { columns: ['b'], codes: b, levels: ['0', '1', '2'], levelValues: [['0'], ['1'], ['2']] },
    { columns: ['a', 'b'], codes: ab, levels: abLevels, levelValues: abValues },
  ],
};
const auditThresholds = new Float64Array(nAudit);
for (let k = 0; k < nAudit; k++) auditThresholds[k] = rng.next();

const t4 = performance.now();
const audit = createAuditIndex(auditInput);
const auditBuildMs = performance.now() - t4;

for (let k = 0; k < 20; k++) audit.frameAt({ rule: 'threshold', threshold: rng.next() }); // warm-up
let frameAtMax = 0;
const t5 = performance.now();
for (let k = 0; k < nAudit; k++) {
  const s0 = performance.now();
  sink += audit.frameAt({ rule: 'threshold', threshold: auditThresholds[k] }).attributes[2].groups[5].count;
  frameAtMax = Math.max(frameAtMax, performance.now() - s0);
}
const frameAtMs = (performance.now() - t5) / nAudit;

/** largest |x − y| / max(1, |x|, |y|) over every number of two frames (same shape) */
function maxDeviation(x: unknown, y: unknown): number {
  if (typeof x === 'number' && typeof y === 'number') {
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) return 0;
    return Math.abs(x - y) / Math.max(1, Math.abs(x), Math.abs(y));
  }
  if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return x === y ? 0 : Infinity;
  let m = 0;
  for (const k of Object.keys(x)) m = Math.max(m, maxDeviation((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]));
  return m;
}

let baselineMs = 0;
let auditDev = 0;
for (let k = 0; k < nBaseline; k++) {
  const rule = { rule: 'threshold', threshold: auditThresholds[k] } as const;
  const s0 = performance.now();
  const full = computeMetricFrame(auditInput, { decision: rule });
  baselineMs += performance.now() - s0;
  auditDev = Math.max(auditDev, maxDeviation(audit.frameAt(rule).attributes.map((x) => x.groups), full.attributes.map((x) => x.groups)));
  auditDev = Math.max(auditDev, maxDeviation(audit.frameAt(rule).overall, full.overall));
}
baselineMs /= nBaseline;

console.log('');
console.log(`audit index (every metric), attributes: a (4), b (3), a&b (12); ${nAudit} thresholds`);
console.log(`audit index build:         ${f(auditBuildMs, 1)} ms`);
console.log(`frameAt, mean (max):       ${f(frameAtMs, 3)} ms (${f(frameAtMax, 3)} ms)`);
console.log(`computeMetricFrame / move: ${f(baselineMs, 1)} ms (mean of ${nBaseline})`);
console.log(`speed-up:                  ${f(baselineMs / frameAtMs, 0)}×`);
console.log(`fits a 16.7 ms frame:      ${frameAtMs < 16.7 ? 'yes' : 'no'} (mean ${f((100 * frameAtMs) / 16.7, 1)} % of it, max ${f((100 * frameAtMax) / 16.7, 1)} %)`);
console.log(`max rel. |frameAt − frame| (group and overall metrics): ${auditDev.toExponential(2)}`);
if (sink === -1) console.log(sink);
