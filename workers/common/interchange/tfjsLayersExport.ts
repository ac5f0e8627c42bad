/**
 * Export a graph document as a TensorFlow.js `model.json` (format
 * 'layers-model'): a functional Keras model topology in the layer-config
 * format tf.js's own `model.toJSON()` writes (snake_case keys, inbound_nodes
 * as [[[name, 0, 0, {}]]]), with the same layers compileGraph builds.
 * Pure: no tf import, the renderer's editor calls it directly.
 *
 * Weights: tf.loadLayersModel(tf.io.fromMemory(modelJson)) needs none. With
 * no `weightData` in the artifacts tf.js initialises every layer from the
 * initializers in its config. (An EMPTY weight buffer is different: strict
 * loading then fails with "N of N weights are not set", which is what a
 * URL/file load of a model.json with `weightsManifest: []` gets.) For a
 * model.json that loads from a file or URL, pass `{ weights: 'initial' }`:
 * the result then carries `weightSpecs` and `weightData` (Glorot-uniform
 * kernels from a seeded generator, zero biases, ones for γ and moving
 * variances), and `weightsManifest` names them `weights.bin`.
 *
 * Mapping (as compileGraph): a dense/conv layer with activation leakyRelu is
 * the layer with linear activation followed by a LeakyReLU layer named
 * `${id}_leaky` (α 0.3, tf.js's default); a flatten of a rank-1 input is
 * skipped; dropout is Keras's Dropout (compileGraph's SeededDropout only
 * fixes the seed); recurrent layers carry recurrent_activation explicitly
 * (tf.js defaults to hard sigmoid) and sit in a Bidirectional wrapper when
 * bidirectional. Kinds with no Keras built-in are written under the class
 * names our app registers with tf.js (CUSTOM_CLASS: MinibatchStddev,
 * VirtualBatchNorm, SequenceAttention, MaskedConv2d, Sampling, OneHot,
 * PositionalEncoding, SelfAttentionBlock; their configs
 * are what those classes' getConfig() write, a seed included), each with a
 * warning; MaskedConv2d applies its own activation, leakyRelu included.
 */
import type { GraphDocument, Shape } from '../graph';
import { toPair } from '../layers';
import type { ParsedNode } from '../shapes';
import { selfAttentionWeightShapes } from '../sequenceLayerShapes';
import { CUSTOM_CLASS, KERAS_ACTIVATION, LEAKY_RELU_ALPHA, SNAKE_ACTIVATION, safeModelName, walkGraph } from './graphWalk';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface TfjsLayerJson {
  name: string;
  class_name: string;
  config: JsonObject;
  inbound_nodes: [string, number, number, JsonObject][][];
}

export interface TfjsWeightSpec { name: string; shape: number[]; dtype: 'float32' }

export interface TfjsModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: {
    class_name: 'Model';
    config: {
      name: string;
      layers: TfjsLayerJson[];
      input_layers: [string, number, number][];
      output_layers: [string, number, number][];
    };
    keras_version: string;
    backend: string;
  };
  weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
}

export interface TfjsExportOptions {
  /** 'none' (default): topology only. 'initial': also freshly initialised weights (see the module comment). */
  weights?: 'none' | 'initial';
  /** Seed of the initial weights. */
  seed?: number;
  /** File name the manifest gives the weights (default 'weights.bin'). */
  weightsPath?: string;
}

export interface TfjsExport {
  modelJson: TfjsModelJson;
  /** Things to know about the artifact (custom layers, settings written differently). */
  warnings: string[];
  /** Why the graph could not be exported faithfully (invalid graph); the modelJson is then incomplete. */
  errors: string[];
  /** With weights: 'initial' and known shapes. */
  weightSpecs?: TfjsWeightSpec[];
  weightData?: ArrayBuffer;
}

export const GENERATED_BY = 'Latent Workbench';
/** What tf.js 4.22's toJSON writes; the loader does not check it. */
const KERAS_VERSION = 'tfjs-layers 4.22.0';

const glorot = (): JsonObject => ({ class_name: 'GlorotUniform', config: { seed: null } });
const zeros = (): JsonObject => ({ class_name: 'Zeros', config: {} });
const ones = (): JsonObject => ({ class_name: 'Ones', config: {} });
const noRegularizers = { kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null };

function activationName(a: string): string {
  return KERAS_ACTIVATION[a] ?? 'linear';
}

/** Our layer's activation split as tf.js needs it (leakyRelu → linear + LeakyReLU layer). */
function split(a: string): { inner: string; leaky: boolean } {
  return a === 'leakyRelu' ? { inner: 'linear', leaky: true } : { inner: activationName(a), leaky: false };
}

function rnnConfig(node: ParsedNode & { kind: 'simpleRnn' | 'lstm' | 'gru' }, name: string): { class_name: string; config: JsonObject } {
  const p = node.params;
  const config: JsonObject = {
    name, trainable: true, units: p.units, activation: activationName(p.activation), use_bias: true,
    kernel_initializer: glorot(), recurrent_initializer: { class_name: 'Orthogonal', config: { gain: 1, seed: null } }, bias_initializer: zeros(),
    kernel_regularizer: null, recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null,
    kernel_constraint: null, recurrent_constraint: null, bias_constraint: null,
    dropout: 0, recurrent_dropout: 0,
    return_sequences: p.returnSequences, return_state: false, go_backwards: false, stateful: false, unroll: false,
  };
  if (node.kind === 'lstm' || node.kind === 'gru') config.recurrent_activation = activationName(node.params.recurrentActivation);
  if (node.kind === 'lstm') config.unit_forget_bias = node.params.unitForgetBias;
  if (node.kind === 'gru') config.reset_after = false;
  const className = node.kind === 'simpleRnn' ? 'SimpleRNN' : node.kind === 'lstm' ? 'LSTM' : 'GRU';
  return { class_name: className, config };
}

/** The Keras class and config of one node (its main layer; a trailing LeakyReLU is added by the caller). */
function layerConfig(node: ParsedNode, name: string, seed: number): { className: string; config: JsonObject; leaky: boolean } {
  const base = { name, trainable: true };
  switch (node.kind) {
    case 'input':
      throw new Error('input nodes are InputLayers');
    case 'dense': {
      const { inner, leaky } = split(node.params.activation);
      return { className: 'Dense', leaky, config: { ...base, units: node.params.units, activation: inner, use_bias: node.params.useBias, kernel_initializer: glorot(), bias_initializer: zeros(), ...noRegularizers } };
    }
    case 'conv2d':
    case 'conv2dTranspose': {
      const { inner, leaky } = split(node.params.activation);
      return {
        className: node.kind === 'conv2d' ? 'Conv2D' : 'Conv2DTranspose', leaky,
        config: {
          ...base, filters: node.params.filters, kernel_size: toPair(node.params.kernelSize), strides: toPair(node.params.strides),
          padding: node.params.padding, data_format: 'channels_last', dilation_rate: [1, 1], activation: inner, use_bias: node.params.useBias,
          kernel_initializer: glorot(), bias_initializer: zeros(), ...noRegularizers,
        },
      };
    }
    case 'maxPool2d':
    case 'avgPool2d': {
      const pool = toPair(node.params.poolSize);
      return {
        className: node.kind === 'maxPool2d' ? 'MaxPooling2D' : 'AveragePooling2D', leaky: false,
        config: { ...base, pool_size: pool, padding: node.params.padding, strides: node.params.strides === undefined ? pool : toPair(node.params.strides), data_format: 'channels_last' },
      };
    }
    case 'upSampling2d':
      return { className: 'UpSampling2D', leaky: false, config: { ...base, size: toPair(node.params.size), data_format: 'channels_last', interpolation: 'nearest' } };
    case 'flatten':
      return { className: 'Flatten', leaky: false, config: { ...base, data_format: 'channels_last' } };
    case 'dropout':
      return { className: 'Dropout', leaky: false, config: { ...base, rate: node.params.rate, noise_shape: null, seed: null } };
    case 'activation':
      return node.params.activation === 'leakyRelu'
        ? { className: 'LeakyReLU', leaky: false, config: { ...base, alpha: LEAKY_RELU_ALPHA } }
        : { className: 'Activation', leaky: false, config: { ...base, activation: activationName(node.params.activation) } };
    case 'batchNorm':
      return {
        className: 'BatchNormalization', leaky: false,
        config: {
          ...base, axis: -1, momentum: node.params.momentum, epsilon: node.params.epsilon, center: true, scale: true,
          beta_initializer: zeros(), gamma_initializer: ones(), moving_mean_initializer: zeros(), moving_variance_initializer: ones(),
          beta_regularizer: null, gamma_regularizer: null, beta_constraint: null, gamma_constraint: null,
        },
      };
    case 'reshape':
      return { className: 'Reshape', leaky: false, config: { ...base, target_shape: [...node.params.targetShape] } };
    case 'concat':
      return { className: 'Concatenate', leaky: false, config: { ...base, axis: -1 } };
    case 'add':
      return { className: 'Add', leaky: false, config: { ...base } };
    case 'globalAvgPool2d':
      return { className: 'GlobalAveragePooling2D', leaky: false, config: { ...base, data_format: 'channels_last' } };
    case 'globalMaxPool2d':
      return { className: 'GlobalMaxPooling2D', leaky: false, config: { ...base, data_format: 'channels_last' } };
    case 'layerNorm':
      return {
        className: 'LayerNormalization', leaky: false,
        config: { ...base, axis: -1, epsilon: node.params.epsilon, center: true, scale: true, beta_initializer: zeros(), gamma_initializer: ones(), beta_regularizer: null, gamma_regularizer: null },
      };
    case 'embedding':
      return {
        className: 'Embedding', leaky: false,
        config: {
          ...base, input_dim: node.params.inputDim, output_dim: node.params.outputDim,
          embeddings_initializer: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } },
          embeddings_regularizer: null, activity_regularizer: null, embeddings_constraint: null, mask_zero: false,
        },
      };
    case 'simpleRnn':
    case 'lstm':
    case 'gru': {
      if (!node.params.bidirectional) {
        const r = rnnConfig(node, name);
        return { className: r.class_name, leaky: false, config: r.config };
      }
      const inner = rnnConfig(node, `${name}_${node.kind.toLowerCase()}`);
      return { className: 'Bidirectional', leaky: false, config: { ...base, layer: inner, merge_mode: node.params.mergeMode } };
    }
    case 'minibatchStddev':
      return { className: CUSTOM_CLASS.minibatchStddev!, leaky: false, config: { ...base, group_size: node.params.groupSize } };
    case 'virtualBatchNorm':
      return { className: CUSTOM_CLASS.virtualBatchNorm!, leaky: false, config: { ...base, epsilon: node.params.epsilon } };
    case 'attention':
      return { className: CUSTOM_CLASS.attention!, leaky: false, config: { ...base, score: node.params.score, scaled: node.params.scaled, units: node.params.units, seed } };
    case 'maskedConv2d':
      // Our MaskedConv2d applies its activation itself, leakyRelu included.
      return {
        className: CUSTOM_CLASS.maskedConv2d!, leaky: false,
        config: {
          ...base, filters: node.params.filters, kernel_size: node.params.kernelSize, mask_type: node.params.maskType,
          activation: SNAKE_ACTIVATION[node.params.activation] ?? 'linear', use_bias: node.params.useBias, seed,
        },
      };
    case 'sampling':
      return { className: CUSTOM_CLASS.sampling!, leaky: false, config: { ...base, seed } };
    case 'oneHot':
      return { className: CUSTOM_CLASS.oneHot!, leaky: false, config: { ...base, depth: node.params.depth } };
    case 'positionalEncoding':
      return { className: CUSTOM_CLASS.positionalEncoding!, leaky: false, config: { ...base, encoding: node.params.encoding, max_length: node.params.maxLength, seed } };
    case 'selfAttention': {
      const p = node.params;
      return { className: CUSTOM_CLASS.selfAttention!, leaky: false, config: { ...base, heads: p.heads, ff_units: p.ffUnits, causal: p.causal, dropout: p.dropout, seed } };
    }
  }
}

/** A small deterministic generator (mulberry32) for the initial weights. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Fill = 'glorot' | 'glorot1d' | 'zeros' | 'ones' | 'embedding' | 'forgetBias';
interface WeightPlan { name: string; shape: number[]; fill: Fill }

/** The weights tf.js gives a node's layer (names as tf.js's originalName), from its input shapes; undefined if not known. */
function weightPlan(node: ParsedNode, name: string, inputs: readonly Shape[]): WeightPlan[] | undefined {
  const x = inputs[0];
  const last = x?.[x.length - 1];
  switch (node.kind) {
    case 'dense':
      if (last === undefined) return undefined;
      return [{ name: `${name}/kernel`, shape: [last, node.params.units], fill: 'glorot' as Fill }, ...(node.params.useBias ? [{ name: `${name}/bias`, shape: [node.params.units], fill: 'zeros' as Fill }] : [])];
    case 'conv2d':
    case 'conv2dTranspose': {
      if (last === undefined) return undefined;
      const [kh, kw] = toPair(node.params.kernelSize);
      const f = node.params.filters;
      const kernel = node.kind === 'conv2d' ? [kh, kw, last, f] : [kh, kw, f, last];
      return [{ name: `${name}/kernel`, shape: kernel, fill: 'glorot' as Fill }, ...(node.params.useBias ? [{ name: `${name}/bias`, shape: [f], fill: 'zeros' as Fill }] : [])];
    }
    case 'batchNorm':
      if (last === undefined) return undefined;
      return [
        { name: `${name}/gamma`, shape: [last], fill: 'ones' }, { name: `${name}/beta`, shape: [last], fill: 'zeros' },
        { name: `${name}/moving_mean`, shape: [last], fill: 'zeros' }, { name: `${name}/moving_variance`, shape: [last], fill: 'ones' },
      ];
    case 'layerNorm':
    case 'virtualBatchNorm':
      if (last === undefined) return undefined;
      return [{ name: `${name}/gamma`, shape: [last], fill: 'ones' }, { name: `${name}/beta`, shape: [last], fill: 'zeros' }];
    case 'embedding':
      return [{ name: `${name}/embeddings`, shape: [node.params.inputDim, node.params.outputDim], fill: 'embedding' }];
    case 'simpleRnn':
    case 'lstm':
    case 'gru': {
      if (last === undefined) return undefined;
      const gates = node.kind === 'simpleRnn' ? 1 : node.kind === 'lstm' ? 4 : 3;
      const u = node.params.units;
      const cell = (prefix: string): WeightPlan[] => [
        { name: `${prefix}/kernel`, shape: [last, gates * u], fill: 'glorot' },
        { name: `${prefix}/recurrent_kernel`, shape: [u, gates * u], fill: 'glorot' },
        { name: `${prefix}/bias`, shape: [gates * u], fill: node.kind === 'lstm' && node.params.unitForgetBias ? 'forgetBias' : 'zeros' },
      ];
      if (!node.params.bidirectional) return cell(name);
      const inner = `${name}_${node.kind.toLowerCase()}`;
      return [...cell(`${name}/forward_${inner}`), ...cell(`${name}/backward_${inner}`)];
    }
    case 'maskedConv2d': {
      if (last === undefined) return undefined;
      const { kernelSize: k, filters: f } = node.params;
      return [{ name: `${name}/kernel`, shape: [k, k, last, f], fill: 'glorot' as Fill }, ...(node.params.useBias ? [{ name: `${name}/bias`, shape: [f], fill: 'zeros' as Fill }] : [])];
    }
    case 'attention':
      if (last === undefined) return undefined;
      if (node.params.score === 'general') return [{ name: `${name}/w`, shape: [last, last], fill: 'glorot' }];
      if (node.params.score !== 'additive') return [];
      return [
        { name: `${name}/wq`, shape: [last, node.params.units], fill: 'glorot' },
        { name: `${name}/wk`, shape: [last, node.params.units], fill: 'glorot' },
        { name: `${name}/v`, shape: [node.params.units], fill: 'glorot1d' },
      ];
    case 'positionalEncoding':
      if (last === undefined) return undefined;
      return node.params.encoding === 'learned' ? [{ name: `${name}/table`, shape: [node.params.maxLength, last], fill: 'embedding' }] : [];
    case 'selfAttention':
      if (last === undefined) return undefined;
      return selfAttentionWeightShapes(last, node.params.ffUnits).map(([w, shape]): WeightPlan => ({
        name: `${name}/${w}`, shape, fill: shape.length === 2 ? 'glorot' : w.endsWith('Gamma') ? 'ones' : 'zeros',
      }));
    default:
      return [];
  }
}

function fillWeights(plans: readonly WeightPlan[], seed: number): ArrayBuffer {
  const total = plans.reduce((a, p) => a + p.shape.reduce((x, y) => x * y, 1), 0);
  const data = new Float32Array(total);
  const rand = rng(seed);
  let offset = 0;
  for (const p of plans) {
    const n = p.shape.reduce((x, y) => x * y, 1);
    const view = data.subarray(offset, offset + n);
    if (p.fill === 'ones') view.fill(1);
    else if (p.fill === 'forgetBias') view.fill(1, n / 4, n / 2);
    else if (p.fill === 'embedding') for (let i = 0; i < n; i++) view[i] = (rand() * 2 - 1) * 0.05;
    else if (p.fill === 'glorot1d') { const limit = Math.sqrt(6 / (2 * n)); for (let i = 0; i < n; i++) view[i] = (rand() * 2 - 1) * limit; }
    else if (p.fill === 'glorot') {
      const rf = p.shape.slice(0, -2).reduce((x, y) => x * y, 1);
      const fanIn = p.shape[p.shape.length - 2]! * rf;
      const fanOut = p.shape[p.shape.length - 1]! * rf;
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < n; i++) view[i] = (rand() * 2 - 1) * limit;
    }
    offset += n;
  }
  return data.buffer;
}

/** Build the tf.js model.json of a graph. Never throws. */
export function exportTfjsLayersModel(doc: GraphDocument, options: TfjsExportOptions = {}): TfjsExport {
  const walked = walkGraph(doc);
  const warnings: string[] = [];
  const errors = [...walked.errors];
  const layers: TfjsLayerJson[] = [];
  const used = new Set(walked.order.map((n) => n.id));
  const unique = (want: string): string => {
    let name = want;
    for (let i = 1; used.has(name); i++) name = `${want}_${i}`;
    used.add(name);
    return name;
  };
  /** The layer whose output stands for each node's output. */
  const outName = new Map<string, string>();
  const plans: WeightPlan[] = [];
  let weightsKnown = true;
  const inbound = (names: readonly string[]): [string, number, number, JsonObject][][] => [names.map((n): [string, number, number, JsonObject] => [n, 0, 0, {}])];

  for (const node of walked.order) {
    if (node.kind === 'input') {
      layers.push({
        name: node.id, class_name: 'InputLayer', inbound_nodes: [],
        config: { batch_input_shape: [null, ...node.params.shape], dtype: 'float32', sparse: false, name: node.id },
      });
      outName.set(node.id, node.id);
      continue;
    }
    const from = walked.inputsOf[node.id] ?? [];
    const fromNames = from.map((f) => outName.get(f));
    if (from.length === 0 || fromNames.some((n) => n === undefined)) {
      errors.push(`${node.kind} '${node.id}' has no (built) input, so it is left out`);
      continue;
    }
    const inShapes = from.map((f) => walked.shapes.get(f));
    if (node.kind === 'flatten') {
      const s = inShapes[0];
      if (s === undefined) warnings.push(`flatten '${node.id}': its input shape is unknown, so it is exported as a Flatten layer`);
      else if (s.length <= 1) { outName.set(node.id, fromNames[0]!); continue; }
    }
    const { className, config, leaky } = layerConfig(node, node.id, (options.seed ?? 1) + layers.length);
    layers.push({ name: node.id, class_name: className, config, inbound_nodes: inbound(fromNames as string[]) });
    const custom = CUSTOM_CLASS[node.kind];
    if (custom !== undefined) {
      warnings.push(`${node.kind} '${node.id}' is exported as the custom class '${custom}': the model loads only where that layer is registered with tf.js (Latent Workbench), not in stock TensorFlow.js or Keras`);
    }
    if (node.kind === 'lstm' || node.kind === 'gru') {
      if (node.params.recurrentActivation === 'hardSigmoid') warnings.push(`${node.kind} '${node.id}': recurrent_activation 'hard_sigmoid' is 0.2·x + 0.5 in tf.js and Keras 2 but relu6(x + 3)/6 in Keras 3`);
    }
    if (options.weights === 'initial' && weightsKnown) {
      const known = inShapes.every((s) => s !== undefined);
      const plan = known ? weightPlan(node, node.id, inShapes as Shape[]) : undefined;
      if (plan === undefined) weightsKnown = false;
      else plans.push(...plan);
    }
    let out = node.id;
    if (leaky) {
      out = unique(`${node.id}_leaky`);
      layers.push({ name: out, class_name: 'LeakyReLU', config: { name: out, trainable: true, alpha: LEAKY_RELU_ALPHA }, inbound_nodes: inbound([node.id]) });
    }
    outName.set(node.id, out);
  }

  const inputLayers = walked.inputIds.filter((id) => outName.has(id)).map((id): [string, number, number] => [id, 0, 0]);
  const output = walked.outputId === undefined ? undefined : outName.get(walked.outputId);
  if (output === undefined) errors.push('The graph has no single output layer');
  if (inputLayers.length === 0) errors.push('The graph has no input layer');

  const modelJson: TfjsModelJson = {
    format: 'layers-model',
    generatedBy: GENERATED_BY,
    convertedBy: null,
    modelTopology: {
      class_name: 'Model',
      config: { name: safeModelName(doc.name), layers, input_layers: inputLayers, output_layers: output === undefined ? [] : [[output, 0, 0]] },
      keras_version: KERAS_VERSION,
      backend: 'tensor_flow.js',
    },
    weightsManifest: [],
  };
  const result: TfjsExport = { modelJson, warnings, errors };
  if (options.weights === 'initial') {
    if (!weightsKnown || errors.length > 0) {
      warnings.push(`No initial weights were written: ${errors.length > 0 ? 'the graph is invalid' : "a layer's input shape is unknown"}`);
    } else {
      const specs = plans.map((p): TfjsWeightSpec => ({ name: p.name, shape: p.shape, dtype: 'float32' }));
      modelJson.weightsManifest = [{ paths: [options.weightsPath ?? 'weights.bin'], weights: specs }];
      result.weightSpecs = specs;
      result.weightData = fillWeights(plans, options.seed ?? 1);
    }
  }
  return result;
}
