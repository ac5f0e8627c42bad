/**
 * Where a family reports what happens during a run. The host turns these into
 * protocol messages (batching metrics, throttling progress); tests record them.
 */
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
}

/** A sink that keeps everything in arrays (tests, benchmarks). */
export class RecordingSink implements TrainingSink {
  readonly metrics: { key: string; step: number; value: number }[] = [];
  readonly progressEvents: ProgressInfo[] = [];
  readonly logs: { level: string; message: string }[] = [];
  readonly checkpoints: CheckpointRef[] = [];

  metric(key: string, step: number, value: number): void { this.metrics.push({ key, step, value }); }
  progress(p: ProgressInfo): void { this.progressEvents.push(p); }
  log(level: 'info' | 'warn' | 'error', message: string): void { this.logs.push({ level, message }); }
  checkpoint(ref: CheckpointRef): void { this.checkpoints.push(ref); }

  values(key: string): number[] {
    return this.metrics.filter((m) => m.key === key).map((m) => m.value);
  }
}
