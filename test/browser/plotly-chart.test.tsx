/**
 * Plotly, where the page still uses it (a spec the light charts cannot draw), mounted as the page
 * mounts it: no mode bar, so no "Share chart…" (cloud) button, no logo link, nothing in the Tab
 * order; and clicking anything it drew opens nothing and requests nothing off the origin.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRoot, type Root } from 'react-dom/client';
import { act } from 'react';
import { PlotlyChart } from '../../src/ui/components/PlotlyChart';
import { LightChart } from '../../src/ui/components/LightChart';
import type { PlotSpec } from '../../src/charts/types';

let root: Root | undefined;
let host: HTMLDivElement | undefined;
afterEach(() => {
  act(() => root?.unmount());
  host?.remove();
});

function mount(node: React.ReactNode): HTMLDivElement {
  host = document.createElement('div');
  host.style.width = '600px';
  document.body.append(host);
  root = createRoot(host);
  act(() => root!.render(node));
  return host;
}

// a pie: no light scene draws it, so Plotly does
const pie: PlotSpec = { data: [{ type: 'pie', labels: ['a', 'b'], values: [3, 1], name: 'share' }], layout: { title: { text: 'A pie' }, height: 300 } };

describe('PlotlyChart', () => {
  it('draws with Plotly and no mode bar, logo link or focusable control', async () => {
    const el = mount(<PlotlyChart spec={pie} testId="pie" />);
    const chart = el.querySelector('[data-testid="pie"]')!;
    await expect.poll(() => chart.querySelector('.main-svg') !== null, { timeout: 30_000 }).toBe(true);
    expect(chart.querySelectorAll('.modebar, .modebar-btn').length).toBe(0);
    expect(chart.querySelectorAll('a[href]').length).toBe(0);
    const focusable = [...chart.querySelectorAll<HTMLElement>('a[href], button, input, [tabindex]')].filter((e) => e.tabIndex >= 0);
    expect(focusable).toEqual([]);
    const opened: string[] = [];
    const open = window.open;
    window.open = ((u?: string | URL) => {
      opened.push(String(u));
      return null;
    }) as typeof window.open;
    try {
      for (const e of chart.querySelectorAll<SVGElement | HTMLElement>('*')) e.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    } finally {
      window.open = open;
    }
    expect(opened).toEqual([]);
    expect(el.querySelector('figcaption')?.textContent).toContain('A pie');
  });

  it('falls back to Plotly from a light chart for a spec no scene draws', async () => {
    const el = mount(<LightChart spec={pie} testId="pie2" />);
    await expect.poll(() => el.querySelector('[data-testid="pie2"] .main-svg') !== null, { timeout: 30_000 }).toBe(true);
  });
});
