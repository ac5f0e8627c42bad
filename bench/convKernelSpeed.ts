/**
 * The composed wasm convolution-gradient kernels, old variant against new
 * (workers/engine/wasmKernels.ts setKernelVariants), in one process with the
 * variants interleaved (A, B, A, B, …) so a shared machine's load falls on
 * both alike: each DCGAN layer's kernel alone, a channel sweep that picks
 * im2col's channel threshold, and a whole DCGAN training step (D then G,
 * batch 64, the app's template). Used by bench/trainThroughput.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { ganTemplate } from '../workers/common/families/gan/templates';
import { setKernelVariants, type KernelVariants } from '../workers/engine/wasmKernels';
import { buildGan, disposeGan, ganBuildOptions, makeGanOptimizer } from '../workers/families/gan/model';
import { ganTrainStep } from '../workers/families/gan/step';

const BATCH = 64;
const LATENT = 64;

export interface Summary { min: number; median: number; n: number }

function summary(samples: number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { min: s[0]!, median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2, n: s.length };
}

/** Time each named variant `rounds` times, interleaved, one call per sample (after one warm-up call each). */
async function interleaved(variants: Record<string, () => Promise<void>>, rounds: number): Promise<Record<string, Summary>> {
  const names = Object.keys(variants);
  for (const k of names) await variants[k]!();
  const samples: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) {
    for (const k of names) {
      const t0 = performance.now();
      await variants[k]!();
      samples[k]!.push(performance.now() - t0);
    }
  }
  return Object.fromEntries(names.map((k) => [k, summary(samples[k]!)]));
}

/** One kernel call under the given variant, waited for. */
function kernelCall(variant: Partial<KernelVariants>, run: () => tf.Tensor): () => Promise<void> {
  return async () => {
    const previous = setKernelVariants(variant);
    try {
      const out = run();
      await out.data();
      out.dispose();
    } finally {
      setKernelVariants(previous);
    }
  };
}

type Shape4 = [number, number, number, number];

interface LayerCase { key: string; x: Shape4; f: Shape4; strides: number; pad: 'same' | 'valid' }

/** The DCGAN's (28×28×1, batch 64) strided layers: G's transposed convs are Conv2DBackpropInput forward, D's convs need it backward. */
const DCGAN_LAYERS: LayerCase[] = [
  { key: 'dcgan_g_layer', x: [BATCH, 14, 14, 64], f: [4, 4, 64, 128], strides: 2, pad: 'same' },
  { key: 'dcgan_g_out', x: [BATCH, 28, 28, 1], f: [4, 4, 1, 64], strides: 2, pad: 'same' },
];

function dyShapeOf(c: LayerCase): Shape4 {
  return tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.f) as tf.Tensor4D, c.strides, c.pad).shape) as Shape4;
}

/** Conv2DBackpropInput: sub-pixel (one conv2d) vs composed (one conv2d per phase). */
async function backpropInputTimings(results: Record<string, number>, rounds: number): Promise<void> {
  for (const c of DCGAN_LAYERS) {
    const dy = tf.randomNormal(dyShapeOf(c), 0, 1, 'float32', 1);
    const filter = tf.randomNormal(c.f, 0, 1, 'float32', 2);
    const run = (): tf.Tensor => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x }) as tf.Tensor;
    const t = await interleaved({ subpixel: kernelCall({ subPixelConvTranspose: true }, run), composed: kernelCall({ subPixelConvTranspose: false }, run) }, rounds);
    record(results, `kernels.conv2d_backprop_input.${c.key}.wasm`, t, { subpixel: 'subpixel', composed: 'composed' });
    tf.dispose([dy, filter]);
  }
}

/** Conv2DBackpropFilter: im2col + matmul vs the dilated conv2d, on x [64, h, w, C] for a sweep of C. */
async function backpropFilterTimings(results: Record<string, number>, rounds: number, channels: readonly number[]): Promise<void> {
  const shapes: { key: string; hw: number; k: number; f: number; strides: number; pad: 'same' | 'valid' }[] = [
    { key: 'dcgan_d_in', hw: 28, k: 4, f: 64, strides: 2, pad: 'same' },
    { key: 'lenet_conv1', hw: 28, k: 5, f: 6, strides: 1, pad: 'same' },
    { key: 'conv5_s1_f64', hw: 28, k: 5, f: 64, strides: 1, pad: 'same' },
  ];
  for (const s of shapes) {
    for (const ch of channels) {
      const c: LayerCase = { key: s.key, x: [BATCH, s.hw, s.hw, ch], f: [s.k, s.k, ch, s.f], strides: s.strides, pad: s.pad };
      const x = tf.randomNormal(c.x, 0, 1, 'float32', 3);
      const dy = tf.randomNormal(dyShapeOf(c), 0, 1, 'float32', 4);
      const run = (): tf.Tensor => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.f }) as tf.Tensor;
      const t = await interleaved({ im2col: kernelCall({ im2colFilterGrad: 'always' }, run), dilated: kernelCall({ im2colFilterGrad: 'off' }, run) }, rounds);
      record(results, `kernels.conv2d_backprop_filter.${s.key}_c${ch}.wasm`, t, { im2col: 'im2col', dilated: 'dilated_conv' });
      tf.dispose([x, dy]);
    }
  }
}

function record(results: Record<string, number>, prefix: string, t: Record<string, Summary>, names: Record<string, string>): void {
  for (const [k, name] of Object.entries(names)) {
    const s = t[k]!;
    results[`${prefix}_${name}_ms`] = Number(s.median.toFixed(2));
    results[`${prefix}_${name}_min_ms`] = Number(s.min.toFixed(2));
  }
  const first = Object.keys(names)[0]!;
  console.error(`${prefix}: ${Object.entries(names).map(([k, n]) => `${n} ${t[k]!.min.toFixed(2)}/${t[k]!.median.toFixed(2)} ms (min/median of ${t[first]!.n})`).join(', ')}`);
}

/** A whole DCGAN training step (D then G, batch 64, Adam 2e-4 β₁ 0.5), old kernels against new, interleaved. */
async function dcganStepTimings(results: Record<string, number>, rounds: number): Promise<void> {
  const nets = buildGan(ganTemplate('dcgan', [28, 28, 1], LATENT), [28, 28, 1], LATENT, 1, ganBuildOptions({ virtualBatchNorm: false, batchSize: BATCH }));
  const hyper = { optimizer: 'adam', momentum: 0.9, beta1: 0.5 } as const;
  const optD = makeGanOptimizer(hyper, 2e-4);
  const optG = makeGanOptimizer(hyper, 2e-4);
  // Random pixels in [−1, 1]: a step's cost does not depend on the images.
  const real = tf.randomUniform([BATCH, 28, 28, 1], -1, 1, 'float32', 5);
  let seed = 0;
  const step = (variant: Partial<KernelVariants>) => async (): Promise<void> => {
    const previous = setKernelVariants(variant);
    try {
      await ganTrainStep(nets, optD, optG, [real], { loss: 'nonsaturating', targets: { real: 1, fake: 0 }, clipValue: 0.01, gpWeight: 10, seed: seed++ });
    } finally {
      setKernelVariants(previous);
    }
  };
  await step({})(); // Adam creates its moment variables on the first step.
  const before = tf.memory().numTensors;
  const t = await interleaved({
    new: step({ subPixelConvTranspose: true, im2colFilterGrad: 'auto' }),
    old: step({ subPixelConvTranspose: false, im2colFilterGrad: 'off' }),
  }, rounds);
  if (tf.memory().numTensors !== before) throw new Error(`The DCGAN step leaked ${tf.memory().numTensors - before} tensors`);
  record(results, 'dcgan.wasm.step', t, { new: 'new', old: 'composed' });
  results['dcgan.wasm.step_ms'] = results['dcgan.wasm.step_new_ms']!;
  results['dcgan.wasm.step_rounds'] = rounds;
  real.dispose();
  optD.dispose();
  optG.dispose();
  disposeGan(nets);
}

export interface ConvKernelSpeedOptions { kernelRounds: number; stepRounds: number; channels: readonly number[] }

/** Every measurement of this section on the (already selected) wasm backend; keys as in bench/results/throughput.json. */
export async function convKernelSpeed(o: ConvKernelSpeedOptions): Promise<Record<string, number>> {
  const results: Record<string, number> = {};
  await backpropInputTimings(results, o.kernelRounds);
  await backpropFilterTimings(results, o.kernelRounds, o.channels);
  await dcganStepTimings(results, o.stepRounds);
  return results;
}
