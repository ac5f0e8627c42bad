/**
 * Dropout with a reproducible mask stream. tf.layers.dropout with a fixed seed
 * draws the same mask at every call; this layer draws each call's seed from
 * its own PRNG, whose state goes into checkpoints.
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32, type Prng } from './prng';

export interface SeededDropoutArgs {
  rate: number;
  seed: number;
  name?: string;
}

export class SeededDropout extends tf.layers.Layer {
  static readonly className = 'SeededDropout';
  readonly rate: number;
  private rng: Prng;
  private readonly seed: number;

  constructor(args: SeededDropoutArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.rate = args.rate;
    this.seed = args.seed;
    this.rng = mulberry32(args.seed);
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const training = kwargs['training'] === true;
    if (!training || this.rate === 0) return tf.clone(x);
    const callSeed = Math.floor(this.rng() * 2 ** 31);
    return tf.dropout(x, this.rate, undefined, callSeed);
  }

  /** PRNG state, for checkpoints. */
  getRngState(): number {
    return this.rng.state();
  }

  setRngState(state: number): void {
    this.rng = mulberry32(state);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(SeededDropout);
