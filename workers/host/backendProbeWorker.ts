/**
 * Probes one tfjs backend in a short-lived process (dist/workers/host/backendProbeWorker.js
 * BACKEND): restores the util helpers as a training host does, requires the
 * backend's package, makes it active and runs one op, then prints one JSON
 * line {backend, loaded, error?, node} and exits. A native package that fails
 * (a missing libtensorflow, CUDA library or a Node it does not support)
 * fails here, with its own message, and never in the app's main process.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { backendPackages, isNativeBackend } from '../common/backends';
import { backendPreference, type BackendName } from '../common/protocol';
import { restoreRemovedUtilHelpers } from './nodeCompat';

restoreRemovedUtilHelpers();

/** Long enough for a stack's first frames, short enough for a settings page. */
const maxErrorLength = 4000;

function messageOf(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.length > maxErrorLength ? `${text.slice(0, maxErrorLength)}…` : text;
}

async function probe(backend: BackendName): Promise<{ loaded: boolean; error?: string }> {
  const packageName = backendPackages[backend];
  if (packageName) {
    try {
      createRequire(__filename)(packageName);
    } catch (e) {
      return { loaded: false, error: `require('${packageName}') failed: ${messageOf(e)}` };
    }
  }
  const tfName = isNativeBackend(backend) ? 'tensorflow' : backend;
  try {
    if (!(await tf.setBackend(tfName))) return { loaded: false, error: `tf.setBackend('${tfName}') returned false` };
    await tf.ready();
    // One op through the backend's kernels: tfjs-node's util.isNullOrUndefined calls are here, not at require.
    const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).dataSync());
    if (sum[0] !== 4 || sum[1] !== 6) return { loaded: false, error: `1+3, 2+4 gave ${String(sum[0])}, ${String(sum[1])}` };
    return { loaded: true };
  } catch (e) {
    return { loaded: false, error: `initialising '${tfName}' failed: ${messageOf(e)}` };
  }
}

const backend = backendPreference.find((b) => b === process.argv[2]);
if (!backend) {
  process.stdout.write(`${JSON.stringify({ loaded: false, error: `unknown backend ${String(process.argv[2])}: one of ${backendPreference.join(', ')}` })}\n`);
  process.exit(2);
}
void probe(backend).then((r) => {
  process.stdout.write(`${JSON.stringify({ backend, ...r, node: process.version })}\n`, () => process.exit(0));
});
