/**
 * The reparameterisation trick (Kingma & Welling 2014), for the graph's
 * `sampling` kind: [n, 2·d] (μ then log σ²) → z = μ + exp(½ log σ²)·ε with
 * ε ~ N(0, I), shape [n, d]. Differentiable in μ and log σ² (ε is a
 * constant of the pass). It samples in training and inference alike.
 *
 * ε is reproducible: every call draws its seed for tf.randomNormal from the
 * layer's own PRNG (seeded at construction, state for checkpoints), like
 * SeededDropout. No weights.
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32, type Prng } from './prng';

export interface SamplingArgs {
  seed: number;
  name?: string;
}

/** z for [n, 2·d] stats and ε [n, d]. Callers tidy. */
export function reparameterise(stats: tf.Tensor, eps: tf.Tensor): tf.Tensor {
  const d = stats.shape[1]! / 2;
  const mu = tf.slice(stats, [0, 0], [-1, d]);
  const logVar = tf.slice(stats, [0, d], [-1, d]);
  return tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
}

export class Sampling extends tf.layers.Layer {
  static readonly className = 'Sampling';
  private rng: Prng;
  private readonly seed: number;

  constructor(args: SamplingArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.seed = args.seed;
    this.rng = mulberry32(args.seed);
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = Array.isArray(inputShape[0]) ? (inputShape as tf.Shape[])[0]! : (inputShape as tf.Shape);
    const f = s[1];
    return [s[0]!, f === null || f === undefined ? null : f / 2];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (x.rank !== 2 || x.shape[1]! % 2 !== 0) throw new Error(`Sampling '${this.name}' needs [n, 2·d], got [${x.shape.join(', ')}]`);
    const callSeed = Math.floor(this.rng() * 2 ** 31);
    return tf.tidy(() => reparameterise(x, tf.randomNormal([x.shape[0]!, x.shape[1]! / 2], 0, 1, 'float32', callSeed)));
  }

  /** PRNG state, for checkpoints. */
  getRngState(): number {
    return this.rng.state();
  }

  setRngState(state: number): void {
    this.rng = mulberry32(state);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), seed: this.seed };
  }
}

tf.serialization.registerClass(Sampling);
