/**
 * Drafting a manifest from the data (core/manifest/draft): each encoding's numbers against
 * hand-computed ones, the errors a person gets, and the bank demo — drafted on the demo
 * model's training rows, the draft's encodings equal the demo manifest's.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCsvText } from '../../src/core/csv';
import { encodeTarget, validateManifest, type Manifest, type NumericFeature } from '../../src/core/manifest';
import { draftManifest, type DraftChoices } from '../../src/core/manifest/draft';
import { stratifiedSplit } from '../../src/core/train';

const root = resolve(import.meta.dirname, '../..');
const small = parseCsvText('y,age,city,flag,n\nyes,20,Oslo,true,3\nno,30,Bergen,false,1\nno,,Oslo,true,3\nyes,50,,false,2\n').table;
const base: Omit<DraftChoices, 'features'> = { target: { column: 'y', positive: 'yes' }, output: 'probability' };

function problem(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('expected a throw');
}

describe('draftManifest', () => {
  it('standardises with the mean and population std of the values present', () => {
    const m = draftManifest(small, { ...base, features: [{ column: 'age', encoding: 'standardize' }] });
    const f = m.features[0] as NumericFeature;
    // 20, 30, 50: mean 100/3, variance (177.78 + 11.11 + 277.78) / 3
    expect(f.mean).toBeCloseTo(100 / 3, 12);
    expect(f.std).toBeCloseTo(Math.sqrt(((20 - 100 / 3) ** 2 + (30 - 100 / 3) ** 2 + (50 - 100 / 3) ** 2) / 3), 12);
    expect(m.threshold).toBe(0.5);
    expect(m.format).toBe('bias-workbench.manifest/1');
  });

  it('takes categories from the levels that occur, numbers ascending for a numeric column; raw numbers with no scaling', () => {
    const m = draftManifest(small, {
      ...base,
      features: [
        { column: 'city', encoding: 'one-hot' },
        { column: 'n', encoding: 'one-hot' },
        { column: 'flag', encoding: 'label' },
        { column: 'age', encoding: 'none' },
      ],
      threshold: 0.3,
      output: 'logit',
      protected: [{ column: 'age', cuts: [40] }],
    });
    expect(m.features).toEqual([
      { column: 'city', kind: 'categorical', categories: ['Bergen', 'Oslo'] },
      { column: 'n', kind: 'categorical', categories: ['1', '2', '3'] },
      { column: 'flag', kind: 'label', categories: ['false', 'true'] },
      { column: 'age', kind: 'numeric', mean: 0, std: 1 },
    ]);
    expect(m.output).toBe('logit');
    expect(m.threshold).toBe(0.3);
    expect(m.protected).toEqual([{ column: 'age', cuts: [40] }]);
  });

  it('reads only the given rows', () => {
    const m = draftManifest(small, { ...base, features: [{ column: 'age', encoding: 'standardize' }, { column: 'city', encoding: 'one-hot' }], rows: Uint32Array.of(0, 1) });
    expect(m.features[0]).toEqual({ column: 'age', kind: 'numeric', mean: 25, std: 5 });
    expect(m.features[1]).toEqual({ column: 'city', kind: 'categorical', categories: ['Bergen', 'Oslo'] });
    const constant = draftManifest(small, { ...base, features: [{ column: 'n', encoding: 'standardize' }], rows: Uint32Array.of(0, 2) });
    expect(constant.features[0]).toEqual({ column: 'n', kind: 'numeric', mean: 3, std: 1 });
  });

  it('says what is wrong: text to standardise, an absent column, a column twice, no positive row, the target as input, a bad threshold', () => {
    expect(problem(() => draftManifest(small, { ...base, features: [{ column: 'city', encoding: 'standardize' }] })).message).toBe("'city' holds text ('Bergen', 'Oslo'), so it cannot be standardised.");
    expect(problem(() => draftManifest(small, { ...base, features: [{ column: 'town', encoding: 'one-hot' }] })).message).toBe("The input column 'town' is not a column of the data.");
    expect(problem(() => draftManifest(small, { ...base, features: [{ column: 'age', encoding: 'none' }, { column: 'age', encoding: 'standardize' }] })).message).toBe("'age' is chosen twice as an input.");
    expect(problem(() => draftManifest(small, { ...base, target: { column: 'y', positive: 'Yes' }, features: [{ column: 'age', encoding: 'none' }] })).message).toMatch(/positive value 'Yes'/);
    const asInput = problem(() => draftManifest(small, { ...base, features: [{ column: 'y', encoding: 'one-hot' }] }));
    expect(asInput.code).toBe('manifest-invalid');
    expect(asInput.message).toMatch(/target/);
    expect(problem(() => draftManifest(small, { ...base, threshold: 1.5, features: [{ column: 'age', encoding: 'none' }] })).message).toMatch(/threshold/);
  });

  it('reproduces the bank demo model manifest when drafted on its training rows', () => {
    const table = parseCsvText(readFileSync(join(root, 'public/demo/bank/bank-full.csv'), 'utf8')).table;
    const demo = validateManifest(JSON.parse(readFileSync(join(root, 'public/demo/bank/model.manifest.json'), 'utf8'))) as Manifest;
    // the demo model's split: stratified, 20 % validation, seed 42 (scripts/make-demo-model.ts, core/train)
    const { train } = stratifiedSplit(encodeTarget(table, demo.target), 0.2, 42);
    const draft = draftManifest(table, {
      target: demo.target,
      features: demo.features.map((f) => ({ column: f.column, encoding: f.kind === 'numeric' ? 'standardize' : 'one-hot' })),
      output: demo.output,
      threshold: demo.threshold,
      protected: demo.protected,
      rows: train,
    });
    expect(draft.features.length).toBe(15);
    draft.features.forEach((f, i) => {
      const want = demo.features[i];
      expect(f.kind).toBe(want.kind);
      if (f.kind === 'numeric' && want.kind === 'numeric') {
        expect(Math.abs(f.mean! - want.mean!)).toBeLessThan(1e-9 * Math.max(1, Math.abs(want.mean!)));
        expect(Math.abs(f.std! - want.std!)).toBeLessThan(1e-9 * want.std!);
      } else {
        expect(f).toEqual(want);
      }
    });
    expect({ ...draft, features: [] }).toEqual({ ...demo, features: [], name: undefined, description: undefined, training: undefined });
  });
});
