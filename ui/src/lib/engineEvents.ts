// The engine's events, as one store every screen reads (issue 15): the shell's `engine-events`
// is listened to once, however many screens are open, and only while one is. Bursts are
// coalesced: batches arriving less than `quietMs` apart are merged into one, which is held at
// most `maxMs` after its first event, so a storm of job changes costs a screen one reload (not
// one per batch) and a steady stream still shows within a second. Each merged batch keeps
// every event in order and whether any was lagged, so a screen that patches its state from
// the events (Live, LiveCharts) misses none, and one that reloads (Queue, Calendar) just
// reloads. A Svelte store (not runes) because its subscribers are called synchronously, once
// per batch, from plain .ts as well as from components; `revision` counts the batches.
import { readable, type Readable } from 'svelte/store';
import { onEngineEvents } from './api';
import type { EngineEvent } from './bindings/EngineEvent';

export type EngineBatch = {
  /** 0 before the first batch; one more for each batch after. */
  revision: number;
  /** Every event since the previous batch, oldest first. */
  events: EngineEvent[];
  /** Events were dropped on the way: re-read the state instead of patching it. */
  lagged: boolean;
};

export type EngineSource = (
  handler: (events: EngineEvent[], lagged: boolean) => void,
) => Promise<() => void>;

export type Timing = { quietMs: number; maxMs: number };
export const TIMING: Timing = { quietMs: 250, maxMs: 1000 };

export type EngineEvents = Readable<EngineBatch> & {
  /** Calls `handler` with each batch from now on (not the one already current); returns stop. */
  onBatch(handler: (batch: EngineBatch) => void): () => void;
};

/** A coalescing store over `source`; the app's one is `engineEvents` below. */
export function createEngineEvents(source: EngineSource, timing: Timing = TIMING): EngineEvents {
  let revision = 0;
  const store = readable<EngineBatch>({ revision, events: [], lagged: false }, (set) => {
    let events: EngineEvent[] = [];
    let lagged = false;
    let first = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;

    const flush = () => {
      timer = null;
      const batch = { revision: ++revision, events, lagged };
      events = [];
      lagged = false;
      set(batch);
    };
    const receive = (more: EngineEvent[], wasLagged: boolean) => {
      if (stopped || (more.length === 0 && !wasLagged)) return;
      const now = Date.now();
      if (timer === null) first = now;
      else clearTimeout(timer);
      events.push(...more);
      lagged ||= wasLagged;
      timer = setTimeout(flush, Math.max(0, Math.min(timing.quietMs, first + timing.maxMs - now)));
    };
    const unlisten = source(receive).catch(() => null);
    return () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      unlisten.then((stop) => stop?.()).catch(() => {});
    };
  });
  return {
    subscribe: store.subscribe,
    onBatch(handler) {
      let current = true;
      const stop = store.subscribe((batch) => {
        if (!current) handler(batch);
      });
      current = false;
      return stop;
    },
  };
}

/** The app's engine events: one listener on the shell's `engine-events` while any screen reads. */
export const engineEvents: EngineEvents = createEngineEvents(onEngineEvents);

/** Each coalesced batch of engine events from now on; call the result to stop. */
export function onEngineBatch(handler: (batch: EngineBatch) => void): () => void {
  return engineEvents.onBatch(handler);
}
