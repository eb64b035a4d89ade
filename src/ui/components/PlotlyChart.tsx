import { useEffect, useMemo, useRef } from 'react';
import type { PlotSpec } from '../../charts/types';
import { PLOTLY_CONFIG } from '../../charts/config';
import { describeChart } from '../../charts/summary';

interface PlotlyLike {
  react: (el: HTMLElement, data: unknown, layout: unknown, config: unknown) => Promise<unknown> | void;
  Plots: { resize: (el: HTMLElement) => void };
  purge: (el: HTMLElement) => void;
}

let plotly: Promise<PlotlyLike> | undefined;
/** Plotly is loaded lazily, once, so it stays off the first screen's bundle. */
function loadPlotly(): Promise<PlotlyLike> {
  plotly ??= import('plotly.js-basic-dist-min').then((mod) => ((mod as { default?: PlotlyLike }).default ?? (mod as unknown as PlotlyLike)));
  return plotly;
}

/**
 * The chart scheduler: Plotly draws synchronously on the main thread, and one draw of a busy
 * chart can take tens of milliseconds. So every chart hands its newest spec here and the
 * scheduler draws **one chart per task**, yielding to the browser between draws (input and
 * painting go first), and only charts that are displayed: a chart on a hidden tab keeps its
 * newest spec and is drawn when its tab opens. A spec replaced before it was drawn is never
 * drawn (latest wins), so dragging a slider costs at most one draw per chart per turn.
 */
interface Slot {
  el: HTMLElement;
  spec: PlotSpec | null;
  resize: boolean;
  onDrawn: () => void;
}
const slots = new Map<HTMLElement, Slot>();
let scheduled = false;

function displayed(el: HTMLElement): boolean {
  return el.isConnected && el.getClientRects().length > 0;
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  // after the next paint, in a task of its own
  requestAnimationFrame(() => setTimeout(drawOne, 0));
}

async function drawOne(): Promise<void> {
  scheduled = false;
  const Plotly = await loadPlotly();
  let next: Slot | undefined;
  for (const s of slots.values()) {
    if ((s.spec || s.resize) && displayed(s.el)) {
      next = s;
      break;
    }
  }
  if (!next) return;
  if (next.spec) {
    const spec = next.spec;
    next.spec = null;
    next.resize = false;
    await Plotly.react(next.el, spec.data, { autosize: true, ...spec.layout }, PLOTLY_CONFIG);
    next.onDrawn();
  } else {
    next.resize = false;
    if (next.el.querySelector('.main-svg')) Plotly.Plots.resize(next.el);
  }
  for (const s of slots.values()) {
    if ((s.spec || s.resize) && displayed(s.el)) {
      schedule();
      break;
    }
  }
}

/** Bring charts that were hidden up to date once they are displayed (a tab opened). */
function watchVisibility(el: HTMLElement): () => void {
  if (typeof IntersectionObserver === 'undefined') return () => undefined;
  const io = new IntersectionObserver(() => schedule(), { rootMargin: '100000px' });
  io.observe(el);
  return () => io.disconnect();
}

/**
 * Renders a PlotSpec with Plotly (no mode bar: see charts/config.ts), plus the chart as text
 * (charts/summary.ts) for screen readers and print. `stale` greys the chart while the numbers
 * behind it are being recomputed. `data-draws` counts Plotly draws (the frames test reads it).
 */
export function PlotlyChart({ spec, testId, stale = false }: { spec: PlotSpec; testId?: string; stale?: boolean }) {
  const el = useRef<HTMLDivElement>(null);
  const draws = useRef(0);
  const summary = useMemo(() => describeChart(spec), [spec]);
  const title = useMemo(() => {
    const t = spec.layout.title as { text?: string } | string | undefined;
    return (typeof t === 'string' ? t : t?.text ?? 'chart').replace(/<[^>]+>/g, '');
  }, [spec]);

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const slot: Slot = {
      el: node,
      spec: null,
      resize: false,
      onDrawn: () => {
        draws.current++;
        node.dataset.draws = String(draws.current);
      },
    };
    slots.set(node, slot);
    const stopWatching = watchVisibility(node);
    let last = 0;
    const ro =
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver((entries) => {
            const w = entries[0]?.contentRect.width ?? 0;
            if (w > 0 && Math.abs(w - last) > 2) {
              last = w;
              slot.resize = true;
              schedule();
            }
          });
    ro?.observe(node);
    return () => {
      ro?.disconnect();
      stopWatching();
      slots.delete(node);
      void loadPlotly().then((Plotly) => Plotly.purge(node));
    };
  }, []);

  useEffect(() => {
    const node = el.current;
    const slot = node ? slots.get(node) : undefined;
    if (!slot) return;
    slot.spec = spec;
    schedule();
  }, [spec]);

  return (
    <figure className={`chart-figure${stale ? ' stale' : ''}`} aria-busy={stale || undefined} data-testid={testId ? `${testId}-figure` : undefined}>
      <div ref={el} className="chart" data-testid={testId} data-draws="0" aria-hidden="true" />
      <figcaption>
        <details className="chart-text">
          <summary>{title}: the chart as text</summary>
          <p>{summary}</p>
        </details>
      </figcaption>
    </figure>
  );
}
