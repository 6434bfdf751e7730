// The edit form of a failed pin: prefilled from the queue item, Compose's live counters, the
// account's boards (and a board that is gone, shown as such), and requeue now or at a time with
// exactly the edit typed; an engine refusal is shown with its code and the form stays open.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('./api', async (importOriginal) =>
  (await import('./testing/mockCommands')).withCommands(importOriginal, {
    accountBoards: vi.fn(),
    editAndRequeue: vi.fn(),
  }),
);

import EditPin from './EditPin.svelte';
import * as api from './api';
import type { QueueItem } from './api';

const failed: QueueItem = {
  job_id: 5, pin_id: 2, state: 'failed', title: 'Soup', description: 'Hot and quick',
  link: 'https://example.com/soup', alt_text: 'A bowl of soup', media_url: 'https://example.com/soup.jpg', media_sha256: null,
  account_id: 3, account_name: 'kitchen', board_id: '22', board_name: 'Soups', section_id: null,
  due_at: '2026-11-23T10:00:00Z', attempt: 6, pinterest_url: null,
  error_code: 'http_500', error_message: 'Pinterest had a problem',
};

const boards = [
  { board_id: '11', name: 'Baking', sections: [{ section_id: '7', name: 'Bread' }], synced_at: '2026-11-23T00:00:00Z' },
  { board_id: '22', name: 'Soups', sections: [], synced_at: '2026-11-23T00:00:00Z' },
];

beforeEach(() => {
  vi.clearAllMocks();
  vi.mocked(api.commands.accountBoards).mockResolvedValue(boards);
});
afterEach(() => cleanup());

const input = (id: string) => screen.getByTestId(id) as HTMLInputElement;

describe('EditPin', () => {
  it("is prefilled with the pin's content and board, and counts against the limits", async () => {
    render(EditPin, { item: failed });
    expect(input('title').value).toBe('Soup');
    expect(input('description').value).toBe('Hot and quick');
    expect(input('link').value).toBe('https://example.com/soup');
    expect(input('alt-text').value).toBe('A bowl of soup');
    expect(screen.getByText('4/100')).toBeTruthy();
    expect(screen.getByText('14/500')).toBeTruthy();
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(2));
    expect(api.commands.accountBoards).toHaveBeenCalledWith(3);
    expect((screen.getByTestId('edit-board') as HTMLSelectElement).value).toBe('22');
    await fireEvent.input(input('title'), { target: { value: 'x'.repeat(101) } });
    expect(screen.getByText('101/100').classList.contains('bad')).toBe(true);
    await fireEvent.input(input('link'), { target: { value: 'example.com' } });
    expect(screen.getByText('must start with http:// or https://')).toBeTruthy();
  });

  it('requeues now with the edit as typed, on the board and section chosen', async () => {
    vi.mocked(api.commands.editAndRequeue).mockResolvedValue({} as never);
    const ondone = vi.fn();
    render(EditPin, { item: failed, ondone });
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(2));
    await fireEvent.input(input('title'), { target: { value: 'Hot soup' } });
    await fireEvent.input(input('link'), { target: { value: '' } });
    await fireEvent.change(screen.getByTestId('edit-board'), { target: { value: '11' } });
    await fireEvent.change(await screen.findByTestId('edit-section'), { target: { value: '7' } });
    await fireEvent.click(screen.getByTestId('requeue-now'));
    expect(api.commands.editAndRequeue).toHaveBeenCalledWith(5, {
      title: 'Hot soup',
      description: 'Hot and quick',
      link: null,
      alt_text: 'A bowl of soup',
      board_id: '11',
      section_id: '7',
      at: null,
    });
    await waitFor(() => expect(ondone).toHaveBeenCalled());
  });

  it('requeues at the chosen local time, sent as UTC', async () => {
    vi.mocked(api.commands.editAndRequeue).mockResolvedValue({} as never);
    render(EditPin, { item: failed });
    const later = screen.getByTestId('requeue-at') as HTMLButtonElement;
    expect(later.disabled).toBe(true);
    await fireEvent.input(input('requeue-time'), { target: { value: '2026-12-01T09:00' } });
    expect(later.disabled).toBe(false);
    await fireEvent.click(later);
    const [, edit] = vi.mocked(api.commands.editAndRequeue).mock.calls[0];
    expect(edit.at).toBe(new Date('2026-12-01T09:00').toISOString());
    expect(edit.board_id).toBe('22');
  });

  it("shows the engine's refusal with its code and stays open", async () => {
    vi.mocked(api.commands.editAndRequeue).mockRejectedValue({
      code: 'invalid_input',
      message: 'title: is 101 characters; Pinterest allows 100',
    });
    const ondone = vi.fn();
    render(EditPin, { item: failed, ondone });
    await fireEvent.input(input('title'), { target: { value: 'x'.repeat(101) } });
    await fireEvent.click(screen.getByTestId('requeue-now'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('title: is 101 characters; Pinterest allows 100');
    expect(alert.textContent).toContain('(invalid_input)');
    expect(ondone).not.toHaveBeenCalled();
    expect(input('title').value).toBe('x'.repeat(101));
  });

  it('shows a board that is no longer on the account as such', async () => {
    render(EditPin, { item: { ...failed, board_id: '999', board_name: null } });
    expect(await screen.findByText('999 (no longer on this account)')).toBeTruthy();
    expect((screen.getByTestId('edit-board') as HTMLSelectElement).value).toBe('999');
  });
});
