// The accounts screen: statuses in words, one-click reconnect of an account that needs it,
// disconnect asking what to do with queued pins, connecting on the built-in simulator, and an
// engine error shown with its stable code.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('./api', async (importOriginal) => {
  const real = await importOriginal<typeof import('./api')>();
  return {
    ...real,
    onAccountsChanged: vi.fn().mockResolvedValue(() => {}),
    onConnectUrl: vi.fn().mockResolvedValue(() => {}),
    commands: {
      ...real.commands,
      listAccounts: vi.fn(),
      reconnectAccount: vi.fn(),
      disconnectAccount: vi.fn(),
      connectAccount: vi.fn(),
      refreshBoards: vi.fn(),
      cancelConnect: vi.fn(),
      setAccountLimits: vi.fn(),
    },
  };
});

import Accounts from './Accounts.svelte';
import * as api from './api';
import type { AccountView } from './api';

const account = (over: Partial<AccountView>): AccountView => ({
  id: 1,
  name: 'studio',
  username: 'studio',
  environment: { kind: 'sandbox' },
  environment_label: 'Sandbox',
  status: 'active',
  boards: 4,
  boards_synced_at: '2026-11-23T10:00:00Z',
  queued: 3,
  waiting_for_reconnect: 0,
  limits: { preset: 'standard' },
  limits_in_force: [
    { scope: 'user', category: null, limit: 100, window_secs: 1 },
    { scope: 'user', category: 'org_write', limit: 100, window_secs: 60 },
  ],
  ...over,
});

beforeEach(() => vi.clearAllMocks());
afterEach(() => cleanup());

describe('Accounts', () => {
  it('offers a one-click reconnect that keeps the queue', async () => {
    vi.mocked(api.commands.listAccounts).mockResolvedValue([
      account({ status: 'needs_reconnect', queued: 0, waiting_for_reconnect: 5 }),
    ]);
    vi.mocked(api.commands.reconnectAccount).mockResolvedValue({
      account_id: 1,
      username: 'studio',
      boards: 4,
      boards_error: null,
    });
    render(Accounts, { simulatorUsers: ['demo_kitchen'] });
    expect((await screen.findByTestId('account-status')).textContent).toBe('Needs reconnect');
    expect(screen.getByText('5 waiting for a reconnect')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Reconnect' }));
    expect(api.commands.reconnectAccount).toHaveBeenCalledWith(1);
    expect((await screen.findByTestId('accounts-notice')).textContent).toContain('connected again');
  });

  it('asks what to do with queued pins before disconnecting', async () => {
    vi.mocked(api.commands.listAccounts).mockResolvedValue([account({})]);
    vi.mocked(api.commands.disconnectAccount).mockResolvedValue({ kept: 3, cancelled: 0 });
    render(Accounts, {});
    await fireEvent.click(await screen.findByRole('button', { name: 'Disconnect…' }));
    expect(api.commands.disconnectAccount).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByRole('button', { name: 'Keep them for a reconnect' }));
    expect(api.commands.disconnectAccount).toHaveBeenCalledWith(1, 'keep');
    expect((await screen.findByTestId('accounts-notice')).textContent).toContain('3 pins kept');
  });

  it('connects a simulator user and shows an error with its code', async () => {
    vi.mocked(api.commands.listAccounts).mockResolvedValue([]);
    vi.mocked(api.commands.connectAccount).mockRejectedValueOnce({
      code: 'port_in_use',
      message: 'port 8085 is used by another program',
    });
    render(Accounts, { simulatorUsers: ['demo_kitchen', 'demo_travel'] });
    await screen.findByTestId('no-accounts');
    await fireEvent.change(screen.getByTestId('sim-user'), { target: { value: 'demo_travel' } });
    await fireEvent.click(screen.getByTestId('connect'));
    await waitFor(() =>
      expect(api.commands.connectAccount).toHaveBeenCalledWith({ kind: 'builtin_simulator', user: 'demo_travel' }),
    );
    expect((await screen.findByRole('alert')).textContent).toContain('(port_in_use)');
  });

  it('switches an account to its own limits, and shows a refusal without closing', async () => {
    vi.mocked(api.commands.listAccounts).mockResolvedValue([account({})]);
    vi.mocked(api.commands.setAccountLimits)
      .mockRejectedValueOnce({ code: 'invalid_input', message: 'limit 2: the window must be from 1 second to 1 day (86,400 s)' })
      .mockResolvedValueOnce([]);
    render(Accounts, {});
    expect((await screen.findByTestId('account-tier')).textContent).toBe('standard access limits');
    await fireEvent.click(screen.getByTestId('edit-limits'));
    await fireEvent.change(screen.getByTestId('limits-tier'), { target: { value: 'custom' } });
    const counts = screen.getAllByTestId('limit-count');
    expect(counts).toHaveLength(2);
    await fireEvent.input(counts[1], { target: { value: '6' } });
    await fireEvent.click(screen.getByTestId('save-limits'));
    expect((await screen.findByRole('alert')).textContent).toContain('(invalid_input)');
    expect(api.commands.setAccountLimits).toHaveBeenLastCalledWith(1, {
      preset: null,
      custom: [
        { scope: 'user', category: null, limit: 100, window_secs: 1 },
        { scope: 'user', category: 'org_write', limit: 6, window_secs: 60 },
      ],
    });
    await fireEvent.click(screen.getByTestId('save-limits'));
    await waitFor(() => expect(screen.queryByTestId('save-limits')).toBeNull());
  });
});
