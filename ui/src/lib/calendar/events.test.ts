// The calendar's rules without a browser: which queue items become events, which may be dragged,
// how states are coloured, and what a drop does when the engine accepts or refuses the move.
import { describe, expect, it, vi } from 'vitest';
import type { QueueItem } from '../api';
import { FALLBACK_CODE } from '../errors';
import type { JobState } from '../bindings/JobState';
import {
  EVENT_MINUTES,
  isMovable,
  moveOnDrop,
  pinProps,
  toCalendarEvents,
  toneOf,
  type DropInfo,
} from './events';

function item(over: Partial<QueueItem> = {}): QueueItem {
  return {
    job_id: 7, pin_id: 3, state: 'scheduled', title: 'Soup', description: null, link: null, alt_text: null,
    section_id: null,
    media_url: 'https://i.pinimg.com/soup.jpg', media_sha256: null, account_id: 1, account_name: 'kitchen',
    board_id: '999', board_name: 'Dinners', due_at: '2026-11-23T10:00:00Z', attempt: 0,
    pinterest_url: null, error_code: null, error_message: null, ...over,
  };
}

const ALL: JobState[] = [
  'draft', 'scheduled', 'due', 'in_flight', 'waiting_retry', 'published', 'failed', 'cancelled',
  'missed', 'needs_reconnect',
];

describe('toCalendarEvents', () => {
  it('turns a timed job into an event at its instant, with its props', () => {
    const [ev] = toCalendarEvents([item()]);
    expect(ev.id).toBe('7');
    expect(ev.start).toBeInstanceOf(Date);
    expect((ev.start as Date).toISOString()).toBe('2026-11-23T10:00:00.000Z');
    expect((ev.end as Date).getTime() - (ev.start as Date).getTime()).toBe(EVENT_MINUTES * 60_000);
    expect(ev.allDay).toBe(false);
    expect(ev.title).toBe('Soup');
    expect(ev.extendedProps).toEqual({
      jobId: 7, state: 'scheduled', account: 'kitchen', board: 'Dinners',
      thumbnail: 'https://i.pinimg.com/soup.jpg',
    });
  });

  it('skips drafts and any job without a time (or with an unreadable one)', () => {
    const events = toCalendarEvents([
      item({ job_id: 1, state: 'draft', due_at: null }),
      item({ job_id: 2, state: 'scheduled', due_at: null }),
      item({ job_id: 3, due_at: 'not a time' }),
      item({ job_id: 4 }),
    ]);
    expect(events.map((e) => e.id)).toEqual(['4']);
  });

  it('keeps a time zone offset: the instant is the same whatever the offset says', () => {
    const [ev] = toCalendarEvents([item({ due_at: '2026-11-23T12:00:00+02:00' })]);
    expect((ev.start as Date).toISOString()).toBe('2026-11-23T10:00:00.000Z');
  });

  it('lets only scheduled, due, failed and missed jobs be dragged, and none resized', () => {
    const events = toCalendarEvents(ALL.map((state, i) => item({ job_id: i + 1, state })));
    const draggable = events.filter((e) => e.startEditable).map((e) => pinProps(e).state);
    expect(draggable.sort()).toEqual(['due', 'failed', 'missed', 'scheduled']);
    for (const e of events) {
      expect(e.durationEditable).toBe(false);
      expect(e.editable).toBe(e.startEditable);
    }
  });

  it('never lets a published, sending or cancelled pin move', () => {
    for (const state of ['published', 'in_flight', 'cancelled'] as JobState[]) {
      const [ev] = toCalendarEvents([item({ state })]);
      expect(ev.startEditable).toBe(false);
      expect(ev.editable).toBe(false);
      expect(isMovable(state)).toBe(false);
    }
  });

  it('colours by state through the theme variables', () => {
    const colour = (state: JobState) => toCalendarEvents([item({ state })])[0].backgroundColor;
    expect(colour('published')).toBe('var(--cal-published)');
    expect(colour('failed')).toBe('var(--cal-problem)');
    expect(colour('missed')).toBe('var(--cal-problem)');
    expect(colour('needs_reconnect')).toBe('var(--cal-problem)');
    expect(colour('in_flight')).toBe('var(--cal-active)');
    expect(colour('scheduled')).toBe('var(--cal-neutral)');
    expect(colour('due')).toBe('var(--cal-neutral)');
    expect(colour('cancelled')).toBe('var(--cal-inactive)');
    const [ev] = toCalendarEvents([item({ state: 'failed' })]);
    expect(ev.textColor).toBe('var(--fg)');
    expect(ev.classNames).toEqual(['pin-event', 'pin-problem', 'pin-state-failed']);
  });

  it('gives every state a tone', () => {
    for (const s of ALL) expect(['published', 'problem', 'active', 'inactive', 'neutral']).toContain(toneOf(s));
  });

  it('keeps a title with markup as plain text, never HTML', () => {
    const nasty = '<img src=x onerror="alert(1)"> & <b>bold</b>';
    const [ev] = toCalendarEvents([item({ title: nasty })]);
    // A string title is text to the library (innerText), not {html}.
    expect(ev.title).toBe(nasty);
    expect(typeof ev.title).toBe('string');
  });

  it('names what is missing: no title, account or board', () => {
    const [ev] = toCalendarEvents([
      item({ title: '  ', account_name: null, board_name: null, board_id: null, media_url: null }),
    ]);
    expect(ev.title).toBe('Untitled');
    expect(ev.extendedProps).toMatchObject({ account: 'no account', board: 'no board', thumbnail: null });
    const [byId] = toCalendarEvents([item({ board_name: null, board_id: '123' })]);
    expect(pinProps(byId).board).toBe('123');
  });
});

function drop(jobId: number, start: Date) {
  const revert = vi.fn<() => void>();
  const info: DropInfo = { event: { start, extendedProps: { jobId } }, revert };
  return { ...info, revert };
}

describe('moveOnDrop', () => {
  it('asks the engine to move the job to the new start, in UTC ISO form', async () => {
    const reschedule = vi.fn().mockResolvedValue(undefined);
    const info = drop(7, new Date('2026-12-01T09:30:00Z'));
    expect(await moveOnDrop(info, reschedule)).toBeNull();
    expect(reschedule).toHaveBeenCalledWith(7, '2026-12-01T09:30:00.000Z');
    expect(info.revert).not.toHaveBeenCalled();
  });

  it('puts the pin back and returns the engine refusal with its code', async () => {
    const reschedule = vi.fn().mockRejectedValue({ code: 'invalid_input', message: 'That time has passed' });
    const info = drop(7, new Date('2020-01-01T00:00:00Z'));
    expect(await moveOnDrop(info, reschedule)).toEqual({ code: 'invalid_input', message: 'That time has passed' });
    expect(info.revert).toHaveBeenCalledTimes(1);
  });

  it('puts the pin back on an unexpected failure too', async () => {
    const info = drop(7, new Date('2026-12-01T09:30:00Z'));
    const refused = await moveOnDrop(info, vi.fn().mockRejectedValue(new Error('boom')));
    expect(refused).toEqual({ code: FALLBACK_CODE, message: 'boom' });
    expect(info.revert).toHaveBeenCalledTimes(1);
  });
});
