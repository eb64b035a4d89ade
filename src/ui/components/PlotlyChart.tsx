import { useEffect, useRef } from 'react';
import type { PlotSpec } from '../../charts/types';

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

/** Renders a PlotSpec; redraws when the spec changes and resizes with its container (tabs). */
export function PlotlyChart({ spec, testId }: { spec: PlotSpec; testId?: string }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let cancelled = false;
    void loadPlotly().then((Plotly) => {
      if (cancelled || !el.current) return;
      void Plotly.react(el.current, spec.data, { autosize: true, ...spec.layout }, { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['sendDataToCloud'] });
    });
    return () => {
      cancelled = true;
    };
  }, [spec]);
  useEffect(() => {
    const node = el.current;
    if (!node || typeof ResizeObserver === 'undefined') return;
    let last = 0;
    const ro = new ResizeObserver((entries) => {
      const w = entries[0]?.contentRect.width ?? 0;
      if (w > 0 && Math.abs(w - last) > 2) {
        last = w;
        void loadPlotly().then((Plotly) => node.isConnected && node.querySelector('.main-svg') && Plotly.Plots.resize(node));
      }
    });
    ro.observe(node);
    return () => ro.disconnect();
  }, []);
  return <div ref={el} className="chart" data-testid={testId} />;
}
