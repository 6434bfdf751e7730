// Desktop preferences: each change is saved at once with the rest kept, and a refused time
// zone shows the engine's reason and code. The log folder button shows the folder's path.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('./api', async (importOriginal) =>
  (await import('./testing/mockCommands')).withCommands(importOriginal, {
    desktopPrefs: vi.fn(),
    saveDesktopPrefs: vi.fn(),
    openLogFolder: vi.fn(),
  }),
);

import DesktopSettings from './DesktopSettings.svelte';
import * as api from './api';

const prefs = { notify_failures: true, notify_reconnect: true, keep_running_in_tray: true, time_zone: null };

beforeEach(() => {
  vi.clearAllMocks();
  vi.mocked(api.commands.desktopPrefs).mockResolvedValue(prefs);
});
afterEach(() => cleanup());

describe('DesktopSettings', () => {
  it('saves a switched-off notification and keeps the other choices', async () => {
    vi.mocked(api.commands.saveDesktopPrefs).mockImplementation(async (p) => p);
    render(DesktopSettings, {});
    await fireEvent.click(await screen.findByTestId('notify-failures'));
    await waitFor(() =>
      expect(api.commands.saveDesktopPrefs).toHaveBeenCalledWith({ ...prefs, notify_failures: false }),
    );
    await fireEvent.click(screen.getByTestId('keep-in-tray'));
    await waitFor(() =>
      expect(api.commands.saveDesktopPrefs).toHaveBeenLastCalledWith({
        ...prefs,
        notify_failures: false,
        keep_running_in_tray: false,
      }),
    );
  });

  it('shows a refused time zone with its code', async () => {
    vi.mocked(api.commands.saveDesktopPrefs).mockRejectedValue({ code: 'invalid_input', message: 'not a time zone' });
    render(DesktopSettings, {});
    await fireEvent.change(await screen.findByTestId('pref-zone'), { target: { value: 'Europe/Lisbon' } });
    expect((await screen.findByRole('alert')).textContent).toContain('(invalid_input)');
    expect(api.commands.saveDesktopPrefs).toHaveBeenCalledWith({ ...prefs, time_zone: 'Europe/Lisbon' });
    // The control goes back to what is stored.
    await waitFor(() => expect((screen.getByTestId('pref-zone') as HTMLSelectElement).value).toBe(''));
    expect(api.commands.desktopPrefs).toHaveBeenCalledTimes(2);
  });

  it('opens the log folder and says where it is, or why it did not open', async () => {
    vi.mocked(api.commands.openLogFolder).mockResolvedValueOnce('/data/logs');
    render(DesktopSettings, {});
    await fireEvent.click(await screen.findByTestId('open-log-folder'));
    expect((await screen.findByTestId('log-folder')).textContent).toContain('/data/logs');
    vi.mocked(api.commands.openLogFolder).mockRejectedValueOnce({
      code: 'data_dir_unavailable',
      message: 'no file manager opened; the logs are in /data/logs',
    });
    await fireEvent.click(screen.getByTestId('open-log-folder'));
    expect((await screen.findByRole('alert')).textContent).toContain('(data_dir_unavailable)');
  });
});
