/**
 * What the page's report takes from the other tabs (workers/report-jobs.ts with
 * src/client/report-inputs.ts): Mitigate & compare's finished results become compare's JSON in
 * the mitigations section, with the scenario adopted and its accuracy cost against the audited
 * model as loaded; the Monitor tab's policy text is judged on the audit when it is a valid
 * policy and shown as written when not; the decision log's counts and the appeals by group
 * (small groups suppressed) fill the oversight section; the Explain tab's mean |SHAP| and gap
 * attribution fill the explanations. Each is absent from the report when the page has none.
 */
import { describe, expect, it } from 'vitest';
import { makeReport, type ReportContext, type ReportSettings } from '../../workers/report-jobs';
import { explainedSummary, finishedScenarios } from '../../src/client/report-inputs';
import { scoreColumnModel } from '../../src/core/score-column';
import type { Assessment } from '../../src/core/report';
import type { ProjectCompare } from '../../src/core/project';
import type { ScenarioMetrics, ScenarioResult } from '../../src/core/mitigate';
import type { CategoricalColumn, ColumnTable, NumericColumn } from '../../src/core/table';
import type { DatasetRoles } from '../../src/core/roles';
import { createRng } from '../../src/core/rng';

/** 400 A and 300 B leads with a region, a converted flag and a score. */
function leads(): ColumnTable {
  const rng = createRng(5);
  const g: number[] = [];
  const y: number[] = [];
  const s: number[] = [];
  const r: number[] = [];
  [400, 300].forEach((n, gi) => {
    for (let i = 0; i < n; i++) {
      const conv = rng.next() < 0.3 ? 1 : 0;
      g.push(gi);
      y.push(conv);
      r.push(rng.next() < 0.5 ? 0 : 1);
      s.push(Math.min(1, Math.max(0, 0.15 + 0.4 * conv + (gi === 0 ? 0.2 : 0) + 0.2 * (rng.next() - 0.5))));
    }
  });
  const group: CategoricalColumn = { type: 'categorical', name: 'group', codes: Int32Array.from(g), levels: ['A', 'B'] };
  const region: CategoricalColumn = { type: 'categorical', name: 'region', codes: Int32Array.from(r), levels: ['north', 'south'] };
  const conv: CategoricalColumn = { type: 'categorical', name: 'converted', codes: Int32Array.from(y), levels: ['no', 'yes'] };
  const score: NumericColumn = { type: 'numeric', name: 'score', values: Float64Array.from(s) };
  return { nRows: g.length, columns: [group, region, conv, score] };
}

const table = leads();
const roles: DatasetRoles = { target: { column: 'converted', positive: 'yes' }, protected: [{ column: 'group' }], features: ['region'], ignored: ['score'] };
const { manifest, scorer } = scoreColumnModel(table, 'score', 'score', roles.target);
const ctx: ReportContext = {
  table,
  roles,
  scores: Float32Array.from((table.columns[3] as NumericColumn).values),
  audit: { decision: { rule: 'threshold', threshold: 0.5 }, minGroupSize: 30, intersections: true, resamples: 0 },
  dataset: { name: 'leads.csv', sha256: 'cd'.repeat(32) },
  model: { name: 'scores', format: 'scores', fingerprint: 'ef'.repeat(32), manifest, scorer },
  threshold: 0.5,
};
const base: ReportSettings = { k: 10, quasiIdentifiers: [], identifierAction: 'drop', importance: false };

async function doc(s: Partial<ReportSettings>): Promise<{ doc: Assessment; html: string }> {
  const r = await makeReport(ctx, { ...base, ...s }, []);
  return { doc: JSON.parse(r.json) as Assessment, html: r.html };
}

function metrics(acc: number, dpd: number, rates: [number, number]): ScenarioMetrics {
  return {
    n: 210,
    selected: 60,
    accuracy: { value: acc },
    balancedAccuracy: { value: acc - 0.05 },
    rocAuc: { value: 0.8 },
    selectionRate: [
      { level: 'A', count: 120, value: rates[0] },
      { level: 'B', count: 90, value: rates[1] },
    ],
    demographicParityDifference: { value: dpd },
    equalOpportunityDifference: { value: dpd / 2 },
    equalizedOddsDifference: { value: dpd },
    degenerate: null,
  };
}

/** A result as the page's worker returns it: with the model's manifest and the split. */
function pageResult(name: string, interventions: ScenarioResult['interventions'], m: ScenarioMetrics): ScenarioResult & { split: { train: number; test: number; seed: number } } {
  const timings = { trainMs: 0, scoreMs: 0, thresholdsMs: 0, metricsMs: 0, exportMs: 0, totalMs: 5 };
  return { name, interventions, group: { name: 'group', levels: ['A', 'B'] }, metrics: m, constraint: null, groupThresholds: null, trainRows: 0, notes: [], timings, artifacts: { manifest, files: [] }, split: { train: 490, test: 210, seed: 42 } };
}

const COMPARE: ProjectCompare = {
  retrainKind: 'logistic',
  epochs: 8,
  seed: 42,
  parity: 'demographicParityDifference',
  scenarios: [
    { base: 'retrained', scenario: { name: 'retrained baseline', interventions: [] }, result: pageResult('retrained baseline', [], metrics(0.7, 0.3, [0.4, 0.1])) },
    { base: 'audited', scenario: { name: 'as loaded', interventions: [] }, result: pageResult('as loaded', [], metrics(0.8, 0.25, [0.4, 0.15])) },
    {
      base: 'audited',
      scenario: { name: 'EO thresholds', interventions: [{ kind: 'group-thresholds', constraint: 'equal-opportunity' }] },
      result: pageResult('EO thresholds', [{ kind: 'group-thresholds', constraint: 'equal-opportunity' }], metrics(0.77, 0.05, [0.3, 0.25])),
    },
    // still running: no result, not in the report
    { base: 'retrained', scenario: { name: 'reweigh', interventions: [{ kind: 'reweigh' }] } },
  ],
};

describe("Mitigate & compare's results in the page's report", () => {
  it('takes the finished scenarios, without their model files, with the audited model as loaded as the baseline', () => {
    const f = finishedScenarios(COMPARE)!;
    expect(f.results.map((r) => r.name)).toEqual(['retrained baseline', 'as loaded', 'EO thresholds']);
    expect(f.baseline).toBe('as loaded');
    expect(f.split).toEqual({ seed: 42, train: 490, test: 210, testFraction: 0.3 });
    expect(JSON.stringify(f.results)).not.toContain('artifacts');
    expect(finishedScenarios(undefined)).toBeNull();
    expect(finishedScenarios({ ...COMPARE, scenarios: COMPARE.scenarios.slice(3) })).toBeNull();
  });

  it('lists every finished scenario and gives the adopted one its accuracy cost against the baseline', async () => {
    const { doc: d, html } = await doc({ compare: finishedScenarios(COMPARE), chosenScenario: 'EO thresholds' });
    const m = d.mitigations;
    expect(m.supplied).toBe(true);
    expect(m.baselineScenario).toBe('as loaded');
    expect(m.scenarios.map((s) => [s.name, s.chosen])).toEqual([
      ['retrained baseline', false],
      ['as loaded', false],
      ['EO thresholds', true],
    ]);
    expect(m.chosen!.name).toBe('EO thresholds');
    expect(m.chosen!.accuracyCost).toBeCloseTo(0.8 - 0.77, 12);
    expect(m.chosen!.demographicParityChange).toBeCloseTo(0.05 - 0.25, 12);
    expect(html).toContain('Chosen: EO thresholds');
  });

  it('adopts none unless told, and says so when nothing was run', async () => {
    expect((await doc({ compare: finishedScenarios(COMPARE) })).doc.mitigations.chosen).toBeNull();
    const none = await doc({});
    expect(none.doc.mitigations.supplied).toBe(false);
    expect(none.html).toContain('No mitigation scenarios were supplied.');
  });
});

describe("the Monitor tab's policy, the decision log and the Explain tab's SHAP in the page's report", () => {
  it('judges a valid policy on the audit, and shows an invalid one as written', async () => {
    const policy = JSON.stringify({ format: 'bias-workbench.policy/1', rules: [{ metric: 'disparateImpact', attribute: 'group', min: 0.8, action: 'review' }, { drift: 'psi', column: 'region', max: 0.1, action: 'review' }] });
    const valid = (await doc({ policyText: policy })).doc.monitoring;
    expect(valid.policy).toMatchObject({ format: 'bias-workbench.policy/1', file: "the Monitor tab's policy" });
    expect(valid.policy!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(valid.today!.rules).toHaveLength(1);
    expect(valid.today!.driftRules).toBe(1);
    const invalid = (await doc({ policyText: '{"rules": [' })).doc.monitoring;
    expect(invalid.policy).toMatchObject({ format: null, content: '{"rules": [' });
    expect(invalid.today).toBeNull();
    expect((await doc({ policyText: '  ' })).doc.monitoring.policy).toBeNull();
  });

  it("carries the decision log's counts and the appeals by group, a small group's suppressed", async () => {
    const log = { file: 'decision log kept in this browser', sha256: 'ab'.repeat(32), intact: true, entries: 40, head: 'cd'.repeat(32), problem: null, byKind: { review: 30, appeal: 10 }, overrides: 7 };
    const { doc: d } = await doc({ oversight: { log, appeals: [{ group: 'A', decided: 25, overturned: 5 }, { group: 'B', decided: 3, overturned: 1 }, { group: 'C', decided: 40, overturned: 4 }] }, oversightStatement: 'Reviewers can override.' });
    expect(d.oversight.supplied).toBe(true);
    expect(d.oversight.statement).toBe('Reviewers can override.');
    expect(d.oversight.log).toEqual(log);
    expect(d.oversight.appeals.find((a) => a.group === 'C')).toMatchObject({ decided: 40, overturned: 4, overturnRate: 0.1, hidden: null });
    expect(d.oversight.appeals.find((a) => a.group === 'B')).toMatchObject({ decided: null, overturned: null, hidden: 'small' });
    // and one more, so B's count cannot be worked out from the total
    expect(d.oversight.appeals.find((a) => a.group === 'A')).toMatchObject({ decided: null, hidden: 'complementary' });
    expect((await doc({})).doc.oversight.supplied).toBe(false);
  });

  it("shows the Explain tab's mean |SHAP| and gap attribution", async () => {
    const shap = { rows: 300, output: 'probability' as const, permutations: 10, background: { kind: 'sample', size: 50 }, seed: 1, columns: [{ name: 'region', meanAbs: 0.031 }] };
    const gap = { attribute: 'group', groupA: 'A', groupB: 'B', countA: 170, countB: 130, gap: 0.2, contributions: [{ name: 'region', value: 0.2 }] };
    const { doc: d, html } = await doc({ shap, gap });
    expect(d.explanations.shap).toEqual(shap);
    expect(d.explanations.gap).toMatchObject({ groupA: 'A', groupB: 'B', gap: 0.2, withheld: false });
    expect(html).toContain('Mean |SHAP| by column');
    expect((await doc({})).doc.explanations.shap).toBeNull();
  });

  it("summarises the Explain tab's run: columns by mean |SHAP|, largest first, and the gap's share of each", () => {
    const run = { nRows: 300, settings: { output: 'probability' as const, permutations: 10, bgKind: 'sample', bgSize: 50, seed: 1 } };
    const views = { attribute: 'group', features: ['region', 'age'], meanAbs: Float64Array.of(0.01, 0.04), gap: { levelA: 'A', levelB: 'B', countA: 170, countB: 130, gap: 0.2, perPlayer: Float64Array.of(0.05, 0.15) } };
    const s = explainedSummary(run, views);
    expect(s.shap).toEqual({ rows: 300, output: 'probability', permutations: 10, background: { kind: 'sample', size: 50 }, seed: 1, columns: [{ name: 'age', meanAbs: 0.04 }, { name: 'region', meanAbs: 0.01 }] });
    expect(s.gap).toEqual({ attribute: 'group', groupA: 'A', groupB: 'B', countA: 170, countB: 130, gap: 0.2, contributions: [{ name: 'region', value: 0.05 }, { name: 'age', value: 0.15 }] });
    expect(explainedSummary(run, { ...views, gap: null }).gap).toBeNull();
  });
});
