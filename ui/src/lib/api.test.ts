// The generated command client at run time: every command in COMMAND_NAMES has its camelCase
// function, and each invokes the Rust name with the argument keys Tauri expects (or none).
// The types are checked by svelte-check; this checks what actually goes over `invoke`.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Channel } from '@tauri-apps/api/core';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { COMMAND_NAMES } from './bindings/commands';
import { commands, progressChannel } from './api';

const h = vi.hoisted(() => ({ invoke: vi.fn() }));

vi.mock('@tauri-apps/api/core', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@tauri-apps/api/core')>()),
  invoke: h.invoke,
}));

afterEach(() => clearMocks());

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

describe('commands', () => {
  it('sends the Rust name and the arguments, or none', async () => {
    h.invoke.mockReset().mockResolvedValue([]);
    await commands.accountBoards(7);
    await commands.setPausedAll(true);
    await commands.appInfo();
    await commands.moveJobs([1, 2], '2026-12-01T09:00:00Z', 15);
    await commands.savePinterestApp('id', null, 8765);
    expect(h.invoke.mock.calls).toEqual([
      ['account_boards', { accountId: 7 }],
      ['set_paused_all', { paused: true }],
      ['app_info'],
      ['move_jobs', { jobIds: [1, 2], at: '2026-12-01T09:00:00Z', spacingMinutes: 15 }],
      ['save_pinterest_app', { clientId: 'id', clientSecret: null, redirectPort: 8765 }],
    ]);
  });

  it('passes a progress channel through as the `progress` argument', async () => {
    h.invoke.mockReset().mockResolvedValue({});
    // A Channel registers its callback with Tauri's internals, which only the IPC mock provides.
    mockIPC(() => null);
    const onProgress = vi.fn();
    const channel = progressChannel(onProgress);
    expect(channel).toBeInstanceOf(Channel);
    expect(channel.onmessage).toBe(onProgress);
    const options = { account_id: 1, time_zone: 'UTC', default_board: null };
    await commands.importPreview('/a.csv', 'auto', options as never, channel);
    expect(h.invoke).toHaveBeenCalledWith('import_preview', {
      path: '/a.csv',
      format: 'auto',
      options,
      progress: channel,
    });
  });

  it('has a function for every command of the shell, calling that command', async () => {
    h.invoke.mockReset().mockResolvedValue(null);
    const fns = commands as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    expect(Object.keys(commands).sort()).toEqual(COMMAND_NAMES.map(camel).sort());
    for (const name of COMMAND_NAMES) {
      await fns[camel(name)]();
      expect(h.invoke.mock.lastCall?.[0]).toBe(name);
    }
  });
});
