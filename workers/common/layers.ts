/**
 * The layer catalogue: every layer kind a graph document may contain, with the
 * schema of its typed parameters and their defaults. Pure: imported by the
 * renderer's editor, the services' validation and the worker's compiler alike.
 */
import { z } from 'zod';

export const activationSchema = z.enum(['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'leakyRelu']);
export type Activation = z.infer<typeof activationSchema>;

const positiveInt = (max: number) => z.number().int().min(1).max(max);
const pair = z.union([positiveInt(512), z.tuple([positiveInt(512), positiveInt(512)])]);
export const paddingSchema = z.enum(['valid', 'same']);

/** The role name of an input node that does not set one. */
export const DEFAULT_INPUT_NAME = 'x';
export const inputNameSchema = z.string().min(1).max(32).regex(/^[a-z][A-Za-z0-9_]*$/, 'input names start with a lower-case letter, then letters, digits or "_"');

/** Inputs a concat layer joins (on ports 0..n−1). */
export const CONCAT_MIN_INPUTS = 2;
export const CONCAT_MAX_INPUTS = 16;

/** The parameters every recurrent kind has, before and after an LSTM's or GRU's gate activation (field order is the property panel's). */
const recurrentUnits = {
  units: positiveInt(8192),
  activation: activationSchema.default('tanh'),
};
const gateActivation = z.enum(['sigmoid', 'hardSigmoid']).default('sigmoid');
const recurrentOutput = {
  returnSequences: z.boolean().default(false),
  bidirectional: z.boolean().default(false),
  mergeMode: z.enum(['concat', 'sum', 'mul', 'ave']).default('concat'),
};

export const layerParamSchemas = {
  input: z.object({
    /** Shape of one example, without the batch dimension, e.g. [28, 28, 1]. */
    shape: z.array(positiveInt(1_000_000)).min(1).max(4),
    /**
     * The input's role, unique in its graph: what the caller feeds it by
     * (a conditional GAN's generator has 'z' and 'y', its discriminator 'x'
     * and 'y'). Single-input graphs keep the default.
     */
    name: inputNameSchema.default(DEFAULT_INPUT_NAME),
  }).strict(),
  dense: z.object({
    units: positiveInt(65_536),
    activation: activationSchema.default('linear'),
    useBias: z.boolean().default(true),
  }).strict(),
  conv2d: z.object({
    filters: positiveInt(4096),
    kernelSize: pair.default(3),
    strides: pair.default(1),
    padding: paddingSchema.default('valid'),
    activation: activationSchema.default('linear'),
    useBias: z.boolean().default(true),
  }).strict(),
  maxPool2d: z.object({
    poolSize: pair.default(2),
    strides: pair.optional(),
    padding: paddingSchema.default('valid'),
  }).strict(),
  avgPool2d: z.object({
    poolSize: pair.default(2),
    strides: pair.optional(),
    padding: paddingSchema.default('valid'),
  }).strict(),
  conv2dTranspose: z.object({
    filters: positiveInt(4096),
    kernelSize: pair.default(3),
    strides: pair.default(1),
    padding: paddingSchema.default('valid'),
    activation: activationSchema.default('linear'),
    useBias: z.boolean().default(true),
  }).strict(),
  upSampling2d: z.object({
    size: pair.default(2),
  }).strict(),
  flatten: z.object({}).strict(),
  dropout: z.object({
    rate: z.number().min(0).lt(1).default(0.5),
  }).strict(),
  activation: z.object({
    activation: activationSchema,
  }).strict(),
  batchNorm: z.object({
    momentum: z.number().gt(0).lt(1).default(0.99),
    epsilon: z.number().gt(0).max(1).default(0.001),
  }).strict(),
  reshape: z.object({
    targetShape: z.array(positiveInt(1_000_000)).min(1).max(4),
  }).strict(),
  /**
   * Joins 2–16 inputs (edges to ports 0..n−1, in port order) along the LAST
   * axis (features, or channels of [h, w, c] maps): every other axis must
   * agree. No weights. E.g. a conditional generator's noise [64] with its
   * one-hot label [10] → [74]; an image [28, 28, 1] with a label map
   * [28, 28, 1] → [28, 28, 2].
   */
  concat: z.object({}).strict(),
  /**
   * Minibatch standard deviation (Karras et al. 2018): the standard deviation
   * of every feature over a group of examples, averaged over the features,
   * appended to each example of the group as one more channel ([h, w, c] →
   * [h, w, c + 1]) or feature ([d] → [d + 1]). groupSize 0 takes the whole
   * batch as one group; otherwise groups of groupSize examples (capped at the
   * batch, and lowered to a divisor of it when it does not divide the batch).
   */
  minibatchStddev: z.object({
    groupSize: z.number().int().min(0).max(4096).default(0),
  }).strict(),
  /**
   * Virtual batch norm (Salimans et al. 2016): each example is normalised with
   * the statistics of a fixed reference batch together with itself, then
   * scaled and shifted (γ, β per channel). The GAN family prepends its
   * reference batch to every generator pass; called without one, the layer
   * normalises with the statistics of the batch it is given.
   */
  virtualBatchNorm: z.object({
    epsilon: z.number().gt(0).max(1).default(0.001),
  }).strict(),
  /** Element-wise sum of 2–16 inputs of the same shape (ports 0..n−1): residual connections. No weights. */
  add: z.object({}).strict(),
  /** [h, w, c] → [c]: the mean of each channel over the map. */
  globalAvgPool2d: z.object({}).strict(),
  /** [h, w, c] → [c]: the maximum of each channel over the map. */
  globalMaxPool2d: z.object({}).strict(),
  /** Layer normalisation over the last axis (γ, β per feature). */
  layerNorm: z.object({
    epsilon: z.number().gt(0).max(1).default(0.001),
  }).strict(),
  /**
   * Token ids [T] (whole numbers in 0..inputDim−1, fed as floats) → vectors
   * [T, outputDim].
   */
  embedding: z.object({
    inputDim: positiveInt(1_000_000),
    outputDim: positiveInt(65_536),
  }).strict(),
  /** Token ids [T] (whole numbers in 0..depth−1, fed as floats) → one-hot vectors [T, depth]. No weights. */
  oneHot: z.object({
    depth: positiveInt(100_000),
  }).strict(),
  /**
   * Adds a position code to a sequence [T, d] → [T, d]: 'sinusoidal' is
   * Vaswani et al. 2017's fixed sines and cosines (no weights), 'learned' a
   * trained [maxLength, d] table. T must be at most maxLength.
   */
  positionalEncoding: z.object({
    encoding: z.enum(['sinusoidal', 'learned']).default('sinusoidal'),
    maxLength: positiveInt(8192).default(512),
  }).strict(),
  /**
   * A transformer block over a sequence [T, d] → [T, d] (pre-norm, as in
   * GPT-2): x + MultiHeadSelfAttention(LayerNorm(x)), then
   * x + FFN(LayerNorm(x)) with a ReLU hidden layer of ffUnits. d must be a
   * multiple of heads. causal: each step attends only to itself and earlier
   * steps (a language model); dropout on the attention weights and the
   * residual branches while training.
   */
  selfAttention: z.object({
    heads: positiveInt(64).default(4),
    ffUnits: positiveInt(65_536).default(256),
    causal: z.boolean().default(true),
    dropout: z.number().min(0).max(0.9).default(0),
  }).strict(),
  /**
   * Recurrent layers over a sequence [T, features]. returnSequences gives
   * [T, units] (every step's state), else [units] (the last). bidirectional
   * runs a second copy backwards and merges the two by mergeMode ('concat'
   * doubles the units). LSTM and GRU gate with recurrentActivation, sigmoid
   * by default (tf.layers defaults to hardSigmoid; the textbook cell is sigmoid).
   */
  simpleRnn: z.object({ ...recurrentUnits, ...recurrentOutput }).strict(),
  /** unitForgetBias: the forget gate's bias starts at 1 (Jozefowicz et al. 2015), else at 0 like the other gates. */
  lstm: z.object({ ...recurrentUnits, recurrentActivation: gateActivation, unitForgetBias: z.boolean().default(true), ...recurrentOutput }).strict(),
  gru: z.object({ ...recurrentUnits, recurrentActivation: gateActivation, ...recurrentOutput }).strict(),
  /**
   * Attention of a query sequence (port 0, [Tq, d]) over a value sequence
   * (port 1, [Tv, d]; the values are also the keys) → context [Tq, d].
   * score 'dot' is Luong's q·k (scaled by 1/√d when scaled), 'general' is
   * Luong's qᵀ W k (W [d, d]), 'additive' is Bahdanau's vᵀ tanh(W_q q + W_k k)
   * with `units` hidden units.
   */
  attention: z.object({
    score: z.enum(['dot', 'general', 'additive']).default('dot'),
    scaled: z.boolean().default(true),
    units: positiveInt(8192).default(64),
  }).strict(),
  /**
   * PixelCNN's masked convolution ('same' padding, stride 1, odd kernel):
   * each output pixel sees only the pixels above it and to its left; mask
   * 'A' (the first layer) also hides the pixel itself, 'B' lets it through.
   */
  maskedConv2d: z.object({
    filters: positiveInt(4096),
    kernelSize: positiveInt(31).default(3),
    maskType: z.enum(['A', 'B']).default('B'),
    activation: activationSchema.default('linear'),
    useBias: z.boolean().default(true),
  }).strict(),
  /**
   * The reparameterisation trick: [2·d] (μ then log σ²) → z = μ + σ·ε, ε ~ N(0, I),
   * shape [d]. Training and inference both sample; no weights.
   */
  sampling: z.object({}).strict(),
} as const;

export type LayerKind = keyof typeof layerParamSchemas;
export const layerKinds = Object.keys(layerParamSchemas) as LayerKind[];
export type LayerParams<K extends LayerKind> = z.output<(typeof layerParamSchemas)[K]>;

export function isLayerKind(kind: string): kind is LayerKind {
  return Object.prototype.hasOwnProperty.call(layerParamSchemas, kind);
}

/** How many incoming edges a layer kind takes (input nodes none, concat and add 2–16, attention 2 [query, value], every other layer one, on port 0). */
export function layerArity(kind: LayerKind): { min: number; max: number } {
  if (kind === 'input') return { min: 0, max: 0 };
  if (kind === 'concat' || kind === 'add') return { min: CONCAT_MIN_INPUTS, max: CONCAT_MAX_INPUTS };
  if (kind === 'attention') return { min: 2, max: 2 };
  return { min: 1, max: 1 };
}

/** Normalise a `number | [number, number]` parameter to a pair. */
export function toPair(v: number | readonly [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}
