import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCsv, parseCsvText } from '../../src/core/csv';
import { binLabels, defaultAgeCuts, groupColumn, intersectGroups, suggestRoles, targetLabels, validateRoles, type DatasetRoles } from '../../src/core/roles';
import { WorkbenchError } from '../../src/core/errors';
import type { CategoricalColumn, ColumnTable } from '../../src/core/table';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const bank = parseCsv(readFileSync(here('../../public/demo/bank/bank-full.csv'))).table;

function problem(f: () => unknown): WorkbenchError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(WorkbenchError);
    expect((e as WorkbenchError).hint).toBeTruthy();
    return e as WorkbenchError;
  }
  throw new Error('expected a WorkbenchError');
}

function groupStats(g: CategoricalColumn, y: Uint8Array): { n: number[]; pos: number[] } {
  const n = new Array<number>(g.levels.length).fill(0);
  const pos = new Array<number>(g.levels.length).fill(0);
  for (let i = 0; i < y.length; i++) {
    const c = g.codes[i];
    if (c < 0) continue;
    n[c]++;
    pos[c] += y[i];
  }
  return { n, pos };
}

describe('suggestRoles', () => {
  it('on the bank data: y/yes, age (cut) and marital protected, the rest features', () => {
    const r = suggestRoles(bank);
    expect(r.target).toEqual({ column: 'y', positive: 'yes' });
    expect(r.protected).toEqual([{ column: 'age', cuts: [...defaultAgeCuts] }, { column: 'marital' }]);
    expect(r.features).toEqual(['job', 'education', 'default', 'balance', 'housing', 'loan', 'contact', 'day', 'month', 'duration', 'campaign', 'pdays', 'previous', 'poutcome']);
    expect(r.ignored).toEqual([]);
    expect(r.weight).toBeUndefined();
    validateRoles(bank, r);
  });

  it('last column as target, minority as positive, ids ignored, weight found, hints obeyed', () => {
    const t = parseCsvText('lead_id,Gender,applicantAge,sample_weight,stage\n1,f,30,1,won\n2,m,41,1,lost\n3,f,52,2,lost\n4,m,27,1,lost\n').table;
    const r = suggestRoles(t);
    expect(r.target).toEqual({ column: 'stage', positive: 'won' });
    expect(r.protected).toEqual([{ column: 'Gender' }, { column: 'applicantAge', cuts: [25, 40, 60] }]);
    expect(r.ignored).toEqual(['lead_id']);
    expect(r.weight).toBe('sample_weight');
    expect(r.features).toEqual([]);
    const h = suggestRoles(t, { target: 'Gender', positive: 'f', protected: ['applicantAge'] });
    expect(h.target).toEqual({ column: 'Gender', positive: 'f' });
    expect(h.features).toEqual(['stage']);
    const m = parseCsvText('a,outcome\n1,b\n2,a\n3,b\n').table;
    expect(suggestRoles(m).target).toEqual({ column: 'outcome', positive: 'a' });
  });
});

describe('age bands on the bank data', () => {
  it('reproduce the documented counts and positive rates', () => {
    const g = groupColumn(bank, { column: 'age', cuts: [25, 40, 60] });
    expect(g.name).toBe('age');
    expect(g.levels).toEqual(['<25', '25–39', '40–59', '60+']);
    const y = targetLabels(bank, { column: 'y', positive: 'yes' });
    const { n, pos } = groupStats(g, y);
    expect(n).toEqual([809, 22553, 20065, 1784]);
    expect(pos.map((p, i) => Number(((100 * p) / n[i]).toFixed(1)))).toEqual([25.6, 11.7, 9.2, 33.6]);
    expect(y.reduce((a, b) => a + b, 0)).toBe(5289);
  });
});

describe('binning', () => {
  it('labels', () => {
    expect(binLabels([25, 40, 60])).toEqual(['<25', '25–39', '40–59', '60+']);
    expect(binLabels([1, 2])).toEqual(['<1', '1', '2+']);
    expect(binLabels([0.5, 1.5])).toEqual(['<0.5', '0.5–<1.5', '1.5+']);
  });

  it('bins [c_i, c_i+1) with missing kept missing, empty bins kept', () => {
    const t = parseCsvText('v\n24\n25\n39.5\n40\nNA\n100\n').table;
    const g = groupColumn(t, { column: 'v', cuts: [25, 40, 60] });
    expect(Array.from(g.codes)).toEqual([0, 1, 1, 2, -1, 3]);
    const none = groupColumn(t, { column: 'v' });
    expect(none.levels).toEqual(['24', '25', '39.5', '40', '100']);
  });

  it('categorical columns come back as they are; bad cuts are refused', () => {
    expect(groupColumn(bank, { column: 'marital' })).toBe(bank.columns.find((c) => c.name === 'marital'));
    expect(problem(() => groupColumn(bank, { column: 'age', cuts: [40, 25] })).code).toBe('roles-invalid');
    expect(problem(() => groupColumn(bank, { column: 'nope' })).code).toBe('roles-invalid');
  });
});

describe('targetLabels', () => {
  it('compares numbers as text', () => {
    const t = parseCsvText('y\n1\n0\n1\n').table;
    expect(Array.from(targetLabels(t, { column: 'y', positive: '1' }))).toEqual([1, 0, 1]);
    expect(Array.from(targetLabels(t, { column: 'y', positive: '1.0' }))).toEqual([1, 0, 1]);
  });

  it('refuses an absent target and rows without a target', () => {
    expect(problem(() => targetLabels(bank, { column: 'nope', positive: 'yes' })).code).toBe('target-missing');
    const t = parseCsvText('x,y\n1,yes\n2,\n3,no\n4,NA\n').table;
    const e = problem(() => targetLabels(t, { column: 'y', positive: 'yes' }));
    expect(e.code).toBe('target-missing');
    expect(e.message).toMatch(/^2 rows have no value/);
  });
});

describe('validateRoles', () => {
  const good = (): DatasetRoles => suggestRoles(bank);

  it('one-class target', () => {
    const t = parseCsvText('age,y\n30,no\n40,no\n').table;
    const e = problem(() => validateRoles(t, { target: { column: 'y', positive: 'yes' }, protected: [{ column: 'age' }], features: [], ignored: [] }));
    expect(e.code).toBe('target-one-class');
    expect(e.message).toMatch(/'no'/);
    expect(e.message).toMatch(/both outcomes/);
  });

  it('each invalid role', () => {
    const cases: [Partial<DatasetRoles>, string, RegExp][] = [
      [{ target: { column: 'nope', positive: 'yes' } }, 'target-missing', /nope/],
      [{ target: { column: 'y', positive: 'maybe' } }, 'roles-invalid', /'maybe'.*'no', 'yes'/],
      [{ protected: [{ column: 'religion' }] }, 'roles-invalid', /religion/],
      [{ protected: [{ column: 'age', cuts: [25, 60, 40] }] }, 'roles-invalid', /ascending/],
      [{ protected: [{ column: 'marital', cuts: [1] }] }, 'roles-invalid', /not numeric/],
      [{ features: ['age', 'job'] }, 'roles-invalid', /'age' has two roles: protected and feature/],
      [{ ignored: ['y'] }, 'roles-invalid', /'y' has two roles/],
      [{ weight: 'job' }, 'roles-invalid', /not numeric/],
      [{ weight: 'balance' }, 'roles-invalid', /negative/],
    ];
    for (const [patch, code, re] of cases) {
      const roles = { ...good(), ...patch };
      if (patch.weight) roles.features = roles.features.filter((f) => f !== patch.weight);
      const e = problem(() => validateRoles(bank, roles));
      expect(e.code, JSON.stringify(patch)).toBe(code);
      expect(e.message).toMatch(re);
    }
  });

  it('rows without a target', () => {
    const t = parseCsvText('sex,y\nf,yes\nm,no\nf,\n').table;
    expect(problem(() => validateRoles(t, { target: { column: 'y', positive: 'yes' }, protected: [{ column: 'sex' }], features: [], ignored: [] })).code).toBe('target-missing');
  });
});

describe('intersectGroups', () => {
  it('cartesian levels joined with |, first column slowest, missing propagates', () => {
    const a: CategoricalColumn = { type: 'categorical', name: 'a', codes: new Int32Array([0, 1, 1, -1, 0]), levels: ['x', 'y'] };
    const b: CategoricalColumn = { type: 'boolean', name: 'b', codes: new Int32Array([2, 0, 1, 0, -1]), levels: ['p', 'q', 'r'] };
    const g = intersectGroups([a, b]);
    expect(g.name).toBe('a&b');
    expect(g.type).toBe('categorical');
    expect(g.levels).toEqual(['x|p', 'x|q', 'x|r', 'y|p', 'y|q', 'y|r']);
    expect(Array.from(g.codes)).toEqual([2, 3, 4, -1, -1]);
    expect(intersectGroups([a]).levels).toEqual(['x', 'y']);
    expect(problem(() => intersectGroups([])).code).toBe('roles-invalid');
  });

  it('age band × marital on the bank data keeps empty combinations', () => {
    const g = intersectGroups([groupColumn(bank, { column: 'age', cuts: [25, 40, 60] }), groupColumn(bank, { column: 'marital' })]);
    expect(g.levels.length).toBe(12);
    expect(g.levels[0]).toBe('<25|divorced');
    const n = new Array<number>(12).fill(0);
    for (const c of g.codes) n[c]++;
    expect(n.reduce((x, y) => x + y, 0)).toBe(45211);
    expect(n[0] + n[1] + n[2]).toBe(809);
  });

  it('matches the group keys and counts of the fairlearn fixture', () => {
    const t: ColumnTable = parseCsv(readFileSync(here('../fixtures/peer/fairness.csv'))).table;
    const ref = JSON.parse(readFileSync(here('../fixtures/peer/fairness_ref.out.json'), 'utf8')) as {
      analyses: { name: string; sensitive_features: string[]; by_group: { key: string; metrics: { count: number } }[] }[];
    };
    for (const a of ref.analyses) {
      const g = intersectGroups(a.sensitive_features.map((f) => groupColumn(t, { column: f })));
      const n = new Array<number>(g.levels.length).fill(0);
      for (const c of g.codes) if (c >= 0) n[c]++;
      const ours = Object.fromEntries(g.levels.map((l, i) => [l, n[i]]));
      const theirs = Object.fromEntries(a.by_group.map((b) => [b.key, b.metrics.count]));
      expect(ours, a.name).toEqual(theirs);
    }
  });
});
