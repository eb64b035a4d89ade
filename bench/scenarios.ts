/**
 * Mitigation scenarios on the bank demo: `npx tsx bench/scenarios.ts [--mlp] [--epochs N]`
 *
 * Data: public/demo/bank/bank-full.csv (45,211 rows), target y = 'yes', protected attribute
 * age binned at [25, 40, 60] (groups <25, 25–39, 40–59, 60+). Features: every column except
 * y, duration (known only after the call), age and marital (protected). One seeded stratified
 * held-out split (30%, by label × age group) shared by every scenario.
 *
 * Baseline: a logistic regression fitted exactly by the workbench (Newton, L2 with C = 1,
 * scikit-learn's LogisticRegression objective; since commit f001584) on the split's training
 * rows; `--mlp` uses the 32-16 MLP instead (tfjs wasm, Adam, `--epochs` epochs, default 20,
 * batch 512, seed 7, early stopping). `--epochs` only matters for the MLP.
 *
 * Scenarios:
 *   baseline;
 *   drop job — age is already excluded, but `job` is its strongest proxy ('retired' and
 *     'student' are almost age groups; the proxy ranking is printed below);
 *   reweigh (Kamiran–Calders); oversample (each age group to the overall base rate);
 *   equal-opportunity group thresholds (post-processing, uses age at decision time);
 *   demographic-parity constraint with bound 0.02 (by reductions on the logistic baseline —
 *     exponentiated gradient, see bench/reductions.ts; by the penalty with Adam on the MLP).
 * Prints per scenario: wall seconds (and CPU seconds of this process, which a busy machine
 * does not inflate), accuracy, ROC AUC, demographic parity difference, equal opportunity
 * difference (held-out, threshold 0.5 or the group-threshold decisions), and for
 * the constraint the training gap and λ (with reductions: the multipliers' total). Prints figures; asserts nothing.
 */
import { age, roles, split, table } from './bank-split';
import { proxyStrength, type ProxyColumn } from '../src/core/explain/proxy';
import { compareScenarios, paretoFrontier, runScenario, type Scenario, type ScenarioContext, type ScenarioResult } from '../src/core/mitigate';
import { groupColumn } from '../src/core/roles';
import { tf } from '../src/core/tf';

const args = process.argv.slice(2);
const trainKind = args.includes('--mlp') ? 'mlp' : 'logistic';
const epochsArg = args.indexOf('--epochs');
const epochs = epochsArg >= 0 ? Number(args[epochsArg + 1]) : 20;


// why `job`: the features ranked by how well each alone reveals the age group
const ageGroups = groupColumn(table, age);
const proxyCols: ProxyColumn[] = roles.features.map((n) => {
  const c = table.columns.find((x) => x.name === n)!;
  return c.type === 'numeric' ? { name: n, kind: 'numeric', values: c.values } : { name: n, kind: 'categorical', codes: c.codes, nLevels: c.levels.length };
});
const proxies = proxyStrength(proxyCols, ageGroups.codes).columns.slice(0, 4);
console.log(`bank: ${table.nRows} rows; train ${split.train.length}, held out ${split.test.length}; age groups ${ageGroups.levels.join(', ')}`);
console.log(`strongest age proxies among the features: ${proxies.map((p) => `${p.name} (nmi ${p.nmi.toFixed(3)}, max AUC ${p.maxAuc.toFixed(2)})`).join(', ')}`);
console.log(`baseline: workbench-trained ${trainKind === 'mlp' ? `MLP 32-16, ${epochs} epochs` : 'logistic regression, exact fit (C = 1)'}, tfjs ${tf.getBackend()}\n`);

const scenarios: Scenario[] = [
  { name: 'baseline', interventions: [] },
  { name: 'drop job (age proxy)', interventions: [{ kind: 'drop-features', columns: ['job'] }] },
  { name: 'reweigh', interventions: [{ kind: 'reweigh' }] },
  { name: 'oversample', interventions: [{ kind: 'resample', method: 'oversample' }] },
  { name: 'EO group thresholds', interventions: [{ kind: 'group-thresholds', constraint: 'equal-opportunity' }] },
  { name: 'DP constraint ≤ 0.02', interventions: [{ kind: 'constraint', constraint: 'demographic-parity', bound: 0.02 }] },
];

const ctx: ScenarioContext = {
  table,
  roles,
  split,
  baseline: { kind: 'trained', trainKind, epochs },
  seed: 7,
  protectedAttribute: age,
  bootstrap: 200,
};

const f = (x: number | null | undefined, d = 3): string => (x === null || x === undefined ? '—' : x.toFixed(d));
const ci = (v: { value: number | null; interval?: { lower: number | null; upper: number | null } }): string =>
  v.interval && v.interval.lower !== null && v.interval.upper !== null ? `${f(v.value)} [${f(v.interval.lower)}, ${f(v.interval.upper)}]` : f(v.value);

const results: ScenarioResult[] = [];
const before = tf.memory().numTensors;
console.log('scenario                 seconds  (cpu s)  accuracy  ROC AUC  DP difference [95% CI]  EO difference [95% CI]');
for (const s of scenarios) {
  const cpu0 = process.cpuUsage();
  const r = await runScenario(ctx, s);
  const cpu = process.cpuUsage(cpu0);
  results.push(r);
  const m = r.metrics;
  console.log(
    `${s.name.padEnd(24)} ${(r.timings.totalMs / 1000).toFixed(1).padStart(7)}  ${((cpu.user + cpu.system) / 1e6).toFixed(1).padStart(7)}  ${f(m.accuracy.value).padStart(8)}  ${f(m.rocAuc.value).padStart(7)}  ${ci(m.demographicParityDifference).padEnd(22)}  ${ci(m.equalOpportunityDifference)}`,
  );
  if (r.constraint) {
    const c = r.constraint;
    console.log(`${''.padEnd(24)} constraint: λ = ${c.lambda}, training gap ${f(c.trainingGap, 4)} (bound ${c.bound}, ${c.met ? 'met' : 'NOT met'}), held-out gap ${f(c.heldOutGap, 4)}; runs: ${c.attempts.map((a) => `λ ${a.lambda} → ${f(a.trainingGap, 4)} (${(a.ms / 1000).toFixed(1)} s)`).join(', ')}`);
  }
  if (r.groupThresholds) {
    const g = r.groupThresholds;
    console.log(`${''.padEnd(24)} thresholds: common TPR ${f(g.x)} on the training rows; expected held-out selection rate per group ${g.expectedSelectionRate.map((x) => f(x)).join(' / ')}`);
  }
}
console.log(`\nselection rate per age group (${results[0].group.levels.join(' / ')}):`);
for (const r of results) console.log(`  ${r.name.padEnd(24)} ${r.metrics.selectionRate.map((x) => f(x.value)).join(' / ')}`);

const cmp = compareScenarios(results, 'baseline');
console.log('\nchange from the baseline (accuracy, DP difference, EO difference):');
for (const row of cmp.rows.slice(1)) {
  console.log(`  ${row.name.padEnd(24)} ${f(row.accuracy.difference)}  ${f(row.demographicParityDifference.difference)}  ${f(row.equalOpportunityDifference.difference)}`);
}
const frontier = paretoFrontier(results.map((r) => ({ accuracy: r.metrics.accuracy.value, disparity: r.metrics.demographicParityDifference.value, degenerate: r.metrics.degenerate })));
console.log(`Pareto frontier (accuracy vs DP difference): ${frontier.map((i) => results[i].name).join(' → ')}`);
console.log(`tensors: ${before} before, ${tf.memory().numTensors} after`);
