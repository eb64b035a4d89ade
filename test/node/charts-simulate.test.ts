/**
 * The simulation charts: pure specs from round results, drawn by the light point scene, with
 * gaps for missing values and every group in its palette colour.
 */
import { describe, expect, it } from 'vitest';
import { beliefVsTruthSpec, describeChart, gapByRoundSpec, groupColor, lastRoundSummary, missedConversionsSpec, selectionByRoundSpec } from '../../src/charts';
import { pointScene } from '../../src/charts/point-scene';
import type { RoundResult } from '../../src/core/simulate';

const groups = ['metro', 'suburban', 'small town', 'rural'];

function round(r: number, small: number): RoundResult {
  const by = (v: number, s: number) => Object.fromEntries(groups.map((g) => [g, g === 'small town' ? s : v]));
  return {
    round: r,
    leads: 1000,
    selectionRate: by(0.22, small),
    trueConversionRate: by(0.1, 0.1),
    observedConversionRate: by(0.1, 0.1 - r * 0.02),
    missedConversions: by(40, 60 + r * 5) as Record<string, number>,
    trainingShare: by(0.3, 0.1 - r * 0.01),
    demographicParityDifference: 0.22 - small,
    trueEqualOpportunityDifference: r === 2 ? null : 0.1 * r,
    accuracyTrue: 0.8,
    aucTrue: 0.7,
    accuracyObserved: 0.85,
    aucObserved: 0.72,
  };
}

const runaway = { name: 'no remedy', result: { groups, disfavoured: 'small town', rounds: [round(1, 0.15), round(2, 0.1), round(3, 0.05)] } };
const explore = { name: 'exploration', result: { groups, disfavoured: 'small town', rounds: [round(1, 0.15), round(2, 0.17), round(3, 0.19)] } };

describe('simulation charts', () => {
  it('draws the gap by round, one line per remedy, undefined as a gap', () => {
    const spec = gapByRoundSpec([runaway, explore]);
    expect(spec.data.map((t) => t.name)).toEqual(['no remedy', 'exploration']);
    expect(spec.data[0].y).toEqual([0.07, 0.12, 0.17].map((v) => expect.closeTo(v, 12)));
    const eo = gapByRoundSpec([runaway], 'trueEqualOpportunityDifference');
    expect((eo.data[0].y as (number | null)[])[1]).toBeNull();
    const scene = pointScene(spec, 600)!;
    expect(scene.paths.length).toBe(2);
    expect(describeChart(spec)).toMatch(/no remedy/);
  });

  it('shows what the CRM believes against the truth per group, in the group colours', () => {
    const spec = beliefVsTruthSpec(runaway);
    expect(spec.data).toHaveLength(8);
    const small = spec.data.filter((t) => String(t.name).startsWith('small town'));
    expect(small.map((t) => t.name)).toEqual(['small town (disfavoured): true', 'small town (disfavoured): what the CRM believes']);
    expect((small[0].line as { color: string }).color).toBe(groupColor(2));
    expect((small[1].line as { dash?: string }).dash).toBe('dash');
    expect(pointScene(spec, 600)).not.toBeNull();
  });

  it('counts missed conversions and selection by group and round', () => {
    expect(missedConversionsSpec(runaway).data[2].y).toEqual([65, 70, 75]);
    expect(selectionByRoundSpec(runaway).data[2].y).toEqual([0.15, 0.1, 0.05]);
    expect(lastRoundSummary(runaway)).toMatch(/round 3: selection-rate gap 17\.0%; small town called 5\.0%, believed to convert at 4\.0% \(truly 10\.0%\)/);
  });
});
