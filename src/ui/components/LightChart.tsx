import { useEffect, useMemo, useRef, useState } from 'react';
import type { PlotSpec } from '../../charts/types';
import { barScene, plainText, type BarScene, type SceneLine, type SceneText } from '../../charts/bar-scene';
import { markerCount, nearestPoint, pointSceneSlices, type PointScene } from '../../charts/point-scene';
import type { Slices } from '../../charts/slices';
import { SLICE_MS, useSlices } from './use-slices';
import { describeChart } from '../../charts/summary';
import { ChartFigure, PlotlyChart, type ChartMarker } from './PlotlyChart';
import { paintSteps } from './point-paint';

/**
 * A chart drawn without Plotly from its spec's scene: bar charts as one small SVG
 * (charts/bar-scene.ts), so the charts that follow a dragged threshold redraw on every step in
 * well under a frame; scatter charts with thousands of points (charts/point-scene.ts) painted
 * on a canvas under an SVG of axes and labels. Hover texts: native tooltips on bars, the
 * nearest point's text on scatters. A spec neither scene can draw falls back to Plotly.
 */
export function LightChart({ spec, testId, stale = false, marker = null }: { spec: PlotSpec; testId?: string; stale?: boolean; marker?: ChartMarker | null }) {
  const frame = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const draws = useRef(0);
  useEffect(() => {
    const node = frame.current;
    if (!node || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver((entries) => {
      const w = Math.round(entries[0]?.contentRect.width ?? 0);
      if (w > 0) setWidth((old) => (Math.abs(old - w) > 2 ? w : old));
    });
    ro.observe(node);
    return () => ro.disconnect();
  }, []);
  // a chart of many points (the beeswarm) is laid out in slices between frames; the others at once
  const inSlices = useMemo(() => markerCount(spec) > SLICED_POINTS, [spec]);
  const scene = useSlices(width > 0 ? () => sceneSlices(spec, width) : null, [spec, width], inSlices);
  const summary = useMemo(() => describeChart(spec), [spec]);
  const fallback = width > 0 && scene === null;
  useEffect(() => {
    if (scene && frame.current) frame.current.dataset.draws = String(++draws.current);
  }, [scene]);
  if (fallback) return <PlotlyChart spec={spec} testId={testId} stale={stale} marker={marker} />;
  const title = scene?.texts.find((t) => t.bold)?.text ?? 'chart';
  return (
    <ChartFigure title={title} summary={summary} marker={marker} stale={stale} testId={testId}>
      <div ref={frame} className="chart light-chart" data-testid={testId} data-draws="0" aria-hidden="true">
        {scene && ('rects' in scene ? <SceneSvg scene={scene} /> : <PointCanvas scene={scene} marker={marker} />)}
      </div>
    </ChartFigure>
  );
}

/** Charts with more markers than this are laid out and painted in slices of a few ms. */
const SLICED_POINTS = 4000;
/** The most markers painted in one frame of a sliced painting (see PointCanvas). */
const PAINTED_POINTS = 2500;

/** A spec's scene: bars if it is a bar chart, else points (in slices), else null (Plotly draws it). */
function* sceneSlices(spec: PlotSpec, width: number): Slices<BarScene | PointScene | null> {
  const bars = barScene(spec, width);
  if (bars) return bars;
  return yield* pointSceneSlices(spec, width);
}

const BASELINES = { top: 'hanging', middle: 'central', bottom: 'alphabetic' } as const;

function SceneSvg({ scene }: { scene: BarScene }) {
  return (
    <svg width={scene.width} height={scene.height} className="scene-svg" role="presentation" focusable="false">
      <defs>
        <pattern id="bw-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="6" height="6" fill="white" fillOpacity="0.55" />
          <line x1="0" y1="0" x2="0" y2="6" stroke="#222222" strokeWidth="1.5" />
        </pattern>
      </defs>
      {scene.rects.map((r, i) => (
        <rect key={`r${i}`} x={r.x} y={r.y} width={r.width} height={r.height} fill={r.fill} />
      ))}
      <Lines lines={scene.grid} />
      {scene.bars.map((b, i) => (
        <g key={`b${i}`}>
          <rect x={b.x} y={b.y} width={b.width} height={b.height} fill={b.fill} fillOpacity={b.opacity} stroke={b.strokeWidth > 0 ? b.stroke : 'none'} strokeWidth={b.strokeWidth}>
            <title>{b.title}</title>
          </rect>
          {b.hatched && <rect x={b.x} y={b.y} width={b.width} height={b.height} fill="url(#bw-hatch)" pointerEvents="none" />}
        </g>
      ))}
      <Lines lines={scene.lines} />
      <Texts texts={scene.texts} />
      {scene.legend.map((g, i) => (
        <g key={`g${i}`} transform={`translate(${g.x}, ${g.y})`}>
          <rect width="12" height="12" y="-1" fill={g.color} />
          <text x="16" y="5" dominantBaseline="central" fontSize="12" fill="#1d2430">
            {g.name}
          </text>
        </g>
      ))}
    </svg>
  );
}

function Lines({ lines }: { lines: SceneLine[] }) {
  return (
    <>
      {lines.map((l, i) => (
        <line key={`l${i}`} x1={l.x1} y1={l.y1} x2={l.x2} y2={l.y2} stroke={l.stroke} strokeWidth={l.width} strokeDasharray={l.dash} />
      ))}
    </>
  );
}

function Texts({ texts }: { texts: SceneText[] }) {
  return (
    <>
      {texts.map((t, i) => (
        <text
          key={`t${i}`}
          x={t.x}
          y={t.y}
          textAnchor={t.anchor}
          dominantBaseline={BASELINES[t.baseline]}
          fontSize={t.size}
          fill={t.color}
          fontWeight={t.bold ? 600 : undefined}
          transform={t.rotate ? `rotate(${t.rotate} ${t.x} ${t.y})` : undefined}
        >
          {t.title && <title>{t.title}</title>}
          {t.text}
        </text>
      ))}
    </>
  );
}

/** Points on a canvas (device-pixel sharp), axes and labels in SVG above, the nearest point's text on hover. */
function PointCanvas({ scene, marker }: { scene: PointScene; marker: ChartMarker | null }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const context = useRef<CanvasRenderingContext2D | null>(null);
  const [tip, setTip] = useState<{ x: number; y: number; text: string } | null>(null);
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    // one context for the canvas's life; its backing store is resized only when the size changes
    const ctx = (context.current ??= c.getContext('2d'));
    if (!ctx) return;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(scene.width * dpr);
    const h = Math.round(scene.height * dpr);
    if (c.width !== w) c.width = w;
    if (c.height !== h) c.height = h;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.globalAlpha = 1;
    ctx.clearRect(0, 0, scene.width, scene.height);
    const steps = paintSteps(ctx, scene);
    // A large scene is painted a slice per frame, from the next frame on. A slice ends after
    // SLICE_MS of drawing calls or PAINTED_POINTS markers, whichever comes first: the browser
    // rasterises what was drawn when it commits the frame (in software, a 15,000-point beeswarm
    // drawn at once made a commit of 25–40 ms here, after the drawing calls themselves).
    const sliced = scene.radius.length > SLICED_POINTS;
    let frame = 0;
    const paint = () => {
      const from = performance.now();
      let points = 0;
      while (steps.length) {
        points += steps.shift()!();
        if (sliced && steps.length && (points >= PAINTED_POINTS || performance.now() - from > SLICE_MS)) {
          frame = requestAnimationFrame(paint);
          return;
        }
      }
      ctx.globalAlpha = 1;
    };
    if (sliced) frame = requestAnimationFrame(paint);
    else paint();
    return () => cancelAnimationFrame(frame);
  }, [scene]);
  const onMove = (e: React.MouseEvent<SVGSVGElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const x = e.clientX - box.left;
    const y = e.clientY - box.top;
    const p = nearestPoint(scene, x, y);
    const text = p < 0 ? '' : plainText(scene.hover[scene.trace[p]][scene.index[p]] ?? '');
    setTip(text ? { x: scene.xy[2 * p], y: scene.xy[2 * p + 1], text } : null);
  };
  const { plot } = scene;
  return (
    <div className="point-chart" style={{ width: scene.width, height: scene.height }}>
      <canvas ref={canvas} style={{ width: scene.width, height: scene.height }} />
      <svg width={scene.width} height={scene.height} className="scene-svg" role="presentation" focusable="false" onMouseMove={onMove} onMouseLeave={() => setTip(null)}>
        <rect x={plot.left} y={plot.top} width={plot.width} height={plot.height} fill="transparent" />
        {scene.bars.map((b, i) => (
          <rect key={`b${i}`} x={b.x} y={b.y} width={b.width} height={b.height} fill={b.fill}>
            <title>{b.title}</title>
          </rect>
        ))}
        <Lines lines={scene.lines} />
        <Texts texts={scene.texts} />
        {scene.legend.map((g, i) => (
          <g key={`g${i}`} transform={`translate(${g.x}, ${g.y})`}>
            <circle r="5" cx="5" cy="4" fill={g.color} />
            <text x="14" y="5" dominantBaseline="central" fontSize="12" fill="#1d2430">
              {g.name}
            </text>
          </g>
        ))}
        {scene.colorbar && (
          <g transform={`translate(${plot.left + plot.width + 18}, ${plot.top + plot.height * 0.2})`}>
            <defs>
              <linearGradient id="bw-viridis" x1="0" y1="1" x2="0" y2="0">
                {['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'].map((c, i) => (
                  <stop key={c} offset={`${i * 25}%`} stopColor={c} />
                ))}
              </linearGradient>
            </defs>
            <text x="0" y="-8" fontSize="11" fill="#1d2430">
              {scene.colorbar.title}
            </text>
            <rect width="12" height={plot.height * 0.6} fill="url(#bw-viridis)" />
            <text x="16" y="8" fontSize="11" fill="#1d2430">
              {scene.colorbar.high}
            </text>
            <text x="16" y={plot.height * 0.6} fontSize="11" fill="#1d2430">
              {scene.colorbar.low}
            </text>
          </g>
        )}
        {tip && <circle cx={tip.x} cy={tip.y} r="6" fill="none" stroke="#111111" strokeWidth="1.5" />}
        {marker && marker.x >= scene.xRange[0] && marker.x <= scene.xRange[1] && (
          <g data-testid="chart-marker" transform={`translate(${plot.left + ((marker.x - scene.xRange[0]) / (scene.xRange[1] - scene.xRange[0])) * plot.width}, 0)`}>
            <line y1={plot.top} y2={plot.top + plot.height} stroke="#222222" strokeWidth="1.5" strokeDasharray="6 4" />
            <text x="4" y={plot.top - 4} fontSize="11" fill="#222222">
              {marker.label}
            </text>
          </g>
        )}
      </svg>
      {tip && (
        <div className="point-tip" style={{ left: Math.min(tip.x + 12, scene.width - 260), top: Math.max(0, tip.y - 10) }}>
          {tip.text.split('\n').map((line, i) => (
            <div key={i}>{line}</div>
          ))}
        </div>
      )}
    </div>
  );
}
