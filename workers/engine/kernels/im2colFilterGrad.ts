/**
 * Conv2DBackpropFilter for inputs with few channels as im2col + one matmul.
 *
 * dW[kh,kw,c,f] = Σ_{n,oh,ow} x[n, oh·sh + kh − top, ow·sw + kw − left, c] · dy[n,oh,ow,f].
 * The dilated-conv composition (wasmKernels.ts) runs a 1-channel layer's
 * gradient as a conv2d with a batch of C = 1 and a huge (output-sized)
 * filter, which XNNPACK does at a few GFLOP/s. Here the patch matrix
 * P[(n,oh,ow), (kh,kw,c)] comes from one strided conv2d of x with a one-hot
 * filter (XNNPACK at full speed; wasm's StridedSlice and Pack, the obvious
 * im2col, cost ~40 ms for a 4×4 kernel at batch 64, forty times the matmul),
 * and dW = Pᵀ · dy[(n,oh,ow), f]. Pᵀ is transposed explicitly (it is the
 * smaller operand when KH·KW·C ≤ F; otherwise dy is, giving dWᵀ): wasm's
 * transposed matmul takes a slow path. The one-hot conv costs KH·KW·C
 * multiply-adds per patch entry against the matmul's F, which is why this is
 * only for thin inputs with many filters (prefersIm2col, from
 * bench/trainThroughput.ts's channel sweep).
 * An infinite input value turns into NaN over its whole patch (0 · ∞); the
 * reference kernel's gradient would be infinite there instead.
 */
import * as tf from '@tensorflow/tfjs';
import { padOrCrop } from './spatialPad';

type Conv2DInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

/** Inputs with more channels than this never take the im2col route. */
export const IM2COL_MAX_CHANNELS = 3;

/**
 * Whether im2col beats the dilated conv2d: measured at batch 64 (2-core
 * Xeon, wasm, one thread) on a 28×28 input, it did for a 4×4 stride-2 kernel
 * with 64 filters at C = 1, 2, 3 (1.9 vs 6.5, 3.1 vs 7.1, 5.2 vs 7.7 ms), tied at
 * C = 4 (KH·KW·C = F) and lost beyond; for a 5×5 stride-1 conv with 64
 * filters it won at C = 1, 2 (15.3 vs 38.6, 38.8 vs 41.9 ms) and lost at C = 3
 * (75 vs 51: KH·KW·C > F); it lost for LeNet's 5×5 stride-1 conv with 6
 * filters at every C (8.0 vs 2.7 ms at C = 1), where KH·KW·C > F.
 */
export function prefersIm2col(channels: number, kernelSize: number, filters: number): boolean {
  return channels <= IM2COL_MAX_CHANNELS && kernelSize * channels < filters;
}

/** The patch matrix [N·OH·OW, KH·KW·C] of an NHWC input, by a conv2d with the one-hot filter eye(KH·KW·C). */
export function patchMatrix(x: tf.Tensor4D, info: Conv2DInfo): tf.Tensor2D {
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow, inHeight: h, inWidth: w } = info;
  const { top, left } = info.padInfo;
  const [n, , , c] = x.shape;
  const xp = padOrCrop(x, top, (oh - 1) * sh + kh - h - top, left, (ow - 1) * sw + kw - w - left);
  const k = kh * kw * c;
  const oneHot = tf.reshape(tf.eye(k), [kh, kw, c, k]) as tf.Tensor4D;
  return tf.reshape(tf.conv2d(xp, oneHot, [sh, sw], 'valid'), [n * oh * ow, k]);
}

/** dW of a convolution (NHWC x and dy) as one untransposed matmul of the patch matrix with dy. */
export function im2colConv2dBackpropFilter(x: tf.Tensor4D, dy: tf.Tensor4D, info: Conv2DInfo): tf.Tensor4D {
  const { filterHeight: kh, filterWidth: kw } = info;
  const c = x.shape[3];
  const f = dy.shape[3];
  const k = kh * kw * c;
  const p = patchMatrix(x, info); // [M, K]
  const d = tf.reshape(dy, [p.shape[0], f]); // [M, F]
  const dw = k <= f ? tf.matMul(tf.transpose(p), d) : tf.transpose(tf.matMul(tf.transpose(d), p));
  return tf.reshape(dw, [kh, kw, c, f]);
}
