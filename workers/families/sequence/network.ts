/**
 * The sequence runtime: a graph document of the sequence family, trained
 * without the layers API. Each node becomes a function of tensors over
 * named, seeded variables (weights.ts); recurrent nodes run the fused cells
 * (cells.ts). Owning the forward pass is what lets the family probe the
 * gradient at each time step, read the attention weights, carry recurrent
 * state while sampling one token at a time, and avoid the layers API's
 * per-step overhead.
 *
 * Inputs are int32 token ids [B, T] by role name ('x', or 'source' and
 * 'target'). The output node's softmax is left out: forward returns logits
 * (the loss takes log-softmax itself, stably).
 */
import * as tf from '@tensorflow/tfjs';
import type { GraphDocument } from '../../common/graph';
import { analyzeGraph, type ParsedNode } from '../../common/shapes';
import { SEQUENCE_KINDS } from '../../common/families/sequence/contract';
import { deriveSeed } from '../../common/prng';
import { CELL_GATES, initialBias, runCell, stackSteps, type CellSpec, type CellWeights } from './cells';
import { activate, bmm, linear, oneHotFloat } from './ops';
import { WeightBank } from './weights';
import { selfAttentionWeightShapes, type SelfAttentionWeightName } from '../../common/sequenceLayerShapes';
import { sinusoidalTable } from '../../engine/positionalEncoding';
import { layerNormLast, selfAttentionBlock, type SelfAttentionWeights } from '../../engine/selfAttention';


export interface ForwardOptions {
  training: boolean;
  /** Seeds this call's dropout masks (a step's seed: the same step draws the same masks after a resume). */
  dropoutSeed?: number;
  /** Per recurrent node id, one zero [B, H] per step added to h_t (the forward direction's). */
  probes?: ReadonlyMap<string, readonly tf.Tensor[]>;
  /** Per recurrent node id, the state to start from (sampling one token at a time). */
  initialStates?: ReadonlyMap<string, readonly tf.Tensor[]>;
  /** [B, Tv] 1 where an attention key is a real token, 0 at padding. */
  keyMask?: tf.Tensor;
}

export interface ForwardResult {
  logits: tf.Tensor;
  /** Per attention node: weights [B, heads, Tq, Tk] (one head for an 'attention' node). */
  attention: Map<string, tf.Tensor>;
  /** Per recurrent node: its final state (forward direction). */
  states: Map<string, tf.Tensor[]>;
}

/** A recurrent layer: its id, label, kind, state size and the length of the sequence it reads. */
export interface RecurrentInfo { id: string; label: string; kind: string; units: number; length: number }

export interface SequenceNetwork {
  variables: { name: string; variable: tf.Variable }[];
  /** The token inputs by role name, with their lengths. */
  inputs: { name: string; length: number }[];
  recurrent: RecurrentInfo[];
  attentionLayers: { id: string; kind: 'attention' | 'selfAttention' }[];
  /** Whether sampling may carry recurrent state token by token (no attention or position code over the window). */
  stateful: boolean;
  forward(feeds: Readonly<Record<string, tf.Tensor>>, o: ForwardOptions): ForwardResult;
  dispose(): void;
}

interface RunContext extends ForwardOptions {
  attention: Map<string, tf.Tensor>;
  states: Map<string, tf.Tensor[]>;
}

type NodeFn = (xs: tf.Tensor[], ctx: RunContext) => tf.Tensor;

function dropout(x: tf.Tensor, rate: number, ctx: RunContext, salt: number): tf.Tensor {
  if (!ctx.training || rate === 0) return x;
  return tf.dropout(x, rate, undefined, deriveSeed(ctx.dropoutSeed ?? 0, salt));
}

function recurrentFn(node: ParsedNode & { kind: 'simpleRnn' | 'lstm' | 'gru' }, inDim: number, bank: WeightBank, index: number): NodeFn {
  const p = node.params;
  const H = p.units;
  const G = CELL_GATES[node.kind];
  const spec: CellSpec = { kind: node.kind, units: H, activation: p.activation, recurrentActivation: 'recurrentActivation' in p ? p.recurrentActivation : 'sigmoid' };
  const forgetBias = 'unitForgetBias' in p ? p.unitForgetBias : false;
  const make = (dir: string, k: number): CellWeights => ({
    kernel: bank.glorot(`${node.id}/${dir}kernel`, [inDim, G * H], index, k),
    recurrent: bank.orthogonal(`${node.id}/${dir}recurrent_kernel`, [H, G * H], index, k + 1),
    bias: bank.constant(`${node.id}/${dir}bias`, initialBias(node.kind, H, forgetBias), [G * H]),
  });
  const fwd = make('', 1);
  const bwd = p.bidirectional ? make('backward_', 3) : undefined;
  return ([x], ctx) => {
    // Without training and without probes no gradient is taken through the cell (evaluation, sampling).
    const inference = !ctx.training && ctx.probes === undefined;
    const run = runCell(spec, fwd, x as tf.Tensor3D, { inference, ...(ctx.probes?.get(node.id) ? { probes: ctx.probes.get(node.id)! } : {}), ...(ctx.initialStates?.get(node.id) ? { initial: ctx.initialStates.get(node.id)! } : {}) });
    ctx.states.set(node.id, run.final);
    const pick = (outs: tf.Tensor2D[], last: tf.Tensor2D): tf.Tensor => (p.returnSequences ? stackSteps(outs) : last);
    const forward = pick(run.outputs, run.outputs[run.outputs.length - 1]!);
    if (!bwd) return forward;
    const back = runCell(spec, bwd, x as tf.Tensor3D, { reverse: true, inference });
    const backward = pick(back.outputs, back.outputs[0]!);
    switch (p.mergeMode) {
      case 'concat': return tf.concat([forward, backward], -1);
      case 'sum': return tf.add(forward, backward);
      case 'mul': return tf.mul(forward, backward);
      case 'ave': return tf.mul(tf.add(forward, backward), 0.5);
    }
  };
}

/** Luong (dot, general) or Bahdanau (additive) attention of queries [B, Tq, d] over values [B, Tv, d]. */
function attentionFn(node: ParsedNode & { kind: 'attention' }, d: number, bank: WeightBank, index: number): NodeFn {
  const p = node.params;
  const w = p.score === 'general' ? bank.glorot(`${node.id}/general_kernel`, [d, d], index, 1) : undefined;
  const wq = p.score === 'additive' ? bank.glorot(`${node.id}/query_kernel`, [d, p.units], index, 2) : undefined;
  const wk = p.score === 'additive' ? bank.glorot(`${node.id}/key_kernel`, [d, p.units], index, 3) : undefined;
  const v = p.score === 'additive' ? bank.glorot(`${node.id}/score_vector`, [p.units, 1], index, 4) : undefined;
  return ([q, values], ctx) => {
    const val = values as tf.Tensor3D;
    let scores: tf.Tensor;
    if (p.score === 'additive') {
      const qh = tf.expandDims(linear(q!, wq!), 2); // [B, Tq, 1, u]
      const kh = tf.expandDims(linear(val, wk!), 1); // [B, 1, Tv, u]
      scores = tf.squeeze(linear(tf.tanh(tf.add(qh, kh)), v!), [3]);
    } else {
      const query = w ? linear(q!, w) : q!;
      scores = bmm(query, tf.transpose(val, [0, 2, 1]));
      if (p.scaled) scores = tf.mul(scores, 1 / Math.sqrt(d));
    }
    if (ctx.keyMask && ctx.keyMask.shape[1] === val.shape[1]) scores = tf.add(scores, tf.mul(tf.sub(1, tf.expandDims(ctx.keyMask, 1)), -1e9));
    const weights = tf.softmax(scores);
    ctx.attention.set(node.id, tf.expandDims(weights, 1));
    return bmm(weights, val);
  };
}

function selfAttentionFn(node: ParsedNode & { kind: 'selfAttention' }, d: number, bank: WeightBank, index: number): NodeFn {
  const p = node.params;
  // The layers API's block (engine/selfAttention.ts), over this runtime's named variables: one implementation of the maths.
  const shapes = selfAttentionWeightShapes(d, p.ffUnits);
  const w = (name: SelfAttentionWeightName): tf.Variable => {
    const k = shapes.findIndex(([n]) => n === name);
    const shape = shapes[k]![1];
    if (shape.length === 2) return bank.glorot(`${node.id}/${name}`, [shape[0]!, shape[1]!], index, k + 1);
    return name.endsWith('Gamma') ? bank.ones(`${node.id}/${name}`, shape) : bank.zeros(`${node.id}/${name}`, shape);
  };
  // Created in the checkpoint order of the layer's weights.
  const weights: SelfAttentionWeights = {
    ln1Gamma: w('ln1Gamma'), ln1Beta: w('ln1Beta'), wq: w('wq'), bq: w('bq'), wk: w('wk'), bk: w('bk'), wv: w('wv'), bv: w('bv'),
    wo: w('wo'), bo: w('bo'), ln2Gamma: w('ln2Gamma'), ln2Beta: w('ln2Beta'), ff1Kernel: w('ff1Kernel'), ff1Bias: w('ff1Bias'), ff2Kernel: w('ff2Kernel'), ff2Bias: w('ff2Bias'),
  };
  return ([x], ctx) => {
    let salt = 0;
    const r = selfAttentionBlock(x!, weights, { heads: p.heads, causal: p.causal, dropout: (t) => dropout(t, p.dropout, ctx, deriveSeed(index, ++salt)) });
    ctx.attention.set(node.id, r.attention);
    return r.output;
  };
}

/** The function of one node, creating its weights; `shapeOf` gives a node's output shape per example. */
function nodeFn(node: ParsedNode, inShapes: readonly (readonly number[])[], bank: WeightBank, index: number, o: { isOutput: boolean; constants: tf.Tensor[] }): NodeFn {
  const last = (i = 0): number => inShapes[i]![inShapes[i]!.length - 1]!;
  switch (node.kind) {
    case 'embedding': {
      const table = bank.uniform(`${node.id}/embeddings`, [node.params.inputDim, node.params.outputDim], 0.05, index, 1);
      return ([ids]) => tf.gather(table, tf.cast(ids!, 'int32'));
    }
    case 'oneHot': return ([ids]) => oneHotFloat(ids!, node.params.depth);
    case 'simpleRnn': case 'lstm': case 'gru': return recurrentFn(node, last(), bank, index);
    case 'dense': {
      const k = bank.glorot(`${node.id}/kernel`, [last(), node.params.units], index, 1);
      const b = node.params.useBias ? bank.zeros(`${node.id}/bias`, [node.params.units]) : undefined;
      // The output's softmax is left to the loss (log-softmax of logits is stable).
      const activation = o.isOutput && node.params.activation === 'softmax' ? 'linear' : node.params.activation;
      return ([x]) => activate(linear(x!, k, b), activation);
    }
    case 'dropout': return ([x], ctx) => dropout(x!, node.params.rate, ctx, index);
    case 'activation': return ([x]) => activate(x!, node.params.activation);
    case 'attention': return attentionFn(node, last(1), bank, index);
    case 'concat': return (xs) => tf.concat(xs, -1);
    case 'add': return (xs) => tf.addN(xs);
    case 'layerNorm': {
      const g = bank.ones(`${node.id}/gamma`, [last()]);
      const b = bank.zeros(`${node.id}/beta`, [last()]);
      return ([x]) => layerNormLast(x!, g, b, node.params.epsilon);
    }
    case 'positionalEncoding': {
      const d = last();
      const table = node.params.encoding === 'learned'
        ? bank.uniform(`${node.id}/positions`, [node.params.maxLength, d], 0.05, index, 1)
        : tf.tensor2d(sinusoidalTable(node.params.maxLength, d), [node.params.maxLength, d]);
      if (node.params.encoding !== 'learned') o.constants.push(table);
      return ([x]) => tf.add(x!, tf.slice(table, [0, 0], [x!.shape[1]!, d]));
    }
    case 'selfAttention': return selfAttentionFn(node, last(), bank, index);
    default: throw new Error(`The sequence runtime does not train ${node.kind} layers ('${node.id}'); it trains ${[...SEQUENCE_KINDS].filter((k) => k !== 'input').join(', ')}`);
  }
}

/** Build a graph's network; throws with the graph's first error or an unsupported layer. */
export function buildSequenceNetwork(doc: GraphDocument, seed: number): SequenceNetwork {
  const a = analyzeGraph(doc);
  if (!a.report.ok) throw new Error(`The architecture has errors: ${a.report.errors.map((e) => e.message).join('; ')}`);
  const shapeOf = new Map(a.report.nodes.map((n) => [n.nodeId, n.outputShape]));
  const bank = new WeightBank(seed);
  const fns = new Map<string, NodeFn>();
  const inputs: { name: string; length: number; nodeId: string }[] = [];
  const recurrent: RecurrentInfo[] = [];
  const attentionLayers: SequenceNetwork['attentionLayers'] = [];
  const constants: tf.Tensor[] = [];
  const outputId = a.report.outputNodeId;
  if (outputId === undefined) throw new Error('The architecture needs exactly one output layer');
  try {
    a.order.forEach((node, index) => {
      if (node.kind === 'input') {
        inputs.push({ name: node.params.name, length: node.params.shape[0]!, nodeId: node.id });
        return;
      }
      const from = a.inputsOf[node.id] ?? [];
      fns.set(node.id, nodeFn(node, from.map((f) => shapeOf.get(f) ?? []), bank, index + 1, { isOutput: node.id === outputId, constants }));
      if (node.kind === 'simpleRnn' || node.kind === 'lstm' || node.kind === 'gru') recurrent.push({ id: node.id, label: doc.nodes.find((n) => n.id === node.id)?.label ?? node.id, kind: node.kind, units: node.params.units, length: shapeOf.get(from[0] ?? '')?.[0] ?? 0 });
      if (node.kind === 'attention' || node.kind === 'selfAttention') attentionLayers.push({ id: node.id, kind: node.kind });
    });
  } catch (e) {
    bank.dispose();
    tf.dispose(constants);
    throw e;
  }
  const stateful = a.order.every((n) => !['attention', 'selfAttention', 'positionalEncoding'].includes(n.kind) && !(n.kind !== 'input' && 'bidirectional' in n.params && n.params.bidirectional));
  return {
    variables: bank.variables,
    inputs: inputs.map(({ name, length }) => ({ name, length })),
    recurrent, attentionLayers, stateful,
    forward(feeds, o) {
      const ctx: RunContext = { ...o, attention: new Map(), states: new Map() };
      const values = new Map<string, tf.Tensor>();
      for (const i of inputs) {
        const feed = feeds[i.name];
        if (!feed) throw new Error(`No tokens fed for the input '${i.name}'`);
        values.set(i.nodeId, feed);
      }
      for (const node of a.order) {
        if (node.kind === 'input') continue;
        const xs = (a.inputsOf[node.id] ?? []).map((f) => values.get(f)!);
        values.set(node.id, fns.get(node.id)!(xs, ctx));
      }
      return { logits: values.get(outputId)!, attention: ctx.attention, states: ctx.states };
    },
    dispose() {
      bank.dispose();
      tf.dispose(constants);
    },
  };
}
