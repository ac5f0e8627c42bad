/**
 * What the exporters need to know about a graph: its nodes with parsed
 * parameters in topological order, each layer's inputs by port, and (when
 * shape inference succeeds) every node's output shape and parameter count.
 * Pure, and never throws: structural problems come back as `errors`.
 */
import type { GraphDocument, Shape, ShapeReport } from '../graph';
import { analyzeGraph, type ParsedNode } from '../shapes';

export interface WalkedGraph {
  /** Nodes with valid kind and params, in topological order (ties in document order; none when there is a cycle). */
  order: ParsedNode[];
  /** Each layer's input node ids, by port (for layers whose edges are well formed). */
  inputsOf: Record<string, string[]>;
  /** Output shape per node id, when inferred. */
  shapes: Map<string, Shape>;
  /** Parameter count per node id, when inferred. */
  params: Map<string, number>;
  /** The shape report. */
  report: ShapeReport;
  /** Input node ids in document order (the compiled model's input order). */
  inputIds: string[];
  /** The single sink, when there is one. */
  outputId?: string;
  /** Problems that make the graph unexportable or its shapes unknown, as sentences. */
  errors: string[];
}

export function walkGraph(doc: GraphDocument): WalkedGraph {
  // The trainer's own analysis: the same order, ports and shapes compileGraph uses.
  const { report, order, inputsOf } = analyzeGraph(doc);
  const result: WalkedGraph = {
    order,
    inputsOf,
    shapes: new Map(report.nodes.map((n) => [n.nodeId, n.outputShape])),
    params: new Map(report.nodes.map((n) => [n.nodeId, n.paramCount])),
    report,
    inputIds: report.inputs.map((i) => i.nodeId),
    errors: report.errors.map((e) => e.message),
  };
  if (report.outputNodeId !== undefined) result.outputId = report.outputNodeId;
  return result;
}

/** A model or layer name tf.js and Keras accept (compileGraph's rule). */
export function safeModelName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  return s.length ? s : 'model';
}

/** Keras/tf.js activation identifiers for ours ('leakyRelu' has none: it becomes a LeakyReLU layer). */
export const KERAS_ACTIVATION: Readonly<Record<string, string>> = {
  linear: 'linear', relu: 'relu', sigmoid: 'sigmoid', tanh: 'tanh', softmax: 'softmax', elu: 'elu', selu: 'selu', hardSigmoid: 'hard_sigmoid',
};

/** Our activation names in snake case, as our custom layers' configs carry them in JSON (tf.js camel-cases them back on load). */
export const SNAKE_ACTIVATION: Readonly<Record<string, string>> = { ...KERAS_ACTIVATION, leakyRelu: 'leaky_relu' };

/** The slope tf.js's LeakyReLU layer uses by default, which compileGraph relies on. */
export const LEAKY_RELU_ALPHA = 0.3;

/**
 * Our kinds with no Keras built-in, and the class names our app registers
 * for them with tf.js (workers/engine: minibatchStddev.ts, virtualBatchNorm.ts,
 * sequenceAttention.ts, maskedConv2d.ts, sampling.ts, oneHot.ts,
 * positionalEncoding.ts, selfAttentionLayer.ts).
 */
export const CUSTOM_CLASS: Readonly<Record<string, string>> = {
  minibatchStddev: 'MinibatchStddev',
  virtualBatchNorm: 'VirtualBatchNorm',
  attention: 'SequenceAttention',
  maskedConv2d: 'MaskedConv2d',
  sampling: 'Sampling',
  oneHot: 'OneHot',
  positionalEncoding: 'PositionalEncoding',
  selfAttention: 'SelfAttentionBlock',
};
