/**
 * The page's report glue (workers/report-jobs.ts) in Node: the preview names what the report
 * will hide (identifier-like columns, the small group and its complementary cell, the
 * k-anonymity check over protected + chosen quasi-identifiers) and offers only columns that are
 * no role, identifier or score as quasi-identifiers; the report it then makes hides the same
 * cells, raises the audit's minimum group size to k, leaves identifiers out of the proxy
 * ranking and carries no identifier value; bad settings are refused with a sentence.
 */
import { describe, expect, it } from 'vitest';
import { makeReport, reportPreview, type ReportContext, type ReportSettings } from '../../workers/report-jobs';
import { scoreColumnModel } from '../../src/core/score-column';
import type { Assessment } from '../../src/core/report';
import type { CategoricalColumn, ColumnTable, NumericColumn } from '../../src/core/table';
import type { DatasetRoles } from '../../src/core/roles';
import { createRng } from '../../src/core/rng';

/** 400 A, 300 B, 5 C leads with ids, e-mails, a region, a converted flag and a score. */
function leads(): ColumnTable {
  const rng = createRng(11);
  const g: number[] = [];
  const y: number[] = [];
  const s: number[] = [];
  const r: number[] = [];
  [400, 300, 5].forEach((n, gi) => {
    for (let i = 0; i < n; i++) {
      const conv = rng.next() < 0.3 ? 1 : 0;
      g.push(gi);
      y.push(conv);
      r.push(gi === 0 ? (rng.next() < 0.8 ? 0 : 1) : rng.next() < 0.2 ? 0 : 1);
      s.push(Math.min(1, Math.max(0, 0.15 + 0.4 * conv + (gi === 0 ? 0.2 : 0) + 0.2 * (rng.next() - 0.5))));
    }
  });
  const n = g.length;
  const ids: CategoricalColumn = { type: 'categorical', name: 'lead_id', codes: Int32Array.from({ length: n }, (_, i) => i), levels: Array.from({ length: n }, (_, i) => `LEAD-${70000 + i}`) };
  const email: CategoricalColumn = { type: 'categorical', name: 'email', codes: Int32Array.from({ length: n }, (_, i) => i), levels: Array.from({ length: n }, (_, i) => `someone${i}@mail.example`) };
  const group: CategoricalColumn = { type: 'categorical', name: 'group', codes: Int32Array.from(g), levels: ['A', 'B', 'C'] };
  const region: CategoricalColumn = { type: 'categorical', name: 'region', codes: Int32Array.from(r), levels: ['north', 'south'] };
  const conv: CategoricalColumn = { type: 'categorical', name: 'converted', codes: Int32Array.from(y), levels: ['no', 'yes'] };
  const score: NumericColumn = { type: 'numeric', name: 'score', values: Float64Array.from(s) };
  return { nRows: n, columns: [ids, email, group, region, conv, score] };
}

const table = leads();
const roles: DatasetRoles = { target: { column: 'converted', positive: 'yes' }, protected: [{ column: 'group' }], features: ['lead_id', 'email', 'region'], ignored: ['score'] };
const { manifest, scorer } = scoreColumnModel(table, 'score', 'score', roles.target);
const ctx: ReportContext = {
  table,
  roles,
  scores: Float32Array.from((table.columns[5] as NumericColumn).values),
  audit: { decision: { rule: 'threshold', threshold: 0.5 }, minGroupSize: 30, intersections: true, resamples: 20 },
  dataset: { name: 'leads.csv', sha256: 'cd'.repeat(32) },
  model: { name: manifest.name ?? 'scores', format: 'scores', fingerprint: 'ef'.repeat(32), manifest, scorer },
  threshold: 0.5,
};
const settings: ReportSettings = { k: 10, quasiIdentifiers: [], identifierAction: 'drop', importance: false };

describe('the report preview', () => {
  const p = reportPreview(ctx, settings);

  it('names the identifier-like columns and the cells it will hide', () => {
    expect(p.identifiers.map((f) => f.column).sort()).toEqual(['email', 'lead_id']);
    expect(p.suppressed).toContainEqual({ table: 'group', cell: 'C', kind: 'small' });
    // C alone would be given away by subtraction from all rows: one more group is hidden with it
    expect(p.suppressed.some((c) => c.table === 'group' && c.kind === 'complementary')).toBe(true);
    expect(p.kAnonymity).toMatchObject({ columns: ['group'], k: 10, smallestClass: 5, classesBelowK: 1, rowsBelowK: 5, satisfied: false });
  });

  it('offers as quasi-identifiers only columns that are no role, identifier or score', () => {
    expect(p.candidates).toEqual(['region']);
    const q = reportPreview(ctx, { ...settings, quasiIdentifiers: ['region'] });
    expect(q.kAnonymity.columns).toEqual(['group', 'region']);
    expect(q.kAnonymity.classes).toBeGreaterThan(p.kAnonymity.classes);
  });

  it('refuses a k below 2 and an unknown quasi-identifier with a sentence', () => {
    expect(() => reportPreview(ctx, { ...settings, k: 1 })).toThrow(/k must be a whole number ≥ 2/);
    expect(() => reportPreview(ctx, { ...settings, quasiIdentifiers: ['postcode'] })).toThrow(/'postcode' is not a column of leads.csv/);
  });
});

describe('the report', () => {
  it('hides what the preview said, raises the minimum group size to k, and carries no identifier', async () => {
    const s: ReportSettings = { ...settings, k: 50, system: { name: 'Lead score v2' } };
    const preview = reportPreview(ctx, s);
    const stages: string[] = [];
    const r = await makeReport(ctx, s, [], (st) => stages.push(st));
    const doc = JSON.parse(r.json) as Assessment;
    expect(doc.privacy.suppressed).toEqual(preview.suppressed);
    expect(doc.fairness.minGroupSize).toBe(50);
    expect(doc.fairness.k).toBe(50);
    expect(doc.system.name).toBe('Lead score v2');
    expect(doc.model.kind).toBe('score-column');
    expect(doc.model.files[0].sha256).toBe('ef'.repeat(32));
    expect(doc.data.sha256).toBe('cd'.repeat(32));
    // intervals from the page's resamples
    expect(doc.performance.intervals?.resamples).toBe(20);
    // the proxy ranking reads region, never an identifier
    expect(doc.explanations.proxies[0].columns.map((c) => c.name)).toEqual(['region']);
    expect(stages).toEqual(['audit with intervals', 'proxies', 'document']);
    expect(r.title).toBe('Algorithmic impact assessment — Lead score v2');
    for (const text of [r.html, r.json]) {
      expect(text).not.toContain('LEAD-70000');
      expect(text).not.toContain('@mail.example');
    }
    expect(r.html).toContain('fewer than 50');
  });
});
