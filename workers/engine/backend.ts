/**
 * Backend selection. Every module imports tfjs as '@tensorflow/tfjs', so the
 * native packages (which register 'tensorflow' with that same core when
 * required) and the wasm backend all attach to one engine.
 *
 * Native backends (tfjs-node, tfjs-node-gpu) cannot be loaded twice in one
 * process ("Module did not self-register" in a second worker thread): the
 * service runs them in a fresh child process per run; see `isNativeBackend`.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { backendPackages, describeBackends, isNativeBackend, type BackendAvailability } from '../common/backends';
import { backendPreference, type BackendChoice, type BackendName } from '../common/protocol';
import { initWasmWithThreads, wasmThreadsSetting } from './wasmThreads';

export { isNativeBackend, type BackendAvailability };

interface BackendPackage {
  /** npm package providing it; undefined for the built-in cpu backend. */
  packageName?: string;
  /** Name tfjs registers it under. */
  tfName: string;
}

function backendPackage(name: BackendName): BackendPackage {
  const packageName = backendPackages[name];
  const tfName = isNativeBackend(name) ? 'tensorflow' : name;
  return packageName === undefined ? { tfName } : { packageName, tfName };
}

const load = createRequire(__filename);

function isResolvable(packageName: string): boolean {
  try {
    load.resolve(packageName);
    return true;
  } catch {
    return false;
  }
}

/** Which backends could be used, without loading any native module. */
export function availableBackends(): BackendAvailability[] {
  return describeBackends(isResolvable);
}

function describeLoadError(pkg: BackendPackage, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const notFound = typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'MODULE_NOT_FOUND' && message.includes(pkg.packageName ?? '\u0000');
  if (notFound) return `${pkg.packageName} is not installed (npm install ${pkg.packageName})`;
  return `${pkg.packageName} failed to load: ${message.split('\n')[0]}`;
}

/** Load the package of a backend (registering it with tfjs) and make it active. */
async function tryBackend(name: BackendName): Promise<{ ok: true } | { ok: false; reason: string }> {
  const pkg = backendPackage(name);
  if (pkg.packageName) {
    try {
      load(pkg.packageName);
    } catch (error) {
      return { ok: false, reason: describeLoadError(pkg, error) };
    }
  }
  if (!tf.findBackendFactory(pkg.tfName)) {
    return { ok: false, reason: `${pkg.packageName ?? 'tfjs'} loaded but did not register the '${pkg.tfName}' backend (is a second copy of @tensorflow/tfjs-core installed?)` };
  }
  let ok: boolean;
  try {
    const activate = async (): Promise<boolean> => { const set = await tf.setBackend(pkg.tfName); await tf.ready(); return set; };
    // LATENT_WASM_THREADS > 1 starts XNNPACK's thread pool (wasmThreads.ts); unset keeps one thread.
    ok = name === 'wasm' ? (await initWasmWithThreads(wasmThreadsSetting(), activate)).value : await activate();
  } catch (error) {
    return { ok: false, reason: `initialising '${pkg.tfName}' failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!ok || tf.getBackend() !== pkg.tfName) return { ok: false, reason: `initialising '${pkg.tfName}' failed` };
  return { ok: true };
}

export interface BackendSelection {
  backend: BackendName;
  /** Why preferred backends were skipped (for 'auto'), to log. */
  skipped: string[];
}

/**
 * Make a backend active. 'auto' tries tensorflow-gpu, tensorflow, wasm, cpu in
 * that order; a forced choice fails with a clear message if it cannot load.
 */
export async function selectBackendDetailed(choice: BackendChoice): Promise<BackendSelection> {
  if (choice !== 'auto') {
    const r = await tryBackend(choice);
    if (!r.ok) throw new Error(`Backend '${choice}' is not available: ${r.reason}`);
    return { backend: choice, skipped: [] };
  }
  const skipped: string[] = [];
  for (const name of backendPreference) {
    const r = await tryBackend(name);
    if (r.ok) return { backend: name, skipped };
    skipped.push(`${name}: ${r.reason}`);
  }
  throw new Error(`No tfjs backend could be initialised:\n${skipped.join('\n')}`);
}

export async function selectBackend(choice: BackendChoice): Promise<BackendName> {
  return (await selectBackendDetailed(choice)).backend;
}
