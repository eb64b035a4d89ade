/**
 * A point scene's painting steps (src/ui/components/point-paint.ts), run on a context that
 * records the calls: no step draws more than PIECE markers, even when every marker has one
 * colour (a beeswarm before its colours arrive: 15,000 markers that were one step, so one
 * frame's rasterising), and every marker is drawn exactly once.
 */
import { describe, expect, it } from 'vitest';
import { paintSteps, PIECE, type PaintContext } from '../../src/ui/components/point-paint';
import type { PointScene } from '../../src/charts/point-scene';

/** A context that counts, per step, the markers begun (arcs and other outlines) and the fills. */
function recorder() {
  const counts = { arcs: 0, paths: 0, fills: 0, strokes: 0 };
  const ctx: PaintContext = {
    globalAlpha: 1,
    fillStyle: '',
    strokeStyle: '',
    lineWidth: 1,
    setLineDash: () => undefined,
    beginPath: () => void counts.paths++,
    moveTo: () => undefined,
    lineTo: () => undefined,
    arc: () => void counts.arcs++,
    rect: () => undefined,
    closePath: () => undefined,
    fill: () => void counts.fills++,
    stroke: () => void counts.strokes++,
  };
  return { ctx, counts };
}

function scene(circles: number, diamonds: number): PointScene {
  const n = circles + diamonds;
  return {
    width: 700,
    height: 600,
    plot: { left: 40, top: 20, width: 620, height: 540 },
    xRange: [0, 1],
    xy: Float32Array.from({ length: 2 * n }, (_, i) => 50 + (i % 500)),
    colors: Array.from({ length: n }, () => '#8a93a0'),
    radius: new Float32Array(n).fill(2.5),
    opacity: new Float32Array(n).fill(0.6),
    symbols: Array.from({ length: n }, (_, p) => (p < circles ? 'circle' : 'diamond')),
    outlines: [],
    bars: [],
    paths: [{ xy: [40, 300, 660, 300], color: '#222222', width: 1 }],
    trace: new Uint16Array(n),
    index: Uint32Array.from({ length: n }, (_, p) => p),
    hover: [[]],
    lines: [],
    texts: [],
    legend: [],
    colorbar: null,
  };
}

describe('point painting steps', () => {
  it('cuts one colour of 15,000 circles in steps of at most PIECE markers, each drawn once', () => {
    const { ctx, counts } = recorder();
    const steps = paintSteps(ctx, scene(15_000, 300));
    let drawn = 0;
    for (const step of steps) {
      const before = { ...counts };
      const n = step();
      drawn += n;
      expect(n).toBeLessThanOrEqual(PIECE);
      // a step of circles is one path and one fill, whatever its size
      if (counts.arcs - before.arcs > 1) expect(counts.fills - before.fills).toBe(1);
    }
    // the line (2 points) and every marker
    expect(drawn).toBe(2 + 15_300);
    expect(counts.arcs).toBe(15_000);
    expect(steps.length).toBeGreaterThanOrEqual(Math.ceil(15_000 / PIECE) + Math.ceil(300 / PIECE));
  });
});
