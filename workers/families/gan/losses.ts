/**
 * GAN objectives on the discriminator's LINEAR outputs l (logits for the
 * minimax / non-saturating losses, raw scores for LSGAN and the WGAN critic).
 * All return the mean over the batch. Pure tensor functions (callers tidy).
 *
 * - minimax (Goodfellow et al. 2014): D minimises BCE(σ(l_r), t_r) + BCE(σ(l_f), t_f);
 *   G minimises E log(1 − σ(l_f)) = −E softplus(l_f) (saturates when D wins).
 * - nonsaturating: same D; G minimises −E log σ(l_f) = E softplus(−l_f).
 * - lsgan (Mao et al. 2017, 0-1-1 coding): D minimises ½E(l_r − t_r)² + ½E(l_f − t_f)²; G ½E(l_f − 1)².
 * - wgan (Arjovsky et al. 2017): critic minimises E l_f − E l_r (weights clipped by the caller); G −E l_f.
 * - wgan-gp (Gulrajani et al. 2017): the WGAN losses plus λ·E(‖∇_x̂ D(x̂)‖₂ − 1)² on x̂ = εx + (1 − ε)G(z).
 *
 * t_r is labelSmoothing (1 = off); t_f is 0, or 1 − labelSmoothing with smoothNegatives.
 */
import * as tf from '@tensorflow/tfjs';
import type { GanLoss } from '../../common/runConfig';

export interface Targets { real: number; fake: number }

export const isWasserstein = (loss: GanLoss): boolean => loss === 'wgan' || loss === 'wgan-gp';

/** Mean sigmoid cross-entropy of logits `l` against a constant target t: softplus(l) − t·l. */
function bce(l: tf.Tensor, t: number): tf.Scalar {
  return tf.mean(tf.sub(tf.softplus(l), tf.mul(l, t))) as tf.Scalar;
}

const halfMse = (l: tf.Tensor, t: number): tf.Scalar => tf.mul(tf.mean(tf.square(tf.sub(l, t))), 0.5) as tf.Scalar;

/** The discriminator's (critic's) loss, without the gradient penalty. */
export function discriminatorLoss(loss: GanLoss, realOut: tf.Tensor, fakeOut: tf.Tensor, t: Targets): tf.Scalar {
  switch (loss) {
    case 'minimax':
    case 'nonsaturating':
      return tf.add(bce(realOut, t.real), bce(fakeOut, t.fake));
    case 'lsgan':
      return tf.add(halfMse(realOut, t.real), halfMse(fakeOut, t.fake));
    case 'wgan':
    case 'wgan-gp':
      return tf.sub(tf.mean(fakeOut), tf.mean(realOut));
  }
}

export function generatorLoss(loss: GanLoss, fakeOut: tf.Tensor): tf.Scalar {
  switch (loss) {
    case 'minimax': return tf.neg(tf.mean(tf.softplus(fakeOut)));
    case 'nonsaturating': return tf.mean(tf.softplus(tf.neg(fakeOut)));
    case 'lsgan': return halfMse(fakeOut, 1);
    case 'wgan':
    case 'wgan-gp': return tf.neg(tf.mean(fakeOut));
  }
}

/** What d_real / d_fake record: mean σ(l) for the logit losses, the mean raw output for LSGAN and the critics. */
export function outputSummary(loss: GanLoss, out: tf.Tensor): tf.Scalar {
  return loss === 'minimax' || loss === 'nonsaturating' ? tf.mean(tf.sigmoid(out)) : tf.mean(out);
}

/**
 * WGAN-GP's penalty E(‖∇_x̂ D(x̂)‖₂ − 1)² at random interpolates x̂ between
 * real and fake examples (ε ~ U(0, 1) per example, from `seed`). Its gradient
 * with respect to D's weights is a second-order gradient.
 *
 * A conditional critic (cgan) is evaluated at the interpolated label too,
 * ŷ = εy_r + (1 − ε)y_f with the same ε: the point on the segment between
 * (x_r, y_r) and (x_f, y_f); the gradient is taken with respect to the
 * example only. `critic` returns the source score (an AC-GAN's first column).
 */
export function gradientPenalty(critic: (x: tf.Tensor, y?: tf.Tensor) => tf.Tensor, real: tf.Tensor, fake: tf.Tensor, seed: number, labels?: { real: tf.Tensor; fake: tf.Tensor }): tf.Scalar {
  const n = real.shape[0]!;
  const epsShape = [n, ...real.shape.slice(1).map(() => 1)];
  const eps = tf.randomUniform(epsShape, 0, 1, 'float32', seed);
  const xHat = tf.add(tf.mul(eps, real), tf.mul(tf.sub(1, eps), fake));
  let yHat: tf.Tensor | undefined;
  if (labels) {
    const e = tf.reshape(eps, [n, 1]);
    yHat = tf.add(tf.mul(e, labels.real), tf.mul(tf.sub(1, e), labels.fake));
  }
  const g = tf.grad((x: tf.Tensor) => tf.sum(critic(x, yHat)))(xHat);
  const norm = tf.sqrt(tf.add(tf.sum(tf.square(tf.reshape(g, [n, -1])), 1), 1e-12));
  return tf.mean(tf.square(tf.sub(norm, 1))) as tf.Scalar;
}

let comparisonGradientsRegistered = false;

/**
 * tfjs 4.22 registers no gradient for the 'Greater' kernel, which the
 * gradient of LeakyReLU uses; a second-order gradient through a LeakyReLU
 * then fails. Greater outputs booleans, so its gradient is zero: register
 * that (once, process-wide, only if tfjs has none).
 */
export function ensureComparisonGradients(): void {
  if (comparisonGradientsRegistered) return;
  comparisonGradientsRegistered = true;
  if (tf.getGradient('Greater') === undefined) {
    tf.registerGradient({
      kernelName: 'Greater',
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy, saved) => ({ a: () => tf.zerosLike(saved[0]!), b: () => tf.zerosLike(saved[1]!) }),
    });
  }
}

let inputGradientsRegistered = false;

/**
 * Higher-order gradients through tanh and sigmoid. tfjs 4.22 computes their
 * gradients from their saved OUTPUT y (1 − y², y(1 − y)); the tape node that
 * links that saved copy to y is recorded before the node that makes y, so a
 * nested gradient (the gradient penalty's, an unrolled discriminator's)
 * silently drops the dependence of those terms on the input: the result is
 * finite but wrong (a few per cent, measured against finite differences).
 * Registered here instead: the same gradients recomputed from the saved
 * INPUT x (1 − tanh(x)², σ(x)(1 − σ(x))) — bitwise the same first-order
 * values, one extra tanh / sigmoid per backward pass. Also registers the
 * Greater gradient. Once, process-wide.
 *
 * Also registers the gradient of Conv2DBackpropFilter, which tfjs lacks (so
 * a nested gradient through a convolutional discriminator fails): the kernel
 * is bilinear in (x, dy), ⟨G, dW(x, dy)⟩ = ⟨conv2d(x, G), dy⟩, so
 * ∂/∂x = conv2dTranspose(dy, G) and ∂/∂dy = conv2d(x, G) (NHWC, no dilation).
 *
 * Also Elu's gradient, from the input (tfjs's goes through EluGrad, which
 * has no gradient, so a nested gradient through an ELU layer failed).
 *
 * Not covered: ELU or SELU fused into a dense or conv layer (tf.layers fuses
 * relu, linear and elu; relu's and linear's second derivatives are zero,
 * elu's is not): fusedSecondOrderProblem finds those, and the family refuses
 * (WGAN-GP) or falls back to first order (unrolling).
 */
export function ensureHigherOrderGradients(): void {
  ensureComparisonGradients();
  if (inputGradientsRegistered) return;
  inputGradientsRegistered = true;
  tf.registerGradient({
    kernelName: 'Tanh',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => tf.mul(dy as tf.Tensor, tf.sub(1, tf.square(tf.tanh(saved[0]!)))) }),
  });
  tf.registerGradient({
    kernelName: 'Sigmoid',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => { const s = tf.sigmoid(saved[0]!); return tf.mul(dy as tf.Tensor, tf.mul(s, tf.sub(1, s))); } }),
  });
  // Elu: tfjs differentiates it through EluGrad(dy, y) on the saved output, and EluGrad has no
  // gradient at all; from the input instead, elu'(x) = 1 for x > 0, exp(x) otherwise.
  tf.registerGradient({
    kernelName: 'Elu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => ({ x: () => { const x = saved[0]!; return tf.mul(dy as tf.Tensor, tf.where(tf.greater(x, 0), tf.onesLike(x), tf.exp(x))); } }),
  });
  if (tf.getGradient('Conv2DBackpropFilter') === undefined) {
    tf.registerGradient({
      kernelName: 'Conv2DBackpropFilter',
      inputsToSave: ['x', 'dy'],
      gradFunc: (ddw, saved, attrs) => {
        const [x, dy] = saved as [tf.Tensor4D, tf.Tensor4D];
        const a = attrs as unknown as { strides: [number, number] | number; pad: 'valid' | 'same' | number; dataFormat?: string; dimRoundingMode?: 'floor' | 'round' | 'ceil' };
        if (a.dataFormat === 'NCHW') throw new Error('the second-order gradient of a convolution supports NHWC data only');
        const g = ddw as tf.Tensor4D;
        return {
          x: () => tf.conv2dTranspose(dy, g, x.shape, a.strides, a.pad, a.dimRoundingMode),
          dy: () => tf.conv2d(x, g, a.strides, a.pad, 'NHWC', 1, a.dimRoundingMode),
        };
      },
    });
  }
}

/** Activations tf.layers fuses into dense and conv kernels whose second derivative is not zero (relu's and linear's are). */
const FUSED_CURVED = new Set(['elu', 'selu']);
/** The layer classes that fuse their activation into the kernel (an Activation layer applies it as its own op). */
const FUSING_LAYERS = new Set(['Dense', 'Conv2D', 'Conv2DTranspose']);

/**
 * A second-order gradient through a dense or conv layer with a fused elu or
 * selu activation silently drops that activation's second derivative in
 * tfjs 4.22 (the fused kernel's gradient treats it as first-order only). The
 * first such layer of `model` as a message, or undefined when there is none.
 */
export function fusedSecondOrderProblem(model: tf.LayersModel): string | undefined {
  for (const layer of model.layers) {
    if (!FUSING_LAYERS.has(layer.getClassName())) continue;
    const activation = (layer.getConfig() as { activation?: unknown }).activation;
    if (typeof activation === 'string' && FUSED_CURVED.has(activation.toLowerCase())) {
      return `layer '${layer.name}' has a built-in ${activation} activation, whose second derivative tfjs loses (put the ${activation} in its own activation layer)`;
    }
  }
  return undefined;
}

/**
 * Check, before training, that the backend can take the second-order
 * gradient WGAN-GP needs through this critic: one penalty gradient on a
 * 2-example batch (with one-hot labels of `numClasses` classes for a
 * conditional critic). Throws a clear error naming the backend and the cause.
 */
export function assertSecondOrderGradients(critic: (x: tf.Tensor, y?: tf.Tensor) => tf.Tensor, vars: tf.Variable[], dataShape: number[], numClasses = 0): void {
  ensureHigherOrderGradients();
  try {
    tf.tidy(() => {
      const real = tf.randomNormal([2, ...dataShape], 0, 1, 'float32', 1);
      const fake = tf.randomNormal([2, ...dataShape], 0, 1, 'float32', 2);
      // One-hot rows (int32 one-hot then cast: tf.oneHot's float32 is broken on wasm).
      const hot = (l: number[]): tf.Tensor => tf.cast(tf.oneHot(tf.tensor1d(l, 'int32'), numClasses), 'float32');
      const labels = numClasses > 0 ? { real: hot([0, numClasses - 1]), fake: hot([numClasses - 1, 0]) } : undefined;
      const { value, grads } = tf.variableGrads(() => gradientPenalty(critic, real, fake, 3, labels), vars);
      const total = tf.addN(Object.values(grads).map((g) => tf.sum(tf.abs(g))));
      if (!Number.isFinite(value.dataSync()[0]!) || !Number.isFinite(total.dataSync()[0]!)) throw new Error('the penalty or its gradient is not finite');
    });
  } catch (e) {
    throw new Error(`WGAN-GP needs the gradient of a gradient, which the ${tf.getBackend()} backend cannot compute through this discriminator: ${(e as Error).message}. Use the 'wgan' loss (weight clipping) instead, or change the discriminator's layers`, { cause: e });
  }
}
