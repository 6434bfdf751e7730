// The coalescing of engine events under fake timers: one listener however many readers, a
// burst becomes one batch (all its events, in order, lagged if any part was), a steady stream
// is still delivered within the maximum delay, and the listener goes when the last reader does.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { get } from 'svelte/store';
import type { EngineEvent } from './bindings/EngineEvent';
import { createEngineEvents, type EngineBatch } from './engineEvents';

type Handler = (events: EngineEvent[], lagged: boolean) => void;

const changed = (job_id: number): EngineEvent => ({
  type: 'job_changed',
  job_id,
  account_id: 1,
  from: 'scheduled',
  to: 'in_flight',
  reason: 'due',
});

let handler: Handler | null = null;
const unlisten = vi.fn();
const source = vi.fn(async (h: Handler) => {
  handler = h;
  return unlisten;
});
const push = (events: EngineEvent[], lagged = false) => handler!(events, lagged);
const ids = (b: EngineBatch) => b.events.map((e) => (e.type === 'job_changed' ? e.job_id : -1));

beforeEach(() => {
  vi.useFakeTimers();
  handler = null;
  source.mockClear();
  unlisten.mockClear();
});
afterEach(() => vi.useRealTimers());

async function started(store: ReturnType<typeof createEngineEvents>) {
  const seen: EngineBatch[] = [];
  const stop = store.onBatch((b) => seen.push(b));
  await vi.advanceTimersByTimeAsync(0);
  return { seen, stop };
}

describe('engine events', () => {
  it('coalesces a burst into one batch after a quiet moment', async () => {
    const store = createEngineEvents(source, { quietMs: 250, maxMs: 1000 });
    const { seen } = await started(store);
    push([changed(1)]);
    await vi.advanceTimersByTimeAsync(100);
    push([changed(2), changed(3)]);
    await vi.advanceTimersByTimeAsync(200);
    push([changed(4)], true);
    await vi.advanceTimersByTimeAsync(249);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toHaveLength(1);
    expect(ids(seen[0])).toEqual([1, 2, 3, 4]);
    expect(seen[0]).toMatchObject({ revision: 1, lagged: true });
    expect(get(store).revision).toBe(1);
  });

  it('never holds events longer than the maximum delay', async () => {
    const store = createEngineEvents(source, { quietMs: 250, maxMs: 1000 });
    const { seen } = await started(store);
    // A batch every 200 ms never leaves a quiet 250 ms, yet one goes out at 1 s.
    for (let i = 0; i < 5; i++) {
      push([changed(i)]);
      await vi.advanceTimersByTimeAsync(200);
    }
    expect(seen).toHaveLength(1);
    expect(ids(seen[0])).toEqual([0, 1, 2, 3, 4]);
    expect(seen[0].lagged).toBe(false);
    push([changed(5)]);
    await vi.advanceTimersByTimeAsync(250);
    expect(seen.map((b) => b.revision)).toEqual([1, 2]);
    expect(ids(seen[1])).toEqual([5]);
  });

  it('listens once for every reader, and stops when the last one does', async () => {
    const store = createEngineEvents(source);
    const a = await started(store);
    const b = await started(store);
    expect(source).toHaveBeenCalledTimes(1);
    push([changed(1)]);
    await vi.advanceTimersByTimeAsync(250);
    expect(a.seen).toHaveLength(1);
    expect(b.seen).toHaveLength(1);
    a.stop();
    expect(unlisten).not.toHaveBeenCalled();
    b.stop();
    await vi.advanceTimersByTimeAsync(0);
    expect(unlisten).toHaveBeenCalledTimes(1);
  });

  it('gives a new reader only later batches, and ignores empty ones', async () => {
    const store = createEngineEvents(source);
    const a = await started(store);
    push([changed(1)]);
    await vi.advanceTimersByTimeAsync(250);
    const late = await started(store);
    push([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(late.seen).toEqual([]);
    push([changed(2)]);
    await vi.advanceTimersByTimeAsync(250);
    expect(late.seen.map(ids)).toEqual([[2]]);
    expect(a.seen.map(ids)).toEqual([[1], [2]]);
  });

  it('drops what is pending when the last reader leaves, and survives a failed listen', async () => {
    const store = createEngineEvents(source);
    const a = await started(store);
    push([changed(1)]);
    a.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(a.seen).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);

    const failing = createEngineEvents(() => Promise.reject(new Error('no shell')));
    const b = await started(failing);
    b.stop();
    await vi.advanceTimersByTimeAsync(0);
    expect(b.seen).toEqual([]);
  });
});
