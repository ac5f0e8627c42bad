/**
 * Conv2DBackpropFilter for inputs with few channels as im2col + one matmul.
 *
 * dW[kh,kw,c,f] = Σ_{n,oh,ow} x[n, oh·sh + kh − top, ow·sw + kw − left, c] · dy[n,oh,ow,f].
 * The dilated-conv composition (wasmKernels.ts) runs a 1-channel layer's
 * gradient as a conv2d with a batch of C = 1 and a huge (output-sized)
 * filter, which XNNPACK does at a few GFLOP/s. Here the patch matrix
 * P[(kh,kw,c), (n,oh,ow)] is built from KH·KW strided slices of the
 * channel-first input, and dW = P · dy[(n,oh,ow), f]: both operands already
 * in the layout of an untransposed matmul (wasm's transposed matmul takes a
 * slow path). P holds KH·KW·C·N·OH·OW floats, which is why this is only for
 * thin inputs (IM2COL_MAX_CHANNELS, chosen by bench/trainThroughput.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { padOrCrop } from './spatialPad';

type Conv2DInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

/** Inputs with at most this many channels take the im2col route (see bench/trainThroughput.ts's channel sweep). */
export const IM2COL_MAX_CHANNELS = 4;

/** dW of a convolution (NHWC x and dy) as one matmul of the patch matrix with dy. */
export function im2colConv2dBackpropFilter(x: tf.Tensor4D, dy: tf.Tensor4D, info: Conv2DInfo): tf.Tensor4D {
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow, inHeight: h, inWidth: w } = info;
  const { top, left } = info.padInfo;
  const [n, , , c] = x.shape;
  const f = dy.shape[3];
  const needH = (oh - 1) * sh + kh;
  const needW = (ow - 1) * sw + kw;
  const xp = padOrCrop(x, top, needH - h - top, left, needW - w - left);
  const xt = c === 1 ? tf.reshape(xp, [1, n, needH, needW]) : tf.transpose(xp, [3, 0, 1, 2]); // [C, N, H', W']
  const patches: tf.Tensor[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      patches.push(tf.stridedSlice(xt, [0, 0, i, j], [c, n, i + (oh - 1) * sh + 1, j + (ow - 1) * sw + 1], [1, 1, sh, sw])); // [C, N, OH, OW]
    }
  }
  const m = n * oh * ow;
  const p = tf.reshape(tf.stack(patches), [kh * kw * c, m]);
  return tf.reshape(tf.matMul(p, tf.reshape(dy, [m, f])), [kh, kw, c, f]);
}
