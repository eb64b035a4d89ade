/**
 * Score and decision columns of the data (core/score-column): the checks the CLI and the page
 * share, and the 'scores' model that reads a column as P(positive) — its manifest validates,
 * encodes the column as it is, and its scorer returns the column's values.
 */
import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../../src/core/csv';
import { encodeTable, manifestWidth, validateManifest } from '../../src/core/manifest';
import { CLI_HINTS, predictionColumn, scoreColumn, scoreColumnModel } from '../../src/core/score-column';
import type { ColumnTable } from '../../src/core/table';

const table = (csv: string): ColumnTable => parseCsvText(csv).table;
const TARGET = { column: 'y', positive: '1' };

function thrown(fn: () => unknown): { code: string; message: string; hint?: string } {
  try {
    fn();
  } catch (e) {
    return e as { code: string; message: string; hint?: string };
  }
  throw new Error('expected a throw');
}

describe('scoreColumn', () => {
  it('returns the values of a column in [0, 1]', () => {
    expect(Array.from(scoreColumn(table('y,s\n1,0.25\n0,1\n1,0\n'), 's'))).toEqual([0.25, 1, 0]);
  });

  it('refuses a missing value, a value outside [0, 1], text and an absent column, with the row', () => {
    expect(thrown(() => scoreColumn(table('y,s\n1,0.2\n0,\n1,0.4\n'), 's')).message).toBe("1 row has no value in the score column 's' (first: data row 2).");
    const out = thrown(() => scoreColumn(table('y,s\n1,0.2\n0,1.5\n1,-2\n'), 's'));
    expect(out.code).toBe('roles-invalid');
    expect(out.message).toBe("The score column 's' has 2 values outside [0, 1] (first: data row 2: 1.5).");
    expect(thrown(() => scoreColumn(table('y,s\n1,high\n0,0.1\n'), 's')).message).toMatch(/holds text that is not a number \('high'\)/);
    expect(thrown(() => scoreColumn(table('y,s\n1,0.1\n'), 'p')).message).toBe("The score column 'p' is not in the table.");
  });

  it("words its hints for where the column was chosen: the page's choice, or the CLI's flags", () => {
    const t = table('y,s\n1,2\n');
    expect(thrown(() => scoreColumn(t, 's')).hint).toMatch(/"0\/1 decision"/);
    expect(thrown(() => scoreColumn(t, 's', CLI_HINTS)).hint).toMatch(/--prediction/);
  });
});

describe('predictionColumn', () => {
  it('reads 0/1 numbers, the positive value, or true/false words', () => {
    expect(Array.from(predictionColumn(table('y,d\n1,1\n0,0\n1,1\n'), 'd', '1'))).toEqual([1, 0, 1]);
    expect(Array.from(predictionColumn(table('y,d\n1,call\n0,skip\n1,call\n'), 'd', 'call'))).toEqual([1, 0, 1]);
    expect(Array.from(predictionColumn(table('y,d\n1,yes\n0,no\n1,no\n'), 'd', 'converted'))).toEqual([1, 0, 0]);
  });

  it('refuses another number or missing decisions', () => {
    expect(thrown(() => predictionColumn(table('y,d\n1,1\n0,2\n'), 'd', '1')).message).toMatch(/holds 2 \(data row 2\); decisions must be 0 or 1/);
    expect(thrown(() => predictionColumn(table('y,d\n1,1\n0,\n1,0\n'), 'd', '1')).message).toBe("1 row has no value in the prediction column 'd'.");
  });
});

describe('scoreColumnModel', () => {
  const csv = 'y,vendor_score,g\n1,0.9,a\n0,0.1,b\n1,0.55,a\n0,0.5,b\n';

  it('is a valid manifest of one numeric feature, mean 0 and std 1, format scores, threshold 0.5', () => {
    const { manifest } = scoreColumnModel(table(csv), 'vendor_score', 'score', TARGET);
    expect(validateManifest(JSON.parse(JSON.stringify(manifest)))).toEqual(manifest);
    expect(manifest.features).toEqual([{ column: 'vendor_score', kind: 'numeric', mean: 0, std: 1 }]);
    expect(manifest.model).toEqual({ format: 'scores', scoreColumn: 'vendor_score', scoreKind: 'score' });
    expect(manifest.threshold).toBe(0.5);
    expect(manifest.target).toEqual(TARGET);
    expect(manifestWidth(manifest)).toBe(1);
  });

  it('scores each row with the value of its column', async () => {
    const t = table(csv);
    const { manifest, scorer } = scoreColumnModel(t, 'vendor_score', 'score', TARGET);
    const p = await scorer.predict(encodeTable(t, manifest), t.nRows);
    expect(Array.from(p)).toEqual(Array.from(Float32Array.of(0.9, 0.1, 0.55, 0.5)));
    expect(scorer.nFeatures).toBe(1);
  });

  it('scores a decision column as its 0/1 decisions (true/false words of a boolean column included)', async () => {
    for (const [col, want] of [
      ['1\n0\n1\n0', [1, 0, 1, 0]],
      ['yes\nno\nno\nyes', [1, 0, 0, 1]],
    ] as const) {
      const t = table(`y,d\n${col.split('\n').map((v, i) => `${i % 2},${v}`).join('\n')}\n`);
      const { manifest, scorer } = scoreColumnModel(t, 'd', 'decision', TARGET);
      expect(manifest.model?.scoreKind).toBe('decision');
      expect(Array.from(await scorer.predict(encodeTable(t, manifest), t.nRows))).toEqual(want);
    }
  });

  it('refuses a score column the CLI would refuse, and a text decision column the encoding cannot read as 0/1', () => {
    expect(thrown(() => scoreColumnModel(table('y,s\n1,3\n0,0.2\n'), 's', 'score', TARGET)).message).toMatch(/outside \[0, 1\]/);
    const e = thrown(() => scoreColumnModel(table('y,d\n1,call\n0,skip\n1,call\n'), 'd', 'decision', { column: 'y', positive: 'call' }));
    expect(e.code).toBe('roles-invalid');
    expect(e.message).toBe("The decision column 'd' holds 'call' (data row 1), which is not read as a 0/1 decision.");
  });
});
