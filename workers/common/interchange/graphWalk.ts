/**
 * What the exporters need to know about a graph: its nodes with parsed
 * parameters in topological order, each layer's inputs by port, and (when
 * shape inference succeeds) every node's output shape and parameter count.
 * Pure, and never throws: structural problems come back as `errors`.
 */
import type { GraphDocument, Shape, ShapeReport } from '../graph';
import { isLayerKind, layerParamSchemas } from '../layers';
import { inferShapes, type ParsedNode } from '../shapes';

export interface WalkedGraph {
  /** Nodes with valid kind and params, in topological order (ties in document order). */
  order: ParsedNode[];
  /** Each layer's input node ids, by port. */
  inputsOf: Record<string, string[]>;
  /** Output shape per node id, when inferred. */
  shapes: Map<string, Shape>;
  /** Parameter count per node id, when inferred. */
  params: Map<string, number>;
  /** The shape report, when shape inference ran. */
  report?: ShapeReport;
  /** Input node ids in document order (the compiled model's input order). */
  inputIds: string[];
  /** The single sink, when there is one. */
  outputId?: string;
  /** Problems that make the graph unexportable or its shapes unknown, as sentences. */
  errors: string[];
}

export function walkGraph(doc: GraphDocument): WalkedGraph {
  const errors: string[] = [];
  const parsed = new Map<string, ParsedNode>();
  for (const node of doc.nodes) {
    if (parsed.has(node.id)) { errors.push(`Two nodes have the id '${node.id}'`); continue; }
    if (!isLayerKind(node.kind)) { errors.push(`Node '${node.id}' has unknown kind '${node.kind}'`); continue; }
    const r = layerParamSchemas[node.kind].safeParse(node.params);
    if (!r.success) { errors.push(`${node.kind} '${node.id}' has invalid parameters: ${r.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; ')}`); continue; }
    parsed.set(node.id, { id: node.id, kind: node.kind, params: r.data } as ParsedNode);
  }
  const incoming = new Map<string, { from: string; port: number }[]>();
  const outgoing = new Map<string, string[]>();
  for (const id of parsed.keys()) { incoming.set(id, []); outgoing.set(id, []); }
  for (const e of doc.edges) {
    if (!parsed.has(e.from) || !parsed.has(e.to)) { errors.push(`Edge ${e.from} → ${e.to} refers to a missing or invalid node`); continue; }
    incoming.get(e.to)!.push({ from: e.from, port: e.toPort });
    outgoing.get(e.from)!.push(e.to);
  }
  const inputsOf: Record<string, string[]> = {};
  for (const [id, ins] of incoming) inputsOf[id] = [...ins].sort((a, b) => a.port - b.port).map((i) => i.from);

  const indeg = new Map<string, number>();
  for (const [id, ins] of incoming) indeg.set(id, ins.length);
  const queue = [...parsed.keys()].filter((id) => indeg.get(id) === 0);
  const order: ParsedNode[] = [];
  while (queue.length) {
    const id = queue.shift()!;
    order.push(parsed.get(id)!);
    for (const next of outgoing.get(id)!) {
      const d = indeg.get(next)! - 1;
      indeg.set(next, d);
      if (d === 0) queue.push(next);
    }
  }
  if (order.length < parsed.size) {
    const left = [...parsed.keys()].filter((id) => !order.some((n) => n.id === id));
    errors.push(`The graph has a cycle through ${left.map((id) => `'${id}'`).join(', ')}`);
  }
  const inputIds = order.filter((n) => n.kind === 'input').map((n) => n.id);
  inputIds.sort((a, b) => doc.nodes.findIndex((n) => n.id === a) - doc.nodes.findIndex((n) => n.id === b));
  const sinks = [...parsed.keys()].filter((id) => outgoing.get(id)!.length === 0);

  const shapes = new Map<string, Shape>();
  const params = new Map<string, number>();
  let report: ShapeReport | undefined;
  try {
    report = inferShapes(doc);
    for (const n of report.nodes) { shapes.set(n.nodeId, n.outputShape); params.set(n.nodeId, n.paramCount); }
    for (const e of report.errors) if (!errors.includes(e.message)) errors.push(e.message);
  } catch (e) {
    errors.push(`Shape inference failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  const result: WalkedGraph = { order, inputsOf, shapes, params, inputIds, errors };
  if (report) result.report = report;
  const outputId = report?.outputNodeId ?? (sinks.length === 1 ? sinks[0] : undefined);
  if (outputId !== undefined) result.outputId = outputId;
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
 * sequenceAttention.ts, maskedConv2d.ts, sampling.ts).
 */
export const CUSTOM_CLASS: Readonly<Record<string, string>> = {
  minibatchStddev: 'MinibatchStddev',
  virtualBatchNorm: 'VirtualBatchNorm',
  attention: 'SequenceAttention',
  maskedConv2d: 'MaskedConv2d',
  sampling: 'Sampling',
};
