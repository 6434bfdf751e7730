// The live charts' bookkeeping: 5-second buckets of counter increases and queue depth over a
// 15-minute window, fed by engine events with the clock passed in, so every rule is checked here
// without a DOM or a chart.
import { describe, expect, it } from 'vitest';
import type { Counters } from '../bindings/Counters';
import type { EngineEvent } from '../bindings/EngineEvent';
import { BUCKET_MS, LiveSeries, WINDOW_BUCKETS } from './series';

const T0 = 1_700_000_000_000; // a multiple of 5 s
const counters = (rate_limited: number, retries: number, failures: number, sent = 0): Counters => ({
  sent,
  published: 0,
  rate_limited,
  retries,
  failures,
  reconciled: 0,
});
const countersEvent = (rl: number, re: number, fa: number, sent = 0): EngineEvent => ({
  type: 'counters',
  ...counters(rl, re, fa, sent),
});
const laneEvent = (account_id: number, due: number, in_flight: number): EngineEvent => ({
  type: 'lane',
  account_id,
  windows: [],
  paused_until: null,
  pause_reason: null,
  due,
  in_flight,
  next_dispatch: null,
  server_clock_offset_secs: null,
});
const jobEvent: EngineEvent = {
  type: 'job_changed',
  job_id: 1,
  account_id: 1,
  from: 'due',
  to: 'in_flight',
  reason: '',
};

describe('LiveSeries', () => {
  it('starts empty, and a tick before any event draws nothing', () => {
    const s = new LiveSeries();
    s.tick(T0);
    s.tick(T0 + 60_000);
    expect(s.hasData).toBe(false);
    expect(s.points()).toEqual({ x: [], rateLimited: [], retries: [], failures: [], depth: [] });
  });

  it('takes the first counters only as the baseline', () => {
    const s = new LiveSeries();
    s.counters(counters(5, 7, 2), T0 + 1000);
    expect(s.hasData).toBe(true);
    expect(s.samples).toEqual([{ start: T0, rateLimited: 0, retries: 0, failures: 0, depth: 0 }]);
  });

  it('sums increases within one bucket', () => {
    const s = new LiveSeries();
    s.counters(counters(5, 7, 2), T0);
    s.counters(counters(6, 7, 2), T0 + 1000);
    s.counters(counters(8, 9, 3), T0 + 4999);
    expect(s.samples).toEqual([{ start: T0, rateLimited: 3, retries: 2, failures: 1, depth: 0 }]);
  });

  it('puts each increase in the bucket its event arrived in', () => {
    const s = new LiveSeries();
    s.counters(counters(0, 0, 0), T0);
    s.counters(counters(1, 0, 0), T0 + 2000);
    s.counters(counters(1, 2, 0), T0 + 5000);
    s.counters(counters(1, 2, 4), T0 + 12_000);
    const p = s.points();
    expect(p.x).toEqual([T0 / 1000, T0 / 1000 + 5, T0 / 1000 + 10]);
    expect(p.rateLimited).toEqual([1, 0, 0]);
    expect(p.retries).toEqual([0, 2, 0]);
    expect(p.failures).toEqual([0, 0, 4]);
  });

  it('resets the baseline on a decrease (engine restart) without a negative point', () => {
    const s = new LiveSeries();
    s.counters(counters(10, 10, 10, 50), T0);
    s.counters(counters(12, 10, 10, 55), T0 + 1000);
    // Restart: every counter back near zero.
    s.counters(counters(1, 0, 0, 2), T0 + 6000);
    s.counters(counters(3, 1, 0, 4), T0 + 7000);
    const p = s.points();
    expect(p.rateLimited).toEqual([2, 2]);
    expect(p.retries).toEqual([0, 1]);
    expect(p.failures).toEqual([0, 0]);
    for (const v of [...p.rateLimited, ...p.retries, ...p.failures]) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('treats a decrease of any one counter as a restart', () => {
    const s = new LiveSeries();
    s.counters(counters(4, 4, 4, 100), T0);
    s.counters(counters(9, 9, 9, 3), T0 + 1000); // sent went down: new engine
    s.counters(counters(10, 9, 9, 4), T0 + 2000);
    expect(s.points().rateLimited).toEqual([1]);
    expect(s.points().retries).toEqual([0]);
  });

  it('sums due and in flight over accounts, keeping the latest lane of each', () => {
    const s = new LiveSeries();
    s.lane({ account_id: 1, due: 3, in_flight: 1 }, T0);
    s.lane({ account_id: 2, due: 5, in_flight: 0 }, T0 + 100);
    expect(s.depth).toBe(9);
    s.lane({ account_id: 1, due: 1, in_flight: 0 }, T0 + 200);
    expect(s.depth).toBe(6);
    expect(s.points().depth).toEqual([6]);
  });

  it('records the depth at the end of each bucket', () => {
    const s = new LiveSeries();
    s.lane({ account_id: 1, due: 3, in_flight: 0 }, T0);
    s.lane({ account_id: 1, due: 7, in_flight: 1 }, T0 + 4000);
    s.lane({ account_id: 1, due: 2, in_flight: 0 }, T0 + 6000);
    expect(s.points().depth).toEqual([8, 2]);
  });

  it('carries depth forward with zero increases through buckets with no events', () => {
    const s = new LiveSeries();
    s.counters(counters(0, 0, 0), T0);
    s.lane({ account_id: 1, due: 4, in_flight: 0 }, T0);
    s.counters(counters(2, 1, 0), T0 + 1000);
    s.counters(counters(3, 1, 0), T0 + 20_000); // 3 empty buckets skipped in between
    expect(s.samples).toEqual([
      { start: T0, rateLimited: 2, retries: 1, failures: 0, depth: 4 },
      { start: T0 + 5000, rateLimited: 0, retries: 0, failures: 0, depth: 4 },
      { start: T0 + 10_000, rateLimited: 0, retries: 0, failures: 0, depth: 4 },
      { start: T0 + 15_000, rateLimited: 0, retries: 0, failures: 0, depth: 4 },
      { start: T0 + 20_000, rateLimited: 1, retries: 0, failures: 0, depth: 4 },
    ]);
  });

  it('moves time on with tick: empty buckets with the current depth', () => {
    const s = new LiveSeries();
    s.lane({ account_id: 1, due: 2, in_flight: 1 }, T0 + 500);
    s.tick(T0 + 5000);
    s.tick(T0 + 9999); // same bucket: nothing new
    s.tick(T0 + 10_000);
    const p = s.points();
    expect(p.x).toEqual([T0 / 1000, T0 / 1000 + 5, T0 / 1000 + 10]);
    expect(p.depth).toEqual([3, 3, 3]);
    expect(p.rateLimited).toEqual([0, 0, 0]);
  });

  it('keeps a clock that went back in the latest bucket', () => {
    const s = new LiveSeries();
    s.counters(counters(0, 0, 0), T0 + 10_000);
    s.counters(counters(1, 0, 0), T0); // earlier than the latest bucket
    expect(s.samples).toEqual([{ start: T0 + 10_000, rateLimited: 1, retries: 0, failures: 0, depth: 0 }]);
  });

  it('keeps at most the last 15 minutes (180 buckets)', () => {
    expect(BUCKET_MS * WINDOW_BUCKETS).toBe(15 * 60_000);
    const s = new LiveSeries();
    s.counters(counters(0, 0, 0), T0);
    for (let i = 1; i <= 200; i++) s.counters(counters(i, 0, 0), T0 + i * BUCKET_MS);
    const p = s.points();
    expect(p.x).toHaveLength(WINDOW_BUCKETS);
    expect(p.x[0]).toBe((T0 + 21 * BUCKET_MS) / 1000);
    expect(p.x.at(-1)).toBe((T0 + 200 * BUCKET_MS) / 1000);
    expect(p.rateLimited.every((v) => v === 1)).toBe(true);
    // Contiguous: one bucket every 5 s.
    for (let i = 1; i < p.x.length; i++) expect(p.x[i] - p.x[i - 1]).toBe(5);
  });

  it('after a gap longer than the window holds only the window, all empty but for depth', () => {
    const s = new LiveSeries();
    s.counters(counters(0, 0, 0), T0);
    s.lane({ account_id: 9, due: 1, in_flight: 1 }, T0);
    s.counters(counters(5, 0, 0), T0 + 1000);
    s.tick(T0 + 3_600_000);
    const p = s.points();
    expect(p.x).toHaveLength(WINDOW_BUCKETS);
    expect(p.x.at(-1)).toBe((T0 + 3_600_000) / 1000);
    expect(p.rateLimited.every((v) => v === 0)).toBe(true);
    expect(p.depth.every((v) => v === 2)).toBe(true);
  });

  it('ingests a batch: counters and lanes counted, other events only move time on', () => {
    const s = new LiveSeries();
    s.ingest([countersEvent(1, 1, 1), laneEvent(1, 2, 0), laneEvent(2, 0, 1)], T0);
    s.ingest([jobEvent], T0 + 5000);
    s.ingest([countersEvent(2, 3, 1)], T0 + 10_000);
    const p = s.points();
    expect(p.x).toEqual([T0 / 1000, T0 / 1000 + 5, T0 / 1000 + 10]);
    expect(p.rateLimited).toEqual([0, 0, 1]);
    expect(p.retries).toEqual([0, 0, 2]);
    expect(p.failures).toEqual([0, 0, 0]);
    expect(p.depth).toEqual([3, 3, 3]);
  });

  it('does not start the series on events other than counters and lanes', () => {
    const s = new LiveSeries();
    s.ingest([jobEvent, { type: 'boards_synced', account_id: 1, boards: 3, error: null }], T0);
    expect(s.hasData).toBe(false);
  });

  it('honours a custom bucket width and window', () => {
    const s = new LiveSeries(1000, 3);
    s.counters(counters(0, 0, 0), 0);
    for (let t = 1; t <= 5; t++) s.counters(counters(t * 2, 0, 0), t * 1000 + 10);
    const p = s.points();
    expect(p.x).toEqual([3, 4, 5]);
    expect(p.rateLimited).toEqual([2, 2, 2]);
  });

  it('refuses a zero bucket width or window', () => {
    expect(() => new LiveSeries(0)).toThrow();
    expect(() => new LiveSeries(BUCKET_MS, 0)).toThrow();
  });

  it('hands out copies, so callers cannot change its state', () => {
    const s = new LiveSeries();
    s.lane({ account_id: 1, due: 1, in_flight: 0 }, T0);
    s.samples[0].depth = 99;
    s.points().depth[0] = 99;
    expect(s.points().depth).toEqual([1]);
  });
});
