/**
 * How every chart is mounted: Plotly's own user interface is switched off where it could send
 * data away or trap the keyboard.
 *
 * - No mode bar at all (`displayModeBar: false`). Plotly 4's bar carries a "Share chart…"
 *   button (`sendChartToCloud`, on by default through `showSendToCloud`) that posts the
 *   figure, a lead's values included, to Plotly's cloud service; it also adds about eleven
 *   `<button>`s per chart to the Tab order. Zooming stays available by dragging on the plot
 *   and a double click resets it.
 * - Every link and cloud option is off as well, in case a later Plotly turns the bar back on:
 *   `showSendToCloud`, `showEditInChartStudio`, `showLink`, `displaylogo` false, the cloud
 *   server URL empty, `sendData` false, and the share buttons removed by name.
 * - No tips (`showTips`) that pop up over the chart, no editing.
 * `test/node/charts-config.test.ts` holds these settings; the end-to-end privacy test clicks
 * whatever a chart still renders and records every request and popup.
 */
export const PLOTLY_CONFIG = Object.freeze({
  displayModeBar: false,
  displaylogo: false,
  showSendToCloud: false,
  showEditInChartStudio: false,
  showLink: false,
  sendData: false,
  linkText: '',
  plotlyServerURL: '',
  showTips: false,
  editable: false,
  responsive: true,
  modeBarButtonsToRemove: ['sendChartToCloud', 'sendDataToCloud', 'editInChartStudio', 'toImage'],
} as const);

export type PlotlyConfig = typeof PLOTLY_CONFIG;
