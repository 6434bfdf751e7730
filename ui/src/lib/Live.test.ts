// The live panel: a lane's windows and its pause with the reason in words, counters from the
// engine's events, and failures listed with a retry.
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';

let push: ((events: unknown[], lagged: boolean) => void) | null = null;
vi.mock('./api', async (importOriginal) => {
  const real = await importOriginal<typeof import('./api')>();
  return {
    ...real,
    lanes: vi.fn(),
    listAccounts: vi.fn().mockResolvedValue([
      { id: 1, name: 'kitchen', username: 'kitchen', environment: { kind: 'sandbox' }, environment_label: 'Sandbox',
        status: 'active', boards: 1, boards_synced_at: null, queued: 3, waiting_for_reconnect: 0 },
    ]),
    listQueue: vi.fn().mockResolvedValue([]),
    retryJobs: vi.fn(),
    setPausedAll: vi.fn().mockResolvedValue(undefined),
    counters: vi.fn().mockResolvedValue({ sent: 3, published: 3, rate_limited: 0, retries: 0, failures: 0, reconciled: 0 }),
    forecast: vi.fn().mockResolvedValue({
      entries: [],
      warnings: ['14 pins will be up to 22 min late: org_write limit'],
      quota_exhausted: [],
    }),
    schedulingSettings: vi.fn().mockResolvedValue({
      max_attempts: 6,
      max_backoff_minutes: 360,
      catch_up_grace_minutes: 15,
      paused_all: false,
    }),
    onEngineEvents: vi.fn().mockImplementation(async (h) => {
      push = h;
      return () => {};
    }),
  };
});

import Live from './Live.svelte';
import * as api from './api';

afterEach(() => cleanup());

describe('Live', () => {
  it('shows window usage, a pause with its reason, and counters from events', async () => {
    const until = new Date(Date.now() + 90_000).toISOString();
    vi.mocked(api.lanes).mockResolvedValue([
      {
        account_id: 1,
        windows: [{ scope: 'user', category: 'org_write', limit: 100, window_secs: 60, used: 42, next_free: until }],
        paused_until: until,
        pause_reason: 'rate_limited',
        due: 3,
        in_flight: 0,
        next_dispatch: null,
      },
    ]);
    render(Live, {});
    expect((await screen.findByTestId('lane-paused')).textContent).toContain('Pinterest asked to slow down (429)');
    expect(screen.getByText('42 / 100')).toBeTruthy();
    expect((await screen.findByTestId('forecast-warning')).textContent).toContain('22 min late');
    expect(screen.getByText(/org_write per minute/)).toBeTruthy();
    push?.([{ type: 'counters', sent: 7, published: 6, rate_limited: 1, retries: 2, failures: 0, reconciled: 0 }], false);
    expect((await screen.findByTestId('counters')).textContent).toContain('429s 1');
  });

  it('pauses every account from the panel and says so', async () => {
    vi.mocked(api.lanes).mockResolvedValue([]);
    render(Live, {});
    const button = await screen.findByTestId('pause-all');
    // The totals are there when the panel opens, before any event.
    expect((await screen.findByTestId('counters')).textContent).toContain('sent 3');
    await fireEvent.click(button);
    expect(api.setPausedAll).toHaveBeenCalledWith(true);
    expect((await screen.findByTestId('paused-all')).textContent).toContain('nothing is sent');
    expect(button.textContent).toContain('Resume all accounts');
  });
});
