/** A Plotly figure as plain data (what `Plotly.react(el, data, layout)` takes). */
export interface PlotSpec {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}
