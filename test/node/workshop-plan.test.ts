/**
 * The workshop's setup and plans: the link round-trips and refuses anything malformed with a
 * plain message; a participant's plan is seeded by the workshop seed and the participant id,
 * has exactly round(wrongShare · n) leads where the model is wrong, spreads leads across
 * groups, balances the conditions; the low-confidence margin is the material's 20 % quantile;
 * the circuit breaker asks for a reason exactly where it should.
 */
import { describe, expect, it } from 'vitest';
import {
  decisionFor,
  decodeWorkshopConfig,
  defaultWorkshopConfig,
  encodeWorkshopConfig,
  lowConfidenceMargin,
  needsReason,
  OVERRIDE_REASONS,
  participantSeed,
  planParticipant,
  validateWorkshopConfig,
  WORKSHOP_CONDITIONS,
  WORKSHOP_FORMAT,
  workshopIdFor,
  workshopResult,
  validateWorkshopResult,
  type Material,
  type MaterialLead,
  type PlanItem,
  type WorkshopConfig,
} from '../../src/core/workshop';
import { decodeBase64Url, encodeBase64Url } from '../../src/core/workshop/base64url';
import { createRng } from '../../src/core/rng';

const config: WorkshopConfig = { ...defaultWorkshopConfig, id: 'ws-3f9a', seed: 42 };

/**
 * 400 leads in three groups of unequal size (200 / 150 / 50); scores spread over [0, 1), the
 * threshold 0.5; the truth agrees with the model on about 80 % of the leads; every 10th lead
 * has no known truth.
 */
function syntheticMaterial(): Material {
  const rng = createRng(3);
  const leads: MaterialLead[] = [];
  for (let i = 0; i < 400; i++) {
    const group = i < 200 ? 'metro' : i < 350 ? 'suburban' : 'rural';
    const modelScore = rng.next();
    const agree = rng.next() < 0.8;
    const truth = i % 10 === 9 ? null : ((modelScore >= 0.5) === agree ? 1 : 0);
    leads.push({ leadId: `L${i}`, group, modelScore, truth, fields: { pages_viewed: i % 7 } });
  }
  return { leads, threshold: 0.5, groupColumn: 'town_size' };
}

const material = syntheticMaterial();
const wrongOf = (l: MaterialLead): boolean => (l.modelScore >= 0.5 ? 1 : 0) !== l.truth;

describe('the workshop link', () => {
  it('round-trips the configuration through a URL-safe string, for both kinds of material and any title', () => {
    const custom: WorkshopConfig = {
      format: WORKSHOP_FORMAT,
      id: 'ws_B-7',
      seed: 4294967295,
      material: { kind: 'custom', fingerprint: 'ab12'.repeat(16), name: 'Leads Q3 — Zürich 😀' },
      leadsPerParticipant: 200,
      wrongShare: 0.3,
      conditions: ['circuit-breaker', 'score-hidden'],
      title: 'Sales team 🚀 «Nord»',
    };
    for (const c of [config, custom]) {
      const s = encodeWorkshopConfig(c);
      expect(s).toMatch(/^w1\.[A-Za-z0-9_-]+$/);
      expect(decodeWorkshopConfig(s)).toEqual(c);
      expect(decodeWorkshopConfig(encodeURIComponent(s))).toEqual(c);
    }
    expect(encodeWorkshopConfig(config).length).toBeLessThan(100);
  });

  it('refuses a malformed link with a plain message', () => {
    const valid = encodeWorkshopConfig(config);
    const body = (o: unknown): string => `w1.${encodeBase64Url(JSON.stringify(o))}`;
    const good = { i: 'ws-1', s: 1, m: 'crm', n: 24, w: 0.25, c: 'hseb' };
    const cases: [string, RegExp][] = [
      ['', /the workshop link: it is empty/],
      ['hello', /it is not a workshop link \(it should start with "w1\."\)/],
      ['w2.abc', /made by a newer version of the workbench \(w2\)/],
      ['w1.@@@', /not valid base64url/],
      [valid.slice(0, 20), /cut short or mistyped/],
      [body({ ...good, c: 'hx' }), /its conditions "hx" are not known/],
      [body({ ...good, c: 'hh' }), /conditions lists "score-hidden" twice/],
      [body({ ...good, c: '' }), /conditions must list at least one condition/],
      [body({ ...good, n: 3 }), /leadsPerParticipant must be a whole number from 4 to 200, not 3/],
      [body({ ...good, w: 1.5 }), /wrongShare must be a number in \[0, 1\], not 1\.5/],
      [body({ ...good, s: -1 }), /seed must be a whole number from 0 to 4294967295, not -1/],
      [body({ ...good, i: 'a b' }), /id must be 1 to 32 letters/],
      [body({ ...good, m: { f: 'xyz', n: 'a' } }), /material\.fingerprint must be a hex digest/],
    ];
    for (const [s, message] of cases) {
      expect(() => decodeWorkshopConfig(s), s).toThrow(message);
    }
  });

  it('base64url matches Node\'s for any text', () => {
    const rng = createRng(8);
    for (let k = 0; k < 200; k++) {
      const s = Array.from({ length: rng.int(30) }, () => String.fromCodePoint([rng.int(128), 0xe9, 0x4e2d, 0x1f600][rng.int(4)])).join('');
      expect(encodeBase64Url(s)).toBe(Buffer.from(s, 'utf8').toString('base64url'));
      expect(decodeBase64Url(encodeBase64Url(s))).toBe(s);
    }
    expect(decodeBase64Url('_w')).toBeNull(); // 0xff is no UTF-8
  });

  it('the default setup is valid: 24 leads, a quarter where the model is wrong, all four conditions; ids from seeds are short', () => {
    expect(validateWorkshopConfig({ ...defaultWorkshopConfig, id: workshopIdFor(9) })).toEqual({ ...defaultWorkshopConfig, id: workshopIdFor(9) });
    expect(defaultWorkshopConfig.conditions).toEqual([...WORKSHOP_CONDITIONS]);
    expect(workshopIdFor(9)).toMatch(/^ws-[0-9a-f]{4}$/);
    expect(workshopIdFor(9)).not.toBe(workshopIdFor(10));
  });
});

describe('planParticipant', () => {
  const plan = planParticipant(config, material, 'alice');

  it('is the same for the same workshop and participant, and differs between participants and seeds', () => {
    expect(planParticipant(config, material, 'alice')).toEqual(plan);
    const bob = planParticipant(config, material, 'bob');
    const conds = (p: typeof plan): string => p.items.map((i) => i.condition).join();
    expect(conds(bob)).not.toBe(conds(plan));
    expect(bob.items.map((i) => i.lead.leadId)).not.toEqual(plan.items.map((i) => i.lead.leadId));
    expect(planParticipant({ ...config, seed: 43 }, material, 'alice').items.map((i) => i.lead.leadId)).not.toEqual(plan.items.map((i) => i.lead.leadId));
    expect(participantSeed(config, 'alice')).toBe(plan.participantSeed);
    expect(participantSeed(config, 'alice')).not.toBe(participantSeed(config, 'alicf'));
  });

  it('n distinct leads with a known truth, indexed 0..n−1, exactly round(wrongShare · n) where the model is wrong', () => {
    for (const [n, share, wrong] of [[24, 0.25, 6], [10, 0.25, 3], [7, 0.5, 4], [12, 0, 0], [12, 1, 12]] as const) {
      const p = planParticipant({ ...config, leadsPerParticipant: n, wrongShare: share }, material, `p${n}-${share}`);
      expect(p.items).toHaveLength(n);
      expect(p.items.map((i) => i.index)).toEqual([...Array(n).keys()]);
      expect(new Set(p.items.map((i) => i.lead.leadId)).size).toBe(n);
      expect(p.items.every((i) => i.lead.truth !== null)).toBe(true);
      expect(p.items.filter((i) => i.modelWrong).length, `n ${n} share ${share}`).toBe(wrong);
      for (const it of p.items) {
        expect(it.modelWrong).toBe(wrongOf(it.lead));
        expect(it.modelRecommendation).toBe(it.lead.modelScore >= 0.5 ? 'call' : 'skip');
      }
    }
  });

  it('spreads the leads across groups: within the wrong and the right leads, group counts differ by at most one', () => {
    for (const id of ['a', 'b', 'c', 'd']) {
      const p = planParticipant({ ...config, leadsPerParticipant: 30, wrongShare: 0.4 }, material, id);
      for (const wrong of [true, false]) {
        const counts = ['metro', 'suburban', 'rural'].map((g) => p.items.filter((i) => i.modelWrong === wrong && i.lead.group === g).length);
        expect(Math.max(...counts) - Math.min(...counts), `${id} wrong=${wrong} ${counts}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('a group with too few leads is passed over when its leads run out', () => {
    const small: Material = { ...material, leads: material.leads.filter((l) => l.group !== 'rural' || Number(l.leadId.slice(1)) < 352) };
    const p = planParticipant({ ...config, leadsPerParticipant: 30, wrongShare: 0 }, small, 'x');
    const rural = p.items.filter((i) => i.lead.group === 'rural').length;
    expect(rural).toBe(small.leads.filter((l) => l.group === 'rural' && l.truth !== null && !wrongOf(l)).length);
    expect(p.items).toHaveLength(30);
  });

  it('balances the conditions: each gets ⌊n/k⌋ or ⌈n/k⌉ leads and ⌊W/k⌋ or ⌈W/k⌉ of the model-wrong ones', () => {
    for (const [n, conditions] of [[24, WORKSHOP_CONDITIONS], [10, WORKSHOP_CONDITIONS], [9, ['score-hidden', 'score-shown']]] as const) {
      const c = { ...config, leadsPerParticipant: n, conditions: [...conditions] };
      const p = planParticipant(c, material, `bal${n}`);
      const w = Math.round(c.wrongShare * n);
      const k = conditions.length;
      for (const cond of conditions) {
        const all = p.items.filter((i) => i.condition === cond);
        expect([Math.floor(n / k), Math.ceil(n / k)]).toContain(all.length);
        expect([Math.floor(w / k), Math.ceil(w / k)]).toContain(all.filter((i) => i.modelWrong).length);
      }
    }
  });

  it('too few candidate leads: a plain error that says how many there are', () => {
    const tiny: Material = { ...material, leads: material.leads.slice(0, 5) };
    expect(() => planParticipant(config, tiny, 'a')).toThrow(/the material has 5 leads with a known outcome, and each participant needs 24/);
    const allRight: Material = { ...material, leads: material.leads.filter((l) => l.truth !== null && !wrongOf(l)) };
    expect(() => planParticipant(config, allRight, 'a')).toThrow(/the material has 0 leads where the model is wrong, and each participant needs 6/);
    expect(() => planParticipant(config, material, '')).toThrow(/participant id must be 1 to 64 characters/);
  });
});

describe('low confidence', () => {
  it('the margin is the 20 % quantile (⌈0.2·m⌉-th smallest) of |score − threshold| over leads with a known truth', () => {
    const lead = (modelScore: number, truth: 0 | 1 | null = 1): MaterialLead => ({ leadId: String(modelScore), group: 'g', modelScore, truth, fields: {} });
    // distances 0.4, 0.05, 0.02, 0.4, 0.1 → sorted 0.02, 0.05, 0.1, 0.4, 0.4; ⌈1⌉ → 0.02
    const five: Material = { leads: [0.1, 0.45, 0.52, 0.9, 0.6].map((s) => lead(s)), threshold: 0.5, groupColumn: 'g' };
    expect(lowConfidenceMargin(five)).toBeCloseTo(0.02, 12);
    // a sixth lead without truth is not counted; ten leads → the 2nd smallest
    expect(lowConfidenceMargin({ ...five, leads: [...five.leads, lead(0.5, null)] })).toBeCloseTo(0.02, 12);
    const ten: Material = { leads: [0.1, 0.2, 0.3, 0.44, 0.49, 0.53, 0.6, 0.7, 0.8, 0.9].map((s) => lead(s)), threshold: 0.5, groupColumn: 'g' };
    expect(lowConfidenceMargin(ten)).toBeCloseTo(0.03, 12);
    expect(lowConfidenceMargin({ ...ten, lowConfidenceMargin: 0.2 })).toBe(0.2);
  });

  it('a planned item is low-confidence exactly when |score − threshold| ≤ the margin', () => {
    const margin = lowConfidenceMargin(material);
    const p = planParticipant({ ...config, leadsPerParticipant: 200 }, material, 'lc');
    expect(p.lowConfidenceMargin).toBe(margin);
    for (const it of p.items) expect(it.lowConfidence).toBe(Math.abs(it.lead.modelScore - 0.5) <= margin);
    expect(p.items.some((i) => i.lowConfidence)).toBe(true);
    expect(p.items.some((i) => !i.lowConfidence)).toBe(true);
  });
});

describe('the circuit breaker and decisions', () => {
  const item = (condition: PlanItem['condition'], rec: 'call' | 'skip', lowConfidence: boolean): PlanItem => ({
    index: 0,
    lead: { leadId: 'L1', group: 'g1', modelScore: rec === 'call' ? 0.6 : 0.4, truth: 0, fields: {} },
    condition,
    modelRecommendation: rec,
    modelWrong: rec === 'call',
    lowConfidence,
  });

  it('asks for a reason on every override where the score is shown, and on following a low-confidence lead in the circuit breaker only', () => {
    const rows: [PlanItem['condition'], 'call' | 'skip', boolean, 'call' | 'skip' | 'escalate', boolean][] = [
      ['score-hidden', 'call', true, 'skip', false],
      ['score-hidden', 'call', true, 'call', false],
      ['score-shown', 'call', false, 'skip', true],
      ['score-shown', 'call', true, 'call', false],
      ['score-explained', 'skip', false, 'call', true],
      ['score-explained', 'skip', true, 'skip', false],
      ['circuit-breaker', 'call', true, 'call', true],
      ['circuit-breaker', 'call', false, 'call', false],
      ['circuit-breaker', 'skip', false, 'call', true],
      ['circuit-breaker', 'skip', true, 'escalate', false],
      ['score-shown', 'skip', true, 'escalate', false],
    ];
    for (const [cond, rec, low, d, expected] of rows) expect(needsReason(item(cond, rec, low), d), `${cond} ${rec} low=${low} → ${d}`).toBe(expected);
  });

  it('decisionFor records override only against a shown score, refuses a missing reason, rounds ms', () => {
    const reason = { category: OVERRIDE_REASONS[0].id, text: '  met them last year ' };
    expect(decisionFor(item('score-shown', 'call', false), 'skip', reason, 1234.6)).toEqual({
      leadId: 'L1', condition: 'score-shown', group: 'g1', modelScore: 0.6, modelRecommendation: 'call', truth: 0,
      decision: 'skip', override: true, reason: { category: 'knows-the-customer', text: 'met them last year' }, ms: 1235,
    });
    expect(decisionFor(item('score-hidden', 'call', false), 'skip', null, -3)).toMatchObject({ override: false, reason: null, ms: 0 });
    expect(decisionFor(item('score-shown', 'call', false), 'escalate', null, 10).override).toBe(false);
    expect(() => decisionFor(item('circuit-breaker', 'call', true), 'call', null, 10)).toThrow(/lead L1: this decision needs a stated reason/);
    expect(() => decisionFor(item('score-shown', 'call', false), 'skip', { category: ' ', text: 'x' }, 10)).toThrow(/needs a stated reason/);
    expect(() => decisionFor(item('score-shown', 'call', false), 'maybe' as never, null, 10)).toThrow(/call, skip or escalate/);
    expect(OVERRIDE_REASONS.map((r) => r.id)).toEqual(expect.arrayContaining(['knows-the-customer', 'data-looks-wrong', 'fairness-concern', 'gut-feeling', 'other']));
  });

  it('a played plan makes a results file that validates', () => {
    const p = planParticipant(config, material, 'carol');
    const ds = p.items.map((it) => decisionFor(it, it.modelRecommendation, needsReason(it, it.modelRecommendation) ? { category: 'gut-feeling', text: '' } : null, 900));
    const r = workshopResult(p, ds, '2026-12-01T09:00:00.000Z');
    expect(validateWorkshopResult(JSON.parse(JSON.stringify(r)))).toEqual(r);
    expect(r).toMatchObject({ format: 'bias-workbench.workshop-result/1', workshopId: 'ws-3f9a', seed: 42, participantId: 'carol' });
  });
});
