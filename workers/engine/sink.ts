/**
 * Where a family reports what happens during a run. The host turns these into
 * protocol messages (batching metrics, throttling progress); tests record them.
 */
import type { ImageGridMeta } from '../common/gallery';
import type { CheckpointRef } from '../common/protocol';

export interface ProgressInfo {
  epoch: number;
  epochs: number;
  step: number;
  totalSteps: number;
}

export interface TrainingSink {
  metric(key: string, step: number, value: number): void;
  progress(p: ProgressInfo): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  checkpoint(ref: CheckpointRef): void;
  /** A gallery or data artifact the family wrote to `path` (under runDir) at global step `step`. */
  sample(kind: string, step: number, path: string, meta: ImageGridMeta | Record<string, unknown>): void;
}

/** A sink that keeps everything in arrays (tests, benchmarks). */
export class RecordingSink implements TrainingSink {
  readonly metrics: { key: string; step: number; value: number }[] = [];
  readonly progressEvents: ProgressInfo[] = [];
  readonly logs: { level: string; message: string }[] = [];
  readonly checkpoints: CheckpointRef[] = [];
  readonly samples: { kind: string; step: number; path: string; meta: ImageGridMeta | Record<string, unknown> }[] = [];

  metric(key: string, step: number, value: number): void { this.metrics.push({ key, step, value }); }
  progress(p: ProgressInfo): void { this.progressEvents.push(p); }
  log(level: 'info' | 'warn' | 'error', message: string): void { this.logs.push({ level, message }); }
  checkpoint(ref: CheckpointRef): void { this.checkpoints.push(ref); }
  sample(kind: string, step: number, path: string, meta: ImageGridMeta | Record<string, unknown>): void { this.samples.push({ kind, step, path, meta }); }

  values(key: string): number[] {
    return this.metrics.filter((m) => m.key === key).map((m) => m.value);
  }
}
