/**
 * Shape inference and validation of architecture graphs. Pure: the editor runs
 * it on every change, the services before queueing a run, the worker before
 * compiling. Errors are returned, never thrown, each naming its node and
 * saying how to fix it.
 *
 * Structure rules: one or more input nodes with unique role names (the
 * report's `inputs`, in document order, is the compiled model's input order);
 * every other node is reachable from an input; every layer takes its
 * incoming edges on ports as its kind says (layerArity: one on port 0, or a
 * concat's / add's 2–16, or an attention's query and value, on ports
 * 0..n−1, each filled once); exactly one sink.
 */
import type { z } from 'zod';
import {
  graphDocumentSchema,
  type GraphDocument,
  type GraphError,
  type GraphInputInfo,
  type GraphNode,
  type NodeShapeInfo,
  type Shape,
  type ShapeReport,
} from './graph';
import { isLayerKind, layerArity, layerParamSchemas, toPair, type LayerKind, type LayerParams } from './layers';
import { oneHotShape, positionalEncodingShape, selfAttentionShape } from './sequenceLayerShapes';

/** A node whose kind and parameters are valid, with its parameters parsed (defaults applied). */
export type ParsedNode = { [K in LayerKind]: { id: string; kind: K; params: LayerParams<K> } }[LayerKind];

export interface GraphAnalysis {
  report: ShapeReport;
  /** Nodes with valid kind and params, in topological order (only when the graph has no cycle). */
  order: ParsedNode[];
  /** The ids of each layer's input nodes, by port (only for layers whose edges are well formed). */
  inputsOf: Record<string, string[]>;
}

const MAX_ELEMENTS = 2 ** 31 - 1;

/** How the arity messages say what a multi-input layer does with its inputs. */
const MULTI_INPUT_VERB: Readonly<Record<string, string | undefined>> = { concat: 'joins', add: 'sums', attention: 'takes' };

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Output length of a windowed op (conv, pool) along one axis, as tf computes it. */
export function windowOutputSize(n: number, f: number, s: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? Math.ceil(n / s) : Math.floor((n - f) / s) + 1;
}

/**
 * Output length of a transposed convolution along one axis, as tf computes it
 * (deconvLength): N·S for 'same'; (N−1)·S + F for 'valid' (tf writes N·S + max(F − S, 0),
 * the same when F ≥ S).
 */
export function transposeOutputSize(n: number, f: number, s: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? n * s : n * s + Math.max(f - s, 0);
}

function zodMessages(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

interface ShapeResult { shape?: Shape; params: number; error?: GraphError }

function windowShape(node: ParsedNode & { kind: 'conv2d' | 'maxPool2d' | 'avgPool2d' }, input: Shape): ShapeResult {
  const label = `${node.kind} '${node.id}'`;
  if (input.length !== 3) {
    return {
      params: 0,
      error: {
        code: 'shape-mismatch', nodeId: node.id,
        message: `${label} needs a rank-3 [height, width, channels] input, got ${fmtShape(input)}`,
        hint: input.length === 1
          ? 'Add a reshape layer before it (e.g. targetShape [28, 28, 1]) or use dense layers instead'
          : 'Reshape the input to [height, width, channels]',
      },
    };
  }
  const [h, w, c] = input as [number, number, number];
  let kernel: [number, number];
  let strides: [number, number];
  let padding: 'valid' | 'same';
  if (node.kind === 'conv2d') {
    kernel = toPair(node.params.kernelSize);
    strides = toPair(node.params.strides);
    padding = node.params.padding;
  } else {
    kernel = toPair(node.params.poolSize);
    strides = node.params.strides === undefined ? kernel : toPair(node.params.strides);
    padding = node.params.padding;
  }
  const [kh, kw] = kernel;
  const [sh, sw] = strides;
  if (padding === 'valid' && (kh > h || kw > w)) {
    const what = node.kind === 'conv2d' ? 'kernel' : 'pool window';
    return {
      params: 0,
      error: {
        code: 'kernel-too-large', nodeId: node.id,
        message: `${label}: ${what} ${kh}×${kw} is larger than its ${h}×${w} input`,
        hint: `Use a smaller ${what}, padding 'same', or remove a pooling/strided layer before it`,
      },
    };
  }
  const oh = windowOutputSize(h, kh, sh, padding);
  const ow = windowOutputSize(w, kw, sw, padding);
  if (node.kind === 'conv2d') {
    const { filters, useBias } = node.params;
    return { shape: [oh, ow, filters], params: kh * kw * c * filters + (useBias ? filters : 0) };
  }
  return { shape: [oh, ow, c], params: 0 };
}

function rank3Error(node: ParsedNode, input: Shape): GraphError {
  return {
    code: 'shape-mismatch', nodeId: node.id,
    message: `${node.kind} '${node.id}' needs a rank-3 [height, width, channels] input, got ${fmtShape(input)}`,
    hint: input.length === 1
      ? `Add a reshape layer before '${node.id}' (e.g. targetShape [7, 7, 32])`
      : 'Reshape the input to [height, width, channels]',
  };
}

function conv2dTransposeShape(node: ParsedNode & { kind: 'conv2dTranspose' }, input: Shape): ShapeResult {
  if (input.length !== 3) return { params: 0, error: rank3Error(node, input) };
  const [h, w, c] = input as [number, number, number];
  const [kh, kw] = toPair(node.params.kernelSize);
  const [sh, sw] = toPair(node.params.strides);
  const { filters, useBias, padding } = node.params;
  return {
    shape: [transposeOutputSize(h, kh, sh, padding), transposeOutputSize(w, kw, sw, padding), filters],
    params: kh * kw * filters * c + (useBias ? filters : 0),
  };
}

function upSampling2dShape(node: ParsedNode & { kind: 'upSampling2d' }, input: Shape): ShapeResult {
  if (input.length !== 3) return { params: 0, error: rank3Error(node, input) };
  const [h, w, c] = input as [number, number, number];
  const [sh, sw] = toPair(node.params.size);
  return { shape: [h * sh, w * sw, c], params: 0 };
}

/**
 * A concat's output: its inputs (by port) joined along the last axis. All
 * must have the same rank and agree on every other axis; the error names
 * the first port that does not agree with port 0.
 */
function concatShape(node: ParsedNode & { kind: 'concat' }, inputs: readonly Shape[], from: readonly string[]): ShapeResult {
  const label = `concat '${node.id}'`;
  const first = inputs[0]!;
  for (let p = 1; p < inputs.length; p++) {
    const s = inputs[p]!;
    const what = `port ${p} ('${from[p]}') is ${fmtShape(s)} but port 0 ('${from[0]}') is ${fmtShape(first)}`;
    if (s.length !== first.length) {
      return {
        params: 0,
        error: {
          code: 'shape-mismatch', nodeId: node.id,
          message: `${label}: ${what}; a concat joins inputs of the same rank`,
          hint: first.length === 3 || s.length === 3
            ? "Flatten the image first, or turn the vector into an [height, width, 1] map (dense to height·width units, then reshape) to join it as a channel"
            : 'Reshape the inputs to the same rank',
        },
      };
    }
    const bad = s.slice(0, -1).findIndex((d, i) => d !== first[i]);
    if (bad >= 0) {
      return {
        params: 0,
        error: {
          code: 'shape-mismatch', nodeId: node.id,
          message: `${label}: ${what}; every axis but the last must agree (axis ${bad} differs)`,
          hint: `Resize the input on port ${p} to ${fmtShape([...first.slice(0, -1), s[s.length - 1]!])}, or join other tensors`,
        },
      };
    }
  }
  const last = inputs.reduce((a, s) => a + s[s.length - 1]!, 0);
  return { shape: [...first.slice(0, -1), last], params: 0 };
}

/** An add's output: the element-wise sum of its inputs, which must all have port 0's shape. */
function addShape(node: ParsedNode & { kind: 'add' }, inputs: readonly Shape[], from: readonly string[]): ShapeResult {
  const first = inputs[0]!;
  for (let p = 1; p < inputs.length; p++) {
    const s = inputs[p]!;
    if (s.length === first.length && s.every((d, i) => d === first[i])) continue;
    return {
      params: 0,
      error: {
        code: 'shape-mismatch', nodeId: node.id,
        message: `add '${node.id}': port ${p} ('${from[p]}') is ${fmtShape(s)} but port 0 ('${from[0]}') is ${fmtShape(first)}; an add sums inputs of the same shape`,
        hint: first.length === 1 && s.length === 1
          ? `Give '${from[p]}' ${first[0]} units (or put a dense layer of ${first[0]} units on port ${p}), or use a concat to join inputs of different sizes`
          : `Resize the input on port ${p} to ${fmtShape(first)}, or use a concat to join inputs of different shapes`,
      },
    };
  }
  return { shape: [...first], params: 0 };
}

/** Gates of a recurrent cell: tf's SimpleRNN has one weight set, GRU three (update, reset, candidate), LSTM four. */
const RNN_GATES = { simpleRnn: 1, gru: 3, lstm: 4 } as const;

/**
 * A recurrent layer over [T, F]: units·gates·(F + units + 1) weights per
 * direction (tfjs' GRU has one bias per gate, i.e. Keras' reset_after=False),
 * doubled when bidirectional; a concat merge doubles the output units.
 */
function recurrentShape(node: ParsedNode & { kind: 'simpleRnn' | 'lstm' | 'gru' }, input: Shape): ShapeResult {
  const label = `${node.kind} '${node.id}'`;
  if (input.length !== 2) {
    return {
      params: 0,
      error: {
        code: 'shape-mismatch', nodeId: node.id,
        message: `${label} needs a rank-2 [steps, features] sequence input, got ${fmtShape(input)}`,
        hint: input.length === 1
          ? `Add an embedding before '${node.id}' (token ids [T] → [T, d]), or a reshape to [${input[0]}, 1] (one feature per step)`
          : `Reshape the input to [steps, features] before '${node.id}' (e.g. [${input[0]}, ${product(input.slice(1))}])`,
      },
    };
  }
  if (node.params.activation === 'leakyRelu') {
    return {
      params: 0,
      error: {
        code: 'bad-params', nodeId: node.id,
        message: `${label}: activation 'leakyRelu' is not available inside a recurrent cell`,
        hint: `Use tanh (the default), relu, elu, selu, sigmoid or linear for '${node.id}'`,
      },
    };
  }
  const f = input[1]!;
  const { units, returnSequences, bidirectional, mergeMode } = node.params;
  const perDirection = RNN_GATES[node.kind] * units * (f + units + 1);
  const outUnits = bidirectional && mergeMode === 'concat' ? 2 * units : units;
  return {
    shape: returnSequences ? [input[0]!, outUnits] : [outUnits],
    params: bidirectional ? 2 * perDirection : perDirection,
  };
}

/**
 * Attention of the query [Tq, d] (port 0) over the values [Tv, d] (port 1):
 * context [Tq, d]. Parameters: 'dot' 0; 'general' d·d (W of qᵀWk);
 * 'additive' 2·d·units + units (W_q, W_k [d, units] and v [units]).
 */
function attentionShape(node: ParsedNode & { kind: 'attention' }, inputs: readonly Shape[], from: readonly string[]): ShapeResult {
  const label = `attention '${node.id}'`;
  const roles = ['query', 'value'] as const;
  for (let p = 0; p < 2; p++) {
    const s = inputs[p]!;
    if (s.length !== 2) {
      return {
        params: 0,
        error: {
          code: 'shape-mismatch', nodeId: node.id,
          message: `${label}: the ${roles[p]} (port ${p}, '${from[p]}') must be a rank-2 [steps, d] sequence, got ${fmtShape(s)}`,
          hint: s.length === 1
            ? `Feed a sequence (e.g. an rnn with returnSequences, or an embedding) to port ${p}, or reshape '${from[p]}' to [1, ${s[0]}] for a single step`
            : `Reshape '${from[p]}' to [steps, features] before '${node.id}'`,
        },
      };
    }
  }
  const [q, v] = inputs as [Shape, Shape];
  if (q[1] !== v[1]) {
    return {
      params: 0,
      error: {
        code: 'shape-mismatch', nodeId: node.id,
        message: `${label}: the query (port 0, '${from[0]}') has ${q[1]} features but the value (port 1, '${from[1]}') has ${v[1]}; both need the same feature size d`,
        hint: `Project one of them to the other's size with a dense layer (e.g. dense ${v[1]} units on the query)`,
      },
    };
  }
  const d = q[1]!;
  const { score, units } = node.params;
  const params = score === 'additive' ? 2 * d * units + units : score === 'general' ? d * d : 0;
  return { shape: [q[0]!, d], params };
}

/** PixelCNN's masked convolution: 'same' padding and stride 1, so [h, w, c] → [h, w, filters]; the kernel must be odd. */
function maskedConv2dShape(node: ParsedNode & { kind: 'maskedConv2d' }, input: Shape): ShapeResult {
  if (input.length !== 3) return { params: 0, error: rank3Error(node, input) };
  const { kernelSize: k, filters, useBias } = node.params;
  if (k % 2 === 0) {
    return {
      params: 0,
      error: {
        code: 'bad-params', nodeId: node.id,
        message: `maskedConv2d '${node.id}': kernelSize ${k} is even; a masked convolution needs an odd kernel with a centre pixel`,
        hint: `Use kernelSize ${k - 1} or ${k + 1}`,
      },
    };
  }
  return { shape: [input[0]!, input[1]!, filters], params: k * k * input[2]! * filters + (useBias ? filters : 0) };
}

function nodeShape(node: ParsedNode, inputs: readonly Shape[], from: readonly string[]): ShapeResult {
  const label = `${node.kind} '${node.id}'`;
  const input: Shape | undefined = inputs[0];
  switch (node.kind) {
    case 'input':
      return { shape: [...node.params.shape], params: 0 };
    case 'concat':
      return concatShape(node, inputs, from);
    case 'add':
      return addShape(node, inputs, from);
    case 'attention':
      return attentionShape(node, inputs, from);
    case 'dense': {
      if (!input) return { params: 0 };
      if (input.length !== 1 && input.length !== 2) {
        return {
          params: 0,
          error: {
            code: 'shape-mismatch', nodeId: node.id,
            message: `${label} needs a rank-1 input or a rank-2 [steps, features] sequence input, got ${fmtShape(input)}`,
            hint: `Add a flatten layer before '${node.id}'`,
          },
        };
      }
      // On a sequence [T, F] the same weights apply at every step (as Keras' Dense on rank 3 with the batch).
      const inUnits = input[input.length - 1]!;
      const { units, useBias } = node.params;
      return { shape: [...input.slice(0, -1), units], params: inUnits * units + (useBias ? units : 0) };
    }
    case 'globalAvgPool2d':
    case 'globalMaxPool2d':
      if (!input) return { params: 0 };
      if (input.length !== 3) return { params: 0, error: rank3Error(node, input) };
      return { shape: [input[2]!], params: 0 };
    case 'layerNorm': {
      if (!input) return { params: 0 };
      return { shape: [...input], params: 2 * input[input.length - 1]! };
    }
    case 'embedding': {
      if (!input) return { params: 0 };
      if (input.length !== 1) {
        return {
          params: 0,
          error: {
            code: 'shape-mismatch', nodeId: node.id,
            message: `${label} needs a rank-1 [steps] input of token ids, got ${fmtShape(input)}`,
            hint: input.length === 2 && input[1] === 1
              ? `Reshape the input to [${input[0]}] before '${node.id}'`
              : `Feed '${node.id}' a sequence of token ids [T] (an input of shape [T]); an embedding turns each id into a vector`,
          },
        };
      }
      const { inputDim, outputDim } = node.params;
      return { shape: [input[0]!, outputDim], params: inputDim * outputDim };
    }
    case 'oneHot':
      if (!input) return { params: 0 };
      return oneHotShape(node.id, node.params, input);
    case 'positionalEncoding':
      if (!input) return { params: 0 };
      return positionalEncodingShape(node.id, node.params, input);
    case 'selfAttention':
      if (!input) return { params: 0 };
      return selfAttentionShape(node.id, node.params, input);
    case 'simpleRnn':
    case 'lstm':
    case 'gru':
      if (!input) return { params: 0 };
      return recurrentShape(node, input);
    case 'maskedConv2d':
      if (!input) return { params: 0 };
      return maskedConv2dShape(node, input);
    case 'sampling': {
      if (!input) return { params: 0 };
      if (input.length !== 1 || input[0]! % 2 !== 0) {
        return {
          params: 0,
          error: {
            code: 'shape-mismatch', nodeId: node.id,
            message: input.length !== 1
              ? `${label} needs a rank-1 [2·d] input (μ then log σ²), got ${fmtShape(input)}`
              : `${label} needs an input of even length [2·d] (μ then log σ²), got ${fmtShape(input)}`,
            hint: input.length !== 1
              ? `Flatten and project to 2·d units (a dense layer) before '${node.id}'`
              : `Give the layer before '${node.id}' an even number of units, 2·d for a latent of d (e.g. ${input[0]! + 1})`,
          },
        };
      }
      return { shape: [input[0]! / 2], params: 0 };
    }
    case 'conv2d':
    case 'maxPool2d':
    case 'avgPool2d':
      if (!input) return { params: 0 };
      return windowShape(node, input);
    case 'conv2dTranspose':
      if (!input) return { params: 0 };
      return conv2dTransposeShape(node, input);
    case 'upSampling2d':
      if (!input) return { params: 0 };
      return upSampling2dShape(node, input);
    case 'flatten':
      if (!input) return { params: 0 };
      return { shape: [product(input)], params: 0 };
    case 'dropout':
    case 'activation':
      if (!input) return { params: 0 };
      return { shape: [...input], params: 0 };
    case 'batchNorm': {
      if (!input) return { params: 0 };
      const channels = input[input.length - 1]!;
      return { shape: [...input], params: 4 * channels };
    }
    case 'minibatchStddev': {
      if (!input) return { params: 0 };
      if (input.length !== 1 && input.length !== 3) {
        return {
          params: 0,
          error: {
            code: 'shape-mismatch', nodeId: node.id,
            message: `${label} needs a flat [features] or an [height, width, channels] input, got ${fmtShape(input)}`,
            hint: `Place '${node.id}' after a dense layer, or after a convolution (before the flatten)`,
          },
        };
      }
      const out = [...input];
      out[out.length - 1] = out[out.length - 1]! + 1;
      return { shape: out, params: 0 };
    }
    case 'virtualBatchNorm': {
      if (!input) return { params: 0 };
      const channels = input[input.length - 1]!;
      return { shape: [...input], params: 2 * channels };
    }
    case 'reshape': {
      if (!input) return { params: 0 };
      const target = node.params.targetShape;
      if (product(target) !== product(input)) {
        return {
          params: 0,
          error: {
            code: 'shape-mismatch', nodeId: node.id,
            message: `${label}: cannot reshape ${fmtShape(input)} (${product(input)} values) to ${fmtShape(target)} (${product(target)} values)`,
            hint: `Choose a target shape whose sizes multiply to ${product(input)}`,
          },
        };
      }
      return { shape: [...target], params: 0 };
    }
  }
}

/** Validate structure, parameters and shapes of a parsed graph document. */
export function analyzeGraph(doc: GraphDocument): GraphAnalysis {
  const errors: GraphError[] = [];
  const byId = new Map<string, GraphNode>();
  const parsed = new Map<string, ParsedNode>();

  for (const node of doc.nodes) {
    if (byId.has(node.id)) {
      errors.push({
        code: 'duplicate-id', nodeId: node.id,
        message: `Two nodes have the id '${node.id}'`,
        hint: 'Give every node a unique id',
      });
      continue;
    }
    byId.set(node.id, node);
    if (!isLayerKind(node.kind)) {
      errors.push({
        code: 'unknown-kind', nodeId: node.id,
        message: `Node '${node.id}' has unknown kind '${node.kind}'`,
        hint: `Use one of: ${Object.keys(layerParamSchemas).join(', ')}`,
      });
      continue;
    }
    const result = layerParamSchemas[node.kind].safeParse(node.params);
    if (!result.success) {
      errors.push({
        code: 'bad-params', nodeId: node.id,
        message: `${node.kind} '${node.id}': ${zodMessages(result.error)}`,
        hint: `Fix the parameters of '${node.id}'`,
      });
      continue;
    }
    parsed.set(node.id, { id: node.id, kind: node.kind, params: result.data } as ParsedNode);
  }

  // Edges: per target, its sources by port.
  const incoming = new Map<string, { from: string; port: number }[]>();
  const outgoing = new Map<string, string[]>();
  for (const id of byId.keys()) { incoming.set(id, []); outgoing.set(id, []); }
  for (const e of doc.edges) {
    const missing = [e.from, e.to].filter((id) => !byId.has(id));
    if (missing.length) {
      errors.push({
        code: 'dangling-edge', nodeId: byId.has(e.from) ? e.from : byId.has(e.to) ? e.to : undefined,
        message: `Edge ${e.from} → ${e.to} refers to missing node${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')}`,
        hint: 'Delete the edge or add the missing node',
      });
      continue;
    }
    incoming.get(e.to)!.push({ from: e.from, port: e.toPort });
    outgoing.get(e.from)!.push(e.to);
  }

  // Input nodes, and their role names (unique).
  const inputs = [...byId.values()].filter((n) => n.kind === 'input');
  const inputInfos: GraphInputInfo[] = [];
  if (inputs.length === 0) {
    errors.push({ code: 'no-input', message: 'The graph has no input node', hint: "Add an 'input' node with the shape of one example, e.g. [28, 28, 1]" });
  }
  const nameOwner = new Map<string, string>();
  for (const n of inputs) {
    const p = parsed.get(n.id);
    if (!p || p.kind !== 'input') continue;
    const owner = nameOwner.get(p.params.name);
    if (owner !== undefined) {
      errors.push({
        code: 'duplicate-input-name', nodeId: n.id,
        message: `Inputs '${owner}' and '${n.id}' are both named '${p.params.name}'`,
        hint: `Give input '${n.id}' another name (its 'name' parameter): a graph's inputs are fed by name`,
      });
      continue;
    }
    nameOwner.set(p.params.name, n.id);
    inputInfos.push({ nodeId: n.id, name: p.params.name, shape: [...p.params.shape] });
  }

  // Arity and ports.
  const inputsOf: Record<string, string[]> = {};
  const arityBad = new Set<string>();
  const list = (ids: readonly string[]): string => ids.map((s) => `'${s}'`).join(', ');
  for (const [id, node] of byId) {
    const ins = incoming.get(id)!;
    const bad = (e: GraphError): void => { arityBad.add(id); errors.push(e); };
    if (node.kind === 'input') {
      if (ins.length > 0) bad({ code: 'too-many-inputs', nodeId: id, message: `Input node '${id}' has incoming edges from ${list(ins.map((i) => i.from))}`, hint: 'Input nodes take no inputs: delete those edges' });
      continue;
    }
    const { min, max } = isLayerKind(node.kind) ? layerArity(node.kind) : { min: 1, max: 1 };
    if (ins.length === 0) {
      bad({ code: 'missing-input', nodeId: id, message: `${node.kind} '${id}' has no input`, hint: `Connect a layer's output to '${id}'` });
      continue;
    }
    if (max === 1) {
      const off = ins.find((i) => i.port !== 0);
      if (off) {
        bad({ code: 'bad-port', nodeId: id, message: `${node.kind} '${id}' takes one input, on port 0, but the edge from '${off.from}' goes to port ${off.port}`, hint: `Connect '${off.from}' to port 0 of '${id}'` });
      } else if (ins.length > 1) {
        bad({ code: 'too-many-inputs', nodeId: id, message: `${node.kind} '${id}' has ${ins.length} inputs (${list(ins.map((i) => i.from))}) but takes exactly one`, hint: `Keep one incoming edge of '${id}', or join them first with a concat (or sum them with an add) layer` });
      } else {
        inputsOf[id] = [ins[0]!.from];
      }
      continue;
    }
    // Several inputs (concat, add, attention): ports 0..n−1, each exactly once.
    const verb = MULTI_INPUT_VERB[node.kind] ?? 'takes';
    const isAttention = node.kind === 'attention';
    const byPort = new Map<number, string[]>();
    for (const i of ins) byPort.set(i.port, [...(byPort.get(i.port) ?? []), i.from]);
    const dup = [...byPort].find(([, froms]) => froms.length > 1);
    const tooHigh = ins.find((i) => i.port >= max);
    const ports = [...byPort.keys()].sort((a, b) => a - b);
    const gap = Array.from({ length: (ports[ports.length - 1] ?? 0) + 1 }, (_, p) => p).find((p) => !byPort.has(p));
    if (dup) {
      bad({ code: 'duplicate-port', nodeId: id, message: `${node.kind} '${id}' has ${dup[1].length} inputs on port ${dup[0]} (${list(dup[1])})`, hint: `Give each input of '${id}' its own port (toPort 0, 1, 2, …)` });
    } else if (tooHigh) {
      bad(isAttention
        ? { code: 'bad-port', nodeId: id, message: `${node.kind} '${id}' takes two inputs (port 0 the query, port 1 the value), but the edge from '${tooHigh.from}' goes to port ${tooHigh.port}`, hint: `Connect the query to port 0 of '${id}' and the value to port 1` }
        : { code: 'bad-port', nodeId: id, message: `${node.kind} '${id}' ${verb} at most ${max} inputs (ports 0–${max - 1}), but the edge from '${tooHigh.from}' goes to port ${tooHigh.port}`, hint: `Use ports 0–${max - 1}, or ${verb === 'sums' ? 'sum' : 'join'} in two steps` });
    } else if (gap !== undefined) {
      bad({ code: 'missing-input', nodeId: id, message: `${node.kind} '${id}' has inputs on port${ports.length > 1 ? 's' : ''} ${ports.join(', ')} but nothing on port ${gap}`, hint: `Connect a layer to port ${gap} of '${id}', or renumber its ports from 0 without gaps` });
    } else if (ins.length < min) {
      bad(isAttention
        ? { code: 'missing-input', nodeId: id, message: `${node.kind} '${id}' has ${ins.length} input but takes two (the query on port 0, the value on port 1)`, hint: `Connect the value sequence to port 1 of '${id}' (the query itself, for self-attention)` }
        : { code: 'missing-input', nodeId: id, message: `${node.kind} '${id}' has ${ins.length} input but ${verb} ${min} to ${max}`, hint: `Connect a second layer to port 1 of '${id}', or delete it` });
    } else {
      inputsOf[id] = ports.map((p) => byPort.get(p)![0]!);
    }
  }

  // Topological order (Kahn, counting every edge); nodes left over are on or behind a cycle.
  const indeg = new Map<string, number>();
  for (const [id, ins] of incoming) indeg.set(id, ins.length);
  const queue = doc.nodes.filter((n) => byId.get(n.id) === n && indeg.get(n.id) === 0).map((n) => n.id);
  const topo: string[] = [];
  while (queue.length) {
    const id = queue.shift()!;
    topo.push(id);
    for (const next of outgoing.get(id)!) {
      const d = indeg.get(next)! - 1;
      indeg.set(next, d);
      if (d === 0) queue.push(next);
    }
  }
  const hasCycle = topo.length < byId.size;
  if (hasCycle) {
    const inCycle = [...byId.keys()].filter((id) => !topo.includes(id));
    errors.push({
      code: 'cycle', nodeId: inCycle[0],
      message: `The graph has a cycle through ${inCycle.map((id) => `'${id}'`).join(', ')}`,
      hint: 'Remove an edge so that data flows one way from the inputs to the output',
    });
  }

  // Reachability from the inputs; an input that feeds nothing is an error of its own.
  const reachable = new Set<string>();
  const stack = inputs.map((n) => n.id);
  while (stack.length) {
    const id = stack.pop()!;
    if (reachable.has(id)) continue;
    reachable.add(id);
    stack.push(...outgoing.get(id)!);
  }
  const unusedInputs = new Set(byId.size > 1 ? inputs.filter((n) => outgoing.get(n.id)!.length === 0).map((n) => n.id) : []);
  for (const id of unusedInputs) {
    errors.push({ code: 'unreachable', nodeId: id, message: `Input '${id}' feeds nothing`, hint: `Connect input '${id}' to a layer (e.g. a concat) or delete it` });
  }
  if (inputs.length > 0) {
    const from = inputs.length === 1 ? `input '${inputs[0]!.id}'` : `any of the inputs (${list(inputs.map((n) => n.id))})`;
    for (const id of byId.keys()) {
      if (!reachable.has(id) && !arityBad.has(id) && byId.get(id)!.kind !== 'input') {
        errors.push({ code: 'unreachable', nodeId: id, message: `Node '${id}' cannot be reached from ${from}`, hint: `Connect '${id}' to the graph or delete it` });
      }
    }
  }

  // Single sink (an unused input is reported above, not as an output).
  const sinks = [...byId.keys()].filter((id) => outgoing.get(id)!.length === 0 && !unusedInputs.has(id));
  let outputNodeId: string | undefined;
  if (sinks.length === 1) {
    outputNodeId = sinks[0];
  } else if (sinks.length > 1) {
    errors.push({
      code: 'bad-output', nodeId: sinks[1],
      message: `The graph has ${sinks.length} outputs (${sinks.map((s) => `'${s}'`).join(', ')}); exactly one is supported`,
      hint: 'Connect every branch into one final layer or delete the extra ones',
    });
  }

  // Shapes, in topological order.
  const shapes = new Map<string, Shape>();
  const nodes: NodeShapeInfo[] = [];
  const order: ParsedNode[] = [];
  let totalParams = 0;
  let totalActivations = 0;
  for (const id of topo) {
    const node = parsed.get(id);
    if (!node) continue;
    order.push(node);
    if (arityBad.has(id)) continue;
    const from = inputsOf[id] ?? [];
    const inShapes = from.map((f) => shapes.get(f));
    if (node.kind !== 'input' && (from.length === 0 || inShapes.some((s) => s === undefined))) continue;
    const r = nodeShape(node, inShapes as Shape[], from);
    if (r.error) { errors.push(r.error); continue; }
    if (!r.shape) continue;
    if (r.shape.some((d) => d < 1) || product(r.shape) > MAX_ELEMENTS) {
      errors.push({ code: 'shape-mismatch', nodeId: id, message: `${node.kind} '${id}' would output ${fmtShape(r.shape)}`, hint: 'Use smaller kernels, strides or sizes' });
      continue;
    }
    shapes.set(id, r.shape);
    const activations = product(r.shape);
    nodes.push({ nodeId: id, kind: node.kind, outputShape: r.shape, paramCount: r.params, activationsPerExample: activations });
    totalParams += r.params;
    totalActivations += activations;
  }

  const outputShape = outputNodeId === undefined ? undefined : shapes.get(outputNodeId);
  const report: ShapeReport = {
    ok: errors.length === 0,
    errors,
    nodes,
    inputs: inputInfos,
    totalParams,
    totalActivationsPerExample: totalActivations,
  };
  if (outputNodeId !== undefined) report.outputNodeId = outputNodeId;
  if (outputShape !== undefined) report.outputShape = outputShape;
  return { report, order: hasCycle ? [] : order, inputsOf };
}

export function inferShapes(doc: GraphDocument): ShapeReport {
  return analyzeGraph(doc).report;
}

export interface GraphValidation {
  /** The parsed document, when it matched the schema. */
  doc?: GraphDocument;
  report: ShapeReport;
}

function emptyReport(errors: GraphError[]): ShapeReport {
  return { ok: false, errors, nodes: [], inputs: [], totalParams: 0, totalActivationsPerExample: 0 };
}

/** Parse an untrusted graph document, then infer shapes. Never throws. */
export function validateGraph(raw: unknown): GraphValidation {
  const parsed = graphDocumentSchema.safeParse(raw);
  if (!parsed.success) {
    const rawNodes = typeof raw === 'object' && raw !== null && Array.isArray((raw as { nodes?: unknown }).nodes)
      ? (raw as { nodes: unknown[] }).nodes
      : [];
    const errors = parsed.error.issues.map((issue): GraphError => {
      const path = issue.path.map(String);
      let nodeId: string | undefined;
      if (path[0] === 'nodes' && path[1] !== undefined) {
        const n = rawNodes[Number(path[1])];
        const id = typeof n === 'object' && n !== null ? (n as { id?: unknown }).id : undefined;
        if (typeof id === 'string') nodeId = id;
      }
      const error: GraphError = {
        code: 'bad-params',
        message: `graph document: ${path.length ? `${path.join('.')}: ` : ''}${issue.message}`,
        hint: 'The document does not match the latent-graph format; fix the named field',
      };
      if (nodeId !== undefined) error.nodeId = nodeId;
      return error;
    });
    return { report: emptyReport(errors) };
  }
  return { doc: parsed.data, report: inferShapes(parsed.data) };
}

/**
 * An error unless the graph has exactly one input: what the families that
 * feed one tensor (classifier, autoencoder, VAE) need. `what` names the
 * network in the message ("The classifier", "The encoder").
 */
export function checkSingleInput(report: ShapeReport, what: string): GraphError | undefined {
  if (report.inputs.length <= 1) return undefined;
  return {
    code: 'too-many-inputs', nodeId: report.inputs[1]!.nodeId,
    message: `${what} has ${report.inputs.length} inputs (${report.inputs.map((i) => `'${i.name}'`).join(', ')}) but takes exactly one`,
    hint: 'Delete the extra input nodes (only a conditional GAN\'s networks take several)',
  };
}

/** An error unless the graph's output is a vector of numClasses probabilities. */
export function checkClassifierOutput(report: ShapeReport, numClasses: number): GraphError | undefined {
  const shape = report.outputShape;
  if (shape && shape.length === 1 && shape[0] === numClasses) return undefined;
  const error: GraphError = {
    code: 'bad-output',
    message: shape
      ? `The output shape is ${fmtShape(shape)} but the dataset has ${numClasses} classes, so it must be [${numClasses}]`
      : `The graph has no output shape; a classifier needs an output of shape [${numClasses}]`,
    hint: `End the graph with a dense layer of ${numClasses} units and softmax activation`,
  };
  if (report.outputNodeId !== undefined) error.nodeId = report.outputNodeId;
  return error;
}
