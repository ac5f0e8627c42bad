/**
 * Where a family reports what happens during a run. The host turns these into
 * protocol messages (batching metrics, throttling progress); tests record them.
 *
 * Metric keys and artifact kinds are the families' catalogues (their
 * descriptors; see common/protocol.ts): a family's own sink (FamilySink<F>)
 * takes only its own keys and kinds, so a key missing from its catalogue is
 * a type error.
 */
import type { ArtifactKind, ArtifactMeta, CheckpointRef, Family, FamilyArtifactMeta, FamilyMetricKey, MetricKey } from '../common/protocol';

export interface ProgressInfo {
  epoch: number;
  epochs: number;
  step: number;
  totalSteps: number;
}

/** The meta of any artifact any family records. */
export type SampleMeta = ArtifactMeta[ArtifactKind];

/**
 * `K`: the metric keys it takes; `M`: the meta it takes with each artifact
 * kind (its keys are the kinds), as the families' descriptors declare them.
 */
export interface TrainingSink<K extends string = MetricKey, M extends object = ArtifactMeta> {
  metric(key: K, step: number, value: number): void;
  progress(p: ProgressInfo): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  checkpoint(ref: CheckpointRef): void;
  /** A gallery or data artifact the family wrote to `path` (under runDir) at global step `step`. */
  sample<A extends keyof M & string>(kind: A, step: number, path: string, meta: M[A]): void;
  /**
   * Hand on the metrics still batched, now: the trainer calls it before long
   * work (galleries, an evaluation, a checkpoint write) that keeps the event
   * loop busy, so a crash during it loses nothing already computed (issue 16).
   * A sink that does not batch leaves it out.
   */
  flush?(): void;
}

/** The sink as one family sees it: its own metric keys and artifact kinds only. */
export type FamilySink<F extends Family> = TrainingSink<FamilyMetricKey<F>, FamilyArtifactMeta<F>>;

/** A sink that keeps everything in arrays (tests, benchmarks). */
export class RecordingSink implements TrainingSink {
  readonly metrics: { key: MetricKey; step: number; value: number }[] = [];
  readonly progressEvents: ProgressInfo[] = [];
  readonly logs: { level: string; message: string }[] = [];
  readonly checkpoints: CheckpointRef[] = [];
  readonly samples: { kind: ArtifactKind; step: number; path: string; meta: SampleMeta }[] = [];

  metric(key: MetricKey, step: number, value: number): void { this.metrics.push({ key, step, value }); }
  progress(p: ProgressInfo): void { this.progressEvents.push(p); }
  log(level: 'info' | 'warn' | 'error', message: string): void { this.logs.push({ level, message }); }
  checkpoint(ref: CheckpointRef): void { this.checkpoints.push(ref); }
  sample<A extends ArtifactKind>(kind: A, step: number, path: string, meta: ArtifactMeta[A]): void { this.samples.push({ kind, step, path, meta }); }

  values(key: MetricKey): number[] {
    return this.metrics.filter((m) => m.key === key).map((m) => m.value);
  }
}
