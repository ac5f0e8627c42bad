/**
 * Class conditioning of a GAN run ('cgan', Mirza & Osindero 2014; 'acgan',
 * Odena et al. 2017): labels as one-hot tensors, the uniformly drawn labels
 * of generated batches, and AC-GAN's auxiliary classifier terms on the
 * discriminator's output [source logit, class logits…].
 *
 * AC-GAN's objective, as minimised here (L_S the chosen adversarial loss on
 * the source logit, CE the softmax cross-entropy of the class logits with the
 * label, λ = auxWeight):
 *   D: L_S(D) + λ·(CE(real, its label) + CE(G(z, c), c))
 *   G: L_S(G) + λ·CE(G(z, c), c)
 * (the paper's D maximises L_S + L_C, G maximises L_C − L_S). With the WGAN
 * losses L_S is the critic's E D(G(z)) − E D(x) (plus the penalty), and the
 * class term is added to it the same way.
 *
 * One-hot on wasm: tf.oneHot(…, 'float32') is broken on tfjs-backend-wasm
 * 4.22 (it writes 1.4e−45, the bit pattern of the integer 1, for the ones),
 * so labels are one-hot encoded as int32 and then cast.
 */
import * as tf from '@tensorflow/tfjs';
import type { GanConditioning } from '../../common/runConfig';
import { mulberry32 } from '../../engine/prng';

/** [n] class labels → [n, numClasses] float32 one-hot (int32 one-hot, then cast: see above). Callers dispose. */
export function oneHotLabels(labels: ArrayLike<number>, numClasses: number): tf.Tensor2D {
  return tf.tidy(() => {
    const idx = tf.tensor1d(Int32Array.from(labels), 'int32');
    return tf.cast(tf.oneHot(idx, numClasses), 'float32') as tf.Tensor2D;
  });
}

/** n labels drawn uniformly from 0..numClasses−1, from `seed` (the same on every backend). */
export function sampleLabels(n: number, numClasses: number, seed: number): Int32Array {
  const rnd = mulberry32(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.min(numClasses - 1, Math.floor(rnd() * numClasses));
  return out;
}

/** n uniformly drawn labels, one-hot. Callers dispose. */
export function sampleOneHot(n: number, numClasses: number, seed: number): tf.Tensor2D {
  return oneHotLabels(sampleLabels(n, numClasses, seed), numClasses);
}

/** The adversarial part of D's output: the whole output, or AC-GAN's first column (the source logit). Callers tidy. */
export function sourceLogits(out: tf.Tensor, conditioning: GanConditioning): tf.Tensor {
  return conditioning === 'acgan' ? tf.slice(out, [0, 0], [-1, 1]) : out;
}

/** AC-GAN's class logits: D's output after its first column. Callers tidy. */
export function classLogits(out: tf.Tensor): tf.Tensor2D {
  return tf.slice(out, [0, 1], [-1, -1]) as tf.Tensor2D;
}

/** Mean softmax cross-entropy of class logits [n, C] against one-hot labels [n, C] (nats). Callers tidy. */
export function classCrossEntropy(logits: tf.Tensor, oneHot: tf.Tensor): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
}

/** Fraction of rows whose largest logit is the labelled class. Callers tidy. */
export function classAccuracy(logits: tf.Tensor, oneHot: tf.Tensor): tf.Scalar {
  return tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(oneHot, 1)), 'float32')) as tf.Scalar;
}

/** Fraction of `predicted` equal to `asked` (plain arrays; the evaluation's conditional accuracy). */
export function agreement(predicted: ArrayLike<number>, asked: ArrayLike<number>): number {
  const n = Math.min(predicted.length, asked.length);
  if (n === 0) return 0;
  let hits = 0;
  for (let i = 0; i < n; i++) if (predicted[i] === asked[i]) hits++;
  return hits / n;
}

/** The class names of a dataset's labels: its own names when it has one per class, else the label numbers. */
export function classNamesFor(numClasses: number, names?: readonly string[]): string[] {
  return Array.from({ length: numClasses }, (_, i) => (names && names.length === numClasses ? names[i]! : String(i)));
}
