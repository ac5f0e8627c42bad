/**
 * Conv2DBackpropInput (a transposed convolution's forward pass, a strided
 * convolution's input gradient) with strides > 1 as ONE stride-1 conv2d.
 *
 * dx[n,h,w,c] = Σ_{kh,kw,f} dy[n,(h + top − kh)/sh,(w + left − kw)/sw,f] · W[kh,kw,c,f]
 * (only terms where both divisions are exact). Write h + top = q·sh + p: only
 * taps kh = p + j·sh reach rows of phase p, and there dx = Σ_j dy[q − j] ·
 * W[p + j·sh], a stride-1 convolution of the undilated dy with that phase's
 * sub-filter. Here all sh·sw sub-filters are stacked on the output channels
 * ([JH, JW, F, SH·SW·C]), so XNNPACK runs one conv2d over dy instead of one
 * per phase; its output [N, QH, QW, (SH, SW, C)] is interleaved into rows
 * q·sh + p by a rank-4 transpose ([N·QH, QW, SH, SW·C] → [N·QH, SH, QW, SW·C],
 * then a free reshape) and cropped. That avoids the rank-6 stack/reshape of
 * one output per phase, and wasm's slow DepthToSpace and Gather.
 * Output bit-identical to the per-phase kernel on the DCGAN's layers; at
 * batch 64 on wasm G's 7×7×128 → 14×14×64 layer took 28 ms instead of 41
 * (min of 15 interleaved rounds; bench/trainThroughput.ts --only conv-kernels).
 */
import * as tf from '@tensorflow/tfjs';
import { padOrCrop } from './spatialPad';

type Conv2DInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

/**
 * The stacked, flipped sub-filters [JH, JW, F, SH·SW·C] of a [KH, KW, C, F]
 * filter: entry [i, j, f, (p, r, c)] = W[p + (JH−1−i)·sh, r + (JW−1−j)·sw, c, f]
 * (zero past the kernel), so a valid correlation computes Σ_j dy[q − j] · W[p + j·s].
 */
export function stackedPhaseFilters(filter: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  const [kh, kw, c, f] = filter.shape;
  const jh = Math.ceil(kh / sh);
  const jw = Math.ceil(kw / sw);
  // The padded filter is [JH, SH, JW, SW, C, F] in memory. Two rank-4 transposes reorder it
  // (wasm's rank-6 transpose is ~20× slower per element: 10 ms for a DCGAN filter), and
  // flipping both tap axes is reversing the merged (JH, JW) axis: its blocks split and
  // concatenated in reverse order are plain copies (wasm's Reverse took 3.3 ms here).
  const padded = tf.pad(filter, [[0, jh * sh - kh], [0, jw * sw - kw], [0, 0], [0, 0]]);
  const tapsFirst = tf.transpose(tf.reshape(padded, [jh, sh, jw, sw * c * f]), [0, 2, 1, 3]); // [JH, JW, SH, (SW, C, F)]
  const stacked = tf.transpose(tf.reshape(tapsFirst, [jh * jw, sh * sw, c, f]), [0, 3, 1, 2]); // [(JH, JW), F, (SH, SW), C]
  const flipped = jh * jw === 1 ? stacked : tf.concat(tf.split(stacked, jh * jw, 0).reverse(), 0);
  return tf.reshape(flipped, [jh, jw, f, sh * sw * c]);
}

/** dx of a strided convolution (NHWC) as one conv2d of dy with the stacked phase filters. */
export function subPixelConv2dBackpropInput(dy: tf.Tensor4D, filter: tf.Tensor4D, info: Conv2DInfo): tf.Tensor4D {
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, inHeight: h, inWidth: w, inChannels: c } = info;
  const { top, left } = info.padInfo;
  const [n, oh, ow] = dy.shape;
  // Output rows h = q·sh + p − top for q in [q0, q1] (likewise columns), for every phase.
  const q0h = Math.floor(top / sh);
  const q0w = Math.floor(left / sw);
  const qh = Math.floor((h - 1 + top) / sh) - q0h + 1;
  const qw = Math.floor((w - 1 + left) / sw) - q0w + 1;
  const jh = Math.ceil(kh / sh);
  const jw = Math.ceil(kw / sw);
  // Padded rows t hold dy[t + q0 − (J − 1)]; a valid correlation then gives q = t + q0.
  const padTop = jh - 1 - q0h;
  const padLeft = jw - 1 - q0w;
  const padded = padOrCrop(dy, padTop, qh + jh - 1 - padTop - oh, padLeft, qw + jw - 1 - padLeft - ow);
  const phases = tf.conv2d(padded, stackedPhaseFilters(filter, sh, sw), 1, 'valid'); // [N, QH, QW, SH·SW·C]
  const rowsFirst = tf.transpose(tf.reshape(phases, [n * qh, qw, sh, sw * c]), [0, 2, 1, 3]); // [N·QH, SH, QW, SW·C]
  const interleaved = tf.reshape(rowsFirst, [n, qh * sh, qw * sw, c]);
  return tf.slice(interleaved, [0, top - q0h * sh, left - q0w * sw, 0], [n, h, w, c]) as tf.Tensor4D;
}
