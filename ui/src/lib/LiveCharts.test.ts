// The live charts component under jsdom: uPlot is mocked (no canvas here), so these check that
// the component subscribes to the engine-events store itself, creates both charts with their titles, feeds
// them the bucketed series on events, shows the waiting text until data comes, and cleans up.
import { cleanup, render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const h = vi.hoisted(() => ({
  plots: [] as Array<{
    opts: { title?: string; width: number };
    data: unknown;
    setData: ReturnType<typeof vi.fn>;
    setSize: ReturnType<typeof vi.fn>;
    destroy: ReturnType<typeof vi.fn>;
  }>,
  push: null as ((events: unknown[], lagged: boolean) => void) | null,
  unlisten: vi.fn(),
  invoke: vi.fn(),
}));

// Any backend command would go through invoke: the charts must never call one (no polling).
vi.mock('@tauri-apps/api/core', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@tauri-apps/api/core')>()),
  invoke: h.invoke,
}));

vi.mock('uplot', () => {
  class FakePlot {
    setData = vi.fn();
    setSize = vi.fn();
    destroy = vi.fn();
    constructor(
      public opts: { title?: string; width: number },
      public data: unknown,
    ) {
      h.plots.push(this);
    }
  }
  return { default: FakePlot };
});

// The charts read the shared store's coalesced batches; each push here is one batch.
vi.mock('./engineEvents', () => ({
  onEngineBatch: vi.fn((handler: (b: { revision: number; events: unknown[]; lagged: boolean }) => void) => {
    h.push = (events, lagged) => handler({ revision: 1, events, lagged });
    return h.unlisten;
  }),
}));

import LiveCharts from './LiveCharts.svelte';
import { onEngineBatch } from './engineEvents';

const T0 = 1_700_000_000_000;
const counters = (rate_limited: number, retries: number, failures: number) => ({
  type: 'counters',
  sent: 0,
  published: 0,
  rate_limited,
  retries,
  failures,
  reconciled: 0,
});
const lane = (account_id: number, due: number, in_flight: number) => ({
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

beforeEach(() => {
  h.plots.length = 0;
  h.push = null;
  h.unlisten.mockClear();
  vi.mocked(onEngineBatch).mockClear();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('LiveCharts', () => {
  it('renders its container and the waiting text, and subscribes to engine events', async () => {
    render(LiveCharts);
    expect(screen.getByTestId('live-charts')).toBeTruthy();
    expect(screen.getByText('Charts fill in as the scheduler works.')).toBeTruthy();
    expect(onEngineBatch).toHaveBeenCalledTimes(1);
    expect(h.plots.map((p) => p.opts.title)).toEqual(['429s, retries, failures (per 5 s)', 'Queue depth']);
    expect(h.plots.every((p) => p.opts.width > 0)).toBe(true);
  });

  it('feeds both charts the bucketed series from events', async () => {
    render(LiveCharts);
    await vi.waitFor(() => expect(h.push).not.toBeNull());
    const [countsPlot, depthPlot] = h.plots;

    // First batch: baseline counters and two lanes. Drawn at once (leading edge of the throttle).
    h.push!([counters(4, 2, 1), lane(1, 3, 1), lane(2, 2, 0)], false);
    expect(countsPlot.setData).toHaveBeenLastCalledWith([[T0 / 1000], [0], [0], [0]]);
    expect(depthPlot.setData).toHaveBeenLastCalledWith([[T0 / 1000], [6]]);
    expect(await screen.findByTestId('live-charts')).toBeTruthy();
    await vi.waitFor(() => expect(screen.queryByTestId('live-charts-empty')).toBeNull());

    // Ten seconds on: increases land in that bucket, the skipped one is empty, depth carried.
    vi.setSystemTime(T0 + 10_000);
    h.push!([counters(7, 3, 1), lane(1, 0, 1)], false);
    const x = [T0 / 1000, T0 / 1000 + 5, T0 / 1000 + 10];
    await vi.waitFor(() => expect(countsPlot.setData).toHaveBeenLastCalledWith([x, [0, 0, 3], [0, 0, 1], [0, 0, 0]]), {
      timeout: 3000,
    });
    expect(depthPlot.setData).toHaveBeenLastCalledWith([x, [6, 6, 3]]);
  });

  it('throttles redraws while events stream in', async () => {
    render(LiveCharts);
    await vi.waitFor(() => expect(h.push).not.toBeNull());
    const [countsPlot] = h.plots;
    for (let i = 0; i < 20; i++) h.push!([counters(i, 0, 0)], false);
    expect(countsPlot.setData).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(countsPlot.setData).toHaveBeenCalledTimes(2), { timeout: 3000 });
    expect(countsPlot.setData).toHaveBeenLastCalledWith([[T0 / 1000], [19], [0], [0]]);
  });

  it('moves the time axis on every 5 s without asking the backend anything', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(T0);
    render(LiveCharts);
    await vi.waitFor(() => expect(h.push).not.toBeNull());
    const [countsPlot, depthPlot] = h.plots;
    h.push!([counters(1, 1, 1), lane(1, 2, 0)], false);
    vi.advanceTimersByTime(10_000);
    const x = [T0 / 1000, T0 / 1000 + 5, T0 / 1000 + 10];
    expect(countsPlot.setData).toHaveBeenLastCalledWith([x, [0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    expect(depthPlot.setData).toHaveBeenLastCalledWith([x, [2, 2, 2]]);
    expect(h.invoke).not.toHaveBeenCalled();
  });

  it('destroys the charts and unsubscribes when unmounted', async () => {
    const { unmount } = render(LiveCharts);
    await vi.waitFor(() => expect(h.push).not.toBeNull());
    unmount();
    expect(h.plots.every((p) => p.destroy.mock.calls.length === 1)).toBe(true);
    await vi.waitFor(() => expect(h.unlisten).toHaveBeenCalledTimes(1));
  });
});
