/**
 * Which tfjs backends this machine can load, found without loading any
 * native module into the main process (tfjs-node must only ever be loaded
 * in a training child process).
 */
import { describeBackends, isNativeBackend } from '../../workers/common/backends';
import type { BackendChoice, BackendName } from '../../workers/common/protocol';

function resolvable(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

let cached: BackendName[] | undefined;

export function availableBackends(): BackendName[] {
  cached ??= describeBackends(resolvable).filter((b) => b.available).map((b) => b.backend);
  return [...cached];
}

/** Native backends run in a child process per run; the others in a worker thread. */
export const isNative = isNativeBackend;

/** The backend a run with this choice will most likely get (the worker has the final word). */
export function expectedBackend(choice: BackendChoice): BackendName {
  if (choice !== 'auto') return choice;
  return availableBackends()[0] ?? 'cpu';
}
