/**
 * danfojs as the peer for the column profile: our typed-array profile of the bank data must
 * equal danfojs's `describe()` and `valueCounts()` on the same columns.
 *
 * Why danfojs is a test peer and not part of the app bundle: its browser build carries its own
 * copy of tfjs and Plotly (≈6 MB), and the app must ship one of each; the profile itself is a
 * single pass over a typed array, so core computes it and danfojs checks it.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as dfd from 'danfojs';
import { parseCsv } from '../../src/core/csv';
import { profileTable } from '../../src/core/profile';
import type { Column } from '../../src/core/table';

const bytes = new Uint8Array(readFileSync(resolve(import.meta.dirname, '../../public/demo/bank/bank-full.csv')));
const { table } = parseCsv(bytes);
const profiles = profileTable(table);

function columnValues(c: Column): (number | string)[] {
  if (c.type === 'numeric') return Array.from(c.values);
  return Array.from(c.codes, (k) => c.levels[k]);
}

describe('column profile against danfojs', () => {
  const numeric = table.columns.filter((c) => c.type === 'numeric');
  it('has the bank numeric columns', () => {
    expect(numeric.map((c) => c.name)).toEqual(['age', 'balance', 'day', 'duration', 'campaign', 'pdays', 'previous']);
  });

  for (const col of numeric) {
    it(`${col.name}: count, mean, std, min, median, max equal danfojs describe()`, () => {
      const df = new dfd.DataFrame({ [col.name]: columnValues(col) });
      const d = df.describe();
      const stat = (name: string) => Number((d.values as number[][])[(d.index as string[]).indexOf(name)][0]);
      const p = profiles.find((x) => x.name === col.name)!;
      expect(p.count).toBe(stat('count'));
      expect(p.numeric!.mean).toBeCloseTo(stat('mean'), 9);
      expect(p.numeric!.std).toBeCloseTo(stat('std'), 9);
      expect(p.numeric!.min).toBe(stat('min'));
      expect(p.numeric!.quantiles.p50).toBe(stat('median'));
      expect(p.numeric!.max).toBe(stat('max'));
    });
  }

  for (const name of ['job', 'marital', 'education', 'poutcome', 'y']) {
    it(`${name}: top values equal danfojs valueCounts()`, () => {
      const col = table.columns.find((c) => c.name === name)!;
      const vc = new dfd.Series(columnValues(col)).valueCounts();
      const peer = new Map((vc.index as string[]).map((k, i) => [k, (vc.values as number[])[i]]));
      const p = profiles.find((x) => x.name === name)!;
      expect(p.distinct).toBe(peer.size);
      for (const t of p.top!) expect(t.count).toBe(peer.get(t.value));
      expect(p.top![0].count).toBe(Math.max(...peer.values()));
    });
  }
});
