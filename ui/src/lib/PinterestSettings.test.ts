// The Pinterest app settings: the guide shows the redirect URI to register and every scope with
// its reason; saving with an empty secret keeps the stored one; a keychain that does not answer
// is said plainly, with the file fallback offered rather than taken.
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('./api', async (importOriginal) =>
  (await import('./testing/mockCommands')).withCommands(importOriginal, {
    savePinterestApp: vi.fn(),
    chooseSecretsBackend: vi.fn(),
  }),
);

import PinterestSettings from './PinterestSettings.svelte';
import * as api from './api';
import type { PinterestAppView } from './api';

const view = (over: Partial<PinterestAppView> = {}): PinterestAppView => ({
  client_id: '1234',
  has_secret: true,
  redirect_port: 8085,
  redirect_uri: 'http://127.0.0.1:8085/callback',
  scopes: [
    { scope: 'boards:read', why: 'list your boards' },
    { scope: 'pins:write', why: 'create the pins' },
  ],
  secrets: { backend: { kind: 'keychain' }, available: true, problem: null },
  simulator_users: [],
  ...over,
});

beforeEach(() => vi.clearAllMocks());
afterEach(() => cleanup());

describe('PinterestSettings', () => {
  it('shows the redirect URI and each scope with its reason', () => {
    render(PinterestSettings, { view: view(), onchange: () => {} });
    expect(screen.getByTestId('redirect-uri').textContent).toBe('http://127.0.0.1:8085/callback');
    expect(screen.getByText('boards:read').parentElement?.textContent).toContain('list your boards');
  });

  it('saves with an empty secret as null (keep the stored one)', async () => {
    const onchange = vi.fn();
    vi.mocked(api.commands.savePinterestApp).mockResolvedValue(view({ client_id: '999' }));
    render(PinterestSettings, { view: view(), onchange });
    await fireEvent.input(screen.getByTestId('client-id'), { target: { value: '999' } });
    await fireEvent.click(screen.getByTestId('save-app'));
    expect(api.commands.savePinterestApp).toHaveBeenCalledWith('999', null, 8085);
    expect(onchange).toHaveBeenCalled();
  });

  it('says when the keychain does not answer', () => {
    render(PinterestSettings, {
      view: view({ secrets: { backend: { kind: 'keychain' }, available: false, problem: 'no Secret Service' } }),
      onchange: () => {},
    });
    expect(screen.getByTestId('secrets-status').textContent).toContain('does not answer: no Secret Service');
    expect(api.commands.chooseSecretsBackend).not.toHaveBeenCalled();
  });
});
