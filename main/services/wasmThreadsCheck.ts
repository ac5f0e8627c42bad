/**
 * The wasm backend's XNNPACK threads (Settings → wasm threads, issue 17):
 * what the services refuse beyond the schema's bounds. The setting is checked
 * against this machine's cores when it is saved, and against a run's
 * data-parallel replicas when the run is created and again when it starts
 * (the setting may change while the run waits in the queue): each replica
 * thread initialises its own wasm backend, so each would start its own pool
 * of that many threads and replicas × threads would oversubscribe the cores.
 */
import * as os from 'node:os';
import type { RunConfig } from '../../workers/common/families/registry';
import type { BackendName } from '../../workers/common/protocol';
import { ApiError } from '../common/api';
import { formatIssue } from '../../workers/common/runConfigBase';

/** The host's environment variable that carries the setting (workers/engine/wasmThreads.ts reads it). */
export const WASM_THREADS_ENV = 'LATENT_WASM_THREADS';

/** Refuses a setting above this machine's cores: more busy threads than cores only wait for each other. */
export function checkWasmThreadsSetting(threads: number, cores = os.availableParallelism()): void {
  if (threads > cores) {
    const issue = { path: ['wasmThreads'], message: `at most ${cores} (this machine's cores)` };
    throw new ApiError('bad-request', `${formatIssue(issue)}, not ${threads}: XNNPACK's threads compute all the time, so more threads than cores only wait for each other`, [issue]);
  }
}

/** Why a run cannot train with these wasm threads, or undefined when it can (a classifier's replicas each start a pool). */
export function replicasWithThreadsProblem(config: RunConfig, backend: BackendName, threads: number): string | undefined {
  if (config.family !== 'classifier' || backend !== 'wasm') return undefined;
  const n = config.hyper.parallelReplicas;
  if (n <= 1 || threads <= 1) return undefined;
  return `parallelReplicas ${n} with wasm threads ${threads}: each replica would start its own pool of ${threads} XNNPACK threads (${n * threads} busy threads on this machine's cores); set parallelReplicas to 1 in the run, or wasm threads to 1 in Settings`;
}

/** replicasWithThreadsProblem as the services' refusal of a run being created. */
export function checkReplicasWithThreads(config: RunConfig, backend: BackendName, threads: number): void {
  const problem = replicasWithThreadsProblem(config, backend, threads);
  if (problem !== undefined) throw new ApiError('bad-request', problem, [{ path: ['config', 'hyper', 'parallelReplicas'], message: `must be 1 while wasm threads is ${threads} (Settings)` }]);
}

/**
 * LATENT_WASM_THREADS as an override of the stored setting (as LATENT_BACKEND
 * overrides the backend), or undefined when unset: a whole number from 1 to
 * the cores, 0 meaning every core (as workers/engine/wasmThreads.ts reads it).
 * Anything else is refused at start so a typo does not silently train single-threaded.
 */
export function wasmThreadsOverride(env: NodeJS.ProcessEnv, cores = os.availableParallelism()): number | undefined {
  const raw = env[WASM_THREADS_ENV];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${WASM_THREADS_ENV} must be a whole number of threads (1 = single-threaded, 0 = every core); got "${raw}"`);
  if (n > cores) throw new Error(`${WASM_THREADS_ENV}=${n} is more than this machine's ${cores} cores (use at most ${cores})`);
  return n === 0 ? cores : n;
}
