/**
 * Constraints that do not collapse: `npx tsx bench/reductions.ts` (or `npm run bench -- reductions`).
 *
 * Data: the bank demo split as bench/scenarios.ts builds it (public/demo/bank/bank-full.csv;
 * target y = 'yes'; features every column except y, duration, age and marital; protected:
 * age binned at 25 / 40 / 60; split seed 2024, 30 % held out, stratified by label × age group).
 *
 * Prints, all measured in this run on the held-out rows:
 * 1. the unconstrained logistic fit (C = 1, exact), for reference;
 * 2. the reductions approach (src/core/mitigate/reductions.ts, fairlearn's defaults: eps 0.01,
 *    max_iter 50, eta0 2, ν automatic, LP step) with our exact weighted logistic fit as the
 *    learner, for demographic parity and equalized odds at bound 0.02, with fairlearn's
 *    constraint form ('overall': each group within the bound of the overall rate) and ours
 *    ('between-groups': max − min within the bound): its time, oracle calls, iterations, and
 *    per deterministic form (and the randomised mixture, drawn with a seed, for reference):
 *    accuracy, ROC AUC, selection rate per age group, DP difference, EO difference, and the
 *    training gap of the form (max − min);
 * 3. the constraint scenarios as the page runs them (runScenario, 200 bootstrap resamples):
 *    the reductions default (between groups) and fairlearn's form (parity 'overall') against
 *    the old penalty path (method 'penalty', Adam);
 * 4. fairlearn's ExponentiatedGradient(LogisticRegression(), DemographicParity(0.02)) as
 *    recorded in shared/design/PEERS.md (named as recorded), and live by
 *    bench/fairlearn_reductions.py when /usr/bin/python3 can import fairlearn: for DP and EO
 *    ≤ 0.02, its randomised predict and its mixture's selection probability at 0.5, beside ours
 *    (the 'overall' runs of 2.), scored here by the same code, with the gap in fairlearn's own
 *    form (max over groups, and labels for EO, of |group rate − overall rate|) held out and on
 *    the training rows (of the expected decisions for the randomised rows).
 * Prints figures; asserts nothing.
 *
 * Without pip, fairlearn runs from its source: export a release's `fairlearn/` folder from its
 * git repository (v0.9.0 works with Debian 12's python3-sklearn, python3-pandas, python3-scipy)
 * into a folder outside this repository and put that folder on PYTHONPATH:
 *   git -C fairlearn archive v0.9.0 fairlearn | tar -x -C /some/pyvendor
 *   PYTHONPATH=/some/pyvendor npm run bench -- reductions
 */
import { age, roles, split, table } from './bank-split';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeTable, encodeTarget, manifestWidth } from '../src/core/manifest';
import { weightedRocAuc } from '../src/core/metrics/roc-auc';
import { runScenario, type Scenario, type ScenarioContext } from '../src/core/mitigate';
import { exponentiatedGradient, type ParityForm, type ReductionsResult } from '../src/core/mitigate/reductions';
import { bestMember, fitThreshold, logisticLearner, memberProbabilities, mixtureScores, mixtureSelectionProbability, type LogisticMember } from '../src/core/mitigate/reductions-model';
import { createRng } from '../src/core/rng';
import { groupColumn } from '../src/core/roles';
import { trainModel } from '../src/core/train';
import type { FairnessConstraint } from '../src/core/train-penalty';

/** shared/design/PEERS.md, "Speed, measured here": fairlearn 0.9, DemographicParity(0.02), bank. */
const recorded = { seconds: 7.8, accuracy: 0.891, selection: '1.7–5.3 %' };

const ageGroups = groupColumn(table, age);
const labels = encodeTarget(table, roles.target);

const plain = await trainModel(table, { target: roles.target, features: roles.features }, { kind: 'logistic', seed: 7, optimizer: 'newton', trainRows: split.train, validationRows: new Uint32Array(0), date: null });
plain.model.dispose();
const d = manifestWidth(plain.manifest);
const part = (rows: Uint32Array): { X: Float32Array; y: Uint8Array; g: Int32Array } => ({
  X: encodeTable(table, plain.manifest, rows),
  y: Uint8Array.from(rows, (r) => labels[r]),
  g: Int32Array.from(rows, (r) => ageGroups.codes[r]),
});
const train = part(split.train);
const test = part(split.test);
const G = ageGroups.levels.length;
console.log(`bank split: ${split.train.length} training rows × ${d} inputs, ${split.test.length} held out; age groups ${ageGroups.levels.join(' / ')}\n`);

const f = (x: number | null | undefined, k = 3): string => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(k));
const pct = (x: number): string => `${(100 * x).toFixed(1)}`;

/** Held-out figures of 0/1 decisions and a score. */
function heldOut(decide: Uint8Array, score: ArrayLike<number>): string {
  const { y, g } = test;
  let ok = 0;
  const n = new Float64Array(G);
  const sel = new Float64Array(G);
  const pos = new Float64Array(G);
  const tp = new Float64Array(G);
  for (let i = 0; i < y.length; i++) {
    if (decide[i] === y[i]) ok++;
    n[g[i]]++;
    sel[g[i]] += decide[i];
    pos[g[i]] += y[i];
    tp[g[i]] += decide[i] * y[i];
  }
  const rates = Array.from(sel, (s, k) => s / n[k]);
  const spread = (r: number[]): number => Math.max(...r) - Math.min(...r);
  const tpr = Array.from(tp, (t, k) => t / pos[k]);
  const fpr = Array.from(sel, (s, k) => (s - tp[k]) / (n[k] - pos[k]));
  return `${f(ok / y.length, 4)}  ${f(weightedRocAuc(score, y), 4)}  ${rates.map(pct).join(' / ').padEnd(22)}  ${f(spread(rates))}  ${f(Math.max(spread(tpr), spread(fpr)))}`;
}

const decideAt = (s: ArrayLike<number>, t: number): Uint8Array => Uint8Array.from(s as ArrayLike<number>, (x) => (x >= t ? 1 : 0));
const trainGap = (s: ArrayLike<number>, t: number, constraint: FairnessConstraint): number => {
  const fit = fitThreshold({ scores: Array.from(s, (x) => (x >= t ? 1 : 0)), labels: train.y, groups: train.g, nGroups: G, constraint, bound: 1 });
  return fit.gap;
};

/** max over groups (and labels, for EO) of |rate(g, y) − rate(y)|: fairlearn's constraint form, of 0/1 or expected decisions */
function overallGap(decide: ArrayLike<number>, y: Uint8Array, g: Int32Array, constraint: FairnessConstraint): number {
  const events = constraint === 'equalized-odds' ? [0, 1] : [-1];
  let gap = 0;
  for (const e of events) {
    const n = new Float64Array(G + 1);
    const sum = new Float64Array(G + 1);
    for (let i = 0; i < y.length; i++) {
      if (g[i] < 0 || (e >= 0 && y[i] !== e)) continue;
      n[g[i]]++;
      sum[g[i]] += decide[i];
      n[G]++;
      sum[G] += decide[i];
    }
    for (let k = 0; k < G; k++) if (n[k] > 0) gap = Math.max(gap, Math.abs(sum[k] / n[k] - sum[G] / n[G]));
  }
  return gap;
}

/** Our 'overall' runs of 2., kept for the comparison with fairlearn in 4. */
const oursOverall = new Map<
  FairnessConstraint,
  { seconds: number; drawn: Uint8Array; pmf: Float64Array; pmfTrain: Float64Array; exported?: { threshold: number; test: Float64Array; train: Float64Array } }
>();

/**
 * Expected held-out accuracy of a randomised classifier that selects row i with probability
 * pmf[i]: mean of pmf (positives) and 1 − pmf (negatives). One seeded draw scatters around it by
 * about √(Σ pmf(1 − pmf))/n (a few rows here), so this is the draw-free comparison.
 */
function expectedAccuracy(pmf: ArrayLike<number>, y: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] === 1 ? pmf[i] : 1 - pmf[i];
  return s / y.length;
}

const header = `  ${'form'.padEnd(34)} accuracy  ROC AUC  selection % per group     DP diff  EO diff  training gap`;

// 1. unconstrained
{
  const fit = logisticLearner(train.X, d)(train.y, new Float64Array(train.y.length).fill(1));
  const s = memberProbabilities({ kind: 'fitted', model: fit.model }, test.X, d);
  console.log(header);
  console.log(`  ${'unconstrained logistic (C = 1)'.padEnd(34)} ${heldOut(decideAt(s, 0.5), s)}\n`);
}

// 2. reductions, each constraint and form
const runs: { constraint: FairnessConstraint; parity: ParityForm }[] = [
  { constraint: 'demographic-parity', parity: 'overall' },
  { constraint: 'demographic-parity', parity: 'between-groups' },
  { constraint: 'equalized-odds', parity: 'overall' },
  { constraint: 'equalized-odds', parity: 'between-groups' },
];
const bound = 0.02;
for (const { constraint, parity } of runs) {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r: ReductionsResult<LogisticMember> = exponentiatedGradient({ y: train.y, groups: train.g, nGroups: G }, logisticLearner(train.X, d), { constraint, bound, parity });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const used = Array.from(r.weights).filter((q) => q > 0).length;
  console.log(`${constraint} ≤ ${bound} (${parity}): ${(ms / 1000).toFixed(2)} s (cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s), ${r.oracleCalls} oracle calls (${r.constantCalls} constant), ${r.lastIter + 1} iterations, best ${r.bestIter} (gap ${r.bestGap.toExponential(2)}, ν ${r.nu.toExponential(2)}), ${r.members.length} members, ${used} with weight`);
  console.log(`  randomised mixture on the training rows: error ${f(r.error, 4)}, largest γ ${f(Math.max(...r.gamma), 4)}`);
  console.log(header);
  // randomised: draw a member per row (seeded)
  const rng = createRng(11);
  const pick = Float64Array.from(test.y, () => rng.next());
  const probs = r.members.map((m) => memberProbabilities(m, test.X, d));
  const drawn = new Uint8Array(test.y.length);
  for (let i = 0; i < drawn.length; i++) {
    let acc = 0;
    for (let j = 0; j < r.members.length; j++) {
      acc += r.weights[j];
      if (pick[i] < acc || j === r.members.length - 1) {
        drawn[i] = probs[j][i] > 0.5 ? 1 : 0;
        break;
      }
    }
  }
  const pmf = mixtureSelectionProbability(r, test.X, d);
  const pmfTrain = mixtureSelectionProbability(r, train.X, d);
  if (parity === 'overall') oursOverall.set(constraint, { seconds: ms / 1000, drawn, pmf: Float64Array.from(pmf), pmfTrain: Float64Array.from(pmfTrain) });
  console.log(`  ${'randomised (seeded draw), reference'.padEnd(34)} ${heldOut(drawn, pmf)}`);
  console.log(`  ${'vote: Σ Q_j h_j ≥ 0.5'.padEnd(34)} ${heldOut(decideAt(pmf, 0.5), pmf)}  ${f(trainGap(pmfTrain, 0.5, constraint))}`);
  const mixTrain = mixtureScores(r, train.X, d);
  const mixTest = mixtureScores(r, test.X, d);
  console.log(`  ${'(a) mixture score at 0.5'.padEnd(34)} ${heldOut(decideAt(mixTest, 0.5), mixTest)}  ${f(trainGap(mixTrain, 0.5, constraint))}`);
  const b = bestMember(r, 1 / 0.01);
  const bTrain = memberProbabilities(r.members[b], train.X, d);
  const bTest = memberProbabilities(r.members[b], test.X, d);
  console.log(`  ${`(b) best member (#${b}, Q ${f(r.weights[b])})`.padEnd(34)} ${heldOut(decideAt(bTest, 0.5), bTest)}  ${f(trainGap(bTrain, 0.5, constraint))}`);
  const th = fitThreshold({ scores: mixTrain, labels: train.y, groups: train.g, nGroups: G, constraint, bound, parity });
  console.log(`  ${`(c) mixture score at t = ${f(th.threshold, 4)}`.padEnd(34)} ${heldOut(decideAt(mixTest, th.threshold), mixTest)}  ${f(th.gap)}\n`);
  const ours = oursOverall.get(constraint);
  if (parity === 'overall' && ours) ours.exported = { threshold: th.threshold, test: Float64Array.from(mixTest), train: Float64Array.from(mixTrain) };
}

// 3. the scenarios
const ctx: ScenarioContext = { table, roles, split, seed: 7, protectedAttribute: age, bootstrap: 200, baseline: { kind: 'trained', trainKind: 'logistic' } };
const scenarios: Scenario[] = [
  { name: 'baseline', interventions: [] },
  { name: 'DP ≤ 0.02 (reductions)', interventions: [{ kind: 'constraint', constraint: 'demographic-parity', bound }] },
  { name: 'EO ≤ 0.02 (reductions)', interventions: [{ kind: 'constraint', constraint: 'equalized-odds', bound }] },
  { name: 'DP ≤ 0.02 (overall form)', interventions: [{ kind: 'constraint', constraint: 'demographic-parity', bound, parity: 'overall' }] },
  { name: 'EO ≤ 0.02 (overall form)', interventions: [{ kind: 'constraint', constraint: 'equalized-odds', bound, parity: 'overall' }] },
  { name: 'DP ≤ 0.02 (penalty)', interventions: [{ kind: 'constraint', constraint: 'demographic-parity', bound, method: 'penalty' }] },
];
console.log('scenarios as the page runs them (held out, 200 bootstrap resamples):');
console.log(`  ${'scenario'.padEnd(26)} seconds (cpu s)  accuracy  ROC AUC  selection % per group     DP diff  EO diff  training gap  met`);
for (const s of scenarios) {
  const cpu0 = process.cpuUsage();
  const r = await runScenario(ctx, s);
  const cpu = process.cpuUsage(cpu0);
  const m = r.metrics;
  console.log(`  ${s.name.padEnd(26)} ${(r.timings.totalMs / 1000).toFixed(2).padStart(7)} ${`(${((cpu.user + cpu.system) / 1e6).toFixed(2)})`.padStart(8)}  ${f(m.accuracy.value, 4)}    ${f(m.rocAuc.value, 4)}  ${m.selectionRate.map((x) => pct(x.value ?? NaN)).join(' / ').padEnd(22)}  ${f(m.demographicParityDifference.value)}    ${f(m.equalizedOddsDifference.value)}    ${f(r.constraint?.trainingGap)}        ${r.constraint ? (r.constraint.met ? 'yes' : 'no') : ''}`);
}

// 4. fairlearn
console.log(`\nfairlearn ExponentiatedGradient(LogisticRegression(), DemographicParity(0.02)), recorded (PEERS.md): ${recorded.seconds} s, accuracy ${recorded.accuracy}, selection ${recorded.selection} per age group`);
const python = '/usr/bin/python3';
const probe = existsSync(python) ? spawnSync(python, ['-c', 'import fairlearn, sklearn'], { encoding: 'utf8' }) : null;
if (probe && probe.status === 0) {
  const dir = mkdtempSync(join(tmpdir(), 'bw-fl-'));
  try {
    writeFileSync(join(dir, 'Xtr.f32'), train.X);
    writeFileSync(join(dir, 'ytr.u8'), train.y);
    writeFileSync(join(dir, 'gtr.i32'), train.g);
    writeFileSync(join(dir, 'Xte.f32'), test.X);
    writeFileSync(join(dir, 'yte.u8'), test.y);
    writeFileSync(join(dir, 'gte.i32'), test.g);
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({ d, bound }));
    const r = spawnSync(python, ['bench/fairlearn_reductions.py', dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bench/fairlearn_reductions.py failed: ${r.stderr}`);
    compareWithFairlearn(dir, r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  console.log('fairlearn live: not measured (/usr/bin/python3 cannot import fairlearn; pip install fairlearn scikit-learn, or put its source on PYTHONPATH as this file\'s header says, then rerun)');
}

/** fairlearn's JSON lines as printed, then its decisions (files in dir) beside ours, scored by heldOut and overallGap. */
function compareWithFairlearn(dir: string, stdout: string): void {
  const lines = stdout.trim().split('\n').filter((l) => l.startsWith('{'));
  const read = (name: string, Type: Float64ArrayConstructor | Uint8ArrayConstructor): Float64Array | Uint8Array => {
    const b = readFileSync(join(dir, name));
    return new Type(b.buffer, b.byteOffset, b.byteLength / Type.BYTES_PER_ELEMENT);
  };
  console.log('fairlearn live, as bench/fairlearn_reductions.py prints it:');
  for (const l of lines) console.log(`  ${l}`);
  console.log(`\nfairlearn live beside ours (fairlearn's 'overall' form, bound ${bound}; held out unless named; vs overall = max |group rate − overall rate|):`);
  console.log(`  ${'who / decision'.padEnd(40)} fit s  accuracy  ROC AUC  selection % per group     DP diff  EO diff  vs overall  vs overall (training)`);
  for (const l of lines) {
    const fl = JSON.parse(l) as { fairlearn: string; constraint: FairnessConstraint; seconds: number; cpuSeconds: number };
    const c = fl.constraint;
    const ours = oursOverall.get(c);
    const pred = read(`pred-${c}.u8`, Uint8Array);
    const pmf = read(`pmf-${c}-te.f64`, Float64Array);
    const pmfTrain = read(`pmf-${c}-tr.f64`, Float64Array);
    const row = (who: string, seconds: number, decide: Uint8Array, score: ArrayLike<number>, trainDecide: ArrayLike<number>): void =>
      console.log(`  ${who.padEnd(40)} ${seconds.toFixed(2).padStart(5)}  ${heldOut(decide, score)}  ${f(overallGap(decide, test.y, test.g, c))}       ${f(overallGap(trainDecide, train.y, train.g, c))}`);
    console.log(`  ${c} ≤ ${bound}`);
    if (ours) {
      row('ours, randomised (seeded draw)', ours.seconds, ours.drawn, ours.pmf, ours.pmfTrain);
      row('ours, vote Σ Q_j h_j ≥ 0.5', ours.seconds, decideAt(ours.pmf, 0.5), ours.pmf, decideAt(ours.pmfTrain, 0.5));
      const e = ours.exported;
      if (e) row(`ours, exported: mixture score ≥ ${e.threshold.toFixed(4)}`, ours.seconds, decideAt(e.test, e.threshold), e.test, decideAt(e.train, e.threshold));
    }
    row(`fairlearn ${fl.fairlearn}, predict(random_state 0)`, fl.seconds, pred as Uint8Array, pmf, pmfTrain);
    row(`fairlearn ${fl.fairlearn}, _pmf_predict ≥ 0.5`, fl.seconds, decideAt(pmf, 0.5), pmf, decideAt(pmfTrain, 0.5));
    console.log(
      `  expected accuracy of the randomised classifiers (no draw): ours ${ours ? f(expectedAccuracy(ours.pmf, test.y), 4) : '—'}, fairlearn ${f(expectedAccuracy(pmf, test.y), 4)}`,
    );
    const ratio = ours ? `; fairlearn's wall time / ours ${(fl.seconds / ours.seconds).toFixed(2)}×` : '';
    console.log(`  (fairlearn fit: ${fl.seconds.toFixed(2)} s wall, ${fl.cpuSeconds.toFixed(2)} s cpu, numpy's BLAS may use several threads${ratio})`);
  }
}
