/**
 * Kernels the tfjs wasm backend lacks (or runs slowly), composed from kernels
 * it has:
 *  - Conv2DBackpropFilter: a stride-1 conv2d with dilation = the forward
 *    stride, treating the input's channels as the batch and the batch as the
 *    channels, with dy as the filter (XNNPACK does the work); for thin
 *    inputs with many filters (a 1-channel first layer) im2col + one
 *    matmul instead (kernels/im2colFilterGrad.ts).
 *  - Conv2DBackpropInput: conv2d of the padded dy with the spatially
 *    flipped, in/out-transposed filter; for strides > 1 the sub-pixel form,
 *    all phase sub-filters stacked on the output channels of ONE conv2d
 *    (kernels/subPixelConvTranspose.ts; the built-in kernel is ~20× slower,
 *    and a zero-dilated dy would waste stride² of the work).
 *  - Tile of size-1 axes only (batch norm's gradient) as a broadcasting add.
 *  - UnsortedSegmentSum (gradient of gather, so embeddings train): one-hot
 *    (int32, then cast: float oneHot is broken on wasm) transposed × data.
 *
 * The kernel functions call tf ops: the wasm backend is active while they run,
 * the engine does not record them on a gradient tape (kernelDepth > 0), and a
 * Tensor returned from a kernelFunc is used as the output as is (the engine
 * passes through outputs that have a rank), so nothing is copied or leaked.
 */
import * as tf from '@tensorflow/tfjs';
// Load the wasm backend's own kernels first, so ours are registered after (and win).
import '@tensorflow/tfjs-backend-wasm';
import { padOrCrop } from './kernels/spatialPad';
import { subPixelConv2dBackpropInput } from './kernels/subPixelConvTranspose';
import { im2colConv2dBackpropFilter, prefersIm2col } from './kernels/im2colFilterGrad';

type TensorInfo = tf.TensorInfo;
type Conv2DInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

const BACKEND = 'wasm';

/** Run `fn` on Tensors for the given inputs, wrapping bare TensorInfos for the duration. */
function withTensors(infos: readonly TensorInfo[], fn: (ts: tf.Tensor[]) => tf.Tensor): tf.Tensor {
  const engine = tf.engine();
  const wrapped: tf.Tensor[] = [];
  const tensors = infos.map((info) => {
    if (info instanceof tf.Tensor) return info;
    engine.backend.incRef(info.dataId);
    const t = engine.makeTensorFromTensorInfo(info);
    wrapped.push(t);
    return t;
  });
  try {
    return tf.tidy(() => fn(tensors));
  } finally {
    for (const t of wrapped) t.dispose();
  }
}

function isNCHW(dataFormat: unknown): boolean {
  return dataFormat === 'NCHW';
}

function convInfo(inShape: readonly number[], filterShape: readonly number[], attrs: tf.NamedAttrMap): Conv2DInfo {
  const strides = attrs['strides'] as [number, number] | number;
  const pad = attrs['pad'] as 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  const rounding = attrs['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined;
  return tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides, 1, pad, rounding, false, 'channelsLast',
  );
}

/**
 * Which composed variants the kernels use. Both default on; the older
 * compositions stay callable so bench/trainThroughput.ts can time old
 * against new in one process. Not a user setting.
 */
export interface KernelVariants {
  /** Strided Conv2DBackpropInput as one conv2d of stacked phase filters (else one conv2d per phase). */
  subPixelConvTranspose: boolean;
  /**
   * Conv2DBackpropFilter as im2col + matmul: 'auto' where it measured faster
   * (thin inputs, many filters: prefersIm2col), 'always', or 'off' (the dilated conv2d).
   */
  im2colFilterGrad: 'auto' | 'always' | 'off';
}

const variants: KernelVariants = { subPixelConvTranspose: true, im2colFilterGrad: 'auto' };

/** Switch kernel variants (for benchmarks comparing them); returns the previous setting. */
export function setKernelVariants(next: Partial<KernelVariants>): KernelVariants {
  const previous = { ...variants };
  Object.assign(variants, next);
  return previous;
}

/** dW[kh,kw,c,f] = Σ_{n,oh,ow} x[n, oh·sh + kh − top, ow·sw + kw − left, c] · dy[n,oh,ow,f]. */
export function conv2dBackpropFilterNHWC(x: tf.Tensor4D, dy: tf.Tensor4D, info: Conv2DInfo): tf.Tensor4D {
  const im2col = variants.im2colFilterGrad;
  if (im2col === 'always' || (im2col === 'auto' && prefersIm2col(x.shape[3], info.filterHeight * info.filterWidth, dy.shape[3]))) {
    return im2colConv2dBackpropFilter(x, dy, info);
  }
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow, inHeight: h, inWidth: w } = info;
  const { top, left } = info.padInfo;
  // Rows/cols the stride-1 dilated conv needs: (o − 1)·s + k.
  const needH = (oh - 1) * sh + kh;
  const needW = (ow - 1) * sw + kw;
  const xp = padOrCrop(x, top, needH - h - top, left, needW - w - left);
  const xt = tf.transpose(xp, [3, 1, 2, 0]); // [C, H', W', N]
  const f = tf.transpose(dy, [1, 2, 0, 3]); // [OH, OW, N, F]
  const out = tf.conv2d(xt, f, 1, 'valid', 'NHWC', [sh, sw]); // [C, KH, KW, F]
  return tf.transpose(out, [1, 2, 0, 3]);
}

/**
 * dx[n,h,w,c] = Σ_{kh,kw,f} dy[n,(h + top − kh)/sh,(w + left − kw)/sw,f] · W[kh,kw,c,f]
 * (only terms where both divisions are exact).
 *
 * Stride 1: one conv2d of the padded dy with the flipped, in/out-transposed
 * filter. Stride s > 1, by phases (the "sub-pixel" decomposition): write
 * h + top = q·sh + p; only taps kh = p + j·sh reach rows of phase p, and
 * there dx = Σ_j dy[q − j] · W[p + j·sh], a stride-1 convolution of dy with
 * that sub-filter. That skips the zeros a dilated dy would multiply: sh·sw
 * times fewer FLOPs (4× for the stride-2 transposed convolutions of a DCGAN
 * generator). By default all phases run as one conv2d with the sub-filters
 * stacked on its output channels (kernels/subPixelConvTranspose.ts); the
 * older variant runs one conv2d per phase.
 */
export function conv2dBackpropInputNHWC(dy: tf.Tensor4D, filter: tf.Tensor4D, info: Conv2DInfo): tf.Tensor4D {
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, inHeight: h, inWidth: w } = info;
  const { top, left } = info.padInfo;
  if (sh === 1 && sw === 1) {
    const [, oh, ow] = dy.shape;
    const a = kh - 1 - top;
    const b = kw - 1 - left;
    const padded = padOrCrop(dy, a, h + kh - 1 - a - oh, b, w + kw - 1 - b - ow);
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]); // [KH, KW, F, C]
    return tf.conv2d(padded, flipped, 1, 'valid');
  }
  if (variants.subPixelConvTranspose) return subPixelConv2dBackpropInput(dy, filter, info);
  return phaseByPhaseConv2dBackpropInput(dy, filter, info);
}

/** The previous strided composition: one conv2d per output phase, stacked and reshaped (rank 6). */
function phaseByPhaseConv2dBackpropInput(dy: tf.Tensor4D, filter: tf.Tensor4D, info: Conv2DInfo): tf.Tensor4D {
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, inHeight: h, inWidth: w, inChannels: c } = info;
  const { top, left } = info.padInfo;
  const [n, oh, ow] = dy.shape;
  // Output rows h = q·sh + p − top for q in [q0, q1] (likewise columns), for every phase.
  const q0h = Math.floor(top / sh);
  const q1h = Math.floor((h - 1 + top) / sh);
  const q0w = Math.floor(left / sw);
  const q1w = Math.floor((w - 1 + left) / sw);
  const qh = q1h - q0h + 1;
  const qw = q1w - q0w + 1;
  // All sub-filters with one pad + reshape + transpose: taps p + j·s for j < J (J = ⌈k / s⌉; missing taps are zero).
  const jh = Math.ceil(kh / sh);
  const jw = Math.ceil(kw / sw);
  const [, , fc, ff] = filter.shape;
  const subs = tf.transpose(
    tf.reshape(tf.pad(filter, [[0, jh * sh - kh], [0, jw * sw - kw], [0, 0], [0, 0]]), [jh, sh, jw, sw, fc, ff]),
    [1, 3, 0, 2, 5, 4],
  ); // [SH, SW, JH, JW, F, C]
  // Flipped spatially, so a valid correlation computes the convolution Σ_j dy[q − j] · W[p + j·s].
  const flippedSubs = tf.reverse(subs, [2, 3]);
  // Padded rows t hold dy[t + q0 − (J − 1)]; a valid correlation then gives q = t + q0.
  const padTop = jh - 1 - q0h;
  const padLeft = jw - 1 - q0w;
  const padded = padOrCrop(dy, padTop, qh + jh - 1 - padTop - oh, padLeft, qw + jw - 1 - padLeft - ow);
  const rows: tf.Tensor[] = [];
  for (let p = 0; p < sh; p++) {
    const cols: tf.Tensor[] = [];
    for (let r = 0; r < sw; r++) {
      const sub = tf.reshape(tf.slice(flippedSubs, [p, r, 0, 0, 0, 0], [1, 1, jh, jw, ff, c]), [jh, jw, ff, c]) as tf.Tensor4D;
      cols.push(tf.conv2d(padded, sub, 1, 'valid'));
    }
    rows.push(tf.stack(cols, 3)); // [N, QH, QW, SW, C]
  }
  const interleaved = tf.reshape(tf.stack(rows, 2), [n, qh * sh, qw * sw, c]); // [N, QH, SH, QW, SW, C] → rows q·sh + p
  return tf.slice(interleaved, [0, top - q0h * sh, left - q0w * sw, 0], [n, h, w, c]) as tf.Tensor4D;
}

function conv2DBackpropFilter({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.Tensor {
  const a = attrs ?? {};
  const nchw = isNCHW(a['dataFormat']);
  return withTensors([inputs['x']!, inputs['dy']!], ([xIn, dyIn]) => {
    const x = (nchw ? tf.transpose(xIn!, [0, 2, 3, 1]) : xIn!) as tf.Tensor4D;
    const dy = (nchw ? tf.transpose(dyIn!, [0, 2, 3, 1]) : dyIn!) as tf.Tensor4D;
    const filterShape = a['filterShape'] as number[];
    return conv2dBackpropFilterNHWC(x, dy, convInfo(x.shape, filterShape, a));
  });
}

function conv2DBackpropInput({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.Tensor {
  const a = attrs ?? {};
  const nchw = isNCHW(a['dataFormat']);
  return withTensors([inputs['dy']!, inputs['filter']!], ([dyIn, filter]) => {
    const dy = (nchw ? tf.transpose(dyIn!, [0, 2, 3, 1]) : dyIn!) as tf.Tensor4D;
    const s = a['inputShape'] as [number, number, number, number];
    const inShape: [number, number, number, number] = nchw ? [s[0], s[2], s[3], s[1]] : s;
    const dx = conv2dBackpropInputNHWC(dy, filter as tf.Tensor4D, convInfo(inShape, filter!.shape, a));
    return nchw ? tf.transpose(dx, [0, 3, 1, 2]) : dx;
  });
}

function unsortedSegmentSum({ inputs, attrs }: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap }): tf.Tensor {
  const numSegments = (attrs ?? {})['numSegments'] as number;
  return withTensors([inputs['x']!, inputs['segmentIds']!], ([x, ids]) => {
    const idRank = ids!.rank;
    const rest = x!.shape.slice(idRank);
    const m = ids!.size;
    const d = rest.reduce((p, q) => p * q, 1);
    const oneHotT = tf.transpose(tf.cast(tf.oneHot(tf.cast(tf.reshape(ids!, [m]), 'int32'), numSegments, 1, 0, 'int32'), 'float32')); // [S, M]
    const data = tf.reshape(x!.dtype === 'float32' ? x! : tf.cast(x!, 'float32'), [m, d]);
    const sum = tf.reshape(tf.matMul(oneHotT, data), [numSegments, ...rest]);
    return x!.dtype === 'float32' ? sum : tf.cast(tf.round(sum), x!.dtype);
  });
}

/**
 * BatchMatMul with transposeA or transposeB: the wasm kernel takes a slow
 * path for a transposed operand (~10× slower, and every dense layer's
 * gradient asks for one), so transpose explicitly and multiply plainly.
 */
function batchMatMulExplicitTranspose(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const a = args.attrs ?? {};
    if (!a['transposeA'] && !a['transposeB']) return original(args);
    return withTensors([args.inputs['a']!, args.inputs['b']!], ([x, y]) => {
      const swapLast = (t: tf.Tensor): tf.Tensor => tf.transpose(t, [...t.shape.keys()].map((i, _, all) => (i < all.length - 2 ? i : i === all.length - 2 ? all.length - 1 : all.length - 2)));
      const xa = a['transposeA'] ? swapLast(x!) : x!;
      const yb = a['transposeB'] ? swapLast(y!) : y!;
      return tf.matMul(xa, yb);
    });
  };
}

/**
 * Tile that only repeats size-1 axes (a broadcast: batch norm's gradient
 * tiles its per-channel statistics over the whole batch) as x + zeros: the
 * wasm Tile kernel copies element by element, ~5× slower than a broadcasting add.
 */
function tileByBroadcast(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const x = args.inputs['x']!;
    const reps = ((args.attrs ?? {})['reps'] as number[] | undefined) ?? [];
    const broadcastOnly = reps.length === x.shape.length && reps.every((r, i) => r === 1 || x.shape[i] === 1);
    if (!broadcastOnly || (x.dtype !== 'float32' && x.dtype !== 'int32') || reps.every((r) => r === 1)) return original(args);
    return withTensors([x], ([t]) => tf.add(t!, tf.zeros(x.shape.map((d, i) => d * reps[i]!), x.dtype)));
  };
}

export interface WasmKernelOptions {
  /** Replace the built-in (slow) Conv2DBackpropInput too. Default true. */
  fastConv2DBackpropInput?: boolean;
  /** Route transposed matmuls through an explicit transpose. Default true. */
  explicitTransposeMatMul?: boolean;
}

function register(kernelName: string, kernelFunc: tf.KernelFunc, replace: boolean, backendName = BACKEND): void {
  const existing = tf.getKernel(kernelName, backendName);
  if (existing) {
    if (!replace) return;
    tf.unregisterKernel(kernelName, backendName);
  }
  // Keep the replaced kernel's setup (wasm kernels bind their exported functions there), so a
  // wrapper that still calls the original works even when registered before the backend starts.
  const config: tf.KernelConfig = { kernelName, backendName, kernelFunc };
  if (existing?.setupFunc) config.setupFunc = existing.setupFunc;
  if (existing?.disposeFunc) config.disposeFunc = existing.disposeFunc;
  tf.registerKernel(config);
}

const registered = new Set<string>();

/** Register the missing kernels on the 'wasm' backend. Idempotent. */
export function registerWasmKernels(options: WasmKernelOptions = {}): void {
  const add = (name: string, fn: tf.KernelFunc, replace: boolean): void => {
    if (registered.has(name)) return;
    register(name, fn, replace);
    registered.add(name);
  };
  add('Conv2DBackpropFilter', conv2DBackpropFilter as tf.KernelFunc, false);
  add('UnsortedSegmentSum', unsortedSegmentSum as tf.KernelFunc, false);
  if (options.fastConv2DBackpropInput !== false) add('Conv2DBackpropInput', conv2DBackpropInput as tf.KernelFunc, true);
  if (!registered.has('Tile')) {
    const original = tf.getKernel('Tile', BACKEND);
    if (original) add('Tile', tileByBroadcast(original.kernelFunc), true);
  }
  if (options.explicitTransposeMatMul !== false && !registered.has('BatchMatMul')) {
    const original = tf.getKernel('BatchMatMul', BACKEND);
    if (original) add('BatchMatMul', batchMatMulExplicitTranspose(original.kernelFunc), true);
  }
}

let cpuRegistered = false;

/**
 * The pure-JS cpu backend has a Conv2DBackpropFilter, but a naive one: about
 * 2.8 s for LeNet's second layer at batch 64, against ~60 ms for the same
 * dilated-conv2d composition used on wasm. Replace it, so CNNs train on cpu
 * at a usable speed. Idempotent.
 */
export function registerCpuKernels(): void {
  if (cpuRegistered) return;
  register('Conv2DBackpropFilter', conv2DBackpropFilter as tf.KernelFunc, true, 'cpu');
  cpuRegistered = true;
}
