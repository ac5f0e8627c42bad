/**
 * The worker message protocol, between the training service (main side) and a
 * training host (worker thread or child process). Plain structured-clone data.
 */
import type { GraphDocument } from './graph';
import type { RunConfig } from './runConfig';

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
/** The order in which backends are tried when none is forced. */
export const backendPreference: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
export type BackendChoice = BackendName | 'auto';

export interface MetricPoint {
  key: string;
  step: number;
  value: number;
  /** Milliseconds since the epoch when the value was measured. */
  wallTime: number;
}

export interface CheckpointRef {
  /** Directory holding the checkpoint files. */
  dir: string;
  /** Epochs completed when it was written. */
  epoch: number;
  /** Global step (batches seen) when it was written. */
  step: number;
}

export interface StartMessage {
  type: 'start';
  runId: number;
  config: RunConfig;
  /** The resolved architecture (templates and saved versions already looked up). */
  graph: GraphDocument;
  backend: BackendChoice;
  /** Directory where the run may write its checkpoints and artifacts. */
  runDir: string;
  /** Resume from this checkpoint instead of starting fresh. */
  resumeFrom?: CheckpointRef;
}

export interface CancelMessage { type: 'cancel' }

export type MainToWorker = StartMessage | CancelMessage;

export interface ReadyMessage { type: 'ready'; backend: BackendName }
export interface MetricsMessage { type: 'metrics'; points: MetricPoint[] }
export interface ProgressMessage {
  type: 'progress';
  epoch: number;
  epochs: number;
  /** Global step (batches done so far, over all epochs). */
  step: number;
  totalSteps: number;
}
export interface LogMessage { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
export interface CheckpointMessage { type: 'checkpoint'; checkpoint: CheckpointRef }
export interface SampleMessage {
  type: 'sample';
  step: number;
  kind: string;
  /** File written by the worker under runDir. */
  path: string;
  meta?: Record<string, unknown>;
}
export interface DoneMessage { type: 'done'; final: Record<string, number> }
export interface FailedMessage { type: 'failed'; error: string }
export interface CancelledMessage { type: 'cancelled' }

export type WorkerToMain =
  | ReadyMessage
  | MetricsMessage
  | ProgressMessage
  | LogMessage
  | CheckpointMessage
  | SampleMessage
  | DoneMessage
  | FailedMessage
  | CancelledMessage;
