/* global document, window, uPlot */
// Draws every `<div class="chart" data-chart="ID">` with uPlot from the JSON in the
// `<script type="application/json" id="ID">` the server wrote next to it:
// { "x": [unix seconds...], "series": [{ "label": "...", "values": [...] }], "stepped": bool }.
'use strict';

const COLORS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

function draw(container) {
  const source = document.getElementById(container.dataset.chart);
  if (source === null) return;
  const data = JSON.parse(source.textContent);
  const paths = data.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined;
  const options = {
    width: Math.max(container.clientWidth, 320),
    height: 240,
    scales: { x: { time: true } },
    series: [
      {},
      ...data.series.map((s, i) => ({
        label: s.label,
        stroke: COLORS[i % COLORS.length],
        width: 2,
        ...(paths === undefined ? {} : { paths }),
      })),
    ],
  };
  const chart = new uPlot(options, [data.x, ...data.series.map((s) => s.values)], container);
  window.addEventListener('resize', () =>
    chart.setSize({ width: Math.max(container.clientWidth, 320), height: 240 }),
  );
}

document.addEventListener('DOMContentLoaded', () => {
  for (const container of document.querySelectorAll('.chart[data-chart]')) draw(container);
});
