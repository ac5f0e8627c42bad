/**
 * The services' check of a classifier run's `hyper.parallelReplicas` (issue
 * 17) before it is queued: the schema bounds the number, this refuses what
 * depends on the machine — more threads than it has cores, or a native
 * backend (tfjs-node loads once per process, so replica threads cannot).
 * The run's worker checks the backend again when it starts (the setting may
 * change while a run waits in the queue).
 */
import * as os from 'node:os';
import type { RunConfig } from '../../workers/common/families/registry';
import type { BackendName } from '../../workers/common/protocol';
import { ApiError } from '../common/api';
import { isNative } from './backendProbe';

export function checkParallelReplicas(config: RunConfig, backend: BackendName, cores = os.availableParallelism()): void {
  if (config.family !== 'classifier') return;
  const n = config.hyper.parallelReplicas;
  if (n <= 1) return;
  if (n > cores) {
    throw new ApiError('bad-request', `parallelReplicas ${n} is more than this machine's ${cores} cores: each replica is a thread that computes all the time, so more threads than cores only wait for each other (use at most ${cores})`,
      [{ path: ['config', 'hyper', 'parallelReplicas'], message: `at most ${cores} (this machine's cores)` }]);
  }
  if (isNative(backend)) {
    throw new ApiError('bad-request', `parallelReplicas ${n} needs the wasm or cpu backend, but runs train on ${backend} here, which loads once per process and cannot run in replica threads (set parallelReplicas to 1, or choose wasm in Settings)`,
      [{ path: ['config', 'hyper', 'parallelReplicas'], message: `needs the wasm or cpu backend (runs train on ${backend})` }]);
  }
}
