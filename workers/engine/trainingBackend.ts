/**
 * A backend prepared for training, the same way in every thread that trains:
 * the run host, data-parallel replica threads, the reference importer and the
 * benchmarks. Data-parallel replicas must compute bit for bit what the leader
 * computes, so one function decides which kernels and layer overrides apply:
 * the composed wasm/cpu kernels, one-pass leading-axis sums, conv gradients
 * only where the tape needs them, dense input gradients that pack the small
 * operand, and the fused training batch norm.
 */
import type { BackendChoice } from '../common/protocol';
import { selectBackendDetailed, type BackendSelection } from './backend';
import { setDenseGradients } from './denseGradients';
import { installFusedBatchNorm } from './fusedBatchNormLayer';
import { registerLeadingAxisReductions } from './kernels/leadingAxisSum';
import { installLazyFusedGradients } from './lazyFusedGradients';
import { registerCpuKernels, registerWasmKernels } from './wasmKernels';

export async function prepareTrainingBackend(choice: BackendChoice): Promise<BackendSelection> {
  const selection = await selectBackendDetailed(choice);
  if (selection.backend === 'wasm') { registerWasmKernels(); registerLeadingAxisReductions(); }
  if (selection.backend === 'cpu') registerCpuKernels();
  installLazyFusedGradients(); // linear/LeakyReLU convs skip gradients nobody needs (LeNet with LeakyReLU −15 %, bit-identical)
  // Dense layers' dx as (W·dyᵀ)ᵀ: XNNPACK packs the small dyᵀ, not W (AE/VAE mlp steps ~10 % faster); measured on wasm only.
  setDenseGradients(selection.backend === 'wasm');
  installFusedBatchNorm(); // training batch norm over the last axis in a few SIMD passes on wasm (tfjs' own elsewhere)
  return selection;
}
