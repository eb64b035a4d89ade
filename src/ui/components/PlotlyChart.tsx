import { useEffect, useRef } from 'react';
import type { PlotSpec } from '../../charts/types';

/** Renders a PlotSpec. Plotly is loaded lazily so it stays off the first screen's bundle. */
export function PlotlyChart({ spec, testId }: { spec: PlotSpec; testId?: string }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let cancelled = false;
    void import('plotly.js-basic-dist-min').then((mod) => {
      const Plotly = (mod as { default?: unknown }).default ?? mod;
      if (cancelled || !el.current) return;
      (Plotly as { react: (el: HTMLElement, d: unknown, l: unknown, c: unknown) => void }).react(el.current, spec.data, spec.layout, {
        displaylogo: false,
        responsive: true,
        modeBarButtonsToRemove: ['sendDataToCloud'],
      });
    });
    return () => {
      cancelled = true;
    };
  }, [spec]);
  return <div ref={el} className="chart" data-testid={testId} />;
}
