// The live panel: a lane's windows and its pause with the reason in words, counters from the
// engine's events, and failures listed with retry, edit (an inline form) and discard (confirmed
// inline, then cancelled through the engine).
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

let push: ((events: unknown[], lagged: boolean) => void) | null = null;
vi.mock('./api', async (importOriginal) =>
  (await import('./testing/mockCommands')).withCommands(importOriginal, {
    lanes: vi.fn(),
    listAccounts: vi.fn().mockResolvedValue([
      { id: 1, name: 'kitchen', username: 'kitchen', environment: { kind: 'sandbox' }, environment_label: 'Sandbox',
        status: 'active', boards: 1, boards_synced_at: null, queued: 3, waiting_for_reconnect: 0 },
    ]),
    listQueue: vi.fn().mockResolvedValue([]),
    retryJobs: vi.fn(),
    cancelJobs: vi.fn(),
    editAndRequeue: vi.fn(),
    accountBoards: vi.fn().mockResolvedValue([]),
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
  }),
);

// The charts load lazily beside the panel; jsdom has no canvas, so a real uPlot drawing after a
// test ended throws (unhandled). Their own test is LiveCharts.test.ts.
vi.mock('uplot', () => {
  class FakePlot {
    setData = vi.fn();
    setSize = vi.fn();
    destroy = vi.fn();
  }
  return { default: FakePlot };
});

// The panel reads the shared store's coalesced batches; each push here is one batch.
vi.mock('./engineEvents', () => ({
  onEngineBatch: vi.fn((handler: (b: { revision: number; events: unknown[]; lagged: boolean }) => void) => {
    push = (events, lagged) => handler({ revision: 1, events, lagged });
    return () => {};
  }),
}));

import Live from './Live.svelte';
import * as api from './api';
import type { QueueItem } from './api';

afterEach(() => cleanup());

describe('Live', () => {
  it('shows window usage, a pause with its reason, and counters from events', async () => {
    const until = new Date(Date.now() + 90_000).toISOString();
    vi.mocked(api.commands.lanes).mockResolvedValue([
      {
        account_id: 1,
        windows: [
          { scope: 'user', category: 'org_write', limit: 100, window_secs: 60, used: 42, next_free: until },
          { scope: 'app', category: 'org_write', limit: 300, window_secs: 86400, used: 290, next_free: until },
        ],
        paused_until: until,
        pause_reason: 'rate_limited',
        due: 3,
        in_flight: 0,
        next_dispatch: null,
        server_clock_offset_secs: null,
      },
    ]);
    render(Live, {});
    expect((await screen.findByTestId('lane-paused')).textContent).toContain('Pinterest asked to slow down (429)');
    expect(screen.getByText('42 / 100 · 58 left')).toBeTruthy();
    // Trial access: the day's quota, used and left, shared by the app.
    const [, day] = screen.getAllByTestId('lane-window');
    expect(day.textContent).toContain('daily quota: org_write per day (whole app)');
    expect(day.textContent).toContain('290 / 300 · 10 left');
    expect(screen.queryByTestId('no-daily-quota')).toBeNull();
    expect((await screen.findByTestId('forecast-warning')).textContent).toContain('22 min late');
    expect(screen.getByText(/org_write per minute/)).toBeTruthy();
    push?.([{ type: 'counters', sent: 7, published: 6, rate_limited: 1, retries: 2, failures: 0, reconciled: 0 }], false);
    expect((await screen.findByTestId('counters')).textContent).toContain('429s 1');
  });

  it('says when nothing is sent and why, and when a server clock is far off', async () => {
    vi.mocked(api.commands.lanes).mockResolvedValue([
      {
        account_id: 1, windows: [], paused_until: null, pause_reason: null, due: 2, in_flight: 0,
        next_dispatch: null, server_clock_offset_secs: -600,
      },
    ]);
    render(Live, {});
    expect((await screen.findByTestId('lane-clock')).textContent).toContain("Pinterest's clock is 10 min behind");
    const retry = new Date(Date.now() + 8_000).toISOString();
    push?.([{ type: 'health', halted: 'the queue cannot be read: disk I/O error', since: retry, retry_at: retry }], false);
    expect((await screen.findByTestId('engine-halted')).textContent).toContain('the queue cannot be read');
    push?.([{ type: 'health', halted: null, since: null, retry_at: null }], false);
    await vi.waitFor(() => expect(screen.queryByTestId('engine-halted')).toBeNull());
  });

  it('pauses every account from the panel and says so', async () => {
    vi.mocked(api.commands.lanes).mockResolvedValue([]);
    render(Live, {});
    const button = await screen.findByTestId('pause-all');
    // The totals are there when the panel opens, before any event.
    expect((await screen.findByTestId('counters')).textContent).toContain('sent 3');
    await fireEvent.click(button);
    expect(api.commands.setPausedAll).toHaveBeenCalledWith(true);
    expect((await screen.findByTestId('paused-all')).textContent).toContain('nothing is sent');
    expect(button.textContent).toContain('Resume all accounts');
  });

  describe('failures', () => {
    const failed: QueueItem = {
      job_id: 5, pin_id: 2, state: 'failed', title: 'Soup', description: null, link: null, alt_text: null,
      media_url: 'https://example.com/soup.jpg', media_sha256: null, account_id: 1, account_name: 'kitchen', board_id: '999',
      board_name: null, section_id: null, due_at: '2026-11-23T10:00:00Z', attempt: 6, pinterest_url: null,
      error_code: 'pinterest_40', error_message: 'The board this pin was meant for no longer exists',
    };

    beforeEach(() => {
      vi.mocked(api.commands.lanes).mockResolvedValue([]);
      vi.mocked(api.commands.listQueue).mockResolvedValue([failed]);
      vi.mocked(api.commands.cancelJobs).mockReset();
      vi.mocked(api.commands.editAndRequeue).mockReset();
    });
    afterEach(() => vi.mocked(api.commands.listQueue).mockResolvedValue([]));

    it('discards only once confirmed inline', async () => {
      vi.mocked(api.commands.cancelJobs).mockResolvedValue({ done: 1, refused: [] });
      render(Live, {});
      expect((await screen.findByTestId('failure')).textContent).toContain('(pinterest_40)');
      await fireEvent.click(screen.getByTestId('discard'));
      expect(screen.getByTestId('discard-confirm').textContent).toContain('Discard this pin?');
      await fireEvent.click(screen.getByTestId('discard-no'));
      expect(screen.queryByTestId('discard-confirm')).toBeNull();
      expect(api.commands.cancelJobs).not.toHaveBeenCalled();
      await fireEvent.click(screen.getByTestId('discard'));
      await fireEvent.click(screen.getByTestId('discard-yes'));
      expect(api.commands.cancelJobs).toHaveBeenCalledWith([5]);
      expect((await screen.findByTestId('live-notice')).textContent).toBe('Discarded.');
    });

    it('shows a discard the engine refused, with its code', async () => {
      vi.mocked(api.commands.cancelJobs).mockResolvedValue({
        done: 0,
        refused: [{ job_id: 5, code: 'invalid_transition', message: 'job 5 is in_flight and cannot become cancelled' }],
      });
      render(Live, {});
      await fireEvent.click(await screen.findByTestId('discard'));
      await fireEvent.click(screen.getByTestId('discard-yes'));
      const alert = await screen.findByRole('alert');
      expect(alert.textContent).toContain('cannot become cancelled');
      expect(alert.textContent).toContain('(invalid_transition)');
    });

    it('edits and requeues from the list, then closes the form', async () => {
      vi.mocked(api.commands.editAndRequeue).mockResolvedValue({} as never);
      render(Live, {});
      await fireEvent.click(await screen.findByTestId('edit'));
      expect((screen.getByTestId('title') as HTMLInputElement).value).toBe('Soup');
      await fireEvent.click(screen.getByTestId('requeue-now'));
      expect(api.commands.editAndRequeue).toHaveBeenCalledWith(5, expect.objectContaining({ title: 'Soup', board_id: '999', at: null }));
      expect((await screen.findByTestId('live-notice')).textContent).toBe('Edited and requeued.');
      expect(screen.queryByTestId('edit-pin')).toBeNull();
    });
  });
});
