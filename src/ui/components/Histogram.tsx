import { count } from '../../core/format';

/** A tiny inline bar chart for a column profile (no Plotly: dozens of these render at once). */
export function Histogram({ counts, labels }: { counts: number[]; labels: string[] }) {
  const max = Math.max(1, ...counts);
  const w = 120;
  const h = 28;
  const bw = counts.length ? w / counts.length : w;
  return (
    <svg width={w} height={h} className="histogram" role="img" aria-label="distribution">
      {counts.map((c, i) => (
        <rect key={i} x={i * bw + 0.5} y={h - (c / max) * h} width={Math.max(1, bw - 1)} height={(c / max) * h}>
          <title>{`${labels[i] ?? ''}: ${count(c)}`}</title>
        </rect>
      ))}
    </svg>
  );
}
