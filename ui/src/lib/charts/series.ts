// Bookkeeping behind the live charts: turns the engine's batched events into one sample per
// 5-second bucket over the last 15 minutes (how many 429s, retries and failures happened in the
// bucket, and the queue depth at its end). It is a plain class with the clock passed in, free of
// Svelte, uPlot and Tauri, so every rule (baseline, engine restart, empty buckets, trimming) is
// unit-tested without a DOM; the component only feeds it and draws what it returns.
import type { Counters } from '../bindings/Counters';
import type { EngineEvent } from '../bindings/EngineEvent';
import type { LaneSnapshot } from '../bindings/LaneSnapshot';

/** Width of one sample. */
export const BUCKET_MS = 5_000;
/** Samples kept: 15 minutes of 5-second buckets. */
export const WINDOW_BUCKETS = 180;

export interface Bucket {
  /** Start of the bucket, milliseconds since the epoch, a multiple of the bucket width. */
  start: number;
  /** Increases of the cumulative counters within the bucket. */
  rateLimited: number;
  retries: number;
  failures: number;
  /** Queue depth (due + in flight over all accounts) at the bucket's end, or now for the last. */
  depth: number;
}

/** Column arrays as a chart wants them; x is the bucket start in seconds (uPlot's time unit). */
export interface SeriesPoints {
  x: number[];
  rateLimited: number[];
  retries: number[];
  failures: number[];
  depth: number[];
}

const COUNTER_KEYS = ['sent', 'published', 'rate_limited', 'retries', 'failures', 'reconciled'] as const;

export class LiveSeries {
  private readonly bucketMs: number;
  private readonly maxBuckets: number;
  private buckets: Bucket[] = [];
  /** Last cumulative counters seen; null until the first counters event. */
  private baseline: Counters | null = null;
  /** Latest due + in_flight per account. */
  private readonly lanes = new Map<number, number>();
  private depthNow = 0;

  constructor(bucketMs: number = BUCKET_MS, maxBuckets: number = WINDOW_BUCKETS) {
    if (!(bucketMs > 0) || !(maxBuckets >= 1)) throw new Error('bucketMs and maxBuckets must be positive');
    this.bucketMs = bucketMs;
    this.maxBuckets = Math.floor(maxBuckets);
  }

  /** Feeds one batch of engine events received at `now` (ms). Other event types only move time on. */
  ingest(events: readonly EngineEvent[], now: number): void {
    for (const e of events) {
      if (e.type === 'counters') this.counters(e, now);
      else if (e.type === 'lane') this.lane(e, now);
      else this.tick(now);
    }
  }

  /** Cumulative counters at `now`: the difference to the previous ones lands in now's bucket. */
  counters(c: Counters, now: number): void {
    const bucket = this.bucketAt(now);
    const prev = this.baseline;
    this.baseline = {
      sent: c.sent,
      published: c.published,
      rate_limited: c.rate_limited,
      retries: c.retries,
      failures: c.failures,
      reconciled: c.reconciled,
    };
    // The first counters only set the baseline; a decrease means the engine restarted from zero,
    // so the new values become the baseline and no (negative) point is recorded.
    if (!prev || COUNTER_KEYS.some((k) => c[k] < prev[k])) return;
    bucket.rateLimited += c.rate_limited - prev.rate_limited;
    bucket.retries += c.retries - prev.retries;
    bucket.failures += c.failures - prev.failures;
  }

  /** One account's lane at `now`: replaces that account's share of the queue depth. */
  lane(l: Pick<LaneSnapshot, 'account_id' | 'due' | 'in_flight'>, now: number): void {
    const bucket = this.bucketAt(now);
    this.lanes.set(l.account_id, Math.max(0, l.due) + Math.max(0, l.in_flight));
    let depth = 0;
    for (const d of this.lanes.values()) depth += d;
    this.depthNow = depth;
    bucket.depth = depth;
  }

  /**
   * Moves time on to `now` without an event: buckets passed over get zero increases and the
   * current depth. Does nothing before the first event, so an idle app shows no flat line.
   */
  tick(now: number): void {
    if (this.buckets.length > 0) this.bucketAt(now);
  }

  /** True once any counters or lane event has been seen. */
  get hasData(): boolean {
    return this.buckets.length > 0;
  }

  /** Current queue depth over all accounts. */
  get depth(): number {
    return this.depthNow;
  }

  /** Copies of the kept buckets, oldest first. */
  get samples(): Bucket[] {
    return this.buckets.map((b) => ({ ...b }));
  }

  /** The kept buckets as column arrays for the charts. */
  points(): SeriesPoints {
    const p: SeriesPoints = { x: [], rateLimited: [], retries: [], failures: [], depth: [] };
    for (const b of this.buckets) {
      p.x.push(b.start / 1000);
      p.rateLimited.push(b.rateLimited);
      p.retries.push(b.retries);
      p.failures.push(b.failures);
      p.depth.push(b.depth);
    }
    return p;
  }

  /**
   * The bucket `now` falls in, creating it and any skipped ones. A clock that went back keeps
   * filling the latest bucket rather than rewriting history.
   */
  private bucketAt(now: number): Bucket {
    const start = Math.floor(now / this.bucketMs) * this.bucketMs;
    const last = this.buckets.at(-1);
    if (last && start <= last.start) return last;
    // Fill skipped buckets, but never more than the window holds: older ones would be trimmed.
    const earliest = start - (this.maxBuckets - 1) * this.bucketMs;
    let from = last ? last.start + this.bucketMs : start;
    if (from < earliest) from = earliest;
    for (let s = from; s <= start; s += this.bucketMs) {
      this.buckets.push({ start: s, rateLimited: 0, retries: 0, failures: 0, depth: this.depthNow });
    }
    if (this.buckets.length > this.maxBuckets) this.buckets.splice(0, this.buckets.length - this.maxBuckets);
    return this.buckets[this.buckets.length - 1];
  }
}
