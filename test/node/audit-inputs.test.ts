/**
 * The audit's shared input builders (src/core/audit/inputs.ts): attributes and every
 * intersection, named as fairlearn keys them; the guard on numeric protected columns; weights;
 * decisions with the frame's tie rule; slice columns. The worker's glue uses the same builders,
 * so the app and the CLI audit the same groups.
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_UNBINNED_LEVELS,
  attributeReferences,
  auditFrameInput,
  buildAttributes,
  decideRows,
  intersectionSets,
  protectedGroups,
  quartileCuts,
  rowWeights,
  sliceColumns,
} from '../../src/core/audit';
import { computeMetricFrame, type DecisionRule } from '../../src/core/metrics';
import { intersectGroups, groupColumn, MAX_INTERSECTIONS, type DatasetRoles } from '../../src/core/roles';
import type { CategoricalColumn, ColumnTable } from '../../src/core/table';
import { createRng } from '../../src/core/rng';
import { runAudit } from '../../workers/audit-jobs';
import { problem } from './synthetic';

/** n rows: categorical a (2 levels), b (3), c (2), d (2); numeric age 18..77; score; y; w. */
function table(n = 240, seed = 3): ColumnTable {
  const rng = createRng(seed);
  const cat = (name: string, levels: string[]): CategoricalColumn => ({ type: 'categorical', name, levels, codes: Int32Array.from({ length: n }, () => rng.int(levels.length)) });
  const a = cat('a', ['a0', 'a1']);
  const b = cat('b', ['b0', 'b1', 'b2']);
  const c = cat('c', ['c0', 'c1']);
  const d = cat('d', ['d0', 'd1']);
  b.codes[5] = -1; // one row with no value for b
  const age = Float64Array.from({ length: n }, (_, i) => 18 + (i % 60));
  const score = Float64Array.from({ length: n }, () => Math.round(rng.next() * 20) / 20); // many ties
  const y = Int32Array.from({ length: n }, (_, i) => (score[i] + 0.3 * rng.next() > 0.6 ? 1 : 0));
  const w = Float64Array.from({ length: n }, () => 0.5 + rng.next());
  return {
    nRows: n,
    columns: [
      a,
      b,
      c,
      d,
      { type: 'numeric', name: 'age', values: age },
      { type: 'numeric', name: 'score', values: score },
      { type: 'categorical', name: 'y', codes: y, levels: ['no', 'yes'] },
      { type: 'numeric', name: 'w', values: w },
    ],
  };
}

const ROLES: DatasetRoles = { target: { column: 'y', positive: 'yes' }, protected: [{ column: 'a' }, { column: 'b' }, { column: 'c' }], features: [], ignored: [] };

describe('buildAttributes', () => {
  it('each protected attribute, then every subset of two or more: pairs first, then the triple, named a&b', () => {
    const t = table();
    expect(buildAttributes(t, ROLES.protected).map((x) => x.name)).toEqual(['a', 'b', 'c']);
    const attrs = buildAttributes(t, ROLES.protected, { intersections: true });
    expect(attrs.map((x) => x.name)).toEqual(['a', 'b', 'c', 'a&b', 'a&c', 'b&c', 'a&b&c']);
    expect(attrs[6].columns).toEqual(['a', 'b', 'c']);
    expect(attrs[6].levels).toHaveLength(12);
    expect(attrs[6].levels[0]).toBe('a0|b0|c0');
    expect(attrs[6].levelValues[11]).toEqual(['a1', 'b2', 'c1']);
  });

  it('four attributes give 4 + 6 pairs + 4 triples + 1 quadruple, in that order', () => {
    const t = table();
    const attrs = buildAttributes(t, [{ column: 'a' }, { column: 'b' }, { column: 'c' }, { column: 'd' }], { intersections: true });
    expect(attrs.map((x) => x.name)).toEqual(['a', 'b', 'c', 'd', 'a&b', 'a&c', 'a&d', 'b&c', 'b&d', 'c&d', 'a&b&c', 'a&b&d', 'a&c&d', 'b&c&d', 'a&b&c&d']);
    expect(intersectionSets(4)).toEqual([[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3], [0, 1, 2], [0, 1, 3], [0, 2, 3], [1, 2, 3], [0, 1, 2, 3]]);
    expect(intersectionSets(1)).toEqual([]);
  });

  it('an intersection has the codes, levels and name of roles.intersectGroups (a row missing in a part is missing)', () => {
    const t = table();
    const [, , , ab] = buildAttributes(t, ROLES.protected, { intersections: true });
    const ref = intersectGroups([groupColumn(t, { column: 'a' }), groupColumn(t, { column: 'b' })]);
    expect(ab.name).toBe(ref.name);
    expect(ab.levels).toEqual(ref.levels);
    expect(Array.from(ab.codes)).toEqual(Array.from(ref.codes));
    expect(ab.codes[5]).toBe(-1);
  });

  it('refuses an intersection beyond MAX_INTERSECTIONS groups, naming the columns', () => {
    const n = 10;
    const wide = (name: string): CategoricalColumn => ({ type: 'categorical', name, levels: Array.from({ length: 400 }, (_, i) => `${name}${i}`), codes: new Int32Array(n) });
    const t: ColumnTable = { nRows: n, columns: [wide('p'), wide('q')] };
    expect(buildAttributes(t, [{ column: 'p' }, { column: 'q' }])).toHaveLength(2);
    const e = problem(() => buildAttributes(t, [{ column: 'p' }, { column: 'q' }], { intersections: true }));
    expect(e.code).toBe('roles-invalid');
    expect(e.message).toContain(`'p', 'q' makes 160000 groups, more than ${MAX_INTERSECTIONS}`);
  });

  it('the references per attribute name, in attribute order', () => {
    const attrs = buildAttributes(table(), ROLES.protected, { intersections: true });
    expect(attributeReferences(attrs, { b: 'b2', 'a&c': 'a1|c0' })).toEqual([null, 'b2', null, null, 'a1|c0', null, null]);
    expect(attributeReferences(attrs, undefined)).toEqual(Array(7).fill(null));
  });
});

describe('protectedGroups: numeric protected columns', () => {
  it(`a numeric column with more than ${MAX_UNBINNED_LEVELS} distinct values and no cut points is refused, with quartile cuts`, () => {
    const t = table();
    const e = problem(() => protectedGroups(t, { column: 'age' }));
    expect(e.code).toBe('roles-invalid');
    expect(e.message).toMatch(/'age' is numeric with more than 20 distinct values/);
    // ages 18..77, 4 rows each: the quartiles are the 60th, 120th and 180th of the sorted rows
    expect(quartileCuts((t.columns[4] as { values: Float64Array }).values)).toEqual([33, 48, 63]);
    expect(e.hint).toContain('33, 48, 63');
    expect(e.hint).toContain('--bins age=33,48,63');
    expect(problem(() => buildAttributes(t, [{ column: 'age' }])).code).toBe('roles-invalid');
  });

  it('with cut points it is binned; with at most 20 values it is grouped by value', () => {
    const t = table();
    expect(protectedGroups(t, { column: 'age', cuts: [25, 40, 60] }).levels).toEqual(['<25', '25–39', '40–59', '60+']);
    const few: ColumnTable = { nRows: 40, columns: [{ type: 'numeric', name: 'n', values: Float64Array.from({ length: 40 }, (_, i) => i % 20) }] };
    expect(protectedGroups(few, { column: 'n' }).levels).toHaveLength(20);
  });

  it('quartile cuts skip missing values, round to 4 significant digits, never repeat and lie above the minimum', () => {
    expect(quartileCuts(Float64Array.from([NaN, 1, 1, 1, 1, 2, 3, 4, 5]))).toEqual([2, 4]);
    expect(quartileCuts(Float64Array.from([NaN, 1, 1, 1, 1, 1, 1, 1, 2]))).toEqual([]);
    expect(quartileCuts([0.123456, 0.234567, 0.345678, 0.456789])).toEqual([0.2346, 0.3457, 0.4568]);
    expect(quartileCuts([NaN])).toEqual([]);
  });
});

describe('rowWeights', () => {
  it('copies the weight column; none without a weight role', () => {
    const t = table();
    const w = rowWeights(t, { weight: 'w' })!;
    expect(Array.from(w)).toEqual(Array.from((t.columns[7] as { values: Float64Array }).values));
    expect(w).not.toBe((t.columns[7] as { values: Float64Array }).values);
    expect(rowWeights(t, {})).toBeUndefined();
  });

  it('refuses a text, absent or negative weight column', () => {
    const t = table();
    expect(problem(() => rowWeights(t, { weight: 'a' })).message).toMatch(/'a' is not numeric/);
    expect(problem(() => rowWeights(t, { weight: 'zz' })).message).toMatch(/'zz' is not in the table/);
    const neg: ColumnTable = { nRows: 3, columns: [{ type: 'numeric', name: 'w', values: Float64Array.from([1, -1, NaN]) }] };
    expect(problem(() => rowWeights(neg, { weight: 'w' })).message).toMatch(/2 missing, negative or infinite values/);
  });
});

describe('decideRows', () => {
  const scores = Float64Array.from([0.5, 0.9, 0.5, 0.5, 0.1]);
  const picked = (rule: DecisionRule) => Array.from(decideRows(scores, rule));

  it('ties at the cut go to the earlier row, as in the metric frame', () => {
    expect(picked({ rule: 'threshold', threshold: 0.5 })).toEqual([1, 1, 1, 1, 0]);
    expect(picked({ rule: 'threshold', threshold: 0.51 })).toEqual([0, 1, 0, 0, 0]);
    expect(picked({ rule: 'top-k', k: 2 })).toEqual([1, 1, 0, 0, 0]);
    expect(picked({ rule: 'top-k', k: 3 })).toEqual([1, 1, 1, 0, 0]);
    expect(picked({ rule: 'top-percent', percent: 40 })).toEqual([1, 1, 0, 0, 0]);
    expect(picked({ rule: 'top-k', k: 99 })).toEqual([1, 1, 1, 1, 1]);
  });

  it('selects the rows the metric frame selects, group by group', () => {
    const t = table(500, 8);
    const s = (t.columns[5] as { values: Float64Array }).values;
    const input = auditFrameInput(t, { ...ROLES, protected: [{ column: 'b' }] });
    for (const rule of [{ rule: 'top-k', k: 137 }, { rule: 'top-percent', percent: 33 }, { rule: 'threshold', threshold: 0.55 }] as DecisionRule[]) {
      const d = decideRows(s, rule);
      const frame = computeMetricFrame({ ...input, scores: s }, { decision: rule });
      expect(d.reduce((x, v) => x + v, 0)).toBe(frame.decision.selected);
      const [attr] = frame.attributes;
      attr.groups.forEach((g, gi) => {
        let sel = 0;
        for (let i = 0; i < t.nRows; i++) if (input.attributes[0].codes[i] === gi) sel += d[i];
        expect(sel, `${g.level} ${rule.rule}`).toBeCloseTo((g.metrics.selectionRate.value ?? 0) * g.count, 9);
      });
    }
  });

  it('refuses a score that is not a number', () => {
    expect(problem(() => decideRows(Float64Array.from([0.2, NaN]), { rule: 'top-k', k: 1 })).code).toBe('model-invalid');
  });
});

describe('sliceColumns', () => {
  it('protected groups first (binned), then the model columns that are neither protected nor the target', () => {
    const t = table();
    const cols = sliceColumns(t, { target: ROLES.target, protected: [{ column: 'age', cuts: [40] }, { column: 'a' }] }, ['y', 'b', 'a', 'score', 'missing', 'b']);
    expect(cols.map((c) => [c.name, c.kind])).toEqual([
      ['age', 'categorical'],
      ['a', 'categorical'],
      ['b', 'categorical'],
      ['score', 'numeric'],
    ]);
    expect(cols[0].kind === 'categorical' && cols[0].levels).toEqual(['<40', '40+']);
  });
});

describe('the worker builds the same attributes as the CLI', () => {
  it('runAudit names every intersection a&b and includes every triple', () => {
    const t = table();
    const scores = Float32Array.from((t.columns[5] as { values: Float64Array }).values);
    const roles: DatasetRoles = { ...ROLES, protected: [{ column: 'a' }, { column: 'b' }, { column: 'c' }, { column: 'd' }] };
    const frame = runAudit(t, roles, scores, { decision: { rule: 'threshold', threshold: 0.5 }, intersections: true, references: { 'a&b': 'a1|b1' } });
    expect(frame.attributes.map((a) => a.name)).toEqual(buildAttributes(t, roles.protected, { intersections: true }).map((a) => a.name));
    expect(frame.attributes.map((a) => a.name)).toContain('b&c&d');
    expect(frame.attributes.find((a) => a.name === 'a&b')!.reference).toBe('a1|b1');
  });
});
