/**
 * Passes on at most one value per `intervalMs`, keeping the latest one
 * pending so flush() can deliver it (e.g. the final progress of a run).
 */
export class Throttle<T> {
  private last = -Infinity;
  private pending: T | undefined;

  constructor(private readonly send: (value: T) => void, private readonly intervalMs = 100, private readonly now: () => number = Date.now) {}

  push(value: T): void {
    const t = this.now();
    if (t - this.last >= this.intervalMs) {
      this.last = t;
      this.pending = undefined;
      this.send(value);
    } else {
      this.pending = value;
    }
  }

  flush(): void {
    if (this.pending === undefined) return;
    const v = this.pending;
    this.pending = undefined;
    this.last = this.now();
    this.send(v);
  }
}
