/**
 * The graph's `selfAttention` kind as a tf.js layer: the pre-norm
 * transformer block of selfAttention.ts with its sixteen weights (seeded
 * Glorot kernels, zero biases, layer norms γ = 1, β = 0).
 *
 * Dropout (on the attention weights and both residual branches) applies only
 * while training, with a mask seed drawn per call from the layer's own PRNG
 * as SeededDropout does; its state is checkpointed with the other random
 * layers (randomLayers.ts), so a resumed run draws what an uninterrupted one
 * would. Registered with tf.serialization as 'SelfAttentionBlock' so saved
 * models and checkpoints load back.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed, mulberry32, type Prng } from './prng';
import { selfAttentionWeightShapes, type SelfAttentionWeightName } from '../common/sequenceLayerShapes';
import { selfAttentionBlock, type SelfAttentionResult, type SelfAttentionWeights } from './selfAttention';

export interface SelfAttentionBlockArgs {
  heads: number;
  ffUnits: number;
  causal: boolean;
  dropout: number;
  /** Seeds the kernels' initialisers and the dropout stream. */
  seed: number;
  name?: string;
}

type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

export class SelfAttentionBlock extends tf.layers.Layer {
  static readonly className = 'SelfAttentionBlock';
  readonly heads: number;
  readonly ffUnits: number;
  readonly causal: boolean;
  readonly dropout: number;
  private readonly seed: number;
  private rng: Prng;
  private vars: Partial<Record<SelfAttentionWeightName, tf.LayerVariable>> = {};

  constructor(args: SelfAttentionBlockArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    this.heads = args.heads;
    this.ffUnits = args.ffUnits;
    this.causal = args.causal;
    this.dropout = args.dropout;
    this.seed = args.seed;
    this.rng = mulberry32(deriveSeed(args.seed, 0));
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const d = shape[shape.length - 1];
    if (typeof d !== 'number') throw new Error(`SelfAttentionBlock '${this.name}' needs a known feature size`);
    if (d % this.heads !== 0) throw new Error(`SelfAttentionBlock '${this.name}': ${d} features do not split into ${this.heads} heads`);
    selfAttentionWeightShapes(d, this.ffUnits).forEach(([key, s], i) => {
      const init: Initializer | 'zeros' | 'ones' = s.length === 2
        ? tf.initializers.glorotUniform({ seed: deriveSeed(this.seed, i + 1) })
        : key.endsWith('Gamma') ? 'ones' : 'zeros';
      this.vars[key] = this.addWeight(key, s, 'float32', typeof init === 'string' ? tf.initializers[init]() : init);
    });
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return [...(inputShape as tf.Shape)];
  }

  /** The current weights as tensors (variables' values, not copies): for selfAttentionBlock outside the model, e.g. to read attention maps. */
  blockWeights(): SelfAttentionWeights {
    const read = (key: SelfAttentionWeightName): tf.Tensor => {
      const v = this.vars[key];
      if (!v) throw new Error(`SelfAttentionBlock '${this.name}' is not built`);
      return v.read();
    };
    return {
      ln1Gamma: read('ln1Gamma'), ln1Beta: read('ln1Beta'),
      wq: read('wq'), bq: read('bq'), wk: read('wk'), bk: read('bk'), wv: read('wv'), bv: read('bv'), wo: read('wo'), bo: read('bo'),
      ln2Gamma: read('ln2Gamma'), ln2Beta: read('ln2Beta'),
      ff1Kernel: read('ff1Kernel'), ff1Bias: read('ff1Bias'), ff2Kernel: read('ff2Kernel'), ff2Bias: read('ff2Bias'),
    };
  }

  /** The block on x [n, T, d] with the current weights and no dropout: output and attention weights [n, heads, T, T]. Callers tidy. */
  attend(x: tf.Tensor): SelfAttentionResult {
    return selfAttentionBlock(x, this.blockWeights(), { heads: this.heads, causal: this.causal });
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const training = kwargs['training'] === true && this.dropout > 0;
    return tf.tidy(() => {
      const dropout = training ? (t: tf.Tensor): tf.Tensor => tf.dropout(t, this.dropout, undefined, Math.floor(this.rng() * 2 ** 31)) : undefined;
      return selfAttentionBlock(x, this.blockWeights(), { heads: this.heads, causal: this.causal, ...(dropout ? { dropout } : {}) }).output;
    });
  }

  /** PRNG state of the dropout stream, for checkpoints. */
  getRngState(): number {
    return this.rng.state();
  }

  setRngState(state: number): void {
    this.rng = mulberry32(state);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads, ffUnits: this.ffUnits, causal: this.causal, dropout: this.dropout, seed: this.seed };
  }
}

tf.serialization.registerClass(SelfAttentionBlock);
