// Component tests of the shell: what the engine reported is shown, and an engine error is shown
// with its stable code rather than swallowed.
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('./lib/api', async (importOriginal) => {
  const real = await importOriginal<typeof import('./lib/api')>();
  return {
    ...real,
    onAccountsChanged: vi.fn().mockResolvedValue(() => {}),
    onConnectUrl: vi.fn().mockResolvedValue(() => {}),
    onEngineEvents: vi.fn().mockResolvedValue(() => {}),
    commands: {
      ...real.commands,
      appInfo: vi.fn(),
      firstScreenDrawn: vi.fn().mockResolvedValue(undefined),
      pinterestApp: vi.fn().mockRejectedValue({ code: 'storage', message: 'x' }),
      listAccounts: vi.fn().mockResolvedValue([]),
      lanes: vi.fn().mockResolvedValue([]),
      counters: vi.fn().mockResolvedValue({ sent: 3, published: 3, rate_limited: 0, retries: 0, failures: 0, reconciled: 0 }),
      forecast: vi.fn().mockResolvedValue({ entries: [], warnings: [], quota_exhausted: [] }),
      schedulingSettings: vi.fn().mockResolvedValue({
        max_attempts: 6,
        max_backoff_minutes: 360,
        catch_up_grace_minutes: 15,
        paused_all: false,
      }),
      listQueue: vi.fn().mockResolvedValue([]),
      desktopPrefs: vi.fn().mockResolvedValue({
        notify_failures: true, notify_reconnect: true, keep_running_in_tray: true, time_zone: null,
      }),
      accountBoards: vi.fn().mockResolvedValue([]),
    },
  };
});

// The live panel's charts draw on a canvas, which jsdom has not: uPlot is a stand-in here (the
// charts have their own tests), so that mounting and leaving the panel throws nothing.
vi.mock('uplot', () => {
  class FakePlot {
    setData = vi.fn();
    setSize = vi.fn();
    destroy = vi.fn();
  }
  return { default: FakePlot };
});

import App from './App.svelte';
import { commands } from './lib/api';

afterEach(() => {
  cleanup();
  vi.mocked(commands.appInfo).mockReset();
});

describe('App', () => {
  it('shows the engine version and database path from the command', async () => {
    vi.mocked(commands.appInfo).mockResolvedValue({
      engine_version: '9.8.7',
      database_path: '/tmp/x/pinpace.sqlite3',
      schema_version: 1,
    });
    render(App);
    expect(await screen.findByTestId('engine-version')).toHaveProperty('textContent', '9.8.7');
    expect(screen.getByTestId('database-path').textContent).toBe('/tmp/x/pinpace.sqlite3');
    expect(await screen.findByText(/No account is being paced yet/)).toBeTruthy();
  });

  it('tells the shell once, after the live panel drew its first data, that the first screen is up', async () => {
    vi.mocked(commands.appInfo).mockResolvedValue({ engine_version: '1', database_path: '/x', schema_version: 1 });
    vi.mocked(commands.firstScreenDrawn).mockClear();
    render(App);
    await screen.findByText(/No account is being paced yet/);
    await vi.waitFor(() => expect(commands.firstScreenDrawn).toHaveBeenCalledTimes(1));
    // Leaving the live panel and coming back mounts it again: still told only once.
    await fireEvent.click(screen.getByTestId('tab-queue'));
    await fireEvent.click(screen.getByTestId('tab-live'));
    await screen.findByText(/No account is being paced yet/);
    await new Promise((r) => setTimeout(r, 100));
    expect(commands.firstScreenDrawn).toHaveBeenCalledTimes(1);
  });

  it('shows an engine error with its code', async () => {
    vi.mocked(commands.appInfo).mockRejectedValue({ code: 'database_locked', message: 'in use' });
    render(App);
    expect((await screen.findByTestId('error-code')).textContent).toBe('database_locked');
    expect(screen.getByRole('alert').textContent).toContain('in use');
  });

  it('opens tabs from the keyboard', async () => {
    vi.mocked(commands.appInfo).mockResolvedValue({ engine_version: '1', database_path: '/x', schema_version: 1 });
    render(App);
    await screen.findByTestId('engine-version');
    await fireEvent.keyDown(window, { key: 'n', ctrlKey: true });
    expect(screen.getByTestId('tab-compose').getAttribute('aria-current')).toBe('true');
    await fireEvent.keyDown(window, { key: '1', ctrlKey: true });
    expect(screen.getByTestId('tab-live').getAttribute('aria-current')).toBe('true');
    await fireEvent.keyDown(window, { key: 'ArrowLeft', altKey: true });
    expect(screen.getByTestId('tab-settings').getAttribute('aria-current')).toBe('true');
  });
});
