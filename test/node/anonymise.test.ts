/**
 * Anonymisation on hand-made tables: which columns look like identifiers (and which do not),
 * salted pseudonyms, small-cell suppression with its complementary cells, and k-anonymity
 * counts worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { anonymiseTable, detectIdentifier, detectIdentifiers, kAnonymity, randomSalt, saltedHash, suppressSmallCells } from '../../src/core/anonymise';
import type { CategoricalColumn, Column, ColumnTable, NumericColumn } from '../../src/core/table';

function cat(name: string, values: (string | null)[]): CategoricalColumn {
  const levels: string[] = [];
  const codes = Int32Array.from(values.map((v) => {
    if (v === null) return -1;
    let i = levels.indexOf(v);
    if (i < 0) i = levels.push(v) - 1;
    return i;
  }));
  return { type: 'categorical', name, codes, levels };
}
function numCol(name: string, values: number[]): NumericColumn {
  return { type: 'numeric', name, values: Float64Array.from(values) };
}
const table = (...columns: Column[]): ColumnTable => ({ nRows: columns[0].type === 'numeric' ? columns[0].values.length : columns[0].codes.length, columns });

describe('identifier detection', () => {
  const n = 20;
  const range = Array.from({ length: n }, (_, i) => i);
  it('finds ids, e-mails, phones and names, each with its evidence', () => {
    const t = table(
      cat('code', range.map((i) => `L-${1000 + i}`)), // unique per row → id
      numCol('row', range.map((i) => i + 1)), // whole numbers unique per row → id
      cat('contact_email', range.map((i) => `p${i}@example.org`)),
      cat('mobile', range.map((i) => `+44 7700 900${String(i).padStart(3, '0')}`)),
      cat('surname', range.map((i) => ['Smith', 'Jones', 'Brown'][i % 3])),
      cat('customer_id', range.map((i) => String(i % 5))), // not unique, but the header says so
    );
    const f = detectIdentifiers(t);
    expect(f.map((x) => [x.column, x.kind, x.evidence])).toEqual([
      ['code', 'id', 'unique'],
      ['row', 'id', 'unique'],
      ['contact_email', 'email', 'values'],
      ['mobile', 'phone', 'values'],
      ['surname', 'name', 'header'],
      ['customer_id', 'id', 'header'],
    ]);
  });

  it('leaves descriptive columns alone: a contact channel, a yes/no phone flag, repeated numbers, a score, a zip prefix', () => {
    const cols: Column[] = [
      cat('contact', range.map((i) => (i % 2 ? 'cellular' : 'telephone'))),
      cat('has_phone', range.map((i) => (i % 2 ? 'yes' : 'no'))),
      numCol('balance', range.map((i) => (i % 7) * 100)),
      numCol('score', range.map((i) => i / 20 + 0.001)), // unique but not whole numbers
      cat('zip3', range.map((i) => String(100 + (i % 4)))),
      cat('paid', range.map((i) => (i % 3 ? 'y' : 'n'))),
    ];
    for (const c of cols) expect(detectIdentifier(c, n), c.name).toBeNull();
  });

  it('skips the columns the caller excludes (the target, the protected attributes)', () => {
    const t = table(cat('id', range.map(String)), cat('g', range.map((i) => String(i % 2))));
    expect(detectIdentifiers(t, { exclude: ['id'] })).toEqual([]);
  });
});

describe('pseudonyms', () => {
  it('are equal within one salt, differ across salts, and never contain the value', () => {
    const a = randomSalt();
    const b = randomSalt();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
    expect(saltedHash(a, 'p1@example.org')).toBe(saltedHash(a, 'p1@example.org'));
    expect(saltedHash(a, 'p1@example.org')).not.toBe(saltedHash(b, 'p1@example.org'));
    expect(saltedHash(a, 'p1@example.org')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('anonymiseTable drops or pseudonymises only the flagged columns; equal values keep equal pseudonyms', () => {
    const t = table(cat('email', ['a@x.org', 'b@x.org', 'a@x.org', null]), numCol('v', [1, 2, 3, 4]));
    const f = [{ column: 'email', kind: 'email' as const, evidence: 'values' as const, reason: 'r' }];
    const dropped = anonymiseTable(t, f, { action: 'drop' });
    expect(dropped.table.columns.map((c) => c.name)).toEqual(['v']);
    expect(dropped.treated).toEqual([{ column: 'email', kind: 'email', action: 'drop', reason: 'r' }]);
    const salt = randomSalt();
    const hashed = anonymiseTable(t, f, { action: 'hash', salt });
    const col = hashed.table.columns[0] as CategoricalColumn;
    expect(Array.from(col.codes)).toEqual([0, 1, 0, -1]);
    expect(col.levels).toEqual([saltedHash(salt, 'a@x.org'), saltedHash(salt, 'b@x.org')]);
    expect(col.levels.join()).not.toContain('@');
    expect(hashed.table.columns[1]).toBe(t.columns[1]);
  });
});

describe('small-cell suppression', () => {
  it('hides cells below k and, in a line with one hidden cell, the smallest other non-empty cell', () => {
    const counts = new Map([['A', 400], ['B', 300], ['C', 5], ['none', 0]]);
    const r = suppressSmallCells(counts, [['A', 'B', 'C', 'none']], 10);
    expect([...r.hidden]).toEqual([['C', 'small'], ['B', 'complementary']]);
    expect(r.unprotected).toEqual([]);
  });

  it('needs no complementary cell when two cells of the line are small already', () => {
    const r = suppressSmallCells(new Map([['A', 400], ['B', 3], ['C', 5]]), [['A', 'B', 'C']], 10);
    expect([...r.hidden]).toEqual([['B', 'small'], ['C', 'small']]);
  });

  it('follows a hidden cell into the lines it opens (a two-way table and its margins)', () => {
    // rows x, y; columns p, q. x|p = 4 is small; its row, its column and then the other row close
    const counts = new Map([['x|p', 4], ['x|q', 50], ['y|p', 60], ['y|q', 70]]);
    const lines = [['x|p', 'x|q'], ['y|p', 'y|q'], ['x|p', 'y|p'], ['x|q', 'y|q']];
    const r = suppressSmallCells(counts, lines, 10);
    expect(new Set(r.hidden.keys())).toEqual(new Set(['x|p', 'x|q', 'y|p', 'y|q']));
    for (const line of lines) expect(line.filter((c) => r.hidden.has(c)).length).not.toBe(1);
  });

  it('reports a line it cannot protect (every other cell empty)', () => {
    const r = suppressSmallCells(new Map([['A', 5], ['B', 0]]), [['A', 'B']], 10);
    expect(r.unprotected).toEqual([0]);
  });
});

describe('k-anonymity', () => {
  // g: a a a a b b b c ; z: 1 1 2 2 1 1 1 1 (numeric, grouped by value); one missing g
  const t = table(cat('g', ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'c', null]), numCol('z', [1, 1, 2, 2, 1, 1, 1, 1, 1]));
  it('counts classes, the smallest, and the classes and rows below k', () => {
    // classes: (a,1)=2 (a,2)=2 (b,1)=3 (c,1)=1 (missing,1)=1
    expect(kAnonymity(t, [{ column: 'g' }, { column: 'z' }], 3)).toEqual({ columns: ['g', 'z'], k: 3, rows: 9, classes: 5, smallestClass: 1, classesBelowK: 4, rowsBelowK: 6, satisfied: false });
    // over g alone: a=4 b=3 c=1 missing=1
    expect(kAnonymity(t, [{ column: 'g' }], 2)).toMatchObject({ classes: 4, smallestClass: 1, classesBelowK: 2, rowsBelowK: 2, satisfied: false });
    expect(kAnonymity(t, [{ column: 'g' }], 1).satisfied).toBe(true);
  });

  it('bins a numeric column at its cut points', () => {
    // z < 2 → 7 rows, z ≥ 2 → 2 rows
    expect(kAnonymity(t, [{ column: 'z', cuts: [2] }], 2)).toMatchObject({ classes: 2, smallestClass: 2, classesBelowK: 0, satisfied: true });
  });

  it('refuses a column not in the table', () => {
    expect(() => kAnonymity(t, [{ column: 'nope' }], 2)).toThrow(/not in the table/);
  });
});
