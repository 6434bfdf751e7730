// The calendar's pure parts: which queue items become calendar events, which of them may be
// dragged, how each state is colored, and what a drop does. Kept free of Svelte and of the
// calendar library's runtime so every rule can be unit-tested without mounting anything; the
// colors are CSS variables that Calendar.svelte defines from the theme, so both themes follow.
import type { Calendar as EC } from '@event-calendar/core';
import type { QueueItem } from '../api';
import { toUiError, type UiError } from '../errors';
import type { JobState } from '../bindings/JobState';

import { isMovable } from '../states';
import { thumbnailSrc } from '../thumbnail';

export { STATE_OPTIONS, stateLabel, isMovable } from '../states';

/** A colour family per state; Calendar.svelte defines `--cal-<tone>` and `--cal-<tone>-edge`. */
export type Tone = 'published' | 'problem' | 'active' | 'inactive' | 'neutral';

export function toneOf(state: JobState): Tone {
  switch (state) {
    case 'published':
      return 'published';
    case 'failed':
    case 'missed':
    case 'needs_reconnect':
      return 'problem';
    case 'in_flight':
      return 'active';
    case 'cancelled':
      return 'inactive';
    default:
      return 'neutral';
  }
}

/** How long a pin's block is in the week view; a pin is a moment, this only makes it visible. */
export const EVENT_MINUTES = 30;

/** What the calendar keeps about the job, for the event's content and the drop handler. */
export type PinProps = {
  jobId: number;
  state: JobState;
  account: string;
  board: string;
  /** A stored local image (media protocol) or the remote URL. */
  thumbnail: string | null;
};

/** Queue items with a time, as the calendar library's event input. Drafts without one are left out. */
export function toCalendarEvents(items: QueueItem[]): EC.EventInput[] {
  const events: EC.EventInput[] = [];
  for (const it of items) {
    if (!it.due_at) continue;
    const start = new Date(it.due_at);
    if (Number.isNaN(start.getTime())) continue;
    const end = new Date(start.getTime() + EVENT_MINUTES * 60_000);
    // A draft is scheduled from the queue, not dragged (it has no time to drag from).
    const movable = isMovable(it.state) && it.state !== 'draft';
    const tone = toneOf(it.state);
    const extendedProps: PinProps = {
      jobId: it.job_id,
      state: it.state,
      account: it.account_name ?? 'no account',
      board: it.board_name ?? it.board_id ?? 'no board',
      thumbnail: thumbnailSrc(it),
    };
    events.push({
      id: String(it.job_id),
      start,
      end,
      allDay: false,
      // Plain text: the library sets a string title with innerText, never as HTML.
      title: it.title?.trim() || 'Untitled',
      editable: movable,
      startEditable: movable,
      durationEditable: false,
      backgroundColor: `var(--cal-${tone})`,
      textColor: 'var(--fg)',
      classNames: ['pin-event', `pin-${tone}`, `pin-state-${it.state}`],
      extendedProps,
    });
  }
  return events;
}

/** The job's props back out of a library event (the library keeps extendedProps as given). */
export function pinProps(event: { extendedProps?: Record<string, unknown> }): PinProps {
  return event.extendedProps as PinProps;
}

/** What a drop needs of the library's EventDropInfo (which it is a structural subset of). */
export type DropInfo = {
  event: { start: Date; extendedProps: Record<string, unknown> };
  revert: () => void;
};

/**
 * A drop: ask the engine to move the job to the new start. On a refusal (a time in the past, a
 * pin already sent) the event goes back where it was and the refusal is returned for display.
 */
export async function moveOnDrop(
  info: DropInfo,
  reschedule: (jobId: number, atIso: string) => Promise<void>,
): Promise<UiError | null> {
  const { jobId } = pinProps(info.event);
  try {
    await reschedule(jobId, info.event.start.toISOString());
    return null;
  } catch (e) {
    info.revert();
    return toUiError(e);
  }
}
