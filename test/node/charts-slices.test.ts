import { describe, expect, it } from 'vitest';
import { beeswarmSpec, beeswarmSpecSlices, runSlices, type Slices } from '../../src/charts';
import { markerCount, pointScene, pointSceneSlices } from '../../src/charts/point-scene';

/** A sliced builder run by hand: its result and how many times it paused. */
function drain<T>(work: Slices<T>): { value: T; pauses: number } {
  let pauses = 0;
  for (;;) {
    const s = work.next();
    if (s.done) return { value: s.value, pauses };
    pauses++;
  }
}

function shapResult(nRows: number, nPlayers: number) {
  const values = new Float64Array(nRows * nPlayers);
  let seed = 7;
  for (let i = 0; i < values.length; i++) {
    seed = (seed * 16807) % 2147483647;
    values[i] = (seed / 2147483647 - 0.5) * (1 + (i % nPlayers)) * 0.01;
  }
  return {
    values,
    nRows,
    nPlayers,
    players: Array.from({ length: nPlayers }, (_, j) => ({ name: `c${j}`, start: j, end: j + 1 })),
    baseValue: 0.2,
    predictions: new Float64Array(nRows),
    output: 'probability' as const,
  };
}

describe('charts built in slices', () => {
  const result = shapResult(300, 20);
  const values = Array.from({ length: 20 }, (_, j) => Array.from({ length: 300 }, (_, i) => (j === 3 && i % 7 === 0 ? null : ((i * 31 + j * 17) % 100) / 100)));

  it('the beeswarm pauses after each of its rows and ends with the spec built at once', () => {
    const { value, pauses } = drain(beeswarmSpecSlices(result, values));
    expect(pauses).toBe(15);
    expect(value).toEqual(beeswarmSpec(result, values));
    expect(runSlices(beeswarmSpecSlices(result, []))).toEqual(beeswarmSpec(result, result.players.map(() => Array.from({ length: 300 }, () => null))));
  });

  it('a scatter scene pauses every 2,048 markers and ends with the scene laid out at once', () => {
    const spec = beeswarmSpec(result, values);
    expect(markerCount(spec)).toBe(300 * 15);
    const { value, pauses } = drain(pointSceneSlices(spec, 640));
    expect(pauses).toBe(Math.floor(4500 / 2048));
    expect(value).toEqual(pointScene(spec, 640));
    expect(value!.radius.length).toBe(4500);
  });
});
