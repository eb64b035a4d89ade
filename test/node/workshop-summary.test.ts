/**
 * The debrief's numbers on small hand-made results files, every value computed by hand below;
 * Wilson intervals against published values; undefined values with their reasons, never 0;
 * duplicates and mixed workshops warned about; the results file's validation naming the file
 * and the place of the problem.
 */
import { describe, expect, it } from 'vitest';
import {
  normalQuantile,
  summarizeWorkshop,
  validateWorkshopResult,
  wilsonInterval,
  WORKSHOP_REASON_TEXT,
  WORKSHOP_RESULT_FORMAT,
  type WorkshopCondition,
  type WorkshopDecision,
  type WorkshopResult,
} from '../../src/core/workshop';

type Row = [leadId: string, condition: WorkshopCondition, group: string, rec: 'call' | 'skip', truth: 0 | 1 | null, decision: 'call' | 'skip' | 'escalate'];

/** A decision as the page records it: override = a call/skip against the recommendation where the score is shown. */
function decision([leadId, condition, group, rec, truth, d]: Row): WorkshopDecision {
  const override = condition !== 'score-hidden' && d !== 'escalate' && d !== rec;
  return { leadId, condition, group, modelScore: rec === 'call' ? 0.3 : 0.02, modelRecommendation: rec, truth, decision: d, override, reason: override ? { category: 'gut-feeling', text: '' } : null, ms: 1200 };
}

function result(participantId: string, rows: Row[], workshopId = 'ws-1', seed = 5): WorkshopResult {
  return { format: WORKSHOP_RESULT_FORMAT, workshopId, seed, participantId, createdAt: '2026-12-01T10:00:00.000Z', decisions: rows.map(decision) };
}

/*
 * Participant A                                    model   follows  correct
 *  1 hidden  g1 rec call truth 1 → call            right   yes      yes
 *  2 hidden  g2 rec skip truth 1 → skip            wrong   yes      no
 *  3 hidden  g1 rec call truth 0 → escalate        wrong   no       (left out)
 *  4 hidden  g2 rec skip truth ? → call            —       no       (left out)
 *  5 shown   g1 rec call truth 0 → call            wrong   yes      no
 *  6 shown   g2 rec skip truth 0 → call (override) right   no       no
 *  7 shown   g2 rec call truth 1 → call            right   yes      yes
 *  8 shown   g1 rec skip truth 1 → call (override) wrong   no       yes
 * Participant B
 *  9 shown   g2 rec skip truth 0 → skip            right   yes      yes
 * 10 shown   g2 rec call truth 0 → escalate        wrong   no       (left out)
 * 11 breaker g1 rec call truth 1 → call            right   yes      yes
 * 12 breaker g2 rec call truth 0 → skip (override) wrong   no       yes
 */
const A = result('A', [
  ['L1', 'score-hidden', 'g1', 'call', 1, 'call'],
  ['L2', 'score-hidden', 'g2', 'skip', 1, 'skip'],
  ['L3', 'score-hidden', 'g1', 'call', 0, 'escalate'],
  ['L4', 'score-hidden', 'g2', 'skip', null, 'call'],
  ['L5', 'score-shown', 'g1', 'call', 0, 'call'],
  ['L6', 'score-shown', 'g2', 'skip', 0, 'call'],
  ['L7', 'score-shown', 'g2', 'call', 1, 'call'],
  ['L8', 'score-shown', 'g1', 'skip', 1, 'call'],
]);
const B = result('B', [
  ['L9', 'score-shown', 'g2', 'skip', 0, 'skip'],
  ['L10', 'score-shown', 'g2', 'call', 0, 'escalate'],
  ['L11', 'circuit-breaker', 'g1', 'call', 1, 'call'],
  ['L12', 'circuit-breaker', 'g2', 'call', 0, 'skip'],
]);

describe('summarizeWorkshop: hand-computed numbers', () => {
  const s = summarizeWorkshop([A, B]);
  const byCondition = Object.fromEntries(s.conditions.map((c) => [c.condition, c]));

  it('counts participants and decisions, lists only the conditions that have decisions, in the canonical order', () => {
    expect(s.participants).toBe(2);
    expect(s.decisions).toBe(12);
    expect(s.workshopIds).toEqual(['ws-1']);
    expect(s.conditions.map((c) => c.condition)).toEqual(['score-hidden', 'score-shown', 'circuit-breaker']);
    expect(s.warnings).toEqual([]);
  });

  it('score hidden: accuracy 1/2, follow when wrong 1/2, when right 1/1, escalation 1/4, parity difference 0, override undefined', () => {
    const c = byCondition['score-hidden'];
    expect(c.decisions).toBe(4);
    expect(c.participants).toBe(1);
    expect(c.accuracy).toBe(0.5);
    expect(c.followRateWhenModelWrong).toBe(0.5);
    expect(c.followRateWhenModelRight).toBe(1);
    expect(c.escalationRate).toBe(0.25);
    expect(c.humanDemographicParityDifference).toBe(0);
    expect(c.overrideRate).toBeNull();
    expect(c.undefinedReasons.overrideRate).toBe(WORKSHOP_REASON_TEXT.scoreHidden);
    expect(c.intervals.overrideRate).toBeUndefined();
    expect(c.callShareByGroup).toEqual([
      { group: 'g1', decisions: 2, calls: 1, share: 0.5 },
      { group: 'g2', decisions: 2, calls: 1, share: 0.5 },
    ]);
  });

  it('score shown: accuracy 3/5, follow when wrong 1/3, when right 2/3, override 2/6, escalation 1/6, parity difference 1 − 2/4', () => {
    const c = byCondition['score-shown'];
    expect(c.decisions).toBe(6);
    expect(c.participants).toBe(2);
    expect(c.accuracy).toBeCloseTo(3 / 5, 15);
    expect(c.followRateWhenModelWrong).toBeCloseTo(1 / 3, 15);
    expect(c.followRateWhenModelRight).toBeCloseTo(2 / 3, 15);
    expect(c.overrideRate).toBeCloseTo(2 / 6, 15);
    expect(c.escalationRate).toBeCloseTo(1 / 6, 15);
    expect(c.humanDemographicParityDifference).toBe(0.5);
    expect(c.counts).toEqual({
      accuracy: { numerator: 3, denominator: 5 },
      followRateWhenModelWrong: { numerator: 1, denominator: 3 },
      followRateWhenModelRight: { numerator: 2, denominator: 3 },
      overrideRate: { numerator: 2, denominator: 6 },
      escalationRate: { numerator: 1, denominator: 6 },
    });
    expect(c.undefinedReasons).toEqual({});
    // Wilson 95 %: 3/5 → [0.230724, 0.882379], 1/3 → [0.061492, 0.792340]
    expect(c.intervals.accuracy![0]).toBeCloseTo(0.230724281276, 8);
    expect(c.intervals.accuracy![1]).toBeCloseTo(0.882379225767, 8);
    expect(c.intervals.followRateWhenModelWrong![0]).toBeCloseTo(0.061491944720, 8);
    expect(c.intervals.followRateWhenModelWrong![1]).toBeCloseTo(0.792340399198, 8);
  });

  it('circuit breaker: accuracy 2/2, follow when wrong 0/1 (a real 0), when right 1/1, override 1/2, escalation 0/2, parity difference 1', () => {
    const c = byCondition['circuit-breaker'];
    expect(c.accuracy).toBe(1);
    expect(c.followRateWhenModelWrong).toBe(0);
    expect(c.followRateWhenModelRight).toBe(1);
    expect(c.overrideRate).toBe(0.5);
    expect(c.escalationRate).toBe(0);
    expect(c.humanDemographicParityDifference).toBe(1);
    expect(c.intervals.escalationRate![0]).toBe(0);
    expect(c.intervals.escalationRate![1]).toBeGreaterThan(0.5);
  });

  it('human + model 5/7, model alone 4/7 on the same leads, human alone 1/2', () => {
    expect(s.comparison.humanPlusModel).toBeCloseTo(5 / 7, 15);
    expect(s.comparison.modelAlone).toBeCloseTo(4 / 7, 15);
    expect(s.comparison.humanAlone).toBe(0.5);
    expect(s.comparisonCounts).toEqual({
      humanPlusModel: { numerator: 5, denominator: 7 },
      modelAlone: { numerator: 4, denominator: 7 },
      humanAlone: { numerator: 1, denominator: 2 },
    });
    expect(s.comparisonIntervals.humanPlusModel![0]).toBeCloseTo(0.358934451833, 8);
    expect(s.comparisonIntervals.modelAlone![1]).toBeCloseTo(0.841780144749, 8);
  });

  it('a value with an empty denominator is null with its reason, never 0', () => {
    const only = summarizeWorkshop([
      result('C', [
        ['L1', 'score-shown', 'g1', 'call', null, 'call'],
        ['L2', 'score-shown', 'g1', 'skip', 1, 'escalate'],
      ]),
    ]);
    const c = only.conditions[0];
    expect(c.accuracy).toBeNull();
    expect(c.undefinedReasons.accuracy).toBe(WORKSHOP_REASON_TEXT.noKnownCallOrSkip);
    expect(c.followRateWhenModelWrong).toBe(0);
    expect(c.followRateWhenModelRight).toBeNull();
    expect(c.undefinedReasons.followRateWhenModelRight).toBe(WORKSHOP_REASON_TEXT.modelNeverRight);
    expect(c.humanDemographicParityDifference).toBeNull();
    expect(c.undefinedReasons.humanDemographicParityDifference).toBe(WORKSHOP_REASON_TEXT.fewerThanTwoGroups);
    expect(c.intervals.accuracy).toBeUndefined();
    expect(only.comparison).toEqual({ humanPlusModel: null, modelAlone: null, humanAlone: null });
    expect(only.comparisonReasons.humanAlone).toBe(WORKSHOP_REASON_TEXT.noHiddenScore);
    expect(summarizeWorkshop([]).conditions).toEqual([]);
  });

  it('a participant given twice counts once, with a warning; several workshops or seeds are pooled, with a warning', () => {
    const twice = summarizeWorkshop([A, B, A]);
    expect(twice.participants).toBe(2);
    expect(twice.decisions).toBe(12);
    expect(twice.warnings).toEqual(['participant "A" of workshop ws-1 appears in 2 results files; only the first is counted']);
    const mixed = summarizeWorkshop([A, result('A', [['L1', 'score-shown', 'g1', 'call', 1, 'call']], 'ws-2'), result('D', [], 'ws-1', 6)]);
    expect(mixed.participants).toBe(3);
    expect(mixed.workshopIds).toEqual(['ws-1', 'ws-2']);
    expect(mixed.warnings).toEqual([
      'the results come from 2 workshops (ws-1, ws-2); their decisions are pooled',
      'workshop ws-1 appears with 2 different seeds (5, 6); its participants did not all get the same setup',
      'participant "D" of workshop ws-1 made no decisions',
    ]);
  });

  it('the interval level reaches every interval; a level outside (0, 1) is refused', () => {
    const s90 = summarizeWorkshop([A], { intervalLevel: 0.9 });
    // Wilson 90 % for 1/2: z = 1.644854
    expect(s90.conditions[0].intervals.accuracy![0]).toBeCloseTo(0.120866319422, 8);
    expect(s90.intervalLevel).toBe(0.9);
    expect(() => summarizeWorkshop([A], { intervalLevel: 1 })).toThrow(/interval level must be in \(0, 1\)/);
  });
});

describe('Wilson score interval', () => {
  it('matches published values (statsmodels proportion_confint, method="wilson")', () => {
    const cases: [number, number, number, number][] = [
      [5, 10, 0.236593090513, 0.763406909487],
      [0, 10, 0, 0.277532799863],
      [1, 2, 0.094531205734, 0.905468794266],
      [2, 3, 0.207659600802, 0.93850805528],
    ];
    for (const [x, n, lo, hi] of cases) {
      const iv = wilsonInterval(x, n)!;
      expect(iv[0], `${x}/${n}`).toBeCloseTo(lo, 8);
      expect(iv[1], `${x}/${n}`).toBeCloseTo(hi, 8);
    }
    expect(wilsonInterval(10, 10)![1]).toBe(1);
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('the normal quantile matches Φ⁻¹ to 1e-8', () => {
    const cases: [number, number][] = [
      [0.975, 1.959963984540054],
      [0.995, 2.5758293035489],
      [0.01, -2.3263478740408408],
      [0.001, -3.090232306167813],
      [0.3, -0.5244005127080407],
      [0.5, 0],
    ];
    for (const [p, z] of cases) expect(normalQuantile(p), String(p)).toBeCloseTo(z, 8);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});

describe('validateWorkshopResult', () => {
  const good = JSON.parse(JSON.stringify(A)) as Record<string, unknown> & { decisions: Record<string, unknown>[] };
  const broken = (edit: (r: typeof good) => void): unknown => {
    const r = JSON.parse(JSON.stringify(good)) as typeof good;
    edit(r);
    return r;
  };

  it('returns a clean copy of a good file, unknown fields dropped', () => {
    const withExtra = broken((r) => ((r.extra = 1), (r.decisions[0].note = 'x')));
    const v = validateWorkshopResult(withExtra, 'a.json');
    expect(v).toEqual(A);
    expect('extra' in v).toBe(false);
  });

  it('names the file and the path of the first problem', () => {
    const cases: [unknown, string][] = [
      [[1, 2], 'a.json: is not a workshop results file (it is not a JSON object)'],
      [broken((r) => (r.format = 'bias-workbench.audit/1')), 'a.json: is not a workshop results file: format is "bias-workbench.audit/1", not "bias-workbench.workshop-result/1"'],
      [broken((r) => delete r.participantId), 'a.json: participantId must be non-empty text, not missing'],
      [broken((r) => (r.seed = -1)), 'a.json: seed must be a whole number from 0 to 4294967295, not -1'],
      [broken((r) => (r.createdAt = 'yesterday')), 'a.json: createdAt must be an ISO time, not "yesterday"'],
      [broken((r) => (r.decisions = {} as never)), 'a.json: decisions must be a list, not {}'],
      [broken((r) => (r.decisions[3].decision = 'maybe')), 'a.json: decisions[3].decision must be "call", "skip", "escalate", not "maybe"'],
      [broken((r) => (r.decisions[1].truth = 2)), 'a.json: decisions[1].truth must be 1, 0 or null, not 2'],
      [broken((r) => (r.decisions[2].condition = 'score-free')), 'a.json: decisions[2].condition must be score-hidden, score-shown, score-explained or circuit-breaker, not "score-free"'],
      [broken((r) => (r.decisions[0].modelScore = 'high')), 'a.json: decisions[0].modelScore must be a number, not "high"'],
      [broken((r) => (r.decisions[4].override = true)), 'a.json: decisions[4].override is true, but the decision follows the recommendation'],
      [broken((r) => (r.decisions[5].override = false)), 'a.json: decisions[5].override is false, but the decision goes against the recommendation'],
      [broken((r) => (r.decisions[3].override = true)), 'a.json: decisions[3].override is true, but the score is not shown in score-hidden'],
      [broken((r) => (r.decisions[5].reason = 'because')), 'a.json: decisions[5].reason must be null or {category, text}, not "because"'],
      [broken((r) => (r.decisions[0].ms = -5)), 'a.json: decisions[0].ms must be a number ≥ 0, not -5'],
      [broken((r) => (r.decisions[2].leadId = 'L1')), 'a.json: decisions[2].leadId "L1" was already decided in decisions[0]'],
    ];
    for (const [json, message] of cases) {
      expect(() => validateWorkshopResult(json, 'a.json'), message).toThrow(message);
      try {
        validateWorkshopResult(json, 'a.json');
      } catch (e) {
        expect((e as { code: string }).code).toBe('workshop-invalid');
        expect((e as Error).message).toBe(message);
      }
    }
    expect(() => validateWorkshopResult(null)).toThrow(/^the results file: /);
  });
});
