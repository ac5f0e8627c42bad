/**
 * Gradients of a fused conv2d computed only for the inputs that need one.
 *
 * tf.layers runs a conv layer with a linear activation (a conv followed by
 * batch norm or a separate LeakyReLU, as in DCGAN) through tf.fused.conv2d,
 * whose gradient is a customGrad that computes dx, dW and db together
 * whenever any of them is asked for. So a GAN's discriminator step computes
 * the input gradient of D's first conv (its input is data), and the
 * generator step computes every weight gradient of D (D is not trained
 * there) — ~7 % of a DCGAN step, Conv2DBackpropInput/Filter being the most
 * expensive kernels of the step.
 *
 * installLazyFusedGradients() registers a gradient for the FusedConv2D kernel
 * whose parts are lazy (the tape calls only those of inputs on a path from
 * the variables differentiated), and routes tf.fused.conv2d's taped linear
 * NHWC case straight to that kernel. The forward kernel and the gradient
 * kernels are the ones tfjs' own path runs, with the same attributes, so
 * values are bit for bit those of the customGrad. Every other case
 * (activations, PReLU, NCHW, dilations, rank-3 inputs, no tape) goes to
 * tfjs' function unchanged. tf.fused is a plain object that tf.layers reads
 * at call time, so replacing its member reaches the layers.
 */
import * as tf from '@tensorflow/tfjs';

type FusedConv2dArgs = Parameters<typeof tf.fused.conv2d>[0];
type Pad = FusedConv2dArgs['pad'];

const original = tf.fused.conv2d;
let gradientRegistered = false;

/** dx, dW, db of `y = conv2d(x, W) + b` (NHWC, dilation 1), each computed only when called. */
function registerFusedConv2dGradient(): void {
  if (gradientRegistered) return;
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: 'FusedConv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const g = dy as tf.Tensor4D;
      const strides = attrs['strides'] as [number, number] | number;
      const pad = attrs['pad'] as Pad;
      const engine = tf.engine();
      return {
        x: () => engine.runKernel('Conv2DBackpropInput', { dy: g, filter }, { strides, pad, dataFormat: 'NHWC', inputShape: x.shape }) as tf.Tensor,
        filter: () => engine.runKernel('Conv2DBackpropFilter', { x, dy: g }, { strides, pad, dataFormat: 'NHWC', filterShape: filter.shape }) as tf.Tensor,
        bias: () => tf.reshape(tf.sum(g, [0, 1, 2]), [g.shape[3]]),
      };
    },
  });
}

const isTensor = (t: unknown): t is tf.Tensor => t instanceof tf.Tensor;

/** The case the lazy gradient covers: taped, linear, NHWC, dilation 1, rank-4 float input, 1-D bias or none. */
function lazyCase(a: FusedConv2dArgs): boolean {
  const dilations = a.dilations ?? 1;
  const unitDilation = Array.isArray(dilations) ? dilations.every((d) => d === 1) : dilations === 1;
  return tf.engine().state.gradientDepth > 0
    && (a.activation ?? 'linear') === 'linear' && a.preluActivationWeights === undefined
    && (a.dataFormat ?? 'NHWC') === 'NHWC' && unitDilation
    && isTensor(a.x) && a.x.rank === 4 && a.x.dtype === 'float32'
    && isTensor(a.filter) && a.filter.rank === 4 && a.filter.dtype === 'float32'
    && (a.bias === undefined || (isTensor(a.bias) && a.bias.rank === 1 && a.bias.dtype === 'float32'));
}

function lazyFusedConv2d(a: FusedConv2dArgs): tf.Tensor {
  if (!lazyCase(a)) return original(a);
  const inputs: tf.NamedTensorMap = { x: a.x as tf.Tensor, filter: a.filter as tf.Tensor };
  if (a.bias !== undefined) inputs['bias'] = a.bias as tf.Tensor;
  const attrs = { strides: a.strides, pad: a.pad, dataFormat: 'NHWC', dilations: a.dilations ?? [1, 1], dimRoundingMode: a.dimRoundingMode, activation: 'linear', leakyreluAlpha: a.leakyreluAlpha };
  return tf.engine().runKernel('FusedConv2D', inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** Route tf.fused.conv2d through the lazy gradient (true) or back to tfjs' own (false). Idempotent. */
export function setLazyFusedGradients(enabled: boolean): void {
  if (enabled) registerFusedConv2dGradient();
  Reflect.set(tf.fused, 'conv2d', enabled ? lazyFusedConv2d : original);
}

export function installLazyFusedGradients(): void {
  setLazyFusedGradients(true);
}
