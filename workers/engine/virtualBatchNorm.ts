/**
 * Virtual batch normalisation (Salimans et al. 2016, "Improved techniques
 * for training GANs", §3.4). Each example x is normalised with the
 * statistics (per channel, over the batch and spatial positions) of a fixed
 * REFERENCE batch together with x itself, then scaled and shifted by γ, β;
 * the reference examples are normalised with their own statistics. So an
 * example's output does not depend on the other examples of its minibatch,
 * only on itself and the (fixed) reference batch.
 *
 * How the reference reaches the layer: the caller puts the reference batch's
 * R rows FIRST in the batch it feeds the whole network and passes
 * `{ [VBN_REFERENCE_KWARG]: R }` in the call's kwargs (tf.layers hands the
 * kwargs of model.apply to every layer). Every virtual batch-norm layer then
 * sees the reference batch's activations at its own depth, in the same
 * forward pass, so gradients flow through the reference statistics as in the
 * paper. The caller drops the first R rows of the output.
 *
 * Per example i (spatial mean m_i and variance s_i of its positions; a = 1/(R+1);
 * μ_r, σ²_r the reference's): μ_i = μ_r + a(m_i − μ_r) and
 * σ²_i = (1 − a)σ²_r + a·s_i + a(1 − a)(m_i − μ_r)², the exact statistics of
 * the reference positions plus x's positions with x weighted as one more
 * example (the form of the paper's code, computed without E[x²] − μ²
 * cancellation).
 *
 * Without a reference (R = 0 or not passed) the layer normalises with the
 * statistics of the batch it is given, in training and inference alike.
 * It has no moving averages: γ and β are its only weights.
 */
import * as tf from '@tensorflow/tfjs';

/** The kwarg naming how many leading rows of the batch are the reference batch. */
export const VBN_REFERENCE_KWARG = 'vbnReferenceSize';

export interface VirtualBatchNormArgs {
  epsilon: number;
  name?: string;
}

/** Normalise x ([n, ..., c]) whose first `referenceSize` rows are the reference batch. Callers tidy. */
export function virtualBatchNormalize(x: tf.Tensor, referenceSize: number, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  const n = x.shape[0]!;
  const spatial = Array.from({ length: x.rank - 2 }, (_, i) => i + 1);
  const all = [0, ...spatial];
  const scaleShift = (t: tf.Tensor): tf.Tensor => tf.add(tf.mul(t, gamma), beta);
  if (referenceSize <= 0 || referenceSize >= n) {
    const { mean, variance } = tf.moments(x, all, true);
    return scaleShift(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon))));
  }
  const ref = tf.slice(x, 0, referenceSize);
  const cur = tf.slice(x, referenceSize, n - referenceSize);
  const { mean: refMean, variance: refVar } = tf.moments(ref, all, true);
  const refOut = tf.div(tf.sub(ref, refMean), tf.sqrt(tf.add(refVar, epsilon)));
  const a = 1 / (referenceSize + 1);
  let curMean: tf.Tensor = cur;
  let curVar: tf.Tensor | undefined;
  if (spatial.length > 0) {
    const m = tf.moments(cur, spatial, true);
    curMean = m.mean;
    curVar = m.variance;
  }
  const d = tf.sub(curMean, refMean);
  const mu = tf.add(refMean, tf.mul(d, a));
  let variance = tf.add(tf.mul(refVar, 1 - a), tf.mul(tf.square(d), a * (1 - a)));
  if (curVar) variance = tf.add(variance, tf.mul(curVar, a));
  const curOut = tf.div(tf.sub(cur, mu), tf.sqrt(tf.add(variance, epsilon)));
  return scaleShift(tf.concat([refOut, curOut], 0));
}

export class VirtualBatchNorm extends tf.layers.Layer {
  static readonly className = 'VirtualBatchNorm';
  readonly epsilon: number;
  private gamma: tf.LayerVariable | undefined;
  private beta: tf.LayerVariable | undefined;

  constructor(args: VirtualBatchNormArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.epsilon = args.epsilon;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = Array.isArray(inputShape[0]) ? (inputShape as tf.Shape[])[0]! : (inputShape as tf.Shape);
    const c = s[s.length - 1];
    if (c === null || c === undefined) throw new Error(`VirtualBatchNorm '${this.name}' needs a known channel count`);
    this.gamma = this.addWeight('gamma', [c], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [c], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const r = kwargs[VBN_REFERENCE_KWARG];
    const referenceSize = typeof r === 'number' && Number.isInteger(r) && r > 0 ? r : 0;
    return tf.tidy(() => virtualBatchNormalize(x, referenceSize, this.gamma!.read(), this.beta!.read(), this.epsilon));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(VirtualBatchNorm);

/** The virtual batch-norm layers of a model, in layer order. */
export function virtualBatchNorms(model: tf.LayersModel): VirtualBatchNorm[] {
  return model.layers.filter((l): l is VirtualBatchNorm => l instanceof VirtualBatchNorm);
}
