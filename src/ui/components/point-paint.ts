/**
 * A point scene (charts/point-scene.ts) as canvas drawing calls, cut in steps a sliced painting
 * can stop between (LightChart's PointCanvas paints a few steps per frame). Only drawing: every
 * position, size and colour comes from the scene.
 */
import type { PointScene } from '../../charts/point-scene';

/** The drawing calls paintSteps makes: the part of CanvasRenderingContext2D it uses. */
export type PaintContext = Pick<
  CanvasRenderingContext2D,
  'globalAlpha' | 'fillStyle' | 'strokeStyle' | 'lineWidth' | 'setLineDash' | 'beginPath' | 'moveTo' | 'lineTo' | 'arc' | 'rect' | 'closePath' | 'fill' | 'stroke'
>;

/** The most markers one painting step draws (a sliced painting can stop between steps). */
export const PIECE = 256;

/**
 * A point scene's painting as steps in drawing order: the lines, then the filled circles without
 * an outline batched (one path and one fill per colour and opacity, PIECE markers at most),
 * then every other marker on its own, PIECE at a time. Each step is a few ms at most and returns
 * the points it drew, so a large scene can be painted over frames.
 */
export function paintSteps(ctx: PaintContext, scene: PointScene): (() => number)[] {
  const steps: (() => number)[] = [];
  for (const path of scene.paths) {
    steps.push(() => {
      ctx.strokeStyle = path.color;
      ctx.lineWidth = path.width;
      ctx.setLineDash(path.dash ?? []);
      ctx.beginPath();
      for (let i = 0; i < path.xy.length; i += 2) {
        if (i === 0) ctx.moveTo(path.xy[i], path.xy[i + 1]);
        else ctx.lineTo(path.xy[i], path.xy[i + 1]);
      }
      ctx.stroke();
      return path.xy.length / 2;
    });
  }
  steps.push(() => {
    ctx.setLineDash([]);
    return 0;
  });
  const { xy, radius, opacity, colors, symbols, outlines } = scene;
  const batches = new Map<string, number[]>();
  const single: number[] = [];
  for (let p = 0; p < radius.length; p++) {
    if (!(radius[p] > 0)) continue;
    if ((symbols[p] ?? 'circle') === 'circle' && !(outlines[p]?.width > 0)) {
      const key = `${colors[p]}|${opacity[p]}`;
      let list = batches.get(key);
      if (!list) batches.set(key, (list = []));
      list.push(p);
    } else single.push(p);
  }
  // a batch is cut in pieces of at most PIECE markers: a beeswarm drawn before its colours
  // arrive is one colour, and its 15,000 markers as one step were one frame's rasterising
  for (const [key, list] of batches) {
    const [color, alpha] = key.split('|');
    for (let from = 0; from < list.length; from += PIECE) {
      const piece = list.slice(from, from + PIECE);
      steps.push(() => {
        ctx.globalAlpha = Number(alpha);
        ctx.fillStyle = color;
        ctx.beginPath();
        for (const p of piece) {
          ctx.moveTo(xy[2 * p] + radius[p], xy[2 * p + 1]);
          ctx.arc(xy[2 * p], xy[2 * p + 1], radius[p], 0, 2 * Math.PI);
        }
        ctx.fill();
        return piece.length;
      });
    }
  }
  for (let from = 0; from < single.length; from += PIECE) {
    const piece = single.slice(from, from + PIECE);
    steps.push(() => {
      for (const p of piece) {
        ctx.globalAlpha = opacity[p];
        const symbol = symbols[p] ?? 'circle';
        const open = symbol.endsWith('-open');
        markerPath(ctx, symbol.replace('-open', ''), xy[2 * p], xy[2 * p + 1], radius[p]);
        if (open) {
          ctx.strokeStyle = colors[p];
          ctx.lineWidth = 1.5;
          ctx.stroke();
        } else {
          ctx.fillStyle = colors[p];
          ctx.fill();
          const o = outlines[p];
          if (o && o.width > 0) {
            ctx.strokeStyle = o.color;
            ctx.lineWidth = o.width;
            ctx.stroke();
          }
        }
      }
      return piece.length;
    });
  }
  return steps;
}

/** A marker's outline as the current canvas path: circle, star, diamond, square, triangle. */
function markerPath(ctx: PaintContext, symbol: string, x: number, y: number, r: number): void {
  ctx.beginPath();
  if (symbol === 'star') {
    for (let k = 0; k < 10; k++) {
      const a = -Math.PI / 2 + (k * Math.PI) / 5;
      const rr = k % 2 === 0 ? r * 1.15 : r * 0.5;
      if (k === 0) ctx.moveTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
      else ctx.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
    }
    ctx.closePath();
  } else if (symbol === 'diamond') {
    ctx.moveTo(x, y - r);
    ctx.lineTo(x + r, y);
    ctx.lineTo(x, y + r);
    ctx.lineTo(x - r, y);
    ctx.closePath();
  } else if (symbol === 'square') {
    ctx.rect(x - r, y - r, 2 * r, 2 * r);
  } else if (symbol.startsWith('triangle')) {
    ctx.moveTo(x, y - r);
    ctx.lineTo(x + r, y + r);
    ctx.lineTo(x - r, y + r);
    ctx.closePath();
  } else {
    ctx.arc(x, y, r, 0, 2 * Math.PI);
  }
}
