// The live charts' uPlot options and theme colors, checked as plain data (jsdom has no canvas):
// titles, series, the colors read from CSS variables with their fallbacks, and a y scale from 0.
import { describe, expect, it } from 'vitest';
import type uPlot from 'uplot';
import {
  CHART_HEIGHT,
  COUNTS_TITLE,
  DEPTH_TITLE,
  FALLBACK_COLORS,
  countsOptions,
  depthOptions,
  fromZero,
  recentTime,
  readColors,
} from './options';

const style = (vars: Record<string, string>) => ({ getPropertyValue: (n: string) => vars[n] ?? '' });

describe('chart options', () => {
  it('reads the theme colors from CSS variables, trimmed', () => {
    expect(readColors(style({ '--danger': ' #f00 ', '--accent': '#0f0', '--muted': 'rgb(1, 2, 3)' }))).toEqual({
      danger: '#f00',
      accent: '#0f0',
      muted: 'rgb(1, 2, 3)',
    });
  });

  it('falls back on fixed colors, each on its own', () => {
    expect(readColors(style({}))).toEqual(FALLBACK_COLORS);
    expect(readColors(style({ '--accent': '#123456' }))).toEqual({ ...FALLBACK_COLORS, accent: '#123456' });
  });

  it('reads the real document style in jsdom without failing', () => {
    expect(readColors(getComputedStyle(document.documentElement))).toEqual(FALLBACK_COLORS);
  });

  it('builds the counts chart: title, legend, three colored series', () => {
    const colors = { danger: 'red', accent: 'pink', muted: 'grey' };
    const o = countsOptions(colors, 400);
    expect(o.title).toBe(COUNTS_TITLE);
    expect(COUNTS_TITLE).toBe('429s, retries, failures (per 5 s)');
    expect(o.width).toBe(400);
    expect(o.height).toBe(CHART_HEIGHT);
    expect(o.legend?.show).toBe(true);
    expect(o.series.slice(1).map((s) => [s.label, s.stroke])).toEqual([
      ['429s', 'red'],
      ['Retries', 'pink'],
      ['Failures', 'grey'],
    ]);
  });

  it('builds the depth chart: title and one series', () => {
    const o = depthOptions(FALLBACK_COLORS, 250, 100);
    expect(o.title).toBe(DEPTH_TITLE);
    expect(DEPTH_TITLE).toBe('Queue depth');
    expect([o.width, o.height]).toEqual([250, 100]);
    expect(o.series).toHaveLength(2);
    expect(o.series[1].stroke).toBe(FALLBACK_COLORS.accent);
  });

  it('scales counts from 0 to at least 1', () => {
    const u = {} as uPlot;
    expect(fromZero(u, 0, 0, 'y')).toEqual([0, 1]);
    expect(fromZero(u, 2, 7.2, 'y')).toEqual([0, 8]);
    expect(fromZero(u, NaN, NaN, 'y')).toEqual([0, 1]);
    // One sample: the last minute, not the 1,000 days uPlot pads it to.
    const one = { data: [[1000]] } as unknown as uPlot;
    expect(recentTime(one, 1000, 1000 + 86_400_000, 'x')).toEqual([940, 1000]);
    const two = { data: [[100, 1000]] } as unknown as uPlot;
    expect(recentTime(two, 100, 1000, 'x')).toEqual([100, 1000]);
    const [from, to] = recentTime(u, NaN, NaN, 'x');
    expect(Number(to) - Number(from)).toBe(60);
  });
});
