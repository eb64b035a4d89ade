import { useEffect, useMemo, useRef, useState } from 'react';
import type { PlotSpec } from '../../charts/types';
import { barScene, type BarScene } from '../../charts/bar-scene';
import { describeChart } from '../../charts/summary';
import { PlotlyChart } from './PlotlyChart';

/**
 * A bar chart drawn as one small SVG from its spec's scene (charts/bar-scene.ts), without
 * Plotly: the charts that follow a dragged threshold redraw on every step in well under a
 * frame. Hover texts are native tooltips. A spec the scene cannot draw falls back to Plotly.
 */
export function LightChart({ spec, testId, stale = false }: { spec: PlotSpec; testId?: string; stale?: boolean }) {
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
  const scene = useMemo(() => (width > 0 ? barScene(spec, width) : null), [spec, width]);
  const summary = useMemo(() => describeChart(spec), [spec]);
  const fallback = width > 0 && scene === null;
  useEffect(() => {
    if (scene && frame.current) frame.current.dataset.draws = String(++draws.current);
  }, [scene]);
  if (fallback) return <PlotlyChart spec={spec} testId={testId} stale={stale} />;
  const title = scene?.texts.find((t) => t.bold)?.text ?? 'chart';
  return (
    <figure className={`chart-figure${stale ? ' stale' : ''}`} aria-busy={stale || undefined} data-testid={testId ? `${testId}-figure` : undefined}>
      <div ref={frame} className="chart light-chart" data-testid={testId} data-draws="0" aria-hidden="true">
        {scene && <SceneSvg scene={scene} />}
      </div>
      <figcaption>
        <details className="chart-text">
          <summary>{title}: the chart as text</summary>
          <p>{summary}</p>
        </details>
      </figcaption>
    </figure>
  );
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
      {scene.bars.map((b, i) => (
        <g key={`b${i}`}>
          <rect x={b.x} y={b.y} width={b.width} height={b.height} fill={b.fill} fillOpacity={b.opacity} stroke={b.strokeWidth > 0 ? b.stroke : 'none'} strokeWidth={b.strokeWidth}>
            <title>{b.title}</title>
          </rect>
          {b.hatched && <rect x={b.x} y={b.y} width={b.width} height={b.height} fill="url(#bw-hatch)" pointerEvents="none" />}
        </g>
      ))}
      {scene.lines.map((l, i) => (
        <line key={`l${i}`} x1={l.x1} y1={l.y1} x2={l.x2} y2={l.y2} stroke={l.stroke} strokeWidth={l.width} strokeDasharray={l.dash} />
      ))}
      {scene.texts.map((t, i) => (
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
      {scene.legend.map((g, i) => (
        <g key={`g${i}`} transform={`translate(${scene.plot.left + i * 150}, 38)`}>
          <rect width="12" height="12" y="-1" fill={g.color} />
          <text x="16" y="5" dominantBaseline="central" fontSize="12" fill="#1d2430">
            {g.name}
          </text>
        </g>
      ))}
    </svg>
  );
}
