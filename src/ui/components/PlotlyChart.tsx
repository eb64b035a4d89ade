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
 * drawn (latest wins). Whether a chart is displayed comes from an IntersectionObserver, so
 * the scheduler never forces a layout to find out.
 */
interface Slot {
  el: HTMLElement;
  spec: PlotSpec | null;
  resize: boolean;
  /** displayed (in a rendered subtree), as the IntersectionObserver last reported */
  visible: boolean;
  onDrawn: () => void;
}
const slots = new Map<HTMLElement, Slot>();
let scheduled = false;

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  // after the next paint, in a task of its own
  requestAnimationFrame(() => setTimeout(() => void drawOne(), 0));
}

function nextSlot(): Slot | undefined {
  for (const s of slots.values()) if ((s.spec || s.resize) && s.visible) return s;
  return undefined;
}

async function drawOne(): Promise<void> {
  if (!nextSlot()) {
    // nothing displayed waits for a draw: Plotly is not even loaded
    scheduled = false;
    return;
  }
  const Plotly = await loadPlotly();
  const next = nextSlot();
  if (next) {
    if (next.spec) {
      const spec = next.spec;
      next.spec = null;
      next.resize = false;
      const t0 = performance.now();
      await Plotly.react(next.el, spec.data, { autosize: true, ...spec.layout }, PLOTLY_CONFIG);
      // one user-timing entry per draw (the frames bench reads them)
      performance.measure(`chart-draw ${next.el.dataset.testid ?? 'chart'}`, { start: t0, end: performance.now() });
      next.onDrawn();
    } else {
      next.resize = false;
      if (next.el.querySelector('.main-svg')) Plotly.Plots.resize(next.el);
      next.onDrawn();
    }
  }
  scheduled = false;
  if (nextSlot()) schedule();
}

/** Track whether a chart is displayed; a chart that becomes displayed (its tab opened) gets drawn. */
function watchVisibility(slot: Slot): () => void {
  if (typeof IntersectionObserver === 'undefined') {
    slot.visible = true;
    return () => undefined;
  }
  const io = new IntersectionObserver(
    (entries) => {
      const e = entries[entries.length - 1];
      // a huge root margin: "intersecting" means rendered (not display:none), wherever it is scrolled
      slot.visible = e.isIntersecting || e.boundingClientRect.width > 0;
      if (slot.visible) schedule();
    },
    { rootMargin: '100000px' },
  );
  io.observe(slot.el);
  return () => io.disconnect();
}

/** Where a value on the x axis of a drawn chart is, in pixels from the chart's left edge. */
function xPixel(el: HTMLElement, x: number): { left: number; top: number; height: number } | null {
  const full = (el as unknown as { _fullLayout?: { xaxis?: { _offset: number; _length: number; range: [number, number] }; yaxis?: { _offset: number; _length: number } } })._fullLayout;
  const xa = full?.xaxis;
  const ya = full?.yaxis;
  if (!xa || !ya || !(xa._length > 0) || xa.range[1] === xa.range[0]) return null;
  const f = (x - xa.range[0]) / (xa.range[1] - xa.range[0]);
  if (!(f >= 0 && f <= 1)) return null;
  return { left: xa._offset + f * xa._length, top: ya._offset, height: ya._length };
}

/** A vertical marker drawn over a chart (e.g. the current threshold), moved without redrawing the chart. */
export interface ChartMarker {
  x: number;
  label: string;
}

/**
 * Renders a PlotSpec with Plotly (no mode bar: see charts/config.ts), plus the chart as text
 * (charts/summary.ts) for screen readers and print. `stale` greys the chart while the numbers
 * behind it are being recomputed. `marker` draws a vertical line at an x value over the chart
 * as a positioned element, so moving it (a threshold drag) costs no Plotly draw at all.
 * `data-draws` counts Plotly draws (the frames test reads it).
 */
export function PlotlyChart({ spec, testId, stale = false, marker = null }: { spec: PlotSpec; testId?: string; stale?: boolean; marker?: ChartMarker | null }) {
  const el = useRef<HTMLDivElement>(null);
  const line = useRef<HTMLDivElement>(null);
  const draws = useRef(0);
  const markerRef = useRef(marker);
  markerRef.current = marker;
  const summary = useMemo(() => describeChart(spec), [spec]);
  const title = useMemo(() => {
    const t = spec.layout.title as { text?: string } | string | undefined;
    return (typeof t === 'string' ? t : t?.text ?? 'chart').replace(/<[^>]+>/g, '');
  }, [spec]);

  const placeMarker = () => {
    const node = el.current;
    const div = line.current;
    if (!node || !div) return;
    const m = markerRef.current;
    const at = m ? xPixel(node, m.x) : null;
    if (!m || !at) {
      div.hidden = true;
      return;
    }
    div.hidden = false;
    div.style.transform = `translateX(${at.left}px)`;
    div.style.top = `${at.top}px`;
    div.style.height = `${at.height}px`;
    const label = div.firstElementChild as HTMLElement | null;
    if (label) label.textContent = m.label;
  };

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const slot: Slot = {
      el: node,
      spec: null,
      resize: false,
      visible: false,
      onDrawn: () => {
        draws.current++;
        node.dataset.draws = String(draws.current);
        placeMarker();
      },
    };
    slots.set(node, slot);
    const stopWatching = watchVisibility(slot);
    let last = 0;
    const ro =
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver((entries) => {
            const w = entries[0]?.contentRect.width ?? 0;
            if (w > 0 && Math.abs(w - last) > 2) {
              if (last > 0) {
                slot.resize = true;
                schedule();
              }
              last = w;
            }
          });
    ro?.observe(node);
    return () => {
      ro?.disconnect();
      stopWatching();
      slots.delete(node);
      // only a chart Plotly drew needs purging: unmounting must never be what loads Plotly
      if (plotly) void plotly.then((Plotly) => Plotly.purge(node));
    };
     
  }, []);

  useEffect(() => {
    const node = el.current;
    const slot = node ? slots.get(node) : undefined;
    if (!slot) return;
    slot.spec = spec;
    schedule();
  }, [spec]);

  // moving the marker is a style change, not a draw
   
  useEffect(placeMarker, [marker?.x, marker?.label]);

  return (
    <ChartFigure title={title} summary={summary} marker={marker} stale={stale} testId={testId}>
      <div className="chart-frame">
        <div ref={el} className="chart" data-testid={testId} data-draws="0" aria-hidden="true" />
        <div ref={line} className="chart-marker" hidden aria-hidden="true" data-testid={testId ? `${testId}-marker` : undefined}>
          <span />
        </div>
      </div>
    </ChartFigure>
  );
}

/**
 * The frame every chart sits in: a figure, greyed while stale, with the chart as text in its
 * caption (the spec's summary, plus the marker's label when there is one).
 */
export function ChartFigure(props: { title: string; summary: string; marker?: ChartMarker | null; stale?: boolean; testId?: string; children: React.ReactNode }) {
  const { title, summary, marker, stale = false, testId } = props;
  return (
    <figure className={`chart-figure${stale ? ' stale' : ''}`} aria-busy={stale || undefined} data-testid={testId ? `${testId}-figure` : undefined}>
      {props.children}
      <figcaption>
        <details className="chart-text">
          <summary>{title}: the chart as text</summary>
          <p>
            {summary}
            {marker ? ` Marked: ${marker.label}.` : ''}
          </p>
        </details>
      </figcaption>
    </figure>
  );
}
