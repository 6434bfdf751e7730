import { describe, expect, it, vi } from 'vitest';
import apiSource from './api.ts?raw';
import { COMMAND_NAMES } from './bindings/commands';
import { accountBoards, appInfo, describeError, isEngineError, setPausedAll } from './api';

const h = vi.hoisted(() => ({ invoke: vi.fn() }));

vi.mock('@tauri-apps/api/core', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@tauri-apps/api/core')>()),
  invoke: h.invoke,
}));

describe('engine errors', () => {
  it('recognises the {code, message} shape', () => {
    expect(isEngineError({ code: 'storage', message: 'x' })).toBe(true);
    expect(isEngineError({ code: 3, message: 'x' })).toBe(false);
    expect(isEngineError('boom')).toBe(false);
    expect(isEngineError(null)).toBe(false);
  });

  it('keeps the code, or says unexpected', () => {
    expect(describeError({ code: 'database_too_new', message: 'm' })).toEqual({
      code: 'database_too_new',
      message: 'm',
    });
    expect(describeError(new Error('raw'))).toEqual({ code: 'unexpected', message: 'Error: raw' });
  });
});

describe('commands', () => {
  it('sends the Rust name and the arguments, or none', async () => {
    h.invoke.mockResolvedValue([]);
    await accountBoards(7);
    await setPausedAll(true);
    await appInfo();
    expect(h.invoke.mock.calls).toEqual([
      ['account_boards', { accountId: 7 }],
      ['set_paused_all', { paused: true }],
      ['app_info', undefined],
    ]);
  });

  // The capability grants every command (tests/command_bindings.rs checks that); it should not
  // grant one the window never calls. The types check the calls that exist, not the ones missing.
  it('has a wrapper for every command of the shell', () => {
    const called = new Set([...apiSource.matchAll(/\bcall\(\s*'(\w+)'/g)].map((m) => m[1]));
    expect(COMMAND_NAMES.filter((name) => !called.has(name))).toEqual([]);
  });
});
