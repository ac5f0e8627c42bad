/**
 * Compile a validated graph document into a tf.LayersModel with the
 * functional API, in topological order, with seeded initializers and dropout
 * so training is reproducible given a seed (on the same backend).
 *
 * Inputs: a graph with one input node compiles to a model that takes one
 * tensor; with several, to a model that takes an array of tensors in the
 * input nodes' document order (the order analyzeGraph's report.inputs lists,
 * with their role names; modelInputOrder below). A concat node is
 * tf.layers.concatenate on the last axis, its inputs in port order.
 */
import * as tf from '@tensorflow/tfjs';
import type { GraphDocument } from '../common/graph';
import type { Activation } from '../common/layers';
import { toPair } from '../common/layers';
import { analyzeGraph, type ParsedNode } from '../common/shapes';
import { deriveSeed } from './prng';
import { MinibatchStddev } from './minibatchStddev';
import { SeededDropout } from './seededDropout';
import { VirtualBatchNorm } from './virtualBatchNorm';

export interface CompileOptions {
  seed: number;
}

type TfActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'elu' | 'selu';

/** tf has no 'leakyRelu' activation string: such layers get a LeakyReLU layer after them. */
function splitActivation(a: Activation): { inner: TfActivation; leaky: boolean } {
  return a === 'leakyRelu' ? { inner: 'linear', leaky: true } : { inner: a, leaky: false };
}

function glorot(seed: number, index: number): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.glorotUniform({ seed: deriveSeed(seed, index, 1) });
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
  if (last.kind === 'dense' || last.kind === 'conv2d' || last.kind === 'conv2dTranspose' || last.kind === 'activation') return last.params.activation === 'softmax';
  return false;
}
