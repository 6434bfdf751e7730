// The queue: a failure shows its reason with Pinterest's code and can be retried or edited and
// requeued; a filter change asks the engine again with that state.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('./api', async (importOriginal) =>
  (await import('./testing/mockCommands')).withCommands(importOriginal, {
    listQueue: vi.fn(),
    listAccounts: vi.fn().mockResolvedValue([]),
    accountBoards: vi.fn().mockResolvedValue([]),
    retryJobs: vi.fn(),
    cancelJobs: vi.fn(),
    jobHistory: vi.fn(),
    editAndRequeue: vi.fn(),
    holdJobs: vi.fn(),
    moveJobs: vi.fn(),
  }),
);

vi.mock('./engineEvents', () => ({ onEngineBatch: vi.fn(() => () => {}) }));

import Queue from './Queue.svelte';
import * as api from './api';
import type { QueueItem } from './api';

const failed: QueueItem = {
  job_id: 5, pin_id: 2, state: 'failed', title: 'Soup', description: null, link: null, alt_text: null,
  media_url: null, media_sha256: null, section_id: null,
  account_id: 1, account_name: 'kitchen', board_id: '999', board_name: null,
  due_at: '2026-11-23T10:00:00Z', attempt: 1, pinterest_url: null,
  error_code: 'pinterest_40', error_message: 'The board this pin was meant for no longer exists',
};

beforeEach(() => vi.clearAllMocks());
afterEach(() => cleanup());

describe('Queue', () => {
  it('shows a failure with its reason and retries it', async () => {
    vi.mocked(api.commands.listQueue).mockResolvedValue([failed]);
    vi.mocked(api.commands.retryJobs).mockResolvedValue({ done: 1, refused: [] });
    render(Queue, {});
    expect((await screen.findByTestId('queue-error')).textContent).toContain('(pinterest_40)');
    expect(screen.getByTestId('queue-state').textContent).toBe('Failed');
    await fireEvent.click(screen.getByTestId('retry'));
    expect(api.commands.retryJobs).toHaveBeenCalledWith([5]);
  });

  it('filters by state through the engine', async () => {
    vi.mocked(api.commands.listQueue).mockResolvedValue([]);
    render(Queue, {});
    await fireEvent.change(screen.getByTestId('state-filter'), { target: { value: 'published' } });
    await waitFor(() =>
      expect(api.commands.listQueue).toHaveBeenLastCalledWith(expect.objectContaining({ states: ['published'] })),
    );
  });

  it('shows a stored local image through the media protocol', async () => {
    const sha = 'cd'.repeat(32);
    vi.mocked(api.commands.listQueue).mockResolvedValue([{ ...failed, media_sha256: sha, media_url: null }]);
    render(Queue, {});
    const img = (await screen.findByTestId('queue-thumb')) as HTMLImageElement;
    expect(img.getAttribute('src')).toBe(`pinpace-media://localhost/${sha}`);
  });

  it('filters by a board found with the search box, across accounts', async () => {
    vi.mocked(api.commands.listQueue).mockResolvedValue([]);
    vi.mocked(api.commands.listAccounts).mockResolvedValue([
      { id: 1, name: 'kitchen' } as api.AccountView,
      { id: 2, name: 'garden' } as api.AccountView,
    ]);
    const boards = (prefix: string, n: number): api.CachedBoard[] =>
      Array.from({ length: n }, (_, i) => ({
        board_id: `${prefix}${i}`, name: `${prefix} board ${i}`, sections: [], synced_at: '2026-11-23T10:00:00Z',
      }));
    vi.mocked(api.commands.accountBoards).mockImplementation(async (id: number) =>
      id === 1 ? boards('soup', 6) : boards('roses', 6),
    );
    render(Queue, {});
    const search = (await screen.findByTestId('queue-board-search')) as HTMLInputElement;
    await screen.findByRole('option', { name: 'roses board 3 (garden)' });
    await fireEvent.input(search, { target: { value: 'ROSES BOARD 3' } });
    const select = screen.getByTestId('queue-board') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['All boards', 'roses board 3 (garden)']);
    await fireEvent.change(select, { target: { value: 'roses3' } });
    await waitFor(() =>
      expect(api.commands.listQueue).toHaveBeenLastCalledWith(expect.objectContaining({ account_id: null, board_id: 'roses3' })),
    );
  });

  it('edits a failed pin from its row and requeues it', async () => {
    vi.mocked(api.commands.listQueue).mockResolvedValue([failed]);
    vi.mocked(api.commands.editAndRequeue).mockResolvedValue({} as never);
    render(Queue, {});
    await fireEvent.click(await screen.findByTestId('edit'));
    await fireEvent.input(screen.getByTestId('title'), { target: { value: 'Soup, again' } });
    await fireEvent.click(screen.getByTestId('requeue-now'));
    expect(api.commands.editAndRequeue).toHaveBeenCalledWith(5, expect.objectContaining({ title: 'Soup, again', board_id: '999' }));
    await waitFor(() => expect(screen.queryByTestId('edit-pin')).toBeNull());
  });

  it('moves the selected pins in time order, spaced, and holds others; refusals are named', async () => {
    const at = (h: number) => `2026-12-01T${String(h).padStart(2, '0')}:00:00Z`;
    const row = (id: number, h: number): QueueItem => ({ ...failed, job_id: id, state: 'scheduled', due_at: at(h), error_code: null, error_message: null });
    vi.mocked(api.commands.listQueue).mockResolvedValue([row(7, 9), row(3, 10), row(8, 11)]);
    vi.mocked(api.commands.moveJobs).mockResolvedValue({ done: 2, refused: [] });
    vi.mocked(api.commands.holdJobs).mockResolvedValue({
      done: 0, refused: [{ job_id: 8, code: 'invalid_transition', message: 'only a scheduled, due or missed pin can be held; this one is in_flight' }],
    });
    render(Queue, {});
    const boxes = await screen.findAllByLabelText('Select');
    await fireEvent.click(boxes[1]);
    await fireEvent.click(boxes[0]);
    await fireEvent.click(screen.getByTestId('bulk-move'));
    await fireEvent.input(screen.getByTestId('bulk-move-at'), { target: { value: '2026-12-02T08:00' } });
    await fireEvent.input(screen.getByTestId('bulk-move-spacing'), { target: { value: '30' } });
    await fireEvent.click(screen.getByTestId('bulk-move-go'));
    await waitFor(() => expect(api.commands.moveJobs).toHaveBeenCalled());
    const [ids, iso, spacing] = vi.mocked(api.commands.moveJobs).mock.calls[0];
    expect(ids).toEqual([7, 3]);
    expect(new Date(iso).getTime()).toBe(new Date('2026-12-02T08:00').getTime());
    expect(spacing).toBe(30);

    await fireEvent.click(screen.getByTestId('select-all'));
    await fireEvent.click(screen.getByTestId('bulk-hold'));
    await waitFor(() => expect(api.commands.holdJobs).toHaveBeenCalledWith([7, 3, 8]));
    expect(await screen.findByText(/#8 \(only a scheduled, due or missed pin can be held/)).toBeTruthy();
  });

  it('searches titles through the engine once typing pauses', async () => {
    vi.mocked(api.commands.listQueue).mockResolvedValue([]);
    render(Queue, {});
    const box = await screen.findByTestId('queue-search');
    await waitFor(() => expect(api.commands.listQueue).toHaveBeenCalled());
    const before = vi.mocked(api.commands.listQueue).mock.calls.length;
    await fireEvent.input(box, { target: { value: 'so' } });
    await fireEvent.input(box, { target: { value: 'soup' } });
    expect(api.commands.listQueue).toHaveBeenCalledTimes(before);
    await waitFor(() =>
      expect(api.commands.listQueue).toHaveBeenLastCalledWith(expect.objectContaining({ text: 'soup' })),
    );
    expect(api.commands.listQueue).toHaveBeenCalledTimes(before + 1);
  });

  it('focuses the search box when the shortcut asks', async () => {
    vi.mocked(api.commands.listQueue).mockResolvedValue([]);
    const { rerender } = render(Queue, { searchRequest: 0 });
    const box = await screen.findByTestId('queue-search');
    expect(document.activeElement).not.toBe(box);
    await rerender({ searchRequest: 1 });
    await waitFor(() => expect(document.activeElement).toBe(box));
  });

  it('starts from the last day unless asked for more, and says when the page is full', async () => {
    vi.mocked(api.commands.listQueue).mockResolvedValue([]);
    render(Queue, {});
    await waitFor(() => expect(api.commands.listQueue).toHaveBeenCalled());
    const first = vi.mocked(api.commands.listQueue).mock.lastCall![0];
    const back = Date.now() - new Date(first.from!).getTime();
    expect(back).toBeGreaterThan(86_000_000);
    expect(back).toBeLessThan(87_000_000);
    expect(screen.queryByTestId('queue-truncated')).toBeNull();
    const full = Array.from({ length: 500 }, (_, i) => ({ ...failed, job_id: 1000 + i }));
    vi.mocked(api.commands.listQueue).mockResolvedValue(full);
    await fireEvent.change(screen.getByTestId('queue-since'), { target: { value: 'all' } });
    await waitFor(() => expect(vi.mocked(api.commands.listQueue).mock.lastCall![0].from).toBeUndefined());
    expect((await screen.findByTestId('queue-truncated')).textContent).toContain('first 500');
  });
});
