/**
 * Which npm package provides each tfjs backend, and a pure availability
 * check with the resolver injected (the services pass one built on
 * require.resolve; nothing native is loaded).
 */
import { backendPreference, type BackendName } from './protocol';

/** npm package of each backend; undefined for the built-in cpu backend. */
export const backendPackages: Readonly<Record<BackendName, string | undefined>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: undefined,
};

/** True for backends that must run in a fresh child process (tfjs-node cannot load in a second thread). */
export function isNativeBackend(name: BackendName): boolean {
  return name === 'tensorflow' || name === 'tensorflow-gpu';
}

export interface BackendAvailability {
  backend: BackendName;
  /** The package resolves (not loaded, so a broken native build still shows as available). */
  available: boolean;
  packageName?: string;
  /** Why it is not available, with the command that fixes it. */
  reason?: string;
  /** Must run in a child process rather than a worker thread. */
  native: boolean;
}

/** Availability of every backend, in preference order. */
export function describeBackends(isResolvable: (packageName: string) => boolean): BackendAvailability[] {
  return backendPreference.map((backend) => {
    const packageName = backendPackages[backend];
    const native = isNativeBackend(backend);
    if (packageName === undefined) return { backend, available: true, native };
    const available = isResolvable(packageName);
    const entry: BackendAvailability = { backend, available, packageName, native };
    if (!available) entry.reason = `${packageName} is not installed (npm install ${packageName})`;
    return entry;
  });
}
