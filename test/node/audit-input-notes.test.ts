/**
 * Input notes (src/core/audit/input-notes.ts): values the manifest encoding imputes, counted
 * per column; a target with more than two values; rows in no group of a protected column.
 * Counted by hand on a small table.
 */
import { describe, expect, it } from 'vitest';
import { inputNotes, manifestInputNotes, protectedNotes, targetNotes } from '../../src/core/audit';
import { encodeTable, validateManifest } from '../../src/core/manifest';
import type { ColumnTable } from '../../src/core/table';

/**
 * 8 rows: x (numeric, 2 missing), t (numeric read as text, 1 empty), c (categorical: 'a', 'b',
 * 'z' × 2 not in the manifest, 1 missing), n (numeric used as a categorical input: 3 and 9 not
 * listed), age (numeric, 1 missing), y (yes, no, maybe × 2, later × 1).
 */
const TABLE: ColumnTable = {
  nRows: 8,
  columns: [
    { type: 'numeric', name: 'x', values: Float64Array.from([1, NaN, 3, 4, NaN, 6, 7, 8]) },
    { type: 'categorical', name: 't', codes: Int32Array.from([0, 1, 2, 0, 1, 2, 0, -1]), levels: ['1.5', '2', '3'] },
    { type: 'categorical', name: 'c', codes: Int32Array.from([0, 1, 2, 2, -1, 0, 1, 0]), levels: ['a', 'b', 'z'] },
    { type: 'numeric', name: 'n', values: Float64Array.from([1, 2, 3, 1, 2, 9, 1, 2]) },
    { type: 'numeric', name: 'age', values: Float64Array.from([20, 30, NaN, 50, 60, 70, 25, 35]) },
    { type: 'categorical', name: 'y', codes: Int32Array.from([0, 1, 2, 2, 0, 1, 1, 3]), levels: ['yes', 'no', 'maybe', 'later'] },
  ],
};

const MANIFEST = validateManifest({
  format: 'bias-workbench.manifest/1',
  target: { column: 'y', positive: 'yes' },
  features: [
    { column: 'x', kind: 'numeric', mean: 4.5, std: 2 },
    { column: 't', kind: 'numeric' },
    { column: 'c', kind: 'categorical', categories: ['a', 'b'] },
    { column: 'n', kind: 'categorical', categories: ['1', '2'] },
  ],
  output: 'probability',
});

describe('manifest input notes', () => {
  const notes = manifestInputNotes(TABLE, MANIFEST);

  it('counts per column the values the encoding imputes', () => {
    expect(notes.map((n) => [n.kind, n.column, n.count])).toEqual([
      ['missing-numeric', 'x', 2],
      ['missing-numeric', 't', 1],
      ['missing-category', 'c', 1],
      ['unlisted-category', 'c', 2],
      ['unlisted-category', 'n', 2],
    ]);
  });

  it('says what the model reads instead, and names the unlisted values', () => {
    expect(notes[0].message).toBe("2 rows have no number in the model input 'x'; the model reads them as the manifest's mean for it (4.5).");
    expect(notes[2].message).toBe("1 row has no value in the model input 'c'; the model reads it as no category (all zeros).");
    expect(notes[3].message).toBe("2 rows of 'c' hold a value the manifest does not list ('z' × 2); the model reads them as no category (all zeros).");
    expect(notes[4].message).toContain("('3' × 1, '9' × 1)");
  });

  it('matches the encoder: imputed numeric inputs are 0 (the mean), imputed categorical ones all zeros', () => {
    const X = encodeTable(TABLE, MANIFEST);
    const width = 1 + 1 + 2 + 2;
    const zeroX = [1, 4].filter((r) => X[r * width] === 0);
    expect(zeroX).toHaveLength(notes[0].count);
    let cZero = 0;
    for (let r = 0; r < TABLE.nRows; r++) if (X[r * width + 2] === 0 && X[r * width + 3] === 0) cZero++;
    expect(cZero).toBe(notes[2].count + notes[3].count);
  });

  it('nothing to say about a clean column', () => {
    const clean: ColumnTable = { nRows: 2, columns: [{ type: 'numeric', name: 'x', values: Float64Array.from([1, 2]) }] };
    expect(manifestInputNotes(clean, { ...MANIFEST, features: [MANIFEST.features[0]] })).toEqual([]);
  });
});

describe('target notes', () => {
  it('a target with more than two values: which is positive, which count as negative, with counts', () => {
    const [n] = targetNotes(TABLE, { column: 'y', positive: 'yes' });
    expect(n).toMatchObject({ kind: 'target-multiclass', column: 'y', count: 6 });
    expect(n.message).toBe("The target 'y' has 4 values: 'yes' (2) is positive; 'no' (3), 'maybe' (2), 'later' (1) are all counted as negative (6 rows).");
  });

  it('nothing for a two-valued target', () => {
    const two: ColumnTable = { nRows: 3, columns: [{ type: 'categorical', name: 'y', codes: Int32Array.from([0, 1, 1]), levels: ['no', 'yes'] }] };
    expect(targetNotes(two, { column: 'y', positive: 'yes' })).toEqual([]);
  });
});

describe('protected notes', () => {
  it('rows with no value in a protected column are in no group', () => {
    const notes = protectedNotes(TABLE, [{ column: 'age', cuts: [40] }, { column: 'c' }]);
    expect(notes.map((n) => [n.column, n.count])).toEqual([
      ['age', 1],
      ['c', 1],
    ]);
    expect(notes[0].message).toBe("1 row has no value in the protected column 'age': it counts in the overall numbers but in no group of 'age'.");
  });

  it('all together, in order: model inputs, target, protected columns', () => {
    const all = inputNotes(TABLE, { manifest: MANIFEST, target: { column: 'y', positive: 'yes' }, protected: [{ column: 'age', cuts: [40] }] });
    expect(all.map((n) => n.kind)).toEqual(['missing-numeric', 'missing-numeric', 'missing-category', 'unlisted-category', 'unlisted-category', 'target-multiclass', 'no-group']);
  });
});
