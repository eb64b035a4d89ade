import { describe, expect, it } from 'vitest';
import { largestGapPair } from '../../src/core/explain';

/** explained rows: predictions per row and their group codes */
function table(predictions: number[]) {
  return { values: new Float64Array(predictions.length), nRows: predictions.length, nPlayers: 1, predictions: Float64Array.from(predictions) };
}

describe('largestGapPair', () => {
  it('picks the groups with the highest and lowest mean score, not the two largest groups', () => {
    // group 0: 30 rows at 0.5; group 1: 30 rows at 0.52; group 2: 12 rows at 0.1
    const p = [...Array(30).fill(0.5), ...Array(30).fill(0.52), ...Array(12).fill(0.1)];
    const codes = Int32Array.from([...Array(30).fill(0), ...Array(30).fill(1), ...Array(12).fill(2)]);
    const pair = largestGapPair(table(p), codes, 10)!;
    expect([pair.groupA, pair.groupB]).toEqual([1, 2]);
    expect(pair.gap).toBeCloseTo(0.42, 12);
    expect(pair.bothLargeEnough).toBe(true);
  });

  it('leaves out groups with fewer explained rows than minCount, unless fewer than two remain', () => {
    const p = [...Array(20).fill(0.5), ...Array(20).fill(0.3), 0.99, 0.99];
    const codes = Int32Array.from([...Array(20).fill(0), ...Array(20).fill(1), 2, 2]);
    expect(largestGapPair(table(p), codes, 10)).toMatchObject({ groupA: 0, groupB: 1, bothLargeEnough: true });
    const few = largestGapPair(table([0.2, 0.9, 0.5]), Int32Array.of(0, 1, 2), 10)!;
    expect(few).toMatchObject({ groupA: 1, groupB: 0, bothLargeEnough: false });
    expect(largestGapPair(table([0.2, 0.3]), Int32Array.of(0, 0), 1)).toBeNull();
  });
});
