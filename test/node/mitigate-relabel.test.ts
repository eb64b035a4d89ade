/**
 * The relabel intervention ("retrain with reviewed overrides"): validation with path-naming
 * messages, the relabelled table (training rows only, same column type, nothing else
 * changed), and scenarios: people's labels change the retrained model; labels on held-out
 * rows change nothing and are counted in a note.
 */
import { describe, expect, it } from 'vitest';
import { encodeTarget } from '../../src/core/manifest';
import { createSplit, relabelContext, runScenario, validateScenarios, type RelabelRow, type Scenario, type ScenarioContext } from '../../src/core/mitigate';
import type { DatasetRoles } from '../../src/core/roles';
import type { ColumnTable } from '../../src/core/table';
import { groupProxyTable, problem, rejects } from './synthetic';
import { setupTfAndCheckLeaks } from './tf-setup';

/** g protected (x1 a proxy of it), h a second group column; every 200th row from 7 lacks a target. */
const table = groupProxyTable(2400, 9, { second: true });
const roles: DatasetRoles = { target: { column: 'y', positive: 'yes' }, protected: [{ column: 'g' }], features: ['x1', 'x2', 'c', 'h'], ignored: [] };
const split = createSplit(table, roles, 3);
const ctx: ScenarioContext = {
  table,
  roles,
  split,
  baseline: { kind: 'trained', trainKind: 'logistic', epochs: 30, batchSize: 128 },
  seed: 5,
  protectedAttribute: { column: 'g' },
  bootstrap: 0,
};
const labels = encodeTarget(table, roles.target);
const gCodes = (table.columns.find((c) => c.name === 'g') as { codes: Int32Array }).codes;

setupTfAndCheckLeaks();

const relabel = (rows: RelabelRow[], name?: string): Scenario => ({ name: 'reviewed', interventions: [{ kind: 'relabel', labels: rows, ...(name ? { name } : {}) }] });

describe('validateScenarios: relabel', () => {
  it('accepts rows with 0/1 labels and a name, and returns a copy', () => {
    const json = [{ name: 'reviewed', interventions: [{ kind: 'relabel', name: 'reviewed overrides', labels: [{ row: 4, label: 1 }, { row: 0, label: 0 }] }] }];
    const [s] = validateScenarios(json);
    expect(s.interventions).toEqual([{ kind: 'relabel', name: 'reviewed overrides', labels: [{ row: 4, label: 1 }, { row: 0, label: 0 }] }]);
    expect((s.interventions[0] as { labels: unknown[] }).labels).not.toBe(json[0].interventions[0].labels);
  });

  it('refuses bad rows and labels with a message naming the first bad item', () => {
    const cases: [unknown, RegExp][] = [
      [[], /interventions\[0\]\.labels must be a non-empty array of \{"row", "label"\}/],
      [undefined, /labels must be a non-empty array/],
      [[{ row: 1, label: 1 }, { row: -1, label: 0 }], /interventions\[0\]\.labels\[1\]\.row must be a whole number ≥ 0 \(a table row\), not -1/],
      [[{ row: 2.5, label: 0 }], /labels\[0\]\.row must be a whole number ≥ 0 .*not 2\.5/],
      [[{ row: '3', label: 0 }], /labels\[0\]\.row must be a whole number ≥ 0 .*not "3"/],
      [[{ row: 3, label: 2 }], /labels\[0\]\.label must be 0 or 1, not 2/],
      [[{ row: 3, label: true }], /labels\[0\]\.label must be 0 or 1, not true/],
      [[{ row: 3, label: 1, why: 'x' }], /labels\[0\] has an unknown field "why"/],
      [[5], /labels\[0\] must be an object \{"row", "label"\}, not 5/],
      [[{ row: 3, label: 1 }, { row: 8, label: 0 }, { row: 3, label: 0 }], /labels\[2\]\.row 3 repeats scenarios\[0\]\.interventions\[0\]\.labels\[0\]: give each row one label/],
    ];
    for (const [list, message] of cases) {
      const p = problem(() => validateScenarios([{ name: 's', interventions: [{ kind: 'relabel', ...(list === undefined ? {} : { labels: list }) }] }]));
      expect(p.code).toBe('roles-invalid');
      expect(p.message, JSON.stringify(list)).toMatch(message);
    }
    expect(problem(() => validateScenarios([{ name: 's', interventions: [{ kind: 'relabel', labels: [{ row: 1, label: 1 }], name: ' ' }] }])).message).toMatch(/\.name must be a non-empty string/);
    expect(problem(() => validateScenarios([{ name: 's', interventions: [{ kind: 'relabel', labels: [{ row: 1, label: 1 }], rows: [] }] }])).message).toMatch(/unknown field "scenarios\[0\]\.interventions\[0\]\.rows" for kind "relabel"/);
  });

  it('refuses rows outside the table, and relabelling an imported model, when the scenario runs', async () => {
    const p = await rejects(runScenario(ctx, relabel([{ row: 10, label: 1 }, { row: 2400, label: 0 }])));
    expect(p.code).toBe('roles-invalid');
    expect(p.message).toMatch(/relabel row 2400 is outside the table \(2400 rows, numbered from 0\)/);
    const imported: ScenarioContext = { ...ctx, baseline: { kind: 'imported', scorer: { nFeatures: 1, predict: () => Promise.resolve(new Float32Array(0)), dispose: () => undefined }, manifest: { features: [] } as never } };
    expect((await rejects(runScenario(imported, relabel([{ row: 1, label: 1 }])))).message).toMatch(/"relabel" retrains the model, and an imported model cannot be retrained here/);
  });
});

describe('relabelContext', () => {
  const train = split.train;
  const test = split.test;
  const noTarget = [7, 207];
  const given: RelabelRow[] = [
    { row: train[0], label: labels[train[0]] === 1 ? 0 : 1 },
    { row: train[1], label: labels[train[1]] as 0 | 1 },
    { row: train[2], label: labels[train[2]] === 1 ? 0 : 1 },
    { row: test[0], label: labels[test[0]] === 1 ? 0 : 1 },
    ...noTarget.map((row) => ({ row, label: 1 as const })),
  ];

  it('relabels training rows only, counts the rest, and leaves every other row and column as it was', () => {
    expect(noTarget.every((r) => labels[r] === -1)).toBe(true);
    const { ctx: out, report } = relabelContext(ctx, given, 'reviewed overrides');
    expect(report).toEqual({ name: 'reviewed overrides', given: 6, applied: 3, changed: 2, heldOut: 1, noTarget: 2 });
    const after = encodeTarget(out.table, roles.target);
    const want = Int8Array.from(labels);
    for (const g of given.slice(0, 3)) want[g.row] = g.label;
    expect(Array.from(after)).toEqual(Array.from(want));
    const y = out.table.columns.find((c) => c.name === 'y')!;
    expect(y.type).toBe('categorical');
    expect((y as { levels: string[] }).levels).toEqual(['no', 'yes']);
    for (const c of out.table.columns) if (c.name !== 'y') expect(c).toBe(table.columns.find((d) => d.name === c.name));
    expect(encodeTarget(table, roles.target)).toEqual(labels);
    expect(out.split).toBe(split);
  });

  it('works on a numeric target and on one that lacks a value of the label asked for', () => {
    const numeric: ColumnTable = { nRows: 4, columns: [{ type: 'numeric', name: 'y', values: Float64Array.from([1, 1, 1, NaN]) }, { type: 'numeric', name: 'x', values: Float64Array.from([0, 1, 2, 3]) }] };
    const small = (t: ColumnTable, positive: string): ScenarioContext => ({ ...ctx, table: t, roles: { ...roles, target: { column: 'y', positive } }, split: { train: Uint32Array.from([0, 1, 2]), test: new Uint32Array(0), seed: 0, testFraction: 0.3 } });
    const r1 = relabelContext(small(numeric, '1'), [{ row: 1, label: 0 }]);
    expect(Array.from(encodeTarget(r1.ctx.table, { column: 'y', positive: '1' }))).toEqual([1, 0, 1, -1]);
    expect(r1.ctx.table.columns[0].type).toBe('numeric');
    const allNo: ColumnTable = { nRows: 3, columns: [{ type: 'categorical', name: 'y', codes: Int32Array.from([0, 0, 0]), levels: ['no', 'yes'] }] };
    const r2 = relabelContext(small(allNo, 'yes'), [{ row: 2, label: 1 }]);
    expect(Array.from(encodeTarget(r2.ctx.table, { column: 'y', positive: 'yes' }))).toEqual([0, 0, 1]);
    const onlyYes: ColumnTable = { nRows: 3, columns: [{ type: 'boolean', name: 'y', codes: Int32Array.from([0, 0, 0]), levels: ['true'] }] };
    const r3 = relabelContext(small(onlyYes, 'true'), [{ row: 0, label: 0 }]);
    expect(Array.from(encodeTarget(r3.ctx.table, { column: 'y', positive: 'true' }))).toEqual([0, 1, 1]);
    expect((r3.ctx.table.columns[0] as { levels: string[] }).levels).toEqual(['true', 'not true']);
  });
});

describe('runScenario with relabel', () => {
  it('changes the retrained model: group b\'s converted training leads marked "skip" lower its selection rate', async () => {
    const base = await runScenario(ctx, { name: 'baseline', interventions: [] });
    const rows = Array.from(split.train).filter((r) => gCodes[r] === 1 && labels[r] === 1);
    const result = await runScenario(ctx, relabel(rows.map((row) => ({ row, label: 0 as const })), 'reviewed overrides'));
    expect(result.relabel).toEqual({ name: 'reviewed overrides', given: rows.length, applied: rows.length, changed: rows.length, heldOut: 0, noTarget: 0 });
    expect(result.notes[0]).toBe(`Retrained with reviewed overrides (${rows.length} labels): ${rows.length} training rows relabelled, ${rows.length} of them changed from the recorded outcome.`);
    const rate = (r: typeof base, level: string): number => r.metrics.selectionRate.find((s) => s.level === level)!.value!;
    expect(rate(base, 'b')).toBeGreaterThan(0.2);
    expect(rate(result, 'b')).toBeLessThan(rate(base, 'b') / 2);
    expect(result.metrics.n).toBe(base.metrics.n);
    expect(result.trainRows).toBe(base.trainRows);
    expect(base.relabel).toBeUndefined();
  });

  it('leaves the model and the held-out outcomes alone when every label falls on a held-out row, and says so', async () => {
    const base = await runScenario(ctx, { name: 'baseline', interventions: [] });
    const held = Array.from(split.test).slice(0, 40).map((row) => ({ row, label: (labels[row] === 1 ? 0 : 1) as 0 | 1 }));
    const result = await runScenario(ctx, relabel(held));
    expect(result.relabel).toMatchObject({ applied: 0, changed: 0, heldOut: 40, noTarget: 0 });
    expect(result.notes[0]).toMatch(/40 held-out rows left out \(the held-out outcomes judge every scenario and stay as recorded\)/);
    expect(result.metrics.accuracy.value).toBe(base.metrics.accuracy.value);
    expect(result.metrics.rocAuc.value).toBe(base.metrics.rocAuc.value);
    expect(result.metrics.selectionRate).toEqual(base.metrics.selectionRate);
  });
});
