/** A one-line terminal progress bar (redrawn in place on a TTY, a line every few seconds otherwise). */
import type { RunProgress } from '../common/domain';

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

export function renderBar(p: RunProgress, extra: string, width = 30): string {
  const frac = p.totalSteps > 0 ? Math.min(1, p.step / p.totalSteps) : 0;
  const filled = Math.round(frac * width);
  const eta = p.etaMs === null ? '--' : formatDuration(p.etaMs);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% epoch ${p.epoch}/${p.epochs} step ${p.step}/${p.totalSteps} ETA ${eta} ${extra}`;
}

export class ProgressLine {
  private lastPlain = 0;
  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(p: RunProgress, extra: string): void {
    const line = renderBar(p, extra);
    if (this.stream.isTTY) {
      this.stream.write(`\r${line.slice(0, (this.stream.columns || 120) - 1)}\x1b[K`);
    } else if (Date.now() - this.lastPlain > 2000 || p.step === p.totalSteps) {
      this.lastPlain = Date.now();
      this.stream.write(`${line}\n`);
    }
  }

  end(): void {
    if (this.stream.isTTY) this.stream.write('\n');
  }
}
