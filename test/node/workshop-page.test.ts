/**
 * What the page's workshop and oversight stand on, outside the browser: the explained card's
 * reasons, custom material in the link (its group column), the material the worker builds
 * from a loaded table (the model's target as the truth, kept off the cards), the material's
 * fingerprint, the debrief document and its refusals, the debrief chart's spec, and the one
 * describer of interventions.
 */
import { describe, expect, it } from 'vitest';
import { createCsvReader } from '../../src/core/csv';
import { WorkbenchError } from '../../src/core/errors';
import { describeIntervention } from '../../src/core/mitigate';
import {
  cardReasons,
  decodeWorkshopConfig,
  defaultWorkshopConfig,
  encodeWorkshopConfig,
  planParticipant,
  WORKSHOP_SUMMARY_FORMAT,
  workshopResult,
  decisionFor,
  type MaterialLead,
  type WorkshopConfig,
} from '../../src/core/workshop';
import { workshopFollowSpec } from '../../src/charts';
import type { Manifest } from '../../src/core/manifest';
import { buildMaterial, debrief, leadIdsOf, materialFingerprint, materialInfo } from '../../workers/workshop-jobs';

function table(csv: string) {
  const r = createCsvReader({});
  r.push(new TextEncoder().encode(csv));
  return r.finish().table;
}

const lead = (contributions: { column: string; value: number }[]): MaterialLead => ({
  leadId: '7',
  group: 'rural',
  modelScore: 0.2,
  truth: 1,
  fields: { pages_viewed: 4, email_opens: 0, zip3: '817xx', town_size: 'rural', custom_col: 'x' },
  contributions,
});

describe('cardReasons', () => {
  it('gives the largest contributions by size, in the card’s plain words, with their direction', () => {
    const r = cardReasons(lead([
      { column: 'pages_viewed', value: 0.01 },
      { column: 'zip3', value: -0.05 },
      { column: 'email_opens', value: 0.03 },
      { column: 'custom_col', value: 0.002 },
    ]));
    expect(r.map((x) => x.column)).toEqual(['zip3', 'email_opens', 'pages_viewed']);
    expect(r[0]).toEqual({ column: 'zip3', line: 'Lives in zip code area 817xx', direction: 'down', value: -0.05 });
    expect(r[1].line).toBe('Has not opened any of our emails');
    expect(r[1].direction).toBe('up');
    expect(r[2].line).toBe('Looked at 4 pages of our website');
  });

  it('leaves out zero and non-finite contributions, keeps the order of ties, and reads unknown columns generically', () => {
    const r = cardReasons(lead([
      { column: 'custom_col', value: 0.01 },
      { column: 'pages_viewed', value: 0 },
      { column: 'email_opens', value: Number.NaN },
      { column: 'missing_col', value: -0.01 },
    ]), 5);
    expect(r.map((x) => [x.column, x.line])).toEqual([
      ['custom_col', 'Custom col: x'],
      ['missing_col', 'Missing col: not known'],
    ]);
    expect(cardReasons({ ...lead([]), contributions: undefined })).toEqual([]);
  });
});

describe('custom material in the link', () => {
  const config: WorkshopConfig = { ...defaultWorkshopConfig, id: 'ws-1', material: { kind: 'custom', fingerprint: 'ab'.repeat(32), name: 'leads.csv + my model', groupColumn: 'region' } };

  it('carries the group column through the link', () => {
    const back = decodeWorkshopConfig(encodeWorkshopConfig(config));
    expect(back.material).toEqual(config.material);
    const without = { ...config, material: { kind: 'custom' as const, fingerprint: 'ab'.repeat(32), name: 'x' } };
    expect(decodeWorkshopConfig(encodeWorkshopConfig(without)).material).toEqual(without.material);
  });

  it('refuses an empty group column', () => {
    expect(() => encodeWorkshopConfig({ ...config, material: { ...config.material, groupColumn: '' } as WorkshopConfig['material'] })).toThrow(/groupColumn/);
  });
});

const manifest = (extra: Partial<Manifest> = {}): Manifest => ({
  format: 'bias-workbench.manifest/1',
  target: { column: 'won', positive: 'yes' },
  features: [{ column: 'visits', kind: 'numeric' }],
  output: 'probability',
  threshold: 0.5,
  protected: [{ column: 'region' }],
  ...extra,
} as Manifest);

describe('buildMaterial (custom)', () => {
  const t = table('visits,region,won\n1,north,yes\n5,south,no\n3,north,\n9,south,yes\n');
  const scores = Float32Array.from([0.7, 0.2, 0.6, 0.9]);

  it('takes the truth from the model’s target, keeps the target off the cards, and names leads by row without an id column', () => {
    const m = buildMaterial(t, manifest(), scores, { kind: 'custom' });
    expect(m.groupColumn).toBe('region');
    expect(m.threshold).toBe(0.5);
    expect(m.leads.map((l) => l.leadId)).toEqual(['row 1', 'row 2', 'row 3', 'row 4']);
    expect(m.leads.map((l) => l.truth)).toEqual([1, 0, null, 1]);
    expect(m.leads.map((l) => l.group)).toEqual(['north', 'south', 'north', 'south']);
    for (const l of m.leads) expect(Object.keys(l.fields)).not.toContain('won');
    expect(m.leads[0].modelScore).toBeCloseTo(0.7, 6);
    // the model is wrong on row 1 (0.7 → call, truth 1: right), row 2 (skip, 0: right), row 4 (call, 1: right): none wrong
    expect(materialInfo(m)).toMatchObject({ leads: 4, withTruth: 3, modelWrong: 0, groups: ['north', 'south'] });
    expect(leadIdsOf(t)).toEqual(['row 1', 'row 2', 'row 3', 'row 4']);
  });

  it('uses an id column when there is one, and the chosen group column', () => {
    const withId = table('lead_id,visits,region,won\nA,1,north,yes\nB,5,south,no\n');
    const m = buildMaterial(withId, manifest(), Float32Array.from([0.4, 0.6]), { kind: 'custom', groupColumn: 'visits' });
    expect(m.leads.map((l) => [l.leadId, l.group, l.truth])).toEqual([
      ['A', '1', 1],
      ['B', '5', 0],
    ]);
    expect(materialInfo(m).modelWrong).toBe(2);
  });

  it('says what is missing: a group column, the target column, the CRM truth file', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(WorkbenchError);
        return (e as WorkbenchError).message;
      }
      throw new Error('no error');
    };
    expect(err(() => buildMaterial(t, manifest({ protected: [] }), scores, { kind: 'custom' }))).toContain('no group column');
    expect(err(() => buildMaterial(t, manifest({ target: { column: 'sold', positive: 'yes' } }), scores, { kind: 'custom' }))).toContain('"sold"');
    expect(err(() => buildMaterial(t, manifest(), scores, { kind: 'crm-demo' }))).toContain('truth file');
  });
});

describe('materialFingerprint', () => {
  it('is a SHA-256 hex that changes with either part and not with anything else', () => {
    const a = materialFingerprint('11'.repeat(32), '22'.repeat(32));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(materialFingerprint('11'.repeat(32), '22'.repeat(32))).toBe(a);
    expect(materialFingerprint('11'.repeat(32), '23'.repeat(32))).not.toBe(a);
    expect(materialFingerprint('12'.repeat(32), '22'.repeat(32))).not.toBe(a);
  });
});

describe('the debrief document and its chart', () => {
  const rows = Array.from({ length: 24 }, (_, i) => `${i},${i % 2 ? 'north' : 'south'},${i % 3 ? 'yes' : 'no'}`).join('\n');
  const t = table(`visits,region,won\n${rows}\n`);
  const scores = Float32Array.from({ length: 24 }, (_, i) => (i % 4 === 0 ? 0.9 : (i % 5) / 10));
  const material = buildMaterial(t, manifest(), scores, { kind: 'custom' });
  const config: WorkshopConfig = { ...defaultWorkshopConfig, id: 'ws-t', seed: 3, leadsPerParticipant: 8, wrongShare: 0.25 };
  const played = (pid: string) => {
    const plan = planParticipant(config, material, pid);
    const decisions = plan.items.map((it) => decisionFor(it, it.modelRecommendation, it.condition === 'circuit-breaker' && it.lowConfidence ? { category: 'gut-feeling', text: '' } : null, 1000));
    return workshopResult(plan, decisions, '2026-12-02T10:00:00.000Z');
  };

  it('names its files and matches the core summary', () => {
    const doc = debrief([
      { name: 'a.json', text: JSON.stringify(played('a')) },
      { name: 'b.json', text: `\uFEFF${JSON.stringify(played('b'))}` },
    ]);
    expect(doc.format).toBe(WORKSHOP_SUMMARY_FORMAT);
    expect(doc.files).toEqual([
      { file: 'a.json', workshopId: 'ws-t', participantId: 'a', decisions: 8 },
      { file: 'b.json', workshopId: 'ws-t', participantId: 'b', decisions: 8 },
    ]);
    expect(doc.participants).toBe(2);
    // they followed every score they saw
    for (const c of doc.conditions.filter((x) => x.condition !== 'score-hidden')) {
      if (c.followRateWhenModelWrong !== null) expect(c.followRateWhenModelWrong).toBe(1);
      expect(c.overrideRate).toBe(0);
    }
    const spec = workshopFollowSpec(doc);
    expect(spec.data).toHaveLength(2);
    const wrong = spec.data[0] as { x: string[]; y: (number | null)[] };
    expect(wrong.x).toEqual(doc.conditions.map((c) => ({ 'score-hidden': 'score hidden', 'score-shown': 'score shown', 'score-explained': 'score with its explanation', 'circuit-breaker': 'circuit breaker' })[c.condition]));
    expect(wrong.y).toEqual(doc.conditions.map((c) => c.followRateWhenModelWrong));
  });

  it('refuses no files, a file that is not JSON and a file that is not a results file, by name', () => {
    expect(() => debrief([])).toThrow(/no results files/);
    expect(() => debrief([{ name: 'x.json', text: '{' }])).toThrow(/x\.json is not JSON/);
    expect(() => debrief([{ name: 'y.json', text: '{"a":1}' }])).toThrow(/y\.json/);
  });
});

describe('describeIntervention', () => {
  it('says every kind in words, the same on the page and in the CLI', () => {
    expect(describeIntervention({ kind: 'drop-features', columns: ['zip3'] })).toBe('drop zip3 and retrain');
    expect(describeIntervention({ kind: 'group-thresholds', constraint: 'equal-opportunity' })).toBe('group thresholds for equal-opportunity');
    expect(describeIntervention({ kind: 'relabel', labels: [{ row: 1, label: 1 }], name: 'reviewed overrides' })).toBe('retrain with reviewed overrides (1 label from people)');
    expect(describeIntervention({ kind: 'constraint', constraint: 'demographic-parity', lambda: 2 })).toBe('demographic-parity in training, λ = 2');
  });
});
