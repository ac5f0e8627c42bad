/**
 * A replica thread's backend, prepared as the run host prepares its own
 * (workers/host/runHost.ts): the same kernels registered in every thread, so
 * every replica computes bit for bit what the leader computes.
 */
import type { BackendChoice, BackendName } from '../../common/protocol';
import { selectBackend } from '../backend';
import { registerLeadingAxisReductions } from '../kernels/leadingAxisSum';
import { registerCpuKernels, registerWasmKernels } from '../wasmKernels';

export async function prepareReplicaBackend(choice: BackendChoice): Promise<BackendName> {
  const backend = await selectBackend(choice);
  if (backend === 'wasm') { registerWasmKernels(); registerLeadingAxisReductions(); }
  if (backend === 'cpu') registerCpuKernels();
  return backend;
}
