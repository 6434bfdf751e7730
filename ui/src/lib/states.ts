// A job's states as people read them, shared by the queue, the calendar and the live panel so a
// state has one name everywhere; and which states can be moved to another time (the engine
// refuses the rest anyway).
import type { JobState } from './bindings/JobState';

export const STATE_OPTIONS: { value: JobState; label: string }[] = [
  { value: 'scheduled', label: 'Scheduled' },
  { value: 'due', label: 'Due' },
  { value: 'in_flight', label: 'Sending' },
  { value: 'waiting_retry', label: 'Waiting to retry' },
  { value: 'published', label: 'Published' },
  { value: 'failed', label: 'Failed' },
  { value: 'missed', label: 'Missed' },
  { value: 'needs_reconnect', label: 'Needs reconnect' },
  { value: 'cancelled', label: 'Cancelled' },
  { value: 'draft', label: 'Draft' },
];

export function stateLabel(state: JobState): string {
  return STATE_OPTIONS.find((s) => s.value === state)?.label ?? state;
}

// A draft with an account and a board can be scheduled from the queue. On the calendar only a
// held draft shows (it keeps its time), and no draft is dragged there: only the other four.
const MOVABLE: ReadonlySet<JobState> = new Set<JobState>(['scheduled', 'due', 'failed', 'missed', 'draft']);

export function isMovable(state: JobState): boolean {
  return MOVABLE.has(state);
}
