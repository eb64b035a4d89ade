import { describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../src/core/errors';
import {
  checkManifestAgainstTable,
  describeWidth,
  encodeTable,
  encodeTarget,
  featureSlices,
  manifestWidth,
  MANIFEST_FORMAT,
  validateManifest,
  type Manifest,
} from '../../src/core/manifest';
import type { Column, ColumnTable } from '../../src/core/table';

function num(name: string, values: number[]): Column {
  return { type: 'numeric', name, values: Float64Array.from(values) };
}
/** categorical column from cell texts ('' = missing); levels in first-seen order */
function cat(name: string, cells: string[], type: 'categorical' | 'boolean' = 'categorical'): Column {
  const levels: string[] = [];
  const codes = Int32Array.from(cells.map((c) => {
    if (c === '') return -1;
    let i = levels.indexOf(c);
    if (i < 0) i = levels.push(c) - 1;
    return i;
  }));
  return { type, name, codes, levels };
}
function table(...columns: Column[]): ColumnTable {
  return { nRows: columns[0].type === 'numeric' ? columns[0].values.length : columns[0].codes.length, columns };
}

const valid = {
  format: MANIFEST_FORMAT,
  target: { column: 'y', positive: 'yes' },
  features: [
    { column: 'age', kind: 'numeric', mean: 40.94, std: 10.62 },
    { column: 'job', kind: 'categorical', categories: ['admin.', 'blue-collar'] },
  ],
  output: 'probability',
  threshold: 0.5,
};

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

function problem(fn: () => unknown): WorkbenchError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(WorkbenchError);
    return e as WorkbenchError;
  }
  throw new Error('expected a WorkbenchError');
}

describe('validateManifest', () => {
  it('accepts the documented example and normalises defaults', () => {
    const m = validateManifest(valid);
    expect(m.features[0]).toEqual({ column: 'age', kind: 'numeric', mean: 40.94, std: 10.62 });
    expect(m.threshold).toBe(0.5);
    const bare = clone(valid) as Record<string, unknown>;
    delete bare.threshold;
    (bare.features as Record<string, unknown>[])[0] = { column: 'age', kind: 'numeric' };
    const n = validateManifest(bare);
    expect(n.threshold).toBe(0.5);
    expect(n.features[0]).toEqual({ column: 'age', kind: 'numeric', mean: 0, std: 1 });
  });

  it('accepts the optional extras and turns a numeric positive into text', () => {
    const m = validateManifest({
      ...clone(valid),
      name: 'bank',
      description: 'demo',
      target: { column: 'y', positive: 1 },
      protected: [{ column: 'age', cuts: [25, 40, 60] }, { column: 'marital' }],
      training: { algorithm: 'mlp', seed: 42, metrics: { valAuc: 0.9 }, date: '2026-01-01' },
      groupThresholds: [{ column: 'marital', thresholds: { single: 0.4 } }],
      'x-exporter': 'my script',
    });
    expect(m.target.positive).toBe('1');
    expect(m.protected).toEqual([{ column: 'age', cuts: [25, 40, 60] }, { column: 'marital' }]);
    expect(m.training?.seed).toBe(42);
    expect(m.groupThresholds?.[0].thresholds.single).toBe(0.4);
    expect('x-exporter' in m).toBe(false);
  });

  const cases: [string, (j: Record<string, unknown>) => unknown, RegExp][] = [
    ['not an object', () => [1, 2], /must be a JSON object/],
    ['missing format', (j) => { delete j.format; return j; }, /format is missing/],
    ['wrong format', (j) => ({ ...j, format: 'bias-workbench.manifest/2' }), /format "bias-workbench.manifest\/2" is not supported/],
    ['missing target', (j) => { delete j.target; return j; }, /target is missing/],
    ['empty target column', (j) => ({ ...j, target: { column: '', positive: 'yes' } }), /target\.column must be a non-empty string/],
    ['bad positive', (j) => ({ ...j, target: { column: 'y', positive: null } }), /target\.positive must be/],
    ['empty features', (j) => ({ ...j, features: [] }), /features must be a non-empty array/],
    ['unknown kind', (j) => { (j.features as Record<string, unknown>[])[1].kind = 'ordinal'; return j; }, /features\[1\]\.kind must be "numeric", "categorical" or "label", not "ordinal"/],
    ['empty categories', (j) => { (j.features as Record<string, unknown>[])[1].categories = []; return j; }, /features\[1\]\.categories must be a non-empty array of strings/],
    ['numeric categories', (j) => { (j.features as Record<string, unknown>[])[1].categories = [1, 2]; return j; }, /features\[1\]\.categories must be a non-empty array of strings/],
    ['repeated category', (j) => { (j.features as Record<string, unknown>[])[1].categories = ['a', 'b', 'a']; return j; }, /features\[1\]\.categories\[2\] "a" is listed twice/],
    ['std zero', (j) => { (j.features as Record<string, unknown>[])[0].std = 0; return j; }, /features\[0\]\.std must be a number > 0, not 0/],
    ['std negative', (j) => { (j.features as Record<string, unknown>[])[0].std = -2; return j; }, /features\[0\]\.std must be a number > 0/],
    ['mean not a number', (j) => { (j.features as Record<string, unknown>[])[0].mean = '40'; return j; }, /features\[0\]\.mean must be a finite number/],
    ['duplicate column', (j) => { (j.features as unknown[]).push({ column: 'age', kind: 'numeric' }); return j; }, /features\[2\]\.column "age" repeats features\[0\]/],
    ['target as feature', (j) => { (j.features as unknown[]).push({ column: 'y', kind: 'numeric' }); return j; }, /features\[2\]\.column "y" is the target column/],
    ['missing column name', (j) => { (j.features as unknown[]).push({ kind: 'numeric' }); return j; }, /features\[2\]\.column must be a non-empty string/],
    ['unknown feature field', (j) => { (j.features as Record<string, unknown>[])[0].sd = 1; return j; }, /unknown field "features\[0\]\.sd"/],
    ['unknown output', (j) => ({ ...j, output: 'score' }), /output must be "probability" or "logit", not "score"/],
    ['missing output', (j) => { delete j.output; return j; }, /output is missing/],
    ['threshold 0', (j) => ({ ...j, threshold: 0 }), /threshold must be a number strictly between 0 and 1, not 0/],
    ['threshold 1', (j) => ({ ...j, threshold: 1 }), /threshold must be a number strictly between 0 and 1, not 1/],
    ['threshold text', (j) => ({ ...j, threshold: '0.5' }), /threshold must be a number strictly between 0 and 1/],
    ['typo field', (j) => ({ ...j, treshold: 0.3 }), /unknown field "treshold" \(did you mean "threshold"\?\)/],
    ['cuts not increasing', (j) => ({ ...j, protected: [{ column: 'age', cuts: [40, 25] }] }), /protected\[0\]\.cuts must be strictly increasing/],
    ['protected without column', (j) => ({ ...j, protected: [{ cuts: [1] }] }), /protected\[0\]\.column must be a non-empty string/],
    ['group threshold out of range', (j) => ({ ...j, groupThresholds: [{ column: 'm', thresholds: { a: 2 } }] }), /groupThresholds\[0\]\.thresholds\["a"\] must be a number strictly between 0 and 1/],
  ];
  for (const [name, mutate, re] of cases) {
    it(`rejects ${name} with manifest-invalid naming the path`, () => {
      const e = problem(() => validateManifest(mutate(clone(valid) as Record<string, unknown>)));
      expect(e.code).toBe('manifest-invalid');
      expect(e.message).toMatch(re);
      expect(e.hint).toBeTruthy();
    });
  }

  it('lists several problems at once', () => {
    const j = clone(valid) as Record<string, unknown>;
    j.threshold = 2;
    j.output = 'x';
    (j.features as Record<string, unknown>[])[0].std = 0;
    const e = problem(() => validateManifest(j));
    expect(e.message).toMatch(/features\[0\]\.std/);
    expect(e.message).toMatch(/output must be/);
    expect(e.message).toMatch(/threshold must be/);
  });
});

describe('width and slices', () => {
  const m = validateManifest({
    ...clone(valid),
    features: [
      { column: 'age', kind: 'numeric' },
      { column: 'job', kind: 'categorical', categories: ['a', 'b', 'c'] },
      { column: 'balance', kind: 'numeric' },
      { column: 'marital', kind: 'categorical', categories: ['single', 'married'] },
    ],
  });
  it('adds 1 per numeric and #categories per categorical', () => {
    expect(manifestWidth(m)).toBe(7);
    expect(featureSlices(m).map((s) => [s.column, s.start, s.end])).toEqual([
      ['age', 0, 1], ['job', 1, 4], ['balance', 4, 5], ['marital', 5, 7],
    ]);
    expect(describeWidth(m)).toBe('age 1, job 3, balance 1, marital 2');
  });
});

describe('encodeTable', () => {
  const m: Manifest = validateManifest({
    format: MANIFEST_FORMAT,
    target: { column: 'y', positive: 'yes' },
    features: [
      { column: 'age', kind: 'numeric', mean: 40, std: 10 },
      { column: 'job', kind: 'categorical', categories: ['c', 'a', 'b'] },
      { column: 'score', kind: 'numeric' },
    ],
    output: 'probability',
  });
  const t = table(
    num('age', [50, 30, NaN, 40]),
    cat('job', ['a', 'b', '', 'zzz']), // levels a, b, zzz; '' missing; zzz unknown
    cat('y', ['yes', 'no', 'no', 'yes']),
    num('score', [1.5, -2, 0, NaN]),
    num('unused', [9, 9, 9, 9]),
  );

  it('scales numerics, fills missing with the mean (0), one-hots in manifest order, zeros unknown', () => {
    const X = encodeTable(t, m);
    expect(X).toBeInstanceOf(Float32Array);
    expect(Array.from(X)).toEqual([
      1, 0, 1, 0, 1.5,
      -1, 0, 0, 1, -2,
      0, 0, 0, 0, 0,
      0, 0, 0, 0, 0,
    ]);
  });

  it('encodes a row subset in the order given', () => {
    const X = encodeTable(t, m, Uint32Array.from([3, 0]));
    expect(Array.from(X)).toEqual([0, 0, 0, 0, 0, 1, 0, 1, 0, 1.5]);
  });

  it('reads a numeric feature from a text column whose levels are numbers', () => {
    const t2 = table(num('age', [40]), cat('job', ['c']), cat('score', ['2.5']));
    expect(Array.from(encodeTable(t2, m))).toEqual([0, 1, 0, 0, 2.5]);
    const w = checkManifestAgainstTable(m, t2, { requireTarget: false });
    expect(w.warnings.join(' ')).toMatch(/'score' is numeric in the manifest but was read as text/);
  });

  it('one-hots a categorical feature held in a numeric column by number', () => {
    const md = validateManifest({ ...clone(valid), features: [{ column: 'day', kind: 'categorical', categories: ['1', '2', '3'] }] });
    expect(Array.from(encodeTable(table(num('day', [2, 3, 7, NaN])), md))).toEqual([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('says clearly when a numeric feature holds text', () => {
    const t3 = table(num('age', [1]), cat('job', ['a']), cat('score', ['high']), cat('y', ['no']));
    const e = problem(() => checkManifestAgainstTable(m, t3));
    expect(e.code).toBe('manifest-invalid');
    expect(e.message).toMatch(/feature 'score' is numeric in the manifest, but the CSV column holds text that is not a number: 'high'/);
  });
});

describe('checkManifestAgainstTable', () => {
  const m = validateManifest(valid);
  it('lists every missing column and the ones the CSV has', () => {
    const t = table(num('Age', [1]), cat('jobs', ['a']), cat('outcome', ['no']));
    const e = problem(() => checkManifestAgainstTable(m, t));
    expect(e.code).toBe('manifest-missing-column');
    expect(e.message).toMatch(/3 columns the CSV does not have: 'age', 'job', 'y \(target\)'/);
    expect(e.message).toMatch(/The CSV has 3 columns: 'Age', 'jobs', 'outcome'/);
    expect(e.hint).toMatch(/case-sensitive/);
  });
  it('truncates a long column list', () => {
    const cols = Array.from({ length: 40 }, (_, i) => num(`c${i}`, [0]));
    const e = problem(() => checkManifestAgainstTable(m, table(...cols)));
    expect(e.message).toMatch(/\.\.\. \(20 more\)/);
  });
  it('does not need the target when told so', () => {
    const t = table(num('age', [1]), cat('job', ['admin.']));
    expect(() => checkManifestAgainstTable(m, t, { requireTarget: false })).not.toThrow();
    expect(() => encodeTable(t, m)).not.toThrow();
  });
  it('warns about values the manifest does not list', () => {
    const t = table(num('age', [1]), cat('job', ['admin.', 'student']), cat('y', ['no']));
    expect(checkManifestAgainstTable(m, t).warnings.join(' ')).toMatch(/'job' has values the manifest does not list \('student'\)/);
  });
});

describe('encodeTarget', () => {
  it('marks positive 1, other 0, missing -1', () => {
    const t = table(cat('y', ['yes', 'no', '', 'yes']));
    expect(Array.from(encodeTarget(t, { column: 'y', positive: 'yes' }))).toEqual([1, 0, -1, 1]);
  });
  it('matches a numeric 0/1 target and boolean words', () => {
    expect(Array.from(encodeTarget(table(num('y', [1, 0, NaN])), { column: 'y', positive: '1' }))).toEqual([1, 0, -1]);
    expect(Array.from(encodeTarget(table(cat('y', ['True', 'False'], 'boolean')), { column: 'y', positive: 'true' }))).toEqual([1, 0]);
  });
  it('throws target-missing for an absent column', () => {
    expect(problem(() => encodeTarget(table(num('a', [1])), { column: 'y', positive: '1' })).code).toBe('target-missing');
  });
});
