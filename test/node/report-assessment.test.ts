/**
 * The impact assessment from core: every section present, the audit JSON's numbers copied
 * unchanged, a group of 5 rows shown as "fewer than 10" with no rate (and the complementary
 * group hidden with it), the HTML free of any external reference and of row-level
 * identifiers, the residual risks raised by their rules, and the scenario results read.
 */
import { describe, expect, it } from 'vitest';
import { auditReport, type AuditReport } from '../../src/core/audit';
import { ASSESSMENT_FORMAT, NOT_STATED, SECTION_TITLES, barChartSvg, buildAssessment, renderAssessmentHtml, type AssessmentInputs, type ScenarioResultsInput } from '../../src/core/report';
import type { CategoricalColumn, ColumnTable, NumericColumn } from '../../src/core/table';
import { createRng } from '../../src/core/rng';
import { niceCeil } from '../../src/core/report/svg';

/** 400 A, 300 B, 5 C leads with ids, e-mails, a converted flag and a score that favours A. */
function leads(): ColumnTable {
  const sizes = { A: 400, B: 300, C: 5 };
  const rng = createRng(7);
  const rand = () => rng.next();
  const g: number[] = [];
  const y: number[] = [];
  const s: number[] = [];
  Object.values(sizes).forEach((n, gi) => {
    for (let i = 0; i < n; i++) {
      const conv = rand() < 0.3 ? 1 : 0;
      g.push(gi);
      y.push(conv);
      s.push(Math.min(1, Math.max(0, 0.15 + 0.4 * conv + (gi === 0 ? 0.2 : 0) + 0.2 * (rand() - 0.5))));
    }
  });
  const n = g.length;
  const ids: CategoricalColumn = { type: 'categorical', name: 'lead_id', codes: Int32Array.from({ length: n }, (_, i) => i), levels: Array.from({ length: n }, (_, i) => `LEAD-${90000 + i}`) };
  const email: CategoricalColumn = { type: 'categorical', name: 'email', codes: Int32Array.from({ length: n }, (_, i) => i), levels: Array.from({ length: n }, (_, i) => `person${i}@mail.example`) };
  const group: CategoricalColumn = { type: 'categorical', name: 'group', codes: Int32Array.from(g), levels: ['A', 'B', 'C'] };
  const conv: CategoricalColumn = { type: 'categorical', name: 'converted', codes: Int32Array.from(y), levels: ['no', 'yes'] };
  const score: NumericColumn = { type: 'numeric', name: 'score', values: Float64Array.from(s) };
  return { nRows: n, columns: [ids, email, group, conv, score] };
}

function audit(table: ColumnTable): AuditReport {
  const scores = (table.columns[4] as NumericColumn).values;
  return auditReport({
    table,
    roles: { target: { column: 'converted', positive: 'yes' }, protected: [{ column: 'group' }], features: [], ignored: [] },
    scores,
    decision: { rule: 'threshold', threshold: 0.5 },
    minGroupSize: 30,
    bootstrap: { resamples: 40, seed: 3 },
    sources: { file: 'leads.csv', sha256: 'ab'.repeat(32), score: 'score' },
  });
}

const table = leads();
const auditJson = audit(table);
const inputs: AssessmentInputs = { audit: auditJson, table, system: { name: 'Lead score v2', purpose: 'Rank inbound leads for the call list.' }, createdAt: null };
const doc = buildAssessment(inputs);
const html = renderAssessmentHtml(doc);

describe('the assessment document', () => {
  it('has every section, with "not stated" where nobody said', () => {
    expect(doc.format).toBe(ASSESSMENT_FORMAT);
    for (const key of ['system', 'data', 'protectedAttributes', 'model', 'performance', 'fairness', 'explanations', 'mitigations', 'residualRisks', 'oversight', 'monitoring', 'privacy', 'reproducibility', 'signOff', 'definitions']) {
      expect(doc, key).toHaveProperty(key);
    }
    expect(doc.system.name).toBe('Lead score v2');
    expect(doc.system.owner).toBe(NOT_STATED);
    expect(doc.protectedAttributes).toEqual([{ column: 'group', cuts: null, why: NOT_STATED }]);
    expect(doc.signOff.map((s) => s.role)).toContain('Data protection officer');
    expect(doc.reproducibility.seeds.bootstrap).toBe(3);
    expect(doc.reproducibility.hashes.data).toBe('ab'.repeat(32));
    // each section is in the HTML, in order
    let at = -1;
    for (const s of SECTION_TITLES) {
      const i = html.indexOf(`id="${s.id}"`);
      expect(i, s.id).toBeGreaterThan(at);
      at = i;
    }
  });

  it("holds the audit JSON's numbers, unchanged, for every group it shows", () => {
    const a = auditJson.attributes[0];
    const f = doc.fairness.attributes[0];
    const A = f.groups.find((g) => g.group === 'A')!;
    const ga = a.groups.find((g) => g.group === 'A')!;
    expect(A.count).toBe(ga.count);
    for (const key of Object.keys(A.metrics)) {
      expect(A.metrics[key], key).toBe(ga.metrics[key as keyof typeof ga.metrics]);
      if (ga.intervals?.[key as keyof typeof ga.intervals]) expect(A.intervals[key], key).toEqual(ga.intervals[key as keyof typeof ga.intervals]);
    }
    for (const d of f.disparities) {
      expect(d.value, d.key).toBe(a.disparities[d.key as keyof typeof a.disparities]);
      expect(d.interval, d.key).toEqual(a.disparities.intervals?.[d.key] ?? null);
    }
    for (const m of doc.performance.metrics) expect(m.value, m.key).toBe(auditJson.overall[m.key as keyof typeof auditJson.overall]);
    expect(f.fourFifthsRule.disparateImpact).toBe(a.disparities.fourFifthsRule.disparateImpact);
  });

  it('shows a group of 5 rows as "fewer than 10" with no rate, and hides the next smallest group with it', () => {
    const f = doc.fairness.attributes[0];
    const C = f.groups.find((g) => g.group === 'C')!;
    expect(C).toMatchObject({ count: null, share: null, hidden: 'small' });
    expect(Object.values(C.metrics).every((v) => v === null)).toBe(true);
    expect(Object.values(C.reasons).every((r) => r === 'suppressed')).toBe(true);
    // all rows minus A and B would give C away: B is hidden too
    expect(f.groups.find((g) => g.group === 'B')!.hidden).toBe('complementary');
    expect(doc.privacy.suppressed).toEqual([
      { table: 'group', cell: 'C', kind: 'small' },
      { table: 'group', cell: 'B', kind: 'complementary' },
    ]);
    const row = html.match(/<tr><th scope="row">C<\/th>.*?<\/tr>/)?.[0] ?? '';
    expect(row).toContain('fewer than 10');
    expect(row).not.toMatch(/\d%|\d\.\d{3}/);
    // the representation table and its chart say the same
    expect(doc.data.representation[0].groups.find((g) => g.group === 'C')).toMatchObject({ count: null, share: null, baseRate: null });
    expect(html).not.toMatch(/C: \d/);
  });

  it('a larger group that k hides keeps the disparities from telling its rates', () => {
    const bigK = buildAssessment({ ...inputs, privacy: { k: 301 } });
    const f = bigK.fairness.attributes[0];
    expect(f.groups.find((g) => g.group === 'B')!.hidden).toBe('small');
    expect(f.disparities.every((d) => d.value === null && d.reason === 'suppressed')).toBe(true);
    expect(f.fourFifthsRule.pass).toBeNull();
  });

  it('finds the id and e-mail columns and lists them as dropped', () => {
    expect(doc.privacy.identifiers.map((i) => [i.column, i.kind, i.action])).toEqual([
      ['lead_id', 'id', 'drop'],
      ['email', 'email', 'drop'],
    ]);
    expect(doc.data.profile.find((p) => p.name === 'email')).toMatchObject({ role: 'identifier', top: null, numeric: null });
  });

  it('k-anonymity over the protected column: the class of 5 is below k', () => {
    expect(doc.privacy.kAnonymity).toMatchObject({ columns: ['group'], k: 10, classes: 3, smallestClass: 5, classesBelowK: 1, rowsBelowK: 5, satisfied: false });
  });

  it('raises the residual risks its rules name', () => {
    const rules = doc.residualRisks.map((r) => r.rule);
    expect(rules).toContain('equivalence classes below k = 10');
    expect(rules).toContain('no monitoring policy supplied');
    expect(rules).toContain('no oversight evidence supplied');
    const ff = auditJson.attributes[0].disparities.fourFifthsRule.pass;
    expect(rules.includes('disparate impact < 0.8 (four-fifths rule)')).toBe(ff === false);
  });
});

describe('the HTML file', () => {
  it('asks for nothing outside itself', () => {
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    for (const bad of ['http:', 'https:', '//', 'url(', '@import', '<script', '<link', '<img', '<iframe', 'src=']) expect(html, bad).not.toContain(bad);
    expect(html).toContain('<svg class="chart"');
  });

  it('carries no row-level identifier', () => {
    for (let i = 0; i < table.nRows; i++) {
      expect(html).not.toContain(`LEAD-${90000 + i}`);
      expect(html).not.toContain(`person${i}@mail.example`);
    }
    expect(JSON.stringify(doc)).not.toMatch(/LEAD-9|@mail\.example/);
  });

  it('prints on A4 with each section on a new page and page numbers', () => {
    expect(html).toContain('size: A4');
    expect(html).toMatch(/section\.sec \{ break-before: page; \}/);
    expect(html).toContain('counter(page)');
  });

  it('escapes what people typed, also in the running header', () => {
    const evil = buildAssessment({ ...inputs, system: { name: 'x"</style><script>alert(1)</script>' } });
    const out = renderAssessmentHtml(evil);
    expect(out).not.toContain('<script>');
    expect(out).not.toContain('</style><script');
  });
});

describe('mitigations from compare results', () => {
  const scenarios: ScenarioResultsInput = {
    groups: { name: 'group', levels: ['A', 'B', 'C'] },
    split: { seed: 9, train: 493, test: 212, testFraction: 0.3 },
    baselineScenario: 'baseline',
    pareto: ['baseline', 'thresholds'],
    scenarios: [
      { name: 'baseline', interventions: [], heldOutRows: 212, selected: 60, metrics: { accuracy: 0.8, balancedAccuracy: 0.75, rocAuc: 0.85, demographicParityDifference: 0.3, equalOpportunityDifference: 0.2, equalizedOddsDifference: 0.25, selectionRate: { A: 0.5, B: 0.2, C: 0 } }, differencesFromBaseline: { accuracy: 0, balancedAccuracy: 0, rocAuc: 0, demographicParityDifference: 0, equalOpportunityDifference: 0, equalizedOddsDifference: 0 } },
      { name: 'thresholds', interventions: [{ kind: 'group-thresholds', constraint: 'demographic-parity' }], heldOutRows: 212, selected: 70, metrics: { accuracy: 0.77, balancedAccuracy: 0.74, rocAuc: 0.85, demographicParityDifference: 0.05, equalOpportunityDifference: 0.1, equalizedOddsDifference: 0.1, selectionRate: { A: 0.35, B: 0.3, C: 0.4 } }, differencesFromBaseline: { accuracy: -0.03, balancedAccuracy: -0.01, rocAuc: 0, demographicParityDifference: -0.25, equalOpportunityDifference: -0.1, equalizedOddsDifference: -0.15 } },
    ],
  };
  const m = buildAssessment({ ...inputs, scenarios, chosenScenario: 'thresholds' }).mitigations;

  it('names the chosen scenario and its accuracy cost, and withholds the small group\'s held-out rate', () => {
    expect(m.chosen).toMatchObject({ name: 'thresholds', demographicParityChange: -0.25 });
    expect(m.chosen!.accuracyCost).toBeCloseTo(0.03, 12);
    expect(m.scenarios[1].selectionRate).toEqual({ A: 0.35, B: 0.3, C: null });
    expect(m.chosen!.disparateImpact).toBeCloseTo(0.3 / 0.35, 12);
    expect(m.scenarios.map((s) => s.pareto)).toEqual([true, true]);
  });

  it('refuses a chosen scenario that is not there', () => {
    expect(() => buildAssessment({ ...inputs, scenarios, chosenScenario: 'nope' })).toThrow(/not among the scenarios/);
  });
});

describe('the monitoring policy', () => {
  it("judges the policy's audit rules on this audit and leaves the drift rules to a monitoring run", () => {
    const content = {
      format: 'bias-workbench.policy/1',
      rules: [
        { metric: 'demographicParityDifference', attribute: 'group', max: 1, action: 'review' },
        { metric: 'demographicParityDifference', attribute: 'group', max: 0, action: 'retrain' },
        { drift: 'psi', max: 0.2, action: 'review' },
      ],
    };
    const d = buildAssessment({ ...inputs, monitoring: { plan: 'Quarterly', policy: { file: 'policy.json', sha256: 'cd'.repeat(32), format: 'bias-workbench.policy/1', content } } });
    const dpd = auditJson.attributes[0].disparities.demographicParityDifference;
    expect(d.monitoring.today).toEqual({
      verdict: dpd !== null && dpd > 0 ? 'retrain' : 'ok',
      driftRules: 1,
      rules: [
        expect.objectContaining({ value: dpd, broken: false, action: 'review' }),
        expect.objectContaining({ value: dpd, broken: dpd !== null && dpd > 0, action: 'retrain' }),
      ],
    });
    expect(d.residualRisks.map((r) => r.rule)).not.toContain('no monitoring policy supplied');
    expect(d.reproducibility.hashes.policy).toBe('cd'.repeat(32));
    expect(renderAssessmentHtml(d)).toContain('The policy on this audit');
  });
});

describe('the SVG bar chart', () => {
  it('draws a bar and whisker per group, writes the note where a value is withheld, and escapes labels', () => {
    const svg = barChartSvg({ title: 'Selection rate', metric: 'selectionRate', unit: 'percent', data: [
      { label: 'A<b>', value: 0.2, lower: 0.15, upper: 0.25 },
      { label: 'C', value: null, note: 'fewer than 10' },
    ] });
    expect(svg.match(/<rect /g)).toHaveLength(1);
    expect(svg).toContain('<path d="M');
    expect(svg).toContain('>fewer than 10<');
    expect(svg).toContain('A&lt;b&gt;');
    expect(svg).toContain('20.0% (15.0–25.0%)');
    expect(svg).not.toContain('xmlns');
    // a 0.2 top value rounds the axis up to 25%
    expect(svg).toContain('>25.0%<');
  });

  it('rounds the axis to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect([0.18, 0.21, 0.3, 0.7, 7, 0].map(niceCeil)).toEqual([0.2, 0.25, 0.5, 1, 10, 1]);
  });
});
