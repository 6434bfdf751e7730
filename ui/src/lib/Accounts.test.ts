// The accounts screen: statuses in words, one-click reconnect of an account that needs it,
// disconnect asking what to do with queued pins, connecting on the built-in simulator, an
// engine error shown with its stable code, and where a connect sends the client secret and the
// tokens (a custom server with its own client id and secret, issue 16 item 5).
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
      customServerApp: vi.fn(),
      saveCustomServerApp: vi.fn(),
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

  it('says the secret and tokens go to Pinterest for its environments', async () => {
    vi.mocked(api.commands.listAccounts).mockResolvedValue([]);
    render(Accounts, { simulatorUsers: ['demo_kitchen'], appReady: true });
    await screen.findByTestId('no-accounts');
    expect(screen.getByTestId('connect-destination').textContent).toContain('nothing leaves this computer');
    await fireEvent.change(screen.getByTestId('connect-kind'), { target: { value: 'production' } });
    expect(screen.getByTestId('connect-destination').textContent).toBe(
      "Your Pinterest app's client secret and this account's tokens will be sent to Pinterest (api.pinterest.com).",
    );
    await fireEvent.change(screen.getByTestId('connect-kind'), { target: { value: 'sandbox' } });
    expect(screen.getByTestId('connect-destination').textContent).toContain('Pinterest (api-sandbox.pinterest.com)');
    expect(screen.queryByTestId('custom-client-secret')).toBeNull();
  });

  it("connects a custom server with that server's own client id and secret, naming where they go", async () => {
    vi.mocked(api.commands.listAccounts).mockResolvedValue([]);
    vi.mocked(api.commands.customServerApp).mockResolvedValue({
      origin: 'https://pins.example.com',
      client_id: null,
      has_secret: false,
    });
    vi.mocked(api.commands.saveCustomServerApp).mockResolvedValue({
      origin: 'https://pins.example.com',
      client_id: 'their-id',
      has_secret: true,
    });
    vi.mocked(api.commands.connectAccount).mockResolvedValue({
      account_id: 2,
      username: 'ana',
      boards: 1,
      boards_error: null,
    });
    render(Accounts, { simulatorUsers: ['demo_kitchen'], appReady: true });
    await screen.findByTestId('no-accounts');
    await fireEvent.change(screen.getByTestId('connect-kind'), { target: { value: 'custom' } });
    expect(screen.getByTestId('connect-destination').textContent).toContain("Enter the custom server's base URL");
    const url = screen.getByTestId('custom-base-url');
    await fireEvent.input(url, { target: { value: 'https://pins.example.com:443/api/v5' } });
    await fireEvent.change(url);
    expect(screen.getByTestId('connect-destination').textContent).toBe(
      "Your client secret and this account's tokens will be sent to https://pins.example.com.",
    );
    await waitFor(() => expect(api.commands.customServerApp).toHaveBeenCalledWith('https://pins.example.com:443/api/v5'));
    await fireEvent.input(screen.getByTestId('custom-client-id'), { target: { value: 'their-id' } });
    await fireEvent.input(screen.getByTestId('custom-client-secret'), { target: { value: 'their-secret' } });
    await fireEvent.click(screen.getByTestId('connect'));
    await waitFor(() =>
      expect(api.commands.connectAccount).toHaveBeenCalledWith({
        kind: 'custom',
        base_url: 'https://pins.example.com:443/api/v5',
      }),
    );
    expect(api.commands.saveCustomServerApp).toHaveBeenCalledWith(
      'https://pins.example.com:443/api/v5',
      'their-id',
      'their-secret',
    );
    // Saved before the connect, so the engine finds this server's own app.
    expect(vi.mocked(api.commands.saveCustomServerApp).mock.invocationCallOrder[0]).toBeLessThan(
      vi.mocked(api.commands.connectAccount).mock.invocationCallOrder[0],
    );
    expect((await screen.findByTestId('accounts-notice')).textContent).toContain('Connected ana');
  });

  it('shows the refusal of a custom connect without its own credentials, saving nothing', async () => {
    vi.mocked(api.commands.listAccounts).mockResolvedValue([]);
    vi.mocked(api.commands.customServerApp).mockResolvedValue({
      origin: 'http://127.0.0.1:8787',
      client_id: null,
      has_secret: false,
    });
    vi.mocked(api.commands.connectAccount).mockRejectedValueOnce({
      code: 'custom_server_app_missing',
      message: 'enter the client id and secret that this custom server gave you for PinPace',
    });
    render(Accounts, { simulatorUsers: [], appReady: true });
    await screen.findByTestId('no-accounts');
    await fireEvent.change(screen.getByTestId('connect-kind'), { target: { value: 'custom' } });
    await fireEvent.input(screen.getByTestId('custom-base-url'), { target: { value: 'http://127.0.0.1:8787/v5' } });
    expect(screen.getByTestId('connect-destination').textContent).toContain('sent to http://127.0.0.1:8787.');
    await fireEvent.click(screen.getByTestId('connect'));
    expect((await screen.findByRole('alert')).textContent).toContain('(custom_server_app_missing)');
    expect(api.commands.saveCustomServerApp).not.toHaveBeenCalled();
  });
});
