/**
 * Buffers metric points and hands them on in batches: every `intervalMs`
 * (250 ms), when `maxPoints` (256) are waiting, and on finish(). One message
 * per batch keeps the main side's SQLite writes to one transaction each.
 */
import type { MetricKey, MetricPoint } from '../common/protocol';

export interface MetricBatcherOptions {
  intervalMs?: number;
  maxPoints?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export class MetricBatcher {
  private buffer: MetricPoint[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly intervalMs: number;
  private readonly maxPoints: number;
  private readonly now: () => number;

  constructor(private readonly onFlush: (points: MetricPoint[]) => void, options: MetricBatcherOptions = {}) {
    this.intervalMs = options.intervalMs ?? 250;
    this.maxPoints = options.maxPoints ?? 256;
    this.now = options.now ?? Date.now;
  }

  add(key: MetricKey, step: number, value: number, wallTime: number = this.now()): void {
    this.buffer.push({ key, step, value, wallTime });
    if (this.buffer.length >= this.maxPoints) {
      this.flush();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), this.intervalMs);
      this.timer.unref?.();
    }
  }

  /** Points waiting to be flushed. */
  get pending(): number {
    return this.buffer.length;
  }

  flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.buffer.length === 0) return;
    const points = this.buffer;
    this.buffer = [];
    this.onFlush(points);
  }

  /** Flush what is left and stop the timer. */
  finish(): void {
    this.flush();
  }
}
