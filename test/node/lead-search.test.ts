/**
 * The Explain tab's lead picker lists, for a typed row number, the explained leads nearest to it
 * (src/ui/components/lead-search.ts): at most the limit, in row order, ties to the lower row,
 * and a row typed with separators reads as its number.
 */
import { describe, expect, it } from 'vitest';
import { nearestLeads, typedRow } from '../../src/ui/components/lead-search';

describe('lead search', () => {
  // 0-based rows of leads spread every 45th row, the last one replaced by a lead picked elsewhere
  const rows = Uint32Array.from([0, 45, 90, 135, 180, 225, 7]);

  it('lists the explained leads whose 1-based row number is nearest, in row order', () => {
    // row 91 (0-based 90) itself first by distance, then 46 and 136 (45 away), then 1
    expect(nearestLeads(rows, 91, 3).map((i) => rows[i] + 1)).toEqual([46, 91, 136]);
    expect(nearestLeads(rows, 91, 4).map((i) => rows[i] + 1)).toEqual([8, 46, 91, 136]);
    // a row that was explained is listed, its index is the one in `rows`
    expect(nearestLeads(rows, 8, 1)).toEqual([6]);
  });

  it('breaks ties toward the lower row and never lists more than the limit or the leads', () => {
    // 27 is 19 from both 8 and 46: the lower row; 28 is nearer 46
    expect(nearestLeads(rows, 27, 1).map((i) => rows[i] + 1)).toEqual([8]);
    expect(nearestLeads(rows, 28, 1).map((i) => rows[i] + 1)).toEqual([46]);
    expect(nearestLeads(rows, 10_000, 2).map((i) => rows[i] + 1)).toEqual([181, 226]);
    expect(nearestLeads(rows, 1, 50)).toHaveLength(rows.length);
    expect(nearestLeads(rows, 1, 0)).toEqual([]);
    expect(nearestLeads(new Uint32Array(0), 1, 8)).toEqual([]);
  });

  it('reads a row number with separators, and nothing from text without digits', () => {
    expect(typedRow('4521')).toBe(4521);
    expect(typedRow(' row 4,521 ')).toBe(4521);
    expect(typedRow('4 521')).toBe(4521);
    expect(typedRow('')).toBeNull();
    expect(typedRow('row')).toBeNull();
  });
});
