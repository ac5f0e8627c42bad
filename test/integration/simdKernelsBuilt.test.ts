/**
 * The built (CommonJS) SIMD kernels load on the wasm backend, as the training
 * host and data-parallel replicas run them: a failure there is silent by design
 * (the fused Adam and the leading-axis sums fall back to tfjs' kernels), so it
 * is checked here. It once failed only in the build: a local named `exports`
 * shadowed the module's own, through which the bytes were read.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { prepareReplicaBackend } from '../../workers/engine/dataParallel/replicaBackend';
import { repoRoot, requireBuilt } from '../helpers/tempDir';

interface BuiltSimdKernels {
  adamKernelFor(wasmModule: object): unknown;
  columnSumKernelFor(wasmModule: object): unknown;
}

describe('the built SIMD kernels', () => {
  it('instantiate on the wasm backend (adam and colsum), not the silent fallback', async () => {
    requireBuilt();
    expect(await prepareReplicaBackend('wasm')).toBe('wasm');
    const backend = tf.backend();
    expect(backend).toBeInstanceOf(BackendWasm);
    const wasmModule = (backend as BackendWasm).wasm;
    // The CommonJS file itself, as Node loads it in the host (not vitest's transform of the source).
    const built = createRequire(path.join(repoRoot, 'package.json'))(path.join(repoRoot, 'dist', 'workers', 'engine', 'simdKernels.js')) as BuiltSimdKernels;
    expect(typeof built.adamKernelFor(wasmModule)).toBe('function');
    expect(typeof built.columnSumKernelFor(wasmModule)).toBe('function');
  });
});
