/**
 * Windows over a time column, and the monitor command end to end: a policy met → exit 0,
 * broken → 3 with every broken rule named on standard error, bad input → 1, bad usage → 2.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { auditReport } from '../../src/core/audit';
import { monitorWindows, parseIsoDay, splitWindows, takeRows, windowOf } from '../../src/core/monitor/windows';
import type { ColumnTable } from '../../src/core/table';
import { makeTempDir, run, writeIn } from './cli-harness';

afterEach(() => vi.restoreAllMocks());

const day = (s: string) => parseIsoDay(s) as number;

describe('time windows', () => {
  it('reads ISO dates and date-times by the date as written; refuses other text', () => {
    expect(day('2024-03-31')).toBe(Date.UTC(2024, 2, 31) / 86400000);
    expect(day('2024-03-31T23:30:00+05:00')).toBe(day('2024-03-31'));
    expect(day('2024-03-31 14:05')).toBe(day('2024-03-31'));
    expect(day('2024-03')).toBe(day('2024-03-01'));
    for (const bad of ['2024-02-30', '31/03/2024', '2024-13-01', '2024-03-31T25:00']) expect(parseIsoDay(bad), bad).toBeNull();
  });

  it('ISO weeks, months and quarters', () => {
    expect(windowOf(day('2021-01-03'), 'week').key).toBe('2020-W53'); // a Sunday in ISO 2020's last week
    expect(windowOf(day('2024-12-30'), 'week').key).toBe('2025-W01');
    expect(windowOf(day('2024-01-01'), 'week')).toMatchObject({ key: '2024-W01', start: day('2024-01-01'), end: day('2024-01-07') });
    expect(windowOf(day('2024-02-29'), 'month')).toMatchObject({ key: '2024-02', end: day('2024-02-29') });
    expect(windowOf(day('2024-11-15'), 'quarter')).toMatchObject({ key: '2024-Q4', start: day('2024-10-01'), end: day('2024-12-31') });
  });

  const log: ColumnTable = {
    nRows: 6,
    columns: [
      { type: 'categorical', name: 'when', codes: Int32Array.of(0, 1, 2, 3, -1, 2), levels: ['2024-01-15', '2024-02-01', '2024-04-02', '2024-03-31'] },
      { type: 'categorical', name: 'g', codes: Int32Array.of(0, 1, 0, 1, 0, 1), levels: ['a', 'b'] },
      { type: 'categorical', name: 'y', codes: Int32Array.of(1, 0, -1, 1, 0, -1), levels: ['no', 'yes'] },
      { type: 'numeric', name: 'x', values: Float64Array.of(1, 2, 3, 4, 5, 6) },
    ],
  };

  it('splits rows into windows in time order, counting undated rows', () => {
    const { windows, undated } = splitWindows(log, 'when', 'quarter');
    expect(undated).toBe(1);
    expect(windows.map((w) => [w.key, w.start, w.end, [...w.rows]])).toEqual([
      ['2024-Q1', '2024-01-01', '2024-03-31', [0, 1, 3]],
      ['2024-Q2', '2024-04-01', '2024-06-30', [2, 5]],
    ]);
  });

  it('audits each window on its rows with outcomes, through the audit builders, with drift against the reference', () => {
    const scores = Float64Array.of(0.9, 0.2, 0.7, 0.6, 0.1, 0.3);
    const roles = { target: { column: 'y', positive: 'yes' }, protected: [{ column: 'g' }], features: [], ignored: [] };
    const res = monitorWindows({ table: log, scores, roles, timeColumn: 'when', unit: 'quarter', minGroupSize: 1, reference: { table: log, scores } });
    const [q1, q2] = res.windows;
    expect(q1).toMatchObject({ key: '2024-Q1', rows: 3, rowsWithOutcome: 3 });
    const direct = auditReport({ table: takeRows(log, Uint32Array.of(0, 1, 3)), roles, scores: Float64Array.of(0.9, 0.2, 0.6), minGroupSize: 1 });
    expect(q1.audit!.attributes[0].disparities.demographicParityDifference).toBe(direct.attributes[0].disparities.demographicParityDifference);
    expect(q1.audit!.overall.metrics.selectionRate).toBeCloseTo(2 / 3, 12);
    expect(q1.audit!.overall.intervals.selectionRate![0]).toBeLessThan(2 / 3);
    expect(q2).toMatchObject({ rows: 2, rowsWithOutcome: 0, audit: null, auditProblem: 'no row of this window has its outcome yet' });
    expect(q2.drift!.columns.map((c) => c.column)).toEqual(['g', 'y', 'x']);
    expect(q2.drift!.score.rows).toEqual({ reference: 6, current: 2 });
  });

  it('refuses a time column that is not ISO dates, naming the values', () => {
    const bad: ColumnTable = { nRows: 1, columns: [{ type: 'categorical', name: 't', codes: Int32Array.of(0), levels: ['March 3'] }] };
    expect(() => splitWindows(bad, 't', 'month')).toThrow(/not ISO dates: 'March 3'/);
  });
});

/** A small reference / current pair: score column s, group g, outcome y, a date column. */
function files(shift: boolean): { dir: string; ref: string; cur: string } {
  const dir = makeTempDir('bw-monitor-');
  const rows = (n: number, offset: number, month: string) =>
    Array.from({ length: n }, (_, i) => {
      const g = i % 2 === 0 ? 'a' : 'b';
      const s = ((i * 37) % 100) / 100;
      const y = (i * 13) % 3 === 0 ? 'yes' : 'no';
      return `${month}-${String((i % 28) + 1).padStart(2, '0')},${g},${Math.min(0.99, s + offset).toFixed(2)},${y},${(i * 7) % 50}`;
    });
  const head = 'when,g,s,y,x';
  const ref = writeIn(dir, 'ref.csv', [head, ...rows(200, 0, '2024-01')].join('\n') + '\n');
  const cur = writeIn(dir, 'cur.csv', [head, ...rows(200, shift ? 0.3 : 0, '2024-04'), ...rows(60, shift ? 0.3 : 0, '2024-05')].join('\n') + '\n');
  return { dir, ref, cur };
}

const base = (f: { ref: string; cur: string }) => ['monitor', '--reference', f.ref, '--current', f.cur, '--score', 's', '--target', 'y', '--positive', 'yes', '--protected', 'g'];
const policy = (dir: string) =>
  writeIn(
    dir,
    'policy.json',
    JSON.stringify({
      format: 'bias-workbench.policy/1',
      rules: [
        { scoreDrift: 'psi', max: 0.25, action: 'retrain' },
        { drift: 'psi', column: 'x', max: 0.25, action: 'offline' },
        { metric: 'demographicParityDifference', attribute: 'g', max: 0.5, action: 'review' },
        { minRows: 100, action: 'review' },
      ],
    }),
  );

describe('bias-workbench monitor', () => {
  it('exit 0 when the policy is met; JSON with drift, selection rates and windows', async () => {
    const f = files(false);
    const out = `${f.dir}/out.json`;
    const r = await run([...base(f), '--policy', policy(f.dir), '--time-column', 'when', '--window', 'month', '--out', out]);
    expect(r.err).toContain('verdict ok');
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(j.policy.verdict).toBe('ok');
    expect(j.drift.columns.map((c: { column: string }) => c.column)).toEqual(['g', 's', 'y', 'x']);
    expect(j.drift.score.kind).toBe('numeric');
    expect(j.drift.selectionRates.map((s: { group: string }) => s.group)).toEqual(['a', 'b']);
    expect(j.windows.windows.map((w: { key: string }) => w.key)).toEqual(['2024-04', '2024-05']);
  });

  it('a current log whose newest rows have no outcome yet is audited on the rows that have one', async () => {
    const f = files(false);
    const lines = readFileSync(f.cur, 'utf8').trimEnd().split('\n');
    // the May rows (the last 60) are still pending: their outcome cell is empty
    const pending = lines.map((l, i) => (i > 200 ? l.replace(/,(yes|no),/, ',,') : l));
    const cur = writeIn(f.dir, 'pending.csv', pending.join('\n') + '\n');
    const out = `${f.dir}/pending.json`;
    const r = await run(['monitor', '--reference', f.ref, '--current', cur, '--score', 's', '--target', 'y', '--positive', 'yes', '--protected', 'g', '--out', out]);
    expect(r.err).not.toMatch(/no value|missing/i);
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(j.input.current).toMatchObject({ rows: 260, rowsWithOutcome: 200 });
  });

  it('exit 3 when rules break, each broken rule named on standard error', async () => {
    const f = files(true);
    const r = await run([...base(f), '--policy', policy(f.dir), '--format', 'html']);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/rule broken \(retrain\): psi drift of the scores ≤ 0.25 — outside ≤ 0.25: score /);
    expect(r.err).toContain('verdict retrain');
    expect(r.err).not.toContain('drift of x');
    expect(r.out).toContain('<!doctype html>');
    expect(r.out).toContain('verdict <span class="fail">retrain</span>');
  });

  it('exit 1 for bad input: a policy with a typo, a missing column', async () => {
    const f = files(false);
    const p = writeIn(f.dir, 'bad.json', JSON.stringify({ format: 'bias-workbench.policy/1', rules: [{ drift: 'psi', max: 0.2, action: 'ofline' }] }));
    const r = await run([...base(f), '--policy', p]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/rules\[0\]\.action must be one of review, retrain, offline, not "ofline" \(did you mean "offline"\?\)/);
    const r2 = await run([...base(f).slice(0, -1), 'town']);
    expect(r2.code).toBe(1);
  });

  it('exit 2 for bad usage', async () => {
    const f = files(false);
    expect((await run(['monitor', '--current', f.cur, '--score', 's'])).err).toMatch(/--reference is required/);
    const r = await run([...base(f), '--window', 'week']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--window goes with --time-column/);
    expect((await run([...base(f), '--bins', 'sturges'])).code).toBe(2);
    expect((await run([...base(f), '--model', 'm.json'])).code).toBe(2);
  });
});
