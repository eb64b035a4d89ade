/**
 * The shipped CRM demo (public/demo/crm, built by scripts/make-crm-demo.ts) is what the
 * generator makes today, its model never reads town_size, and it tells the seed's story: the
 * small-town leads score lowest although every town size truly converts alike.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateManifest, encodeTable } from '../../src/core/manifest';
import { createModelScorer, loadLayersModelFromFiles, MODEL_WEIGHTS_FILE } from '../../src/core/model';
import { defaultLeadKnobs, generateLeads, LEAD_FEATURES, leadsToCsv, TOWN_SIZES } from '../../src/core/simulate';
import { root } from './cli-harness';
import { setupTfAndCheckLeaks } from './tf-setup';

setupTfAndCheckLeaks();

const dir = join(root, 'public/demo/crm');
const g = generateLeads(defaultLeadKnobs);

describe('the CRM demo', () => {
  it('leads.csv and truth.csv are the generator\'s default batch (rerun scripts/make-crm-demo.ts if not)', () => {
    expect(readFileSync(join(dir, 'leads.csv'), 'utf8')).toBe(leadsToCsv(g));
    const truth = readFileSync(join(dir, 'truth.csv'), 'utf8').trim().split('\n');
    expect(truth[0]).toBe('lead_id,converted_true');
    expect(truth.slice(1).map((l) => (l.endsWith(',yes') ? 1 : 0))).toEqual(Array.from(g.truth));
  });

  it('the model reads the lead columns and zip3, never town_size, age_band or gender; those are the suggested protected attributes', () => {
    const manifest = validateManifest(JSON.parse(readFileSync(join(dir, 'model.manifest.json'), 'utf8')));
    expect(manifest.features.map((f) => f.column)).toEqual([...LEAD_FEATURES]);
    expect(manifest.target).toEqual({ column: 'converted', positive: 'yes' });
    expect(manifest.protected?.map((p) => p.column)).toEqual(['town_size', 'age_band', 'gender']);
  });

  it('small-town leads get the lowest mean score while every town size truly converts alike', async () => {
    const manifest = validateManifest(JSON.parse(readFileSync(join(dir, 'model.manifest.json'), 'utf8')));
    const model = await loadLayersModelFromFiles([
      { name: 'model.json', data: new Uint8Array(readFileSync(join(dir, 'model.json'))) },
      { name: MODEL_WEIGHTS_FILE, data: new Uint8Array(readFileSync(join(dir, MODEL_WEIGHTS_FILE))) },
    ]);
    let scores: Float32Array;
    try {
      scores = await createModelScorer(model, manifest).predict(encodeTable(g.table, manifest), g.table.nRows);
    } finally {
      model.dispose();
    }
    const stats = TOWN_SIZES.map((_, t) => {
      let n = 0;
      let s = 0;
      let y = 0;
      for (let i = 0; i < g.townCodes.length; i++) {
        if (g.townCodes[i] !== t) continue;
        n++;
        s += scores[i];
        y += g.truth[i];
      }
      return { n, score: s / n, rate: y / n };
    });
    const small = TOWN_SIZES.indexOf('small town');
    for (const [t, st] of stats.entries()) {
      if (t !== small) expect(stats[small].score).toBeLessThan(0.75 * st.score);
      // true rate within 4.5 sd of the 12 % every group is generated with
      expect(Math.abs(st.rate - 0.12)).toBeLessThan(4.5 * Math.sqrt((0.12 * 0.88) / st.n));
    }
  });
});
