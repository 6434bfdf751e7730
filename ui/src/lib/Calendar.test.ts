// The calendar screen with the real calendar library mounted in jsdom: pins from the queue show
// with their account and board (titles as text, never HTML), filters ask the engine again, engine
// events reload, and a drop goes to the engine: accepted, or refused and put back with the reason.
// The library is wrapped only to read the options it was given, since jsdom has no layout to
// drag in; the drop is then driven through the very eventDrop option the library would call.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

const seen = vi.hoisted(() => ({ options: null as null | Record<string, unknown> }));

vi.mock('@event-calendar/core', async (importOriginal) => {
  const real = await importOriginal<typeof import('@event-calendar/core')>();
  // Svelte 5 components are functions of (anchor, props): record the props, render the real one.
  const Calendar = (anchor: unknown, props: { options: Record<string, unknown> }) => {
    seen.options = props.options;
    return (real.Calendar as unknown as (a: unknown, p: unknown) => unknown)(anchor, props);
  };
  return { ...real, Calendar };
});

vi.mock('./api', async (importOriginal) =>
  (await import('./testing/mockCommands')).withCommands(importOriginal, {
    listQueue: vi.fn(),
    listAccounts: vi.fn(),
    accountBoards: vi.fn(),
    reschedule: vi.fn(),
  }),
);

vi.mock('./engineEvents', () => ({ onEngineBatch: vi.fn() }));

import CalendarScreen from './Calendar.svelte';
import * as api from './api';
import { onEngineBatch } from './engineEvents';
import type { EngineEvent, QueueItem } from './api';

// jsdom lacks the observers the library sizes itself with; they only need to exist here.
beforeAll(() => {
  class Quiet {
    observe() {}
    unobserve() {}
    disconnect() {}
    takeRecords() { return []; }
  }
  for (const name of ['ResizeObserver', 'IntersectionObserver'] as const) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value: Quiet, configurable: true });
  }
});

/** A time within the current hour, so it is in the week the calendar opens on whatever the day. */
function thisHour(minute: number): string {
  const d = new Date();
  d.setMinutes(minute, 0, 0);
  return d.toISOString();
}

function item(over: Partial<QueueItem>): QueueItem {
  return {
    job_id: 1, pin_id: 1, state: 'scheduled', title: 'Soup', description: null, link: null, alt_text: null,
    media_url: null, media_sha256: null, section_id: null,
    account_id: 1, account_name: 'kitchen', board_id: '999', board_name: 'Dinners', due_at: thisHour(0),
    attempt: 0, pinterest_url: null, error_code: null, error_message: null, ...over,
  };
}

let engineHandler: ((events: EngineEvent[], lagged: boolean) => void) | null = null;

beforeEach(() => {
  vi.clearAllMocks();
  seen.options = null;
  engineHandler = null;
  vi.mocked(api.commands.listAccounts).mockResolvedValue([
    { id: 1, name: 'kitchen' } as never,
    { id: 2, name: 'garden' } as never,
  ]);
  vi.mocked(api.commands.accountBoards).mockResolvedValue([
    { board_id: '999', name: 'Dinners', sections: [], synced_at: '2026-01-01T00:00:00Z' },
  ]);
  // The screen reads the shared store's coalesced batches; each push here is one batch.
  vi.mocked(onEngineBatch).mockImplementation((h) => {
    engineHandler = (events, lagged) => h({ revision: 1, events, lagged });
    return () => {};
  });
});
afterEach(() => cleanup());

type Drop = {
  event: { start: Date; extendedProps: Record<string, unknown> };
  revert: () => void;
};
const dropOption = () => seen.options?.eventDrop as (info: Drop) => void;

describe('Calendar', () => {
  it('shows timed pins with account, board and thumbnail; drafts without a time are not shown', async () => {
    vi.mocked(api.commands.listQueue).mockResolvedValue([
      item({ job_id: 1, title: 'Soup', media_url: 'https://i.example/soup.jpg' }),
      item({ job_id: 2, title: 'Someday idea', state: 'draft', due_at: null }),
      item({ job_id: 3, title: 'Bread', state: 'published', due_at: thisHour(20), board_name: 'Baking' }),
    ]);
    render(CalendarScreen, {});
    await waitFor(() => expect(screen.getAllByTestId('calendar-pin')).toHaveLength(2));
    const pins = screen.getAllByTestId('calendar-pin');
    const soup = pins.find((p) => p.dataset.job === '1')!;
    expect(soup.textContent).toContain('Soup');
    expect(soup.textContent).toContain('kitchen · Dinners');
    expect(soup.querySelector('img')?.getAttribute('src')).toBe('https://i.example/soup.jpg');
    const bread = pins.find((p) => p.dataset.job === '3')!;
    expect(bread.dataset.state).toBe('published');
    expect(bread.textContent).toContain('kitchen · Baking');
    expect(screen.queryByText('Someday idea', { exact: false })).toBeNull();
    // The library's own element carries the state's colour.
    expect(soup.closest('.ec-event')?.getAttribute('style')).toContain('var(--cal-neutral)');
    expect(bread.closest('.ec-event')?.getAttribute('style')).toContain('var(--cal-published)');
    // The library marks what it will let be dragged: the scheduled pin, not the published one.
    expect(soup.closest('.ec-event')?.classList.contains('ec-draggable')).toBe(true);
    expect(bread.closest('.ec-event')?.classList.contains('ec-draggable')).toBe(false);
    expect(document.querySelector('.ec-resizer')).toBeNull();
  });

  it('shows a title with markup as text, not as HTML', async () => {
    vi.mocked(api.commands.listQueue).mockResolvedValue([
      item({ title: '<img src=x onerror="alert(1)"><b>bold</b>', board_name: '<i>b</i>' }),
    ]);
    render(CalendarScreen, {});
    const pin = await screen.findByTestId('calendar-pin');
    expect(pin.textContent).toContain('<img src=x onerror="alert(1)"><b>bold</b>');
    expect(pin.textContent).toContain('kitchen · <i>b</i>');
    expect(pin.querySelector('b')).toBeNull();
    expect(pin.querySelector('i')).toBeNull();
    expect(pin.querySelectorAll('img')).toHaveLength(0);
  });

  it('has month, week and list views in the toolbar, and renders each', async () => {
    vi.mocked(api.commands.listQueue).mockResolvedValue([item({})]);
    render(CalendarScreen, {});
    await screen.findByTestId('calendar-pin');
    for (const name of ['Month', 'List', 'Week']) {
      await fireEvent.click(screen.getByRole('button', { name }));
      await waitFor(() => expect(screen.getAllByTestId('calendar-pin').length).toBeGreaterThan(0));
    }
  });

  it('asks the engine only for the dates it shows, again when the view changes', async () => {
    vi.mocked(api.commands.listQueue).mockResolvedValue([]);
    render(CalendarScreen, {});
    await waitFor(() => expect(api.commands.listQueue).toHaveBeenCalled());
    const week = vi.mocked(api.commands.listQueue).mock.lastCall![0];
    const days = (f: { from?: string; to?: string }) =>
      (new Date(f.to!).getTime() - new Date(f.from!).getTime()) / 86_400_000;
    expect(days(week)).toBe(7);
    expect(new Date(week.from!).getTime()).toBeLessThanOrEqual(Date.now());
    expect(new Date(week.to!).getTime()).toBeGreaterThan(Date.now());
    await fireEvent.click(screen.getByRole('button', { name: 'Month' }));
    await waitFor(() => expect(days(vi.mocked(api.commands.listQueue).mock.lastCall![0])).toBeGreaterThanOrEqual(28));
  });

  it('filters by account, board and state through the engine', async () => {
    vi.mocked(api.commands.listQueue).mockResolvedValue([]);
    render(CalendarScreen, {});
    await waitFor(() => expect(api.commands.listQueue).toHaveBeenCalled());
    expect(api.commands.listQueue).toHaveBeenLastCalledWith(
      expect.objectContaining({ account_id: null, board_id: null, states: [], limit: 10_000 }),
    );

    await screen.findByRole('option', { name: 'garden' });
    await fireEvent.change(screen.getByTestId('calendar-account'), { target: { value: '1' } });
    await waitFor(() =>
      expect(api.commands.listQueue).toHaveBeenLastCalledWith(expect.objectContaining({ account_id: 1, board_id: null })),
    );
    expect(api.commands.accountBoards).toHaveBeenCalledWith(1);
    const board = await screen.findByTestId('calendar-board');
    await fireEvent.change(board, { target: { value: '999' } });
    await waitFor(() =>
      expect(api.commands.listQueue).toHaveBeenLastCalledWith(expect.objectContaining({ account_id: 1, board_id: '999' })),
    );

    await fireEvent.change(screen.getByTestId('calendar-state'), { target: { value: 'published' } });
    await waitFor(() =>
      expect(api.commands.listQueue).toHaveBeenLastCalledWith(expect.objectContaining({ states: ['published'] })),
    );
  });

  it('reloads when the engine reports a job change or lost events, not on other events', async () => {
    vi.mocked(api.commands.listQueue).mockResolvedValue([]);
    render(CalendarScreen, {});
    await waitFor(() => expect(engineHandler).not.toBeNull());
    await waitFor(() => expect(api.commands.listQueue).toHaveBeenCalled());
    const before = vi.mocked(api.commands.listQueue).mock.calls.length;
    engineHandler!([{ type: 'boards_synced', account_id: 1, boards: 3, error: null }], false);
    expect(api.commands.listQueue).toHaveBeenCalledTimes(before);
    engineHandler!(
      [{ type: 'job_changed', job_id: 1, account_id: 1, from: 'scheduled', to: 'due', reason: 'due' }],
      false,
    );
    expect(api.commands.listQueue).toHaveBeenCalledTimes(before + 1);
    engineHandler!([], true);
    expect(api.commands.listQueue).toHaveBeenCalledTimes(before + 2);
  });

  it('moves a dropped pin to the new time', async () => {
    vi.mocked(api.commands.listQueue).mockResolvedValue([item({ job_id: 4 })]);
    vi.mocked(api.commands.reschedule).mockResolvedValue(undefined);
    render(CalendarScreen, {});
    await screen.findByTestId('calendar-pin');
    // Resizing is off for the whole calendar; whether a pin may be dragged is per event.
    expect(seen.options?.eventDurationEditable).toBe(false);
    const revert = vi.fn();
    dropOption()({ event: { start: new Date('2030-05-06T07:45:00Z'), extendedProps: { jobId: 4 } }, revert });
    await waitFor(() => expect(api.commands.reschedule).toHaveBeenCalledWith(4, '2030-05-06T07:45:00.000Z'));
    expect(await screen.findByText('Rescheduled.')).toBeTruthy();
    expect(revert).not.toHaveBeenCalled();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('puts a refused drop back and says why, with the code', async () => {
    vi.mocked(api.commands.listQueue).mockResolvedValue([item({ job_id: 4 })]);
    vi.mocked(api.commands.reschedule).mockRejectedValue({ code: 'invalid_input', message: 'That time has passed' });
    render(CalendarScreen, {});
    await screen.findByTestId('calendar-pin');
    const revert = vi.fn();
    dropOption()({ event: { start: new Date('2020-01-01T00:00:00Z'), extendedProps: { jobId: 4 } }, revert });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('That time has passed (invalid_input)');
    expect(alert.querySelector('.code')?.textContent).toBe('(invalid_input)');
    expect(revert).toHaveBeenCalledTimes(1);
    expect(api.commands.reschedule).toHaveBeenCalledWith(4, '2020-01-01T00:00:00.000Z');
  });
});
