/** Chart specs: pure functions from results to Plotly {data, layout} (no Plotly import, no DOM). */
export type { PlotSpec } from './types';
export * from './palette';
export * from './audit';
export * from './explain';
export * from './pareto';
export * from './config';
export * from './summary';
export * from './simulate';
export * from './qr';
export * from './workshop';
export * from './slices';
