/**
 * The audit from a counts table equals the row-level audit of the rows it was counted from.
 *
 * The bank demo's 45,211 rows get a lead score (a fixed logistic formula of their columns, in
 * float32 like a model's output), then this test groups them by (age, marital, score, y) into
 * a counts CSV, reads it back through the CSV reader and audits it with
 * `countsAuditReport`; the row-level `auditReport` audits the rows. Every number of the two
 * JSON reports is compared: exact where the module says it is exact, else to 1e-12 relative.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvText } from '../../src/core/csv';
import { auditReport, computeCountsFrame, countsAuditReport, type AuditReport, type AuditRequest, type CountsAuditRequest } from '../../src/core/audit';
import { cellText, findColumn, type ColumnTable, type NumericColumn } from '../../src/core/table';
import type { DatasetRoles, ProtectedAttribute } from '../../src/core/roles';
import { WorkbenchError } from '../../src/core/errors';
import { demo } from './cli-harness';

let rows: ColumnTable;

const num = (t: ColumnTable, name: string): Float64Array => (findColumn(t, name) as NumericColumn).values;

/** A lead score in (0, 1) from the bank columns, rounded to float32 as a model's output is. */
function leadScores(t: ColumnTable): Float64Array {
  const age = num(t, 'age');
  const balance = num(t, 'balance');
  const campaign = num(t, 'campaign');
  const pdays = num(t, 'pdays');
  const previous = num(t, 'previous');
  const housing = findColumn(t, 'housing')!;
  const out = new Float64Array(t.nRows);
  for (let i = 0; i < t.nRows; i++) {
    const h = cellText(housing, i) === 'yes' ? 1 : 0;
    const z = -2.2 + 0.012 * (age[i] - 40) + 0.00004 * balance[i] - 0.09 * campaign[i] + 0.002 * Math.max(pdays[i], 0) + 0.15 * previous[i] - 0.6 * h;
    out[i] = Math.fround(1 / (1 + Math.exp(-z)));
  }
  return out;
}

/** A row weight that is not a dyadic fraction, so weighted sums round. */
function rowWeights(t: ColumnTable): Float64Array {
  const day = num(t, 'day');
  const balance = num(t, 'balance');
  return Float64Array.from(day, (d, i) => 0.3 + (d % 7) / 3 + (Math.abs(balance[i]) % 11) / 7);
}

function withColumns(t: ColumnTable, extra: Record<string, Float64Array>): ColumnTable {
  return { nRows: t.nRows, columns: [...t.columns, ...Object.entries(extra).map(([name, values]) => ({ type: 'numeric' as const, name, values }))] };
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The counts table of `t` as a warehouse's GROUP BY would return it (cells in first-seen
 * order, as no ORDER BY promises any), written as CSV and read back.
 */
function countsOf(t: ColumnTable, keys: string[], weight?: string): ColumnTable {
  const cols = keys.map((k) => findColumn(t, k)!);
  const w = weight ? num(t, weight) : null;
  const cells = new Map<string, { n: number; w: number }>();
  for (let r = 0; r < t.nRows; r++) {
    const key = cols.map((c) => csvField(cellText(c, r))).join(',');
    const e = cells.get(key);
    if (e) {
      e.n++;
      if (w) e.w += w[r];
    } else cells.set(key, { n: 1, w: w ? w[r] : 0 });
  }
  const lines = [[...keys, 'n', ...(w ? ['wsum'] : [])].join(',')];
  for (const [key, e] of cells) lines.push([key, String(e.n), ...(w ? [String(e.w)] : [])].join(','));
  return parseCsvText(lines.join('\n') + '\n').table;
}

const AGE: ProtectedAttribute = { column: 'age', cuts: [25, 40, 60] };
const MARITAL: ProtectedAttribute = { column: 'marital' };

function roles(weight?: string): DatasetRoles {
  return { target: { column: 'y', positive: 'yes' }, protected: [AGE, MARITAL], features: [], ignored: [], ...(weight ? { weight } : {}) } as DatasetRoles;
}

interface Diff {
  compared: number;
  inexact: number;
  worst: number;
}

/**
 * Every leaf of `a` against `b`: same shape, same strings and booleans, numbers equal to
 * `tol` relative (null = null). With `skipIntervals`, the numbers under an `intervals` key
 * are left out (their shape is still compared).
 */
function compareDeep(a: unknown, b: unknown, path: string, tol: number, d: Diff, skipIntervals = false): void {
  if (skipIntervals && /\.intervals(\.|$)/.test(path) && (typeof b === 'number' || b === null)) return;
  if (typeof b === 'number' && typeof a === 'number') {
    d.compared++;
    if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return;
    d.inexact++;
    const rel = Math.abs(a - b) / Math.max(1, Math.abs(b));
    d.worst = Math.max(d.worst, rel);
    if (!(rel <= tol)) expect.fail(`${path}: counts ${a} vs rows ${b}`);
    return;
  }
  if (b === null || typeof b !== 'object') {
    d.compared++;
    expect(a, path).toBe(b);
    return;
  }
  expect(a !== null && typeof a === 'object', `${path} is an object`).toBe(true);
  const ka = Object.keys(a as object).sort();
  const kb = Object.keys(b as object).sort();
  expect(ka, `${path} keys`).toEqual(kb);
  for (const k of kb) compareDeep((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, tol, d, skipIntervals);
}

function compareReports(counts: AuditReport, rowLevel: AuditReport, opts: { skipIntervals?: boolean } = {}): Diff {
  const d: Diff = { compared: 0, inexact: 0, worst: 0 };
  compareDeep(counts, rowLevel, 'report', 1e-12, d, opts.skipIntervals ?? false);
  return d;
}

/** The row-level and the counts audit of the same request. */
function both(
  req: Omit<AuditRequest, 'table' | 'roles' | 'scores'>,
  opts: { table?: ColumnTable; weight?: string; score?: string | null; keys?: string[] } = {},
): { rows: AuditReport; counts: AuditReport; cells: number } {
  const table = opts.table ?? rows;
  const score = opts.score === undefined ? 'score' : opts.score;
  const r = roles(opts.weight);
  const rowLevel = auditReport({ table, roles: r, scores: score ? num(table, score) : null, ...req });
  const keys = opts.keys ?? ['age', 'marital', ...(score ? [score] : []), ...(req.predictions ? ['pred'] : []), 'y'];
  const ct = countsOf(table, keys, opts.weight);
  const creq: CountsAuditRequest = {
    table: ct,
    roles: roles(opts.weight ? 'wsum' : undefined),
    score,
    ...(req.predictions ? { prediction: 'pred' } : {}),
    ...req,
  };
  delete (creq as { predictions?: unknown }).predictions;
  const counts = countsAuditReport(creq);
  // the input section names the weight column as each table has it
  if (opts.weight) counts.input.weight = opts.weight;
  return { rows: rowLevel, counts, cells: ct.nRows };
}

beforeAll(() => {
  const bank = parseCsvText(readFileSync(join(demo, 'bank-full.csv'), 'utf8')).table;
  const base = withColumns(bank, { w: rowWeights(bank) });
  const score = leadScores(base);
  rows = withColumns(base, { score, score2: Float64Array.from(score, (s) => Math.round(s * 100) / 100) });
});

describe('audit from counts = row-level audit (bank demo, 45,211 rows)', () => {
  it('threshold, intersections, bootstrap: every point number; intervals of the same shape', () => {
    const { rows: r, counts: c, cells } = both({ decision: { rule: 'threshold', threshold: 0.15 }, intersections: true, bootstrap: { resamples: 40, seed: 11 } });
    expect(cells).toBeLessThan(rows.nRows);
    expect(c.rows).toBe(45211);
    expect(r.attributes.map((a) => a.name)).toEqual(['age', 'marital', 'age&marital']);
    expect(r.overall.intervals?.selectionRate).toBeDefined();
    const d = compareReports(c, r, { skipIntervals: true });
    expect(d.compared).toBeGreaterThan(1500);
  });

  it('every number, bootstrap intervals included, draw for draw, when no two cells share a score', () => {
    const s = num(rows, 'score');
    const table = withColumns(rows, { score3: Float64Array.from(s, (x, i) => (x < 0.5 ? x + i * 1e-13 : x - i * 1e-13)) });
    expect(new Set(num(table, 'score3')).size).toBe(rows.nRows);
    const { rows: r, counts: c } = both({ decision: { rule: 'threshold', threshold: 0.15 }, intersections: true, bootstrap: { resamples: 25, seed: 11 } }, { table, score: 'score3' });
    const d = compareReports(c, r);
    expect(d.compared).toBeGreaterThan(2500);
  });

  it('rounded scores (2 digits, ties across cells): every point number equal; intervals equal in distribution only', () => {
    const { rows: r, counts: c, cells } = both({ decision: { rule: 'threshold', threshold: 0.12 }, intersections: true }, { score: 'score2' });
    expect(cells).toBeLessThan(rows.nRows / 8);
    compareReports(c, r);
    const boot = both({ decision: { rule: 'threshold', threshold: 0.12 }, bootstrap: { resamples: 200, seed: 3 } }, { score: 'score2' });
    // the overall selection rate's draws agree (a position's selection does not depend on the
    // order inside a tie block), the base rate's do not (a position's label does)
    expect(boot.counts.overall.intervals!.selectionRate).toEqual(boot.rows.overall.intervals!.selectionRate);
    const [lo1, hi1] = boot.counts.overall.intervals!.baseRate!;
    const [lo2, hi2] = boot.rows.overall.intervals!.baseRate!;
    expect(lo1).not.toBe(lo2);
    expect(Math.abs(lo1! - lo2!)).toBeLessThan(0.003);
    expect(Math.abs(hi1! - hi2!)).toBeLessThan(0.003);
  });

  it('weights: every number to 1e-12 (weighted sums differ only in summation order)', () => {
    const { rows: r, counts: c } = both({ decision: { rule: 'threshold', threshold: 0.1 }, reference: 'married' }, { weight: 'w' });
    const d = compareReports(c, r);
    expect(d.inexact).toBeGreaterThan(0);
    expect(d.worst).toBeLessThan(1e-12);
  });

  it('top-k and top-% between two scores, fairlearn-compatible mode, a minimum group size', () => {
    for (const decision of [{ rule: 'top-k', k: 5000 }, { rule: 'top-percent', percent: 20 }] as const) {
      const { rows: r, counts: c } = both({ decision, fairlearnCompatible: true, minGroupSize: 100 });
      expect(c.decision).toEqual(r.decision);
      compareReports(c, r);
    }
  });

  it('decisions only (a 0/1 column): score metrics undefined in both, the rest equal', () => {
    const pred = Uint8Array.from(num(rows, 'score'), (s) => (s >= 0.13 ? 1 : 0));
    const table = withColumns(rows, { pred: Float64Array.from(pred) });
    const { rows: r, counts: c } = both({ predictions: pred }, { table, score: null });
    expect(c.overall.rocAuc).toBeNull();
    expect(c.decision.source).toBe('predictions');
    compareReports(c, r);
  });

  it('a top-k cut among tied rounded scores is refused with a reason', () => {
    const ct = countsOf(rows, ['age', 'marital', 'score2', 'y']);
    const req: CountsAuditRequest = { table: ct, roles: roles(), score: 'score2', decision: { rule: 'top-k', k: 5000 } };
    expect(() => countsAuditReport(req)).toThrow(/share the score/);
  });
});

describe('counts table checks', () => {
  const table = (csv: string): ColumnTable => parseCsvText(csv).table;
  const req = (t: ColumnTable): CountsAuditRequest => ({ table: t, roles: { target: { column: 'y', positive: '1' }, protected: [{ column: 'g' }], features: [], ignored: [] } as DatasetRoles, score: 's' });

  it('refuses a count that is not a whole number ≥ 1, naming the row', () => {
    for (const bad of ['0', '2.5', '-1', '']) {
      const t = table(`g,s,y,n\na,0.5,1,3\nb,0.2,0,${bad}\n`);
      let err: unknown;
      try {
        countsAuditReport(req(t));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(WorkbenchError);
      expect((err as WorkbenchError).message).toMatch(/data row 2/);
    }
  });

  it('refuses a missing count column and a score outside [0, 1]', () => {
    expect(() => countsAuditReport(req(table('g,s,y\na,0.5,1\nb,0.2,0\n')))).toThrow(/count column 'n'/);
    expect(() => countsAuditReport(req(table('g,s,y,n\na,1.5,1,2\nb,0.2,0,1\n')))).toThrow(/outside \[0, 1\]/);
  });

  it('counts rows, not cells: n, weight sums and rows in no group', () => {
    const r = countsAuditReport(req(table('g,s,y,n\na,0.9,1,3\na,0.1,0,2\n,0.7,1,4\nb,0.4,0,1\n')));
    expect(r.rows).toBe(10);
    expect(r.overall.count).toBe(10);
    expect(r.attributes[0].missingRows).toBe(4);
    expect(r.attributes[0].groups.map((g) => [g.group, g.count])).toEqual([['a', 5], ['b', 1]]);
    expect(r.notes.map((n) => [n.kind, n.count])).toEqual([['no-group', 4]]);
    // the 4 unlabelled-group rows (score 0.7, positive) count overall: TPR at 0.5 = (3 + 4) / 7
    expect(r.overall.truePositiveRate).toBe(1);
    expect(r.overall.selectionRate).toBe(0.7);
  });

  it('the bootstrap draws N positions over the cells: a one-cell group keeps its share on average', () => {
    const t = table('g,s,y,n\na,0.9,1,30\na,0.1,0,30\nb,0.8,1,20\nb,0.2,0,20\n');
    const cells = {
      counts: Float64Array.from([30, 30, 20, 20]),
      labels: Uint8Array.from([1, 0, 1, 0]),
      scores: Float64Array.from([0.9, 0.1, 0.8, 0.2]),
      attributes: [{ columns: ['g'], codes: Int32Array.from([0, 0, 1, 1]), levels: ['a', 'b'], levelValues: [['a'], ['b']] }],
    };
    const f = computeCountsFrame(cells, { bootstrap: { resamples: 300, seed: 1 } });
    const iv = f.overall.intervals!.baseRate!;
    expect(iv.lower!).toBeLessThan(0.5);
    expect(iv.upper!).toBeGreaterThan(0.5);
    expect(iv.defined).toBe(300);
    expect(t.nRows).toBe(4);
  });
});
