/**
 * The committee policy: the validator names each problem by its path and refuses typos; the
 * evaluator breaks rules on the audit, on drift, on sample size, reports the worst value with
 * its evidence, treats an undefined value as undetermined (the policy's onUndefined action),
 * and the verdict is the strongest action.
 */
import { describe, expect, it } from 'vitest';
import { auditReport } from '../../src/core/audit';
import { categoricalDrift, numericDrift, selectionRateDrift } from '../../src/core/monitor/drift';
import { evaluatePolicy, validatePolicy, type PolicyContext } from '../../src/core/monitor/policy';
import type { ColumnTable } from '../../src/core/table';

const F = 'bias-workbench.policy/1';

/** 8 rows: town a (rows 0–3) and b (4–7); y and scores chosen so a is selected more. */
function table(): { t: ColumnTable; scores: Float64Array } {
  const t: ColumnTable = {
    nRows: 8,
    columns: [
      { type: 'categorical', name: 'town', codes: Int32Array.of(0, 0, 0, 0, 1, 1, 1, 1), levels: ['a', 'b'] },
      { type: 'categorical', name: 'y', codes: Int32Array.of(1, 0, 1, 0, 1, 0, 0, 0), levels: ['no', 'yes'] },
    ],
  };
  return { t, scores: Float64Array.of(0.9, 0.8, 0.7, 0.2, 0.9, 0.1, 0.2, 0.3) };
}

function context(): PolicyContext {
  const { t, scores } = table();
  const roles = { target: { column: 'y', positive: 'yes' }, protected: [{ column: 'town' }], features: [], ignored: [] };
  const audit = auditReport({ table: t, roles, scores, minGroupSize: 1 });
  const ref = auditReport({ table: t, roles, scores: Float64Array.of(0.9, 0.1, 0.1, 0.1, 0.9, 0.1, 0.1, 0.1), minGroupSize: 1 });
  return {
    audit,
    rows: 8,
    drift: {
      columns: [
        numericDrift('amount', Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 2, 3, 40)),
        categoricalDrift('channel', { levels: ['web', 'phone'], reference: Float64Array.of(5, 5), current: Float64Array.of(9, 1), missing: { reference: 0, current: 0 } }),
      ],
      score: numericDrift('score', Float64Array.of(0.1, 0.2, 0.3), Float64Array.of(0.1, 0.2, 0.3)),
    },
    selectionRates: selectionRateDrift(ref, audit),
  };
}

describe('validatePolicy', () => {
  it('reads the issue’s three example rules and fills the defaults', () => {
    const p = validatePolicy({
      format: F,
      rules: [
        { metric: 'demographicParityDifference', attribute: 'town_size', max: 0.1, action: 'retrain' },
        { metric: 'disparateImpact', attribute: 'age', min: 0.8, action: 'review' },
        { drift: 'psi', column: '*', max: 0.25, action: 'offline' },
        { drift: 'jensenShannon', max: 0.1, action: 'review' },
      ],
    });
    expect(p.onUndefined).toBe('review');
    expect(p.rules.map((r) => r.kind)).toEqual(['metric', 'metric', 'drift', 'drift']);
    expect(p.rules[3]).toMatchObject({ column: '*' });
  });

  it('refuses a wrong format first and alone', () => {
    expect(() => validatePolicy({ format: 'policy/2', rules: 3 })).toThrow(/format must be "bias-workbench.policy\/1", not "policy\/2"/);
  });

  it('names each problem by its path, with the nearest known key for a typo', () => {
    const bad = () =>
      validatePolicy({
        format: F,
        rules: [
          { metric: 'demographicParityDiference', attribute: 'town', max: 0.1, action: 'retrain' },
          { drift: 'psi', colum: 'x', max: 0.2, action: 'offline' },
          { drift: 'psi', max: 0.2, action: 'shutdown' },
        ],
      });
    expect(bad).toThrow(/rules\[0\]\.metric "demographicParityDiference" is not an audit metric or disparity \(did you mean "demographicParityDifference"\?\)/);
    expect(bad).toThrow(/rules\[1\]\.colum is not a field of a "drift" rule \(did you mean "column"\?\)/);
    expect(bad).toThrow(/rules\[2\]\.action must be one of review, retrain, offline, not "shutdown"/);
  });

  it('needs a bound, an attribute for a disparity, one kind per rule', () => {
    expect(() => validatePolicy({ format: F, rules: [{ drift: 'psi', action: 'review' }] })).toThrow(/rules\[0\] needs a bound/);
    expect(() => validatePolicy({ format: F, rules: [{ metric: 'disparateImpact', min: 0.8, action: 'review' }] })).toThrow(/needs an "attribute"/);
    expect(() => validatePolicy({ format: F, rules: [{ drift: 'psi', minRows: 3, max: 1, action: 'review' }] })).toThrow(/give one kind per rule/);
    expect(() => validatePolicy({ format: F, rules: [] })).toThrow(/rules must be a non-empty array/);
    expect(() => validatePolicy({ format: F, rules: [{ minRows: 10, action: 'review' }], treshold: 1 })).toThrow(/treshold is not a policy field/);
  });
});

describe('evaluatePolicy', () => {
  it('ok when every rule holds, with the value and its evidence', () => {
    const p = validatePolicy({ format: F, rules: [{ minRows: 5, action: 'review' }, { metric: 'selectionRate', max: 1, action: 'review' }] });
    const r = evaluatePolicy(p, context());
    expect(r.verdict).toBe('ok');
    expect(r.rules[0]).toMatchObject({ value: 8, broken: false, undetermined: false, evidence: 'current rows 8' });
  });

  it('a disparity rule breaks on the audit JSON’s value; the verdict is the strongest action', () => {
    const ctx = context();
    const dpd = ctx.audit!.attributes[0].disparities.demographicParityDifference as number;
    expect(dpd).toBeCloseTo(0.5, 12); // a: 3 of 4 selected at 0.5, b: 1 of 4
    const p = validatePolicy({
      format: F,
      rules: [
        { metric: 'demographicParityDifference', attribute: 'town', max: 0.1, action: 'retrain' },
        { minRows: 100, action: 'review' },
        { drift: 'psi', column: '*', max: 0.25, action: 'offline' },
      ],
    });
    const r = evaluatePolicy(p, ctx);
    expect(r.rules[0]).toMatchObject({ broken: true, value: dpd, action: 'retrain' });
    expect(r.rules[1]).toMatchObject({ broken: true, value: 8 });
    expect(r.rules[2].broken).toBe(true);
    expect(r.rules[2].evidence).toContain('channel');
    expect(r.verdict).toBe('offline');
  });

  it('a group metric with an attribute checks every group and reports the worst', () => {
    const p = validatePolicy({ format: F, rules: [{ metric: 'selectionRate', attribute: 'town', max: 0.5, action: 'review' }] });
    const r = evaluatePolicy(p, context());
    expect(r.rules[0]).toMatchObject({ broken: true, value: 0.75 });
    expect(r.rules[0].evidence).toBe('outside ≤ 0.5: town=a 0.75');
  });

  it('selection-rate change and KS rules (a measure only numeric columns have)', () => {
    const p = validatePolicy({
      format: F,
      rules: [
        { selectionRateChange: 'town', max: 0.2, action: 'retrain' },
        { drift: 'ksPValue', min: 0.0001, action: 'review' },
      ],
    });
    const r = evaluatePolicy(p, context());
    expect(r.rules[0]).toMatchObject({ broken: true, value: 0.5 }); // a: 0.25 → 0.75
    expect(r.rules[1]).toMatchObject({ broken: false, undetermined: false });
    expect(r.rules[1].evidence).toMatch(/^amount /);
    expect(r.verdict).toBe('retrain');
  });

  it('an undefined value is undetermined, never passed: the verdict takes onUndefined', () => {
    const rules = [
      { metric: 'truePositiveRate', attribute: 'town', group: 'b', min: 0.5, action: 'retrain' },
      { metric: 'demographicParityDifference', attribute: 'region', max: 0.1, action: 'retrain' },
    ];
    const ctx = context();
    const r = evaluatePolicy(validatePolicy({ format: F, rules }), ctx);
    expect(r.rules[1]).toMatchObject({ undetermined: true, broken: false, value: null });
    expect(r.rules[1].evidence).toMatch(/no attribute 'region'/);
    expect(r.verdict).toBe('review');
    expect(evaluatePolicy(validatePolicy({ format: F, onUndefined: 'ok', rules: [rules[1]] }), ctx).verdict).toBe('ok');
    const noAudit = evaluatePolicy(validatePolicy({ format: F, rules: [rules[0]] }), { ...ctx, audit: null, auditProblem: 'no row has its outcome' });
    expect(noAudit.rules[0].evidence).toBe('no audit of the current data (no row has its outcome)');
    expect(noAudit.verdict).toBe('review');
  });
});
