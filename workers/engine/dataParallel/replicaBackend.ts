/**
 * A replica thread's backend, prepared as the run host prepares its own
 * (../trainingBackend.ts): the same kernels and layer overrides in every
 * thread, so every replica computes bit for bit what the leader computes.
 */
import type { BackendChoice, BackendName } from '../../common/protocol';
import { prepareTrainingBackend } from '../trainingBackend';

export async function prepareReplicaBackend(choice: BackendChoice): Promise<BackendName> {
  return (await prepareTrainingBackend(choice)).backend;
}
