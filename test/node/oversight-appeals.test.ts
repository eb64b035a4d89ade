/**
 * Appeals: the only moves are open → under-review → upheld | overturned; ages; overturn
 * rates by group with Wilson intervals checked against hand-computed values.
 */
import { describe, expect, it } from 'vitest';
import {
  appealAgeDays,
  appealLogInput,
  appealStats,
  openAppeal,
  transitionAppeal,
  wilsonInterval,
  type Appeal,
  type AppealState,
} from '../../src/core/oversight';
import { problem } from './synthetic';

const step = (at: string, note = ''): { actor: string; note: string; at: string } => ({ actor: 'reviewer-7c1e', note, at });

function appeal(id: string, group: string, path: AppealState[], days: number[] = []): Appeal {
  let a = openAppeal({ id, leadId: `lead-${id}`, group, score: 0.2, actor: 'customer', note: 'I was never called', at: '2027-01-01T00:00:00.000Z' });
  path.forEach((to, i) => {
    const d = days[i] ?? i + 1;
    a = transitionAppeal(a, to, step(new Date(Date.UTC(2027, 0, 1) + d * 86_400_000).toISOString(), `step ${i}`));
  });
  return a;
}

describe('appeal states', () => {
  it('opens with one step and moves open → under-review → upheld or overturned, keeping every step', () => {
    const a = appeal('1', 'rural', []);
    expect(a.state).toBe('open');
    expect(a.history).toEqual([{ state: 'open', at: '2027-01-01T00:00:00.000Z', actor: 'customer', note: 'I was never called' }]);
    const r = transitionAppeal(a, 'under-review', step('2027-01-02T00:00:00Z'));
    expect(r.state).toBe('under-review');
    expect(a.state).toBe('open');
    expect(a.history).toHaveLength(1);
    for (const end of ['upheld', 'overturned'] as const) {
      const d = transitionAppeal(r, end, step('2027-01-03T00:00:00Z', 'checked the call log'));
      expect(d.state).toBe(end);
      expect(d.history.map((s) => s.state)).toEqual(['open', 'under-review', end]);
      expect(d.history[2].note).toBe('checked the call log');
    }
  });

  it('refuses every other move with appeal-invalid and a reason', () => {
    const states: AppealState[] = ['open', 'under-review', 'upheld', 'overturned'];
    const at: Record<AppealState, Appeal> = {
      open: appeal('o', 'g', []),
      'under-review': appeal('r', 'g', ['under-review']),
      upheld: appeal('u', 'g', ['under-review', 'upheld']),
      overturned: appeal('v', 'g', ['under-review', 'overturned']),
    };
    const allowed = new Set(['open>under-review', 'under-review>upheld', 'under-review>overturned']);
    let refused = 0;
    for (const from of states) {
      for (const to of states) {
        if (allowed.has(`${from}>${to}`)) continue;
        const p = problem(() => transitionAppeal(at[from], to, step('2027-02-01T00:00:00Z')));
        expect(p.code).toBe('appeal-invalid');
        expect(p.message).toMatch(from === 'upheld' || from === 'overturned' ? /which is final/ : /can only move to/);
        refused++;
      }
    }
    expect(refused).toBe(13);
    expect(problem(() => transitionAppeal(at.open, 'closed' as AppealState, step('2027-02-01T00:00:00Z'))).message).toMatch(/"closed" is not an appeal state/);
  });

  it('refuses a step dated before the last one, an unreadable time and an empty actor', () => {
    const a = appeal('1', 'g', ['under-review'], [5]);
    expect(problem(() => transitionAppeal(a, 'upheld', step('2027-01-03T00:00:00Z'))).message).toMatch(/comes before the last one/);
    expect(problem(() => transitionAppeal(a, 'upheld', step('next week'))).message).toMatch(/at must be an ISO 8601 time/);
    expect(problem(() => transitionAppeal(a, 'upheld', { actor: '', note: '', at: '2027-02-01T00:00:00Z' })).message).toMatch(/actor/);
    expect(problem(() => openAppeal({ id: '', leadId: 'x', group: 'g', score: 0.1, actor: 'c', note: '', at: '2027-01-01T00:00:00Z' })).code).toBe('appeal-invalid');
    expect(problem(() => openAppeal({ id: '1', leadId: 'x', group: 'g', score: NaN, actor: 'c', note: '', at: '2027-01-01T00:00:00Z' })).message).toMatch(/score/);
  });
});

describe('appealAgeDays', () => {
  it('counts to now while undecided and stops at the decision', () => {
    expect(appealAgeDays(appeal('1', 'g', []), '2027-01-04T12:00:00Z')).toBe(3.5);
    expect(appealAgeDays(appeal('2', 'g', ['under-review'], [1]), '2027-01-11T00:00:00Z')).toBe(10);
    expect(appealAgeDays(appeal('3', 'g', ['under-review', 'overturned'], [1, 2]), '2027-03-01T00:00:00Z')).toBe(2);
    expect(appealAgeDays(appeal('4', 'g', []), '2026-12-01T00:00:00Z')).toBe(0);
    expect(problem(() => appealAgeDays(appeal('5', 'g', []), 'now')).code).toBe('appeal-invalid');
  });
});

describe('wilsonInterval', () => {
  it('matches hand-computed Wilson intervals at z = 1.96', () => {
    // k = 3, n = 10, z² = 3.841459: centre (0.3 + 0.192073)/1.384146 = 0.355507, half 0.247714
    // k = 0, n = 5: the lower end is 0, the upper (z²/n)/(1 + z²/n) = 0.768292/1.768292
    const [lo, hi] = wilsonInterval(3, 10)!;
    expect(lo).toBeCloseTo(0.10779, 5);
    expect(hi).toBeCloseTo(0.60322, 5);
    const [l0, h0] = wilsonInterval(0, 5)!;
    expect(l0).toBe(0);
    expect(h0).toBeCloseTo(0.768292 / 1.768292, 6);
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

describe('appealStats', () => {
  const now = '2027-02-01T00:00:00Z';
  const appeals = [
    appeal('a1', 'small-town', ['under-review', 'overturned'], [1, 3]),
    appeal('a2', 'small-town', ['under-review', 'overturned'], [1, 5]),
    appeal('a3', 'small-town', ['under-review', 'upheld'], [2, 4]),
    appeal('a4', 'small-town', []),
    appeal('b1', 'metro', ['under-review', 'upheld'], [1, 2]),
    appeal('b2', 'metro', ['under-review', 'upheld'], [1, 6]),
    appeal('b3', 'metro', ['under-review', 'overturned'], [1, 8]),
    appeal('b4', 'metro', ['under-review', 'upheld'], [1, 10]),
    appeal('c1', 'rural', ['under-review'], [1]),
  ];

  it('counts, rates, intervals and median ages per group (name order) and overall', () => {
    const s = appealStats(appeals, now);
    expect(s.groups.map((g) => g.group)).toEqual(['metro', 'rural', 'small-town']);
    const [metro, rural, small] = s.groups;
    expect(small).toMatchObject({ appeals: 4, decided: 3, overturned: 2, overturnRate: 2 / 3 });
    expect(small.interval).toEqual(wilsonInterval(2, 3));
    // ages 3, 5, 4 (decided) and 31 (open): median (4 + 5) / 2
    expect(small.medianAgeDays).toBe(4.5);
    expect(metro).toMatchObject({ appeals: 4, decided: 4, overturned: 1, overturnRate: 0.25, medianAgeDays: 7 });
    expect(rural).toMatchObject({ appeals: 1, decided: 0, overturned: 0, overturnRate: null, interval: null, medianAgeDays: 31 });
    expect(s.overall).toMatchObject({ group: 'overall', appeals: 9, decided: 7, overturned: 3, overturnRate: 3 / 7 });
    expect(s.overturnRateDifference).toBeCloseTo(2 / 3 - 0.25, 12);
  });

  it('has no difference with fewer than two groups with a decided appeal, and no rows for no appeals', () => {
    expect(appealStats(appeals.filter((a) => a.group !== 'metro'), now).overturnRateDifference).toBeNull();
    const none = appealStats([], now);
    expect(none.groups).toEqual([]);
    expect(none.overall).toMatchObject({ appeals: 0, overturnRate: null, interval: null, medianAgeDays: null });
  });
});

describe('appealLogInput', () => {
  it('logs each step with its kind, state, note and actor', () => {
    const ctx = { modelId: 'f'.repeat(64), threshold: 0.4 };
    const opened = appeal('1', 'g', []);
    expect(appealLogInput(opened, ctx)).toEqual({ kind: 'appeal-opened', leadId: 'lead-1', modelId: ctx.modelId, score: 0.2, threshold: 0.4, decision: 'open', override: false, reason: 'I was never called', actor: 'customer' });
    const reviewing = transitionAppeal(opened, 'under-review', step('2027-01-02T00:00:00Z'));
    expect(appealLogInput(reviewing, ctx)).toMatchObject({ kind: 'appeal-review', decision: 'under-review', reason: null, actor: 'reviewer-7c1e' });
    const over = transitionAppeal(reviewing, 'overturned', step('2027-01-03T00:00:00Z', 'a viable lead'));
    expect(appealLogInput(over, ctx)).toMatchObject({ kind: 'appeal-decided', decision: 'overturned', override: true, reason: 'a viable lead' });
  });
});
