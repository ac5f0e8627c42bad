/**
 * Attention of a query sequence over a value sequence (the values are also
 * the keys), for the graph's `attention` kind: inputs [query [n, Tq, d],
 * value [n, Tv, d]] → context [n, Tq, d], each query step's softmax-weighted
 * mean of the value steps.
 *
 * Scores: 'dot' is Luong et al. 2015's q·k, scaled by 1/√d when `scaled`
 * (Vaswani et al. 2017); 'general' is Luong's qᵀ W k with a seeded Glorot
 * W [d, d] (not scaled: W learns the scale); 'additive' is Bahdanau et al. 2015's
 * vᵀ tanh(W_q q + W_k k) with W_q, W_k [d, units] and v [units] (no biases;
 * `scaled` does not apply). The weights are a softmax over the value axis.
 *
 * Matrix products are written with explicit transposes (matMul with
 * transposeA/transposeB is ~15× slower on the wasm backend).
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from './prng';

export type AttentionScore = 'dot' | 'general' | 'additive';

export interface SequenceAttentionArgs {
  score: AttentionScore;
  scaled: boolean;
  /** Hidden units of the additive score. */
  units: number;
  /** Seeds the general and additive scores' weights. */
  seed: number;
  name?: string;
}

export interface AdditiveWeights { wq: tf.Tensor; wk: tf.Tensor; v: tf.Tensor }

/** The weights of a score: W [d, d] for 'general', W_q, W_k, v for 'additive', none for 'dot'. */
export interface ScoreWeights { general?: tf.Tensor; additive?: AdditiveWeights }

/** The attention weights [n, Tq, Tv] (each row sums to 1). Callers tidy. */
export function attentionWeights(q: tf.Tensor, v: tf.Tensor, score: AttentionScore, scaled: boolean, weights: ScoreWeights = {}): tf.Tensor {
  const [n, tq, d] = q.shape as [number, number, number];
  const tv = v.shape[1]!;
  const { additive } = weights;
  let scores: tf.Tensor;
  if (score === 'dot') {
    scores = tf.matMul(q as tf.Tensor3D, tf.transpose(v, [0, 2, 1]) as tf.Tensor3D);
    if (scaled) scores = tf.mul(scores, 1 / Math.sqrt(d));
  } else if (score === 'general') {
    if (!weights.general) throw new Error('general attention needs its W');
    const qw = tf.reshape(tf.matMul(tf.reshape(q, [n * tq, d]) as tf.Tensor2D, weights.general as tf.Tensor2D), [n, tq, d]);
    scores = tf.matMul(qw as tf.Tensor3D, tf.transpose(v, [0, 2, 1]) as tf.Tensor3D);
  } else {
    if (!additive) throw new Error('additive attention needs its weights');
    const units = additive.v.shape[0]!;
    const qw = tf.reshape(tf.matMul(tf.reshape(q, [n * tq, d]) as tf.Tensor2D, additive.wq as tf.Tensor2D), [n, tq, 1, units]);
    const kw = tf.reshape(tf.matMul(tf.reshape(v, [n * tv, d]) as tf.Tensor2D, additive.wk as tf.Tensor2D), [n, 1, tv, units]);
    const hidden = tf.tanh(tf.add(qw, kw)); // [n, Tq, Tv, units]
    scores = tf.reshape(tf.matMul(tf.reshape(hidden, [n * tq * tv, units]) as tf.Tensor2D, tf.reshape(additive.v, [units, 1]) as tf.Tensor2D), [n, tq, tv]);
  }
  return tf.softmax(scores, -1);
}

/** The context [n, Tq, d]. Callers tidy. */
export function attend(q: tf.Tensor, v: tf.Tensor, score: AttentionScore, scaled: boolean, weights: ScoreWeights = {}): tf.Tensor {
  return tf.matMul(attentionWeights(q, v, score, scaled, weights) as tf.Tensor3D, v as tf.Tensor3D);
}

export class SequenceAttention extends tf.layers.Layer {
  static readonly className = 'SequenceAttention';
  readonly score: AttentionScore;
  readonly scaled: boolean;
  readonly units: number;
  private readonly seed: number;
  private wq: tf.LayerVariable | undefined;
  private wk: tf.LayerVariable | undefined;
  private v: tf.LayerVariable | undefined;
  private w: tf.LayerVariable | undefined;

  constructor(args: SequenceAttentionArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.score = args.score;
    this.scaled = args.scaled;
    this.units = args.units;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shapes = inputShape as tf.Shape[];
    if (!Array.isArray(shapes[0]) || shapes.length !== 2) throw new Error(`SequenceAttention '${this.name}' takes [query, value]`);
    const d = shapes[0][2];
    if (d === null || d === undefined) throw new Error(`SequenceAttention '${this.name}' needs a known feature size`);
    if (this.score === 'additive') {
      const init = (k: number): ReturnType<typeof tf.initializers.glorotUniform> => tf.initializers.glorotUniform({ seed: deriveSeed(this.seed, k) });
      this.wq = this.addWeight('wq', [d, this.units], 'float32', init(1));
      this.wk = this.addWeight('wk', [d, this.units], 'float32', init(2));
      this.v = this.addWeight('v', [this.units], 'float32', init(3));
    }
    if (this.score === 'general') {
      this.w = this.addWeight('w', [d, d], 'float32', tf.initializers.glorotUniform({ seed: deriveSeed(this.seed, 4) }));
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [q] = inputShape as tf.Shape[];
    return [...q!];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 2) throw new Error(`SequenceAttention '${this.name}' takes [query, value]`);
    const [q, v] = inputs as [tf.Tensor, tf.Tensor];
    return tf.tidy(() => attend(q, v, this.score, this.scaled, this.scoreWeights()));
  }

  /** The score's current weights, for attentionWeights outside the model (e.g. to draw attention maps). */
  scoreWeights(): ScoreWeights {
    if (this.score === 'additive') return { additive: { wq: this.wq!.read(), wk: this.wk!.read(), v: this.v!.read() } };
    if (this.score === 'general') return { general: this.w!.read() };
    return {};
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), score: this.score, scaled: this.scaled, units: this.units, seed: this.seed };
  }
}

tf.serialization.registerClass(SequenceAttention);
