/**
 * The worker's monitoring glue (workers/monitor-jobs.ts): a run compares the reference and
 * current tables as core does (column drift, scores, selection rates), audits the current data
 * on its rows with known outcomes only, lists columns it did not compare, finds the ISO date
 * columns, reads a policy's text with a clear error, and judges it on the run.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvText } from '../../src/core/csv';
import { scoreDrift, tableDrift } from '../../src/core/monitor';
import { WorkbenchError } from '../../src/core/errors';
import type { ColumnTable } from '../../src/core/table';
import { judgePolicy, monitorRun, monitorView, monitorWindowsJob, parsePolicy, timeColumns } from '../../workers/monitor-jobs';

const roles = { target: { column: 'y', positive: 'yes' }, protected: [{ column: 'town' }], features: ['amount'], ignored: [] };
const decision = { rule: 'threshold' as const, threshold: 0.5 };

function csv(rows: string[]): ColumnTable {
  return parseCsvText(`${rows.join('\n')}\n`).table;
}

/** 40 rows: towns a/b, amounts 1..40, y yes on every third row; scores amount / 40. */
const reference = csv(['town,amount,y', ...Array.from({ length: 40 }, (_, i) => `${i % 2 ? 'a' : 'b'},${i + 1},${i % 3 === 0 ? 'yes' : 'no'}`)]);
const refScores = Float64Array.from({ length: 40 }, (_, i) => (i + 1) / 40);

/** 30 rows, amounts shifted up, outcomes unknown on the last 10, a date column and a town the reference never had. */
function currentTable(): ColumnTable {
  return csv([
    'town,amount,y,date',
    ...Array.from({ length: 30 }, (_, i) => `${i === 29 ? 'c' : i % 2 ? 'a' : 'b'},${i + 15},${i >= 20 ? '' : i % 2 === 0 ? 'yes' : 'no'},2024-0${1 + Math.floor(i / 10)}-1${i % 10}`),
  ]);
}
const curScores = Float64Array.from({ length: 30 }, (_, i) => Math.min(1, (i + 15) / 40));

describe('monitorRun', () => {
  const current = currentTable();
  const run = monitorRun({ table: reference, scores: refScores }, { table: current, scores: curScores }, { roles, decision, timeColumn: 'date' });

  it('has core drift for every reference column and the scores', () => {
    const direct = tableDrift({ reference, current, columns: ['town', 'amount', 'y'] });
    expect(run.columns).toEqual(direct.columns);
    expect(run.score).toEqual(scoreDrift(refScores, curScores));
    expect(run.columns.find((c) => c.column === 'town')?.unseen).toEqual([{ value: 'c', count: 1 }]);
  });

  it('lists the current-only columns it did not compare, the time column named so', () => {
    expect(run.skipped).toEqual([{ column: 'date', reason: 'the time column, not in the reference data' }]);
    const noTime = monitorRun({ table: reference, scores: refScores }, { table: current, scores: curScores }, { roles, decision });
    expect(noTime.skipped).toEqual([{ column: 'date', reason: 'not in the reference data' }]);
  });

  it('audits the current data on its rows with known outcomes only', () => {
    expect(run.rows).toEqual({ reference: 40, current: 30, referenceWithOutcome: 40, currentWithOutcome: 20 });
    expect(run.current.audit?.overall.count).toBe(20);
    // town c's one row has no outcome yet: the group is listed empty (levels are kept), its change undefined
    expect(run.selectionRates.map((r) => r.group).sort()).toEqual(['a', 'b', 'c']);
    expect(run.selectionRates.find((r) => r.group === 'c')).toMatchObject({ current: { count: 0, rate: null }, difference: null });
    const view = monitorView(run);
    expect(view.audit.current?.overall.count).toBe(20);
    expect(view.audit.currentProblem).toBeUndefined();
  });

  it('says why there is no audit when no outcome is known, and a policy on the audit is undetermined', () => {
    const unknown = csv(['town,amount,y', 'a,1,', 'b,2,']);
    const r = monitorRun({ table: reference, scores: refScores }, { table: unknown, scores: Float64Array.of(0.1, 0.9) }, { roles, decision });
    expect(r.current.audit).toBeNull();
    expect(monitorView(r).audit.currentProblem).toBe("no row of the current data has its outcome ('y') yet");
    expect(r.selectionRates).toEqual([]);
    const verdict = judgePolicy(parsePolicy(JSON.stringify({ format: 'bias-workbench.policy/1', rules: [{ metric: 'disparateImpact', attribute: 'town', min: 0.8, action: 'retrain' }] })), r);
    expect(verdict.verdict).toBe('review');
    expect(verdict.rules[0]).toMatchObject({ undetermined: true, broken: false });
    expect(verdict.rules[0].evidence).toContain('no audit of the current data');
  });

  it('judges a policy on the run: the strongest broken action, with the evidence', () => {
    const policy = parsePolicy(
      JSON.stringify({ format: 'bias-workbench.policy/1', name: 'p', rules: [{ drift: 'psi', column: 'amount', max: 0.1, action: 'offline' }, { minRows: 10, action: 'review' }] }),
    );
    const r = judgePolicy(policy, run);
    expect(r.name).toBe('p');
    expect(r.verdict).toBe('offline');
    expect(r.rules.map((x) => x.broken)).toEqual([true, false]);
    expect(r.rules[0].evidence).toMatch(/^outside ≤ 0\.1: amount \d/);
  });

  it('splits the current data by month with drift per window', () => {
    const w = monitorWindowsJob({ table: reference, scores: refScores }, { table: current, scores: curScores }, { roles, decision, timeColumn: 'date', unit: 'month' });
    expect(w.windows.map((x) => [x.key, x.rows, x.rowsWithOutcome])).toEqual([
      ['2024-01', 10, 10],
      ['2024-02', 10, 10],
      ['2024-03', 10, 0],
    ]);
    expect(w.windows[2].audit).toBeNull();
    expect(w.windows[0].drift?.columns.map((c) => c.column)).toEqual(['town', 'amount', 'y']);
  });
});

describe('timeColumns', () => {
  it('finds the columns whose every value is an ISO date or date-time', () => {
    const t = csv(['when,label,n,stamp', '2024-01-05,x,1,2024-01-05T10:00', '2024-02-05,2024-02-01,2,2024-01-06 11:30:00', ',y,3,2024-01-07']);
    expect(timeColumns(t)).toEqual(['when', 'stamp']);
  });
});

describe('parsePolicy', () => {
  it('refuses text that is not JSON, saying so', () => {
    try {
      parsePolicy('{"format": "bias-workbench.policy/1", "rules": [}');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(WorkbenchError);
      expect((e as WorkbenchError).code).toBe('policy-invalid');
      expect((e as WorkbenchError).message).toMatch(/^The policy is not JSON: /);
    }
  });

  it('passes core validation problems through by path', () => {
    expect(() => parsePolicy(JSON.stringify({ format: 'bias-workbench.policy/1', rules: [{ drift: 'psi', max: 0.1, action: 'retire' }] }))).toThrow(/rules\[0\]\.action must be one of review, retrain, offline/);
  });
});

describe('on the bank data split by time', () => {
  it('finds the later bank rows drifted in how clients were contacted (the e2e fixture)', () => {
    const demo = join(import.meta.dirname, '../../public/demo/bank/bank-full.csv');
    const ref = parseCsvText(readFileSync(demo, 'utf8')).table;
    const cur = parseCsvText(readFileSync(join(import.meta.dirname, '../fixtures/monitor/bank-later.csv'), 'utf8')).table;
    expect(cur.nRows).toBe(2186);
    expect(timeColumns(cur)).toEqual(['date']);
    const bankRoles = { target: { column: 'y', positive: 'yes' }, protected: [{ column: 'marital' }], features: [], ignored: [] };
    const r = monitorRun({ table: ref, scores: new Float64Array(ref.nRows).fill(0.5) }, { table: cur, scores: new Float64Array(cur.nRows).fill(0.5) }, { roles: bankRoles, decision, timeColumn: 'date' });
    const top = [...r.columns].sort((a, b) => (b.psi ?? 0) - (a.psi ?? 0))[0];
    expect(top.column).toBe('contact');
    expect(top.psi).toBeGreaterThan(0.25);
    expect(r.columns.find((c) => c.column === 'housing')?.psi).toBeLessThan(0.1);
  });
});
