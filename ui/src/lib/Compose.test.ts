// Compose: live counters at Pinterest's limits, a draft needs no account, and a scheduled pin
// sends the chosen boards with the local time and zone; an engine refusal is shown with its code.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('./api', async (importOriginal) => {
  const real = await importOriginal<typeof import('./api')>();
  return {
    ...real,
    onFileDrop: vi.fn().mockResolvedValue(() => {}),
    commands: {
      ...real.commands,
      listAccounts: vi.fn(),
      accountBoards: vi.fn(),
      composePin: vi.fn(),
      nextSlot: vi.fn(),
      accountSlots: vi.fn().mockResolvedValue(null),
      imagePreview: vi.fn().mockResolvedValue('data:image/png;base64,AAAA'),
      pickImage: vi.fn().mockResolvedValue('/pics/picked.png'),
      desktopPrefs: vi.fn().mockResolvedValue({
        notify_failures: true, notify_reconnect: true, keep_running_in_tray: true, time_zone: null,
      }),
    },
  };
});

import Compose from './Compose.svelte';
import * as api from './api';

beforeEach(() => {
  vi.clearAllMocks();
  vi.mocked(api.commands.listAccounts).mockResolvedValue([
    {
      id: 3, name: 'kitchen', username: 'kitchen', environment: { kind: 'sandbox' },
      environment_label: 'Sandbox', status: 'active', boards: 2, boards_synced_at: null,
      queued: 0, waiting_for_reconnect: 0, limits: {}, limits_in_force: [],
    },
  ]);
  vi.mocked(api.commands.accountBoards).mockResolvedValue([
    { board_id: '11', name: 'Baking', sections: [], synced_at: '2026-11-23T00:00:00Z' },
    { board_id: '22', name: 'Soups', sections: [], synced_at: '2026-11-23T00:00:00Z' },
  ]);
});
afterEach(() => cleanup());

describe('Compose', () => {
  it('counts characters against the limits', async () => {
    render(Compose, {});
    await fireEvent.input(screen.getByTestId('title'), { target: { value: 'x'.repeat(101) } });
    const counter = screen.getByText('101/100');
    expect(counter.classList.contains('bad')).toBe(true);
  });

  it('saves a draft without an account', async () => {
    vi.mocked(api.commands.composePin).mockResolvedValue([9]);
    render(Compose, {});
    await fireEvent.input(screen.getByTestId('title'), { target: { value: 'Idea' } });
    await fireEvent.click(screen.getByLabelText('Save as draft'));
    await fireEvent.click(screen.getByTestId('compose-submit'));
    const req = vi.mocked(api.commands.composePin).mock.calls[0][0];
    expect(req.draft).toBe(true);
    expect(req.account_id).toBeUndefined();
    expect(req.title).toBe('Idea');
    expect((await screen.findByTestId('compose-notice')).textContent).toBe('Saved as a draft.');
  });

  it('publishes now on the chosen boards, and shows a refusal with its code', async () => {
    vi.mocked(api.commands.composePin).mockRejectedValueOnce({ code: 'invalid_input', message: 'link is not a URL' });
    render(Compose, {});
    const boxes = await screen.findAllByTestId('board-option');
    await fireEvent.click(boxes[1]);
    await fireEvent.click(screen.getByTestId('when-now'));
    await fireEvent.click(screen.getByTestId('compose-submit'));
    await waitFor(() => expect(api.commands.composePin).toHaveBeenCalled());
    const req = vi.mocked(api.commands.composePin).mock.calls[0][0];
    expect(req.account_id).toBe(3);
    expect(req.boards).toEqual([{ board_id: '22', section_id: null }]);
    expect(req.local_time).toBeUndefined();
    expect((await screen.findByRole('alert')).textContent).toContain('(invalid_input)');
  });

  it("schedules in the account's next free slot", async () => {
    vi.mocked(api.commands.nextSlot).mockResolvedValue('2026-12-01T08:00:00+00:00');
    vi.mocked(api.commands.composePin).mockResolvedValue([4]);
    render(Compose, {});
    const boxes = await screen.findAllByTestId('board-option');
    await fireEvent.click(boxes[0]);
    await fireEvent.click(screen.getByTestId('when-slot'));
    await fireEvent.click(screen.getByTestId('compose-submit'));
    await waitFor(() => expect(api.commands.composePin).toHaveBeenCalled());
    expect(api.commands.nextSlot).toHaveBeenCalledWith(3);
    const req = vi.mocked(api.commands.composePin).mock.calls[0][0];
    expect(req.at).toBe('2026-12-01T08:00:00+00:00');
    expect(req.local_time).toBeUndefined();
  });

  it('previews a local image picked with the file dialog', async () => {
    render(Compose, {});
    await fireEvent.click(screen.getByRole('button', { name: 'Browse…' }));
    await waitFor(() => expect(api.commands.imagePreview).toHaveBeenCalledWith('/pics/picked.png'));
    expect((await screen.findByTestId('local-preview')).getAttribute('src')).toBe(
      'data:image/png;base64,AAAA',
    );
  });

  it('starts from the time zone chosen in Settings', async () => {
    vi.mocked(api.commands.desktopPrefs).mockResolvedValueOnce({
      notify_failures: true, notify_reconnect: true, keep_running_in_tray: true, time_zone: 'Asia/Tokyo',
    });
    vi.mocked(api.commands.composePin).mockResolvedValue([5]);
    render(Compose, {});
    const boxes = await screen.findAllByTestId('board-option');
    await fireEvent.click(boxes[0]);
    await fireEvent.input(screen.getByTestId('local-time'), { target: { value: '2026-12-24T09:00' } });
    await fireEvent.click(screen.getByTestId('compose-submit'));
    await waitFor(() => expect(api.commands.composePin).toHaveBeenCalled());
    const req = vi.mocked(api.commands.composePin).mock.calls[0][0];
    expect(req.time_zone).toBe('Asia/Tokyo');
  });

  it("offers the account's own zone (its posting slots') in one click", async () => {
    vi.mocked(api.commands.accountSlots).mockResolvedValueOnce({ days: [1], times: ['09:00'], time_zone: 'America/Denver' });
    vi.mocked(api.commands.composePin).mockResolvedValue([6]);
    render(Compose, {});
    await fireEvent.click(await screen.findByTestId('use-account-zone'));
    expect((screen.getByTestId('compose-zone') as HTMLSelectElement).value).toBe('America/Denver');
    expect(screen.queryByTestId('use-account-zone')).toBeNull();
    const boxes = await screen.findAllByTestId('board-option');
    await fireEvent.click(boxes[0]);
    await fireEvent.input(screen.getByTestId('local-time'), { target: { value: '2026-12-24T09:00' } });
    await fireEvent.click(screen.getByTestId('compose-submit'));
    await waitFor(() => expect(api.commands.composePin).toHaveBeenCalled());
    expect(vi.mocked(api.commands.composePin).mock.calls[0][0].time_zone).toBe('America/Denver');
  });
});
