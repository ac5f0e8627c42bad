/**
 * Compile a validated graph document into a tf.LayersModel with the
 * functional API, in topological order, with seeded initializers and dropout
 * so training is reproducible given a seed (on the same backend).
 *
 * Inputs: a graph with one input node compiles to a model that takes one
 * tensor; with several, to a model that takes an array of tensors in the
 * input nodes' document order (the order analyzeGraph's report.inputs lists,
 * with their role names; modelInputOrder below). A concat node is
 * tf.layers.concatenate on the last axis, its inputs in port order; an add
 * is tf.layers.add; an attention takes [query (port 0), value (port 1)].
 *
 * Recurrent layers are tf.layers.simpleRNN / lstm / gru (wrapped in
 * tf.layers.bidirectional when asked) with the recurrent activation passed
 * explicitly (tf defaults to hardSigmoid), seeded glorot kernels and seeded
 * orthogonal recurrent kernels (glorot for matrices above ORTHOGONAL_MAX
 * elements: tf's orthogonal initializer is a QR decomposition that warns and
 * slows down beyond that). A bidirectional layer's backward copy is
 * re-initialised from seeds of its own (tf builds it from the forward
 * layer's config, so it would start as an exact copy). An LSTM's forget
 * bias starts at 1 when unitForgetBias (tf orders the bias i, f, c, o).
 *
 * Token and transformer kinds are layers of our own, registered with
 * tf.serialization: OneHot (oneHot.ts), PositionalEncoding
 * (positionalEncoding.ts) and SelfAttentionBlock (selfAttentionLayer.ts, the
 * maths in selfAttention.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { GraphDocument } from '../common/graph';
import type { Activation } from '../common/layers';
import { toPair } from '../common/layers';
import { analyzeGraph, type ParsedNode } from '../common/shapes';
import { deriveSeed } from './prng';
import { MaskedConv2d } from './maskedConv2d';
import { MinibatchStddev } from './minibatchStddev';
import { OneHot } from './oneHot';
import { PositionalEncoding } from './positionalEncoding';
import { Sampling } from './sampling';
import { SeededDropout } from './seededDropout';
import { SelfAttentionBlock } from './selfAttentionLayer';
import { SequenceAttention } from './sequenceAttention';
import { VirtualBatchNorm } from './virtualBatchNorm';

export interface CompileOptions {
  seed: number;
}

type TfActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'elu' | 'selu';

/** tf has no 'leakyRelu' activation string: such layers get a LeakyReLU layer after them. */
function splitActivation(a: Activation): { inner: TfActivation; leaky: boolean } {
  return a === 'leakyRelu' ? { inner: 'linear', leaky: true } : { inner: a, leaky: false };
}

function glorot(seed: number, index: number): Initializer {
  return tf.initializers.glorotUniform({ seed: deriveSeed(seed, index, 1) });
}

/** Above this many elements a recurrent kernel gets a glorot initializer instead of tf's (QR-based) orthogonal one. */
export const ORTHOGONAL_MAX = 2000;

type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

function recurrentInitializer(shape: readonly number[], seed: number): Initializer {
  const elements = shape.reduce((a, b) => a * b, 1);
  return elements <= ORTHOGONAL_MAX ? tf.initializers.orthogonal({ seed }) : tf.initializers.glorotUniform({ seed });
}

const RNN_GATES = { simpleRnn: 1, gru: 3, lstm: 4 } as const;

function recurrentNode(node: ParsedNode & { kind: 'simpleRnn' | 'lstm' | 'gru' }, x: tf.SymbolicTensor, seed: number, index: number): tf.SymbolicTensor {
  const { units, returnSequences, bidirectional, mergeMode } = node.params;
  const { inner, leaky } = splitActivation(node.params.activation);
  if (leaky) throw new Error(`${node.kind} '${node.id}': leakyRelu is not available inside a recurrent cell`);
  const recurrentShape = [units, RNN_GATES[node.kind] * units];
  const common = {
    name: bidirectional ? `${node.id}_cell` : node.id,
    units, activation: inner, returnSequences,
    kernelInitializer: glorot(seed, index),
    recurrentInitializer: recurrentInitializer(recurrentShape, deriveSeed(seed, index, 3)),
    biasInitializer: 'zeros' as const,
  };
  const layer = node.kind === 'simpleRnn'
    ? tf.layers.simpleRNN(common)
    : node.kind === 'lstm'
      ? tf.layers.lstm({ ...common, recurrentActivation: node.params.recurrentActivation, unitForgetBias: node.params.unitForgetBias })
      : tf.layers.gru({ ...common, recurrentActivation: node.params.recurrentActivation });
  if (!bidirectional) return layer.apply(x) as tf.SymbolicTensor;
  const wrapper = tf.layers.bidirectional({ name: node.id, layer, mergeMode });
  const y = wrapper.apply(x) as tf.SymbolicTensor;
  // The backward copy was built from the forward layer's config (same seeds): give it weights of its own.
  const backward = (wrapper as unknown as { backwardLayer?: tf.layers.Layer }).backwardLayer;
  if (backward) {
    const current = backward.getWeights();
    const fresh = current.map((w, i) => (i === 0
      ? tf.initializers.glorotUniform({ seed: deriveSeed(seed, index, 4) }).apply(w.shape)
      : i === 1 ? recurrentInitializer(w.shape, deriveSeed(seed, index, 5)).apply(w.shape) : w));
    backward.setWeights(fresh);
    tf.dispose(fresh.filter((w, i) => w !== current[i]));
  }
  return y;
}

function withLeaky(x: tf.SymbolicTensor, leaky: boolean, id: string): tf.SymbolicTensor {
  return leaky ? (tf.layers.leakyReLU({ name: `${id}_leaky` }).apply(x) as tf.SymbolicTensor) : x;
}

function applyNode(node: ParsedNode, xs: readonly tf.SymbolicTensor[], seed: number, index: number): tf.SymbolicTensor {
  const name = node.id;
  const x = xs[0]!;
  switch (node.kind) {
    case 'input':
      throw new Error('input nodes are not applied');
    case 'concat':
      return tf.layers.concatenate({ name, axis: -1 }).apply([...xs]) as tf.SymbolicTensor;
    case 'dense': {
      const { inner, leaky } = splitActivation(node.params.activation);
      const layer = tf.layers.dense({
        name, units: node.params.units, activation: inner, useBias: node.params.useBias,
        kernelInitializer: glorot(seed, index), biasInitializer: 'zeros',
      });
      return withLeaky(layer.apply(x) as tf.SymbolicTensor, leaky, name);
    }
    case 'conv2d': {
      const { inner, leaky } = splitActivation(node.params.activation);
      const layer = tf.layers.conv2d({
        name, filters: node.params.filters, kernelSize: toPair(node.params.kernelSize), strides: toPair(node.params.strides),
        padding: node.params.padding, activation: inner, useBias: node.params.useBias,
        kernelInitializer: glorot(seed, index), biasInitializer: 'zeros',
      });
      return withLeaky(layer.apply(x) as tf.SymbolicTensor, leaky, name);
    }
    case 'conv2dTranspose': {
      const { inner, leaky } = splitActivation(node.params.activation);
      const layer = tf.layers.conv2dTranspose({
        name, filters: node.params.filters, kernelSize: toPair(node.params.kernelSize), strides: toPair(node.params.strides),
        padding: node.params.padding, activation: inner, useBias: node.params.useBias,
        kernelInitializer: glorot(seed, index), biasInitializer: 'zeros',
      });
      return withLeaky(layer.apply(x) as tf.SymbolicTensor, leaky, name);
    }
    case 'upSampling2d':
      return tf.layers.upSampling2d({ name, size: toPair(node.params.size) }).apply(x) as tf.SymbolicTensor;
    case 'maxPool2d':
    case 'avgPool2d': {
      const poolSize = toPair(node.params.poolSize);
      const args = { name, poolSize, strides: node.params.strides === undefined ? poolSize : toPair(node.params.strides), padding: node.params.padding };
      const layer = node.kind === 'maxPool2d' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args);
      return layer.apply(x) as tf.SymbolicTensor;
    }
    case 'flatten':
      // tf's Flatten needs rank ≥ 3 with the batch; a rank-1 example is already flat.
      return x.shape.length <= 2 ? x : (tf.layers.flatten({ name }).apply(x) as tf.SymbolicTensor);
    case 'dropout':
      return new SeededDropout({ name, rate: node.params.rate, seed: deriveSeed(seed, index, 2) }).apply(x) as tf.SymbolicTensor;
    case 'activation': {
      const { inner, leaky } = splitActivation(node.params.activation);
      if (leaky) return tf.layers.leakyReLU({ name }).apply(x) as tf.SymbolicTensor;
      return tf.layers.activation({ name, activation: inner }).apply(x) as tf.SymbolicTensor;
    }
    case 'batchNorm':
      return tf.layers.batchNormalization({ name, momentum: node.params.momentum, epsilon: node.params.epsilon }).apply(x) as tf.SymbolicTensor;
    case 'minibatchStddev':
      return new MinibatchStddev({ name, groupSize: node.params.groupSize }).apply(x) as tf.SymbolicTensor;
    case 'virtualBatchNorm':
      return new VirtualBatchNorm({ name, epsilon: node.params.epsilon }).apply(x) as tf.SymbolicTensor;
    case 'reshape':
      return tf.layers.reshape({ name, targetShape: node.params.targetShape }).apply(x) as tf.SymbolicTensor;
    case 'add':
      return tf.layers.add({ name }).apply([...xs]) as tf.SymbolicTensor;
    case 'globalAvgPool2d':
      return tf.layers.globalAveragePooling2d({ name }).apply(x) as tf.SymbolicTensor;
    case 'globalMaxPool2d':
      return tf.layers.globalMaxPooling2d({ name }).apply(x) as tf.SymbolicTensor;
    case 'layerNorm':
      return tf.layers.layerNormalization({ name, axis: -1, epsilon: node.params.epsilon }).apply(x) as tf.SymbolicTensor;
    case 'embedding':
      return tf.layers.embedding({
        name, inputDim: node.params.inputDim, outputDim: node.params.outputDim,
        embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: deriveSeed(seed, index, 1) }),
      }).apply(x) as tf.SymbolicTensor;
    case 'oneHot':
      return new OneHot({ name, depth: node.params.depth }).apply(x) as tf.SymbolicTensor;
    case 'positionalEncoding':
      return new PositionalEncoding({
        name, encoding: node.params.encoding, maxLength: node.params.maxLength, seed: deriveSeed(seed, index, 1),
      }).apply(x) as tf.SymbolicTensor;
    case 'selfAttention':
      return new SelfAttentionBlock({
        name, heads: node.params.heads, ffUnits: node.params.ffUnits, causal: node.params.causal, dropout: node.params.dropout, seed: deriveSeed(seed, index, 1),
      }).apply(x) as tf.SymbolicTensor;
    case 'simpleRnn':
    case 'lstm':
    case 'gru':
      return recurrentNode(node, x, seed, index);
    case 'attention':
      return new SequenceAttention({
        name, score: node.params.score, scaled: node.params.scaled, units: node.params.units, seed: deriveSeed(seed, index, 1),
      }).apply([xs[0]!, xs[1]!]) as tf.SymbolicTensor;
    case 'maskedConv2d':
      return new MaskedConv2d({
        name, filters: node.params.filters, kernelSize: node.params.kernelSize, maskType: node.params.maskType,
        activation: node.params.activation, useBias: node.params.useBias, seed: deriveSeed(seed, index, 1),
      }).apply(x) as tf.SymbolicTensor;
    case 'sampling':
      return new Sampling({ name, seed: deriveSeed(seed, index, 2) }).apply(x) as tf.SymbolicTensor;
  }
}

/** Build the model; throws an Error listing the graph's problems if it is invalid. */
export function compileGraph(doc: GraphDocument, options: CompileOptions): tf.LayersModel {
  const { report, order, inputsOf } = analyzeGraph(doc);
  if (!report.ok) {
    const lines = report.errors.map((e) => `- ${e.message} (${e.hint})`);
    throw new Error(`The architecture '${doc.name}' is invalid:\n${lines.join('\n')}`);
  }
  const outputs = new Map<string, tf.SymbolicTensor>();
  order.forEach((node, index) => {
    if (node.kind === 'input') {
      outputs.set(node.id, tf.input({ shape: node.params.shape, name: node.id }));
      return;
    }
    const from = (inputsOf[node.id] ?? []).map((id) => outputs.get(id));
    if (from.length === 0 || from.some((t) => t === undefined)) throw new Error(`internal: an input of '${node.id}' was not built`);
    outputs.set(node.id, applyNode(node, from as tf.SymbolicTensor[], options.seed, index));
  });
  // The model's inputs in the input nodes' document order (report.inputs).
  const inputs = report.inputs.map((i) => outputs.get(i.nodeId));
  const output = outputs.get(report.outputNodeId!);
  if (inputs.length === 0 || inputs.some((t) => t === undefined) || !output) throw new Error('internal: graph has no input or output');
  const name = doc.name.replace(/[^A-Za-z0-9_.-]/g, '_');
  return tf.model({ inputs: inputs.length === 1 ? inputs[0]! : (inputs as tf.SymbolicTensor[]), outputs: output, name });
}

/** The role names of a graph's inputs in the order its compiled model takes them (document order). */
export function modelInputOrder(doc: GraphDocument): string[] {
  return analyzeGraph(doc).report.inputs.map((i) => i.name);
}

/** True if the graph's last layer applies softmax, so the model outputs probabilities. */
export function outputsProbabilities(doc: GraphDocument): boolean {
  const { report, order } = analyzeGraph(doc);
  const last = order.find((n) => n.id === report.outputNodeId);
  if (!last) return false;
  if (last.kind === 'dense' || last.kind === 'conv2d' || last.kind === 'conv2dTranspose' || last.kind === 'maskedConv2d' || last.kind === 'activation') return last.params.activation === 'softmax';
  return false;
}
