/**
 * Which tfjs backends this machine can load, found without loading any
 * native module into the main process (tfjs-node must only ever be loaded
 * in a training child process).
 */
import type { BackendChoice, BackendName } from '../../workers/common/protocol';
import { backendPreference } from '../../workers/common/protocol';

const packages: Record<BackendName, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs',
};

export function backendPackage(name: BackendName): string {
  return packages[name];
}

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
  cached ??= backendPreference.filter((b) => resolvable(packages[b]));
  return [...cached];
}

/** Native backends run in a child process per run; the others in a worker thread. */
export function isNative(b: BackendName): boolean {
  return b === 'tensorflow' || b === 'tensorflow-gpu';
}

/** The backend a run with this choice will most likely get (the worker has the final word). */
export function expectedBackend(choice: BackendChoice): BackendName {
  if (choice !== 'auto') return choice;
  return availableBackends()[0] ?? 'cpu';
}
