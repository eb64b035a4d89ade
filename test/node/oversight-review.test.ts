/**
 * The review queue: the sampling rule (half nearest the threshold, half at random, shuffled,
 * seeded), reviews that uphold or override (a reason required), and reviewed decisions as
 * training labels.
 */
import { describe, expect, it } from 'vitest';
import { overrideLabels, reviewItem, reviewLogInput, reviewQueue, type ReviewItem, type ReviewQueueInput } from '../../src/core/oversight';
import { problem } from './synthetic';

/** 200 leads with scores spread over [0, 1), groups alternating, one NaN score at row 7. */
function leads(): ReviewQueueInput {
  const n = 200;
  const scores = Float32Array.from({ length: n }, (_, i) => ((i * 73) % n) / n);
  scores[7] = NaN;
  return {
    leadIds: Array.from({ length: n }, (_, i) => `L${i}`),
    scores,
    groups: Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 'metro' : 'rural')),
    threshold: 0.5,
    size: 20,
    seed: 11,
  };
}

describe('reviewQueue', () => {
  it('takes half nearest the threshold and half at random from the rest, as pending items', () => {
    const input = leads();
    const q = reviewQueue(input);
    expect(q).toHaveLength(20);
    const near = q.filter((it) => it.sample === 'near-threshold');
    expect(near).toHaveLength(10);
    // the 10 smallest |score − 0.5| among rows with a score, by brute force
    const dist = (r: number): number => Math.abs(input.scores[r] - 0.5);
    const expected = [...Array(200).keys()].filter((r) => r !== 7).sort((a, b) => dist(a) - dist(b) || a - b).slice(0, 10);
    expect(near.map((it) => it.row).sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
    const nearest = Math.max(...near.map((it) => dist(it.row)));
    const random = q.filter((it) => it.sample === 'random');
    expect(random).toHaveLength(10);
    for (const it of random) expect(dist(it.row)).toBeGreaterThanOrEqual(nearest);
    expect(new Set(q.map((it) => it.row)).size).toBe(20);
    for (const it of q) {
      expect(it).toMatchObject({ leadId: `L${it.row}`, group: it.row % 2 === 0 ? 'metro' : 'rural', score: input.scores[it.row], status: 'pending', decision: null, reason: null, reasons: [] });
      expect(it.recommendation).toBe(it.score >= 0.5 ? 'call' : 'skip');
    }
  });

  it('shuffles the halves together; the same seed gives the same queue, another seed another random half', () => {
    const input = leads();
    const q = reviewQueue(input);
    expect(reviewQueue(input)).toEqual(q);
    const firstHalf = q.slice(0, 10).map((it) => it.sample);
    expect(firstHalf).toContain('random');
    expect(firstHalf).toContain('near-threshold');
    const other = reviewQueue({ ...input, seed: 12 });
    const rows = (xs: ReviewItem[], s: string): number[] => xs.filter((it) => it.sample === s).map((it) => it.row).sort((a, b) => a - b);
    expect(rows(other, 'near-threshold')).toEqual(rows(q, 'near-threshold'));
    expect(rows(other, 'random')).not.toEqual(rows(q, 'random'));
  });

  it('never queues a lead without a score or an excluded one; takes every eligible lead when asked for more', () => {
    const input = leads();
    const all = reviewQueue({ ...input, size: 1000 });
    expect(all).toHaveLength(199);
    expect(all.some((it) => it.row === 7)).toBe(false);
    const first = reviewQueue(input);
    const next = reviewQueue({ ...input, exclude: first.map((it) => it.row) });
    expect(next).toHaveLength(20);
    for (const it of next) expect(first.some((f) => f.row === it.row)).toBe(false);
    expect(reviewQueue({ ...input, size: 0 })).toEqual([]);
    // an odd size: the near half is the larger
    expect(reviewQueue({ ...input, size: 5 }).filter((it) => it.sample === 'near-threshold')).toHaveLength(3);
  });

  it('asks for the reasons of each queued row', () => {
    const asked: number[] = [];
    const q = reviewQueue({ ...leads(), size: 4, reasons: (row) => (asked.push(row), [{ column: 'zip3', contribution: row / 100 }]) });
    expect(asked.sort((a, b) => a - b)).toEqual(q.map((it) => it.row).sort((a, b) => a - b));
    for (const it of q) expect(it.reasons).toEqual([{ column: 'zip3', contribution: it.row / 100 }]);
  });

  it('refuses lists of different lengths, a threshold that is not a number and a bad size', () => {
    const input = leads();
    expect(problem(() => reviewQueue({ ...input, groups: input.groups.slice(1) })).message).toMatch(/200 leads, 200 scores, 199 groups/);
    expect(problem(() => reviewQueue({ ...input, threshold: NaN })).code).toBe('review-invalid');
    expect(problem(() => reviewQueue({ ...input, size: 2.5 })).message).toMatch(/whole number/);
  });
});

describe('reviewItem', () => {
  const [item] = reviewQueue({ ...leads(), size: 1 });

  it('upholds when the decision equals the recommendation, overrides otherwise, and returns a new item', () => {
    const other = item.recommendation === 'call' ? 'skip' : 'call';
    const upheld = reviewItem(item, item.recommendation, null);
    expect(upheld).toMatchObject({ status: 'upheld', decision: item.recommendation, reason: null });
    expect(item.status).toBe('pending');
    const over = reviewItem(item, other, '  known customer, renewing  ');
    expect(over).toMatchObject({ status: 'overridden', decision: other, reason: 'known customer, renewing' });
    expect(reviewItem(over, item.recommendation, '  ')).toMatchObject({ status: 'upheld', reason: null });
  });

  it('refuses an override without a reason and a decision that is not call or skip', () => {
    const other = item.recommendation === 'call' ? 'skip' : 'call';
    for (const reason of [null, '', '   ']) {
      const p = problem(() => reviewItem(item, other, reason));
      expect(p.code).toBe('review-invalid');
      expect(p.message).toMatch(/needs a reason/);
    }
    expect(problem(() => reviewItem(item, 'escalate' as 'call', 'x')).code).toBe('review-invalid');
  });
});

describe('overrideLabels and reviewLogInput', () => {
  const base: ReviewItem = { leadId: 'L', row: 0, group: 'g', score: 0.6, recommendation: 'call', reasons: [], status: 'pending', decision: null, reason: null, sample: 'random' };

  it('turns reviewed decisions into labels (call 1, skip 0), one per row, the last review winning, in row order', () => {
    const items = [
      reviewItem({ ...base, row: 9 }, 'skip', 'no budget'),
      { ...base, row: 3 },
      reviewItem({ ...base, row: 5 }, 'call', null),
      reviewItem({ ...base, row: 9 }, 'call', null),
      reviewItem({ ...base, row: 1, recommendation: 'skip' }, 'skip', null),
    ];
    expect(overrideLabels(items)).toEqual([{ row: 1, label: 0 }, { row: 5, label: 1 }, { row: 9, label: 1 }]);
    expect(overrideLabels([])).toEqual([]);
  });

  it('logs an upheld item as a review and an overridden one as an override; nothing for a pending one', () => {
    const ctx = { modelId: 'e'.repeat(64), threshold: 0.5, actor: 'reviewer-1' };
    expect(reviewLogInput(base, ctx)).toBeNull();
    expect(reviewLogInput(reviewItem(base, 'call', null), ctx)).toEqual({ kind: 'review', leadId: 'L', modelId: ctx.modelId, score: 0.6, threshold: 0.5, decision: 'call', override: false, reason: null, actor: 'reviewer-1' });
    expect(reviewLogInput(reviewItem(base, 'skip', 'closed last week'), ctx)).toMatchObject({ kind: 'override', decision: 'skip', override: true, reason: 'closed last week' });
  });
});
