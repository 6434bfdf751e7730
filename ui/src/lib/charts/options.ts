// uPlot options for the two live charts, and the theme colors they use. Kept apart from the
// component as plain functions so titles, series and the color fallbacks are checked in unit
// tests without a canvas (jsdom has none), and the component only mounts and feeds the plots.
import type uPlot from 'uplot';

export const COUNTS_TITLE = '429s, retries, failures (per 5 s)';
export const DEPTH_TITLE = 'Queue depth';
export const CHART_HEIGHT = 120;

export interface ChartColors {
  danger: string;
  accent: string;
  muted: string;
}

/** Used when the CSS variables are not set (tests, or a page without app.css). */
export const FALLBACK_COLORS: ChartColors = { danger: '#b3261e', accent: '#b0284c', muted: '#6b5f64' };

/** Reads --danger, --accent and --muted from a computed style, each falling back on its own. */
export function readColors(style: Pick<CSSStyleDeclaration, 'getPropertyValue'>): ChartColors {
  const pick = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    danger: pick('--danger', FALLBACK_COLORS.danger),
    accent: pick('--accent', FALLBACK_COLORS.accent),
    muted: pick('--muted', FALLBACK_COLORS.muted),
  };
}

/** Counts are never negative: the y scale starts at 0 and shows at least 0..1 when all is quiet. */
export const fromZero: uPlot.Range.Function = (_u, _min, max) => [
  0,
  Number.isFinite(max) ? Math.max(1, Math.ceil(max)) : 1,
];

/** The time axis (seconds) spans the samples; with one sample or none (the panel just opened)
    it shows the last minute. uPlot pads a single time sample by `86400 / ms` units, which for
    seconds is 1,000 days: years of empty axis. */
export const recentTime: uPlot.Range.Function = (u, min, max) => {
  const samples = u.data?.[0]?.length ?? 0;
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    const now = Date.now() / 1000;
    return [now - 60, now];
  }
  return samples <= 1 || max - min < 1 ? [min - 60, min] : [min, max];
};

/** Axes in the muted color so the charts sit quietly in both themes. */
function axes(colors: ChartColors): uPlot.Axis[] {
  const grid = { stroke: 'rgba(127, 127, 127, 0.15)', width: 1 };
  return [
    { stroke: colors.muted, grid, ticks: grid },
    { stroke: colors.muted, grid, ticks: grid, size: 40 },
  ];
}

/** What both charts share: a title, the legend, no drag-zoom, time across and counts up. */
function liveChart(
  title: string,
  colors: ChartColors,
  width: number,
  height: number,
  series: uPlot.Series[],
): uPlot.Options {
  return {
    title,
    width,
    height,
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true, range: recentTime }, y: { range: fromZero } },
    axes: axes(colors),
    series: [{}, ...series],
  };
}

/** 429s, retries and failures per bucket: three lines sharing one count axis. */
export function countsOptions(colors: ChartColors, width: number, height = CHART_HEIGHT): uPlot.Options {
  return liveChart(COUNTS_TITLE, colors, width, height, [
    { label: '429s', stroke: colors.danger, width: 1.5 },
    { label: 'Retries', stroke: colors.accent, width: 1.5 },
    { label: 'Failures', stroke: colors.muted, width: 1.5, dash: [4, 3] },
  ]);
}

/** Pins due or in flight over all accounts at each bucket's end. */
export function depthOptions(colors: ChartColors, width: number, height = CHART_HEIGHT): uPlot.Options {
  return liveChart(DEPTH_TITLE, colors, width, height, [
    { label: 'Due + in flight', stroke: colors.accent, width: 1.5 },
  ]);
}
