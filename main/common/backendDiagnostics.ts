/**
 * The answer of `system.backends`: whether each tfjs backend really loads on
 * this machine (probed in a short-lived child process, never in the main
 * process) and, for the GPU build, what the machine lacks.
 */
import type { BackendName } from '../../workers/common/protocol';
import type { GpuFinding } from './gpuDiagnosis';

export interface BackendProbeResult {
  backend: BackendName;
  /** npm package; undefined for the built-in cpu backend. */
  packageName?: string;
  /** The package resolves. */
  installed: boolean;
  /** It loaded, initialised and ran one op in the probe process. */
  loaded: boolean;
  /** The real error when it did not load (the message the package threw), or why the probe failed. */
  error?: string;
  /** The probe's Node (the one training hosts run on). */
  node?: string;
}

export interface BackendDiagnostics {
  /** When the probe ran (ms since the epoch); results are cached until "probe again". */
  probedAt: number;
  backends: BackendProbeResult[];
  gpu: {
    /** What tfjs-node-gpu needs, in one sentence. */
    requirements: string;
    findings: GpuFinding[];
  };
}
