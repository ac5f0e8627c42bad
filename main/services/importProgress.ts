/**
 * Turns an import's many small steps (64 KiB chunks, single images) into
 * datasets.onDidImportProgress events a window can draw: one at each stage's
 * start, then at most one per percent, and always the last (done = total).
 * The steps are counted, not timed, so the same import sends the same events.
 */
import type { ImportProgress, ImportStage } from '../common/domain';

export type ProgressSink = (p: ImportProgress) => void;

export class ImportProgressReporter {
  private last: { key: string; done: number } | null = null;

  constructor(private readonly sink: ProgressSink | undefined, private readonly target: ImportProgress['target'], private readonly name: string) {}

  /** `done` of `total` in `stage` (a new stage or detail always reports; total 0 means unknown). */
  report(stage: ImportStage, done: number, total: number, unit: ImportProgress['unit'], detail = ''): void {
    if (!this.sink) return;
    const key = `${stage}\0${detail}`;
    const step = total > 0 ? total / 100 : 1 << 20;
    const fresh = this.last?.key !== key;
    if (!fresh && done !== total && done - this.last!.done < step) return;
    if (!fresh && done === this.last!.done) return;
    this.last = { key, done };
    this.sink({ target: this.target, name: this.name, stage, done, total, unit, detail });
  }

  /** A stage with nothing to count (converting, the checksum, the end): one event at 0 of 1 or 1 of 1. */
  mark(stage: ImportStage, finished: boolean, detail = ''): void {
    this.report(stage, finished ? 1 : 0, 1, 'steps', detail);
  }
}
