/**
 * Import a Keras / TensorFlow.js architecture as a graph document. Pure and
 * never throws: problems come back as `errors` (the input is not a model),
 * `unsupported` (layers with no faithful counterpart among our kinds, and
 * every layer fed by one) and `warnings` (settings dropped or changed).
 *
 * Accepted: a tf.js model.json ({ modelTopology: … }, also with a nested
 * model_config), or a bare Keras model config ({ class_name, config }) as
 * Keras 2's model.to_json() writes it (inbound_nodes [[[name, 0, 0, {}]]],
 * InputLayer batch_input_shape) or Keras 3 (inbound_nodes [{ args: [keras
 * tensors], kwargs }], InputLayer batch_shape); Sequential (config.layers, or
 * the bare list of old Keras; the input shape from an InputLayer, the first
 * layer's batch_input_shape/batch_shape or build_input_shape) and functional
 * (Model / Functional) models; a JSON string of any of those.
 *
 * Rule for settings: what changes only training (regularisers, constraints,
 * initialisers, dropout inside recurrent cells, trainable: false) or a
 * numeric constant with no parameter of ours (a LeakyReLU slope other than
 * tf.js's 0.3, GRU reset_after) is imported with a warning; what changes the
 * layer's function or shape (data_format channels_first, dilation, groups,
 * return_state, an activation we lack, …) makes the layer unsupported.
 * Weights are never imported: the graph is an architecture.
 */
import { GRAPH_FORMAT, GRAPH_VERSION, graphDocumentSchema, type GraphDocument, type GraphEdge, type GraphNode, type Shape } from '../graph';
import { CONCAT_MAX_INPUTS, CONCAT_MIN_INPUTS, type Activation } from '../layers';
import { inferShapes } from '../shapes';
import { CUSTOM_CLASS, LEAKY_RELU_ALPHA } from './graphWalk';

export interface UnsupportedLayer {
  /** The Keras layer name. */
  layer: string;
  className: string;
  reason: string;
}

export interface KerasImportResult {
  /** The imported graph: every supported layer whose inputs are supported too. Absent when `errors` is not empty. */
  graph?: GraphDocument;
  unsupported: UnsupportedLayer[];
  warnings: string[];
  /** Why the input could not be read as a model at all. */
  errors: string[];
}

type Dict = Record<string, unknown>;

const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One call of a Keras layer, with the (layer, node, tensor) references of its inputs. */
interface LayerEntry {
  name: string;
  className: string;
  config: Dict;
  inputs: { layer: string; node: number; tensor: number }[];
  /** Why the call structure itself is unsupported (shared layer, multi-output tensor…). */
  structural?: string;
  /** Inserted by us for a Sequential model whose first layer carries the input shape. */
  synthetic?: boolean;
}

const X_STEP = 220;
const Y_STEP = 120;

// ---------------------------------------------------------------------------
// Reading the JSON
// ---------------------------------------------------------------------------

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A Keras 3 keras_history / Keras 2 node reference → { layer, node, tensor }. */
function ref(v: unknown): { layer: string; node: number; tensor: number } | undefined {
  if (!Array.isArray(v) || typeof v[0] !== 'string') return undefined;
  return { layer: v[0], node: typeof v[1] === 'number' ? v[1] : 0, tensor: typeof v[2] === 'number' ? v[2] : 0 };
}

/** Every Keras 3 `__keras_tensor__` in a call's args, in order. */
function kerasTensors(v: unknown, out: { layer: string; node: number; tensor: number }[]): void {
  if (Array.isArray(v)) { for (const x of v) kerasTensors(x, out); return; }
  if (!isDict(v)) return;
  if (v.class_name === '__keras_tensor__' && isDict(v.config)) {
    const r = ref(v.config.keras_history);
    if (r) out.push(r);
    return;
  }
  for (const x of Object.values(v)) kerasTensors(x, out);
}

/** The calls of a functional layer (Keras 2/tf.js or Keras 3 inbound_nodes). */
function parseInbound(inbound: unknown, warnings: string[], layerName: string): { calls: { layer: string; node: number; tensor: number }[][]; kwargTensors: boolean } {
  const calls: { layer: string; node: number; tensor: number }[][] = [];
  let kwargTensors = false;
  if (!Array.isArray(inbound)) return { calls, kwargTensors };
  for (const node of inbound) {
    if (Array.isArray(node)) {
      // Keras 2 / tf.js: [[name, nodeIndex, tensorIndex, kwargs], …]
      const refs = node.map(ref).filter((r): r is NonNullable<typeof r> => r !== undefined);
      for (const item of node) {
        if (Array.isArray(item) && isDict(item[3]) && Object.keys(item[3]).length > 0) warnings.push(`Layer '${layerName}': call arguments ${JSON.stringify(item[3])} are dropped`);
      }
      calls.push(refs);
    } else if (isDict(node)) {
      // Keras 3: { args: [...], kwargs: {...} }
      const refs: { layer: string; node: number; tensor: number }[] = [];
      kerasTensors(node.args, refs);
      const kw: { layer: string; node: number; tensor: number }[] = [];
      kerasTensors(node.kwargs, kw);
      if (kw.length > 0) kwargTensors = true;
      if (isDict(node.kwargs)) {
        const other = Object.entries(node.kwargs).filter(([, v]) => v !== null && v !== undefined && !(isDict(v) && v.class_name === '__keras_tensor__'));
        if (other.length > 0) warnings.push(`Layer '${layerName}': call arguments ${other.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')} are dropped`);
      }
      calls.push(refs);
    }
  }
  return { calls, kwargTensors };
}

/** The model config ({ class_name, config }) inside whatever was given. */
function modelConfigOf(json: unknown, errors: string[]): Dict | undefined {
  let root: unknown = json;
  if (typeof root === 'string') {
    try { root = JSON.parse(root) as unknown; } catch (e) {
      errors.push(`The text is not JSON: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }
  if (!isDict(root)) {
    errors.push(`Expected a JSON object (a tf.js model.json or a Keras model config), got ${Array.isArray(root) ? 'an array' : root === null ? 'null' : typeof root}`);
    return undefined;
  }
  let topo: unknown = root;
  if ('modelTopology' in root) topo = root.modelTopology;
  if (isDict(topo) && isDict(topo.model_config)) topo = topo.model_config;
  if (!isDict(topo) || typeof topo.class_name !== 'string') {
    errors.push("No model found: expected { modelTopology: { class_name, config } } or { class_name: 'Sequential' | 'Functional' | 'Model', config }");
    return undefined;
  }
  return topo;
}

function layerList(config: unknown): unknown[] | undefined {
  if (Array.isArray(config)) return config;
  if (isDict(config) && Array.isArray(config.layers)) return config.layers;
  return undefined;
}

function batchShapeOf(config: Dict): unknown[] | undefined {
  for (const key of ['batch_input_shape', 'batch_shape']) if (Array.isArray(config[key])) return config[key] as unknown[];
  if (Array.isArray(config.input_shape)) return [null, ...(config.input_shape as unknown[])];
  return undefined;
}

function readLayers(model: Dict, errors: string[], warnings: string[]): { entries: LayerEntry[]; outputs: string[]; name: string } | undefined {
  const className = model.class_name as string;
  const config = model.config;
  const name = (isDict(config) ? str(config.name) : undefined) ?? 'imported';
  const rawLayers = layerList(config);
  if (rawLayers === undefined) { errors.push(`The ${className} model has no layer list (config.layers)`); return undefined; }
  if (rawLayers.length === 0) { errors.push(`The ${className} model has no layers`); return undefined; }
  const entries: LayerEntry[] = [];
  const bad = rawLayers.findIndex((l) => !isDict(l) || typeof l.class_name !== 'string' || !isDict(l.config));
  if (bad >= 0) { errors.push(`Layer ${bad} of the model is not a { class_name, config } object`); return undefined; }
  const layers = rawLayers as { class_name: string; config: Dict; name?: unknown; inbound_nodes?: unknown }[];
  const layerName = (l: (typeof layers)[number], i: number): string => str(l.config.name) ?? str(l.name) ?? `layer_${i}`;

  if (className === 'Sequential') {
    let prev: string | undefined;
    layers.forEach((l, i) => {
      const n = layerName(l, i);
      if (i === 0 && l.class_name !== 'InputLayer') {
        const batch = batchShapeOf(l.config) ?? (isDict(config) && Array.isArray(config.build_input_shape) ? config.build_input_shape as unknown[] : undefined);
        if (batch === undefined) {
          errors.push(`The Sequential model's first layer '${n}' has no input shape (batch_input_shape), and there is no InputLayer`);
          return;
        }
        const inputName = `${n}_input`;
        entries.push({ name: inputName, className: 'InputLayer', config: { batch_input_shape: batch, name: inputName }, inputs: [], synthetic: true });
        prev = inputName;
      }
      entries.push({ name: n, className: l.class_name, config: l.config, inputs: prev === undefined ? [] : [{ layer: prev, node: 0, tensor: 0 }] });
      prev = n;
    });
    if (errors.length > 0) return undefined;
    return { entries, outputs: prev === undefined ? [] : [prev], name };
  }
  if (className !== 'Model' && className !== 'Functional') {
    errors.push(`Unsupported model class '${className}': expected Sequential, Functional or Model`);
    return undefined;
  }
  layers.forEach((l, i) => {
    const n = layerName(l, i);
    const { calls, kwargTensors } = parseInbound(l.inbound_nodes, warnings, n);
    const entry: LayerEntry = { name: n, className: l.class_name, config: l.config, inputs: calls[0] ?? [] };
    if (calls.length > 1) entry.structural = `the layer is shared (applied ${calls.length} times); a graph node is one application`;
    else if (kwargTensors) entry.structural = 'the layer takes tensors as keyword arguments (e.g. a mask)';
    else if (entry.inputs.some((r) => r.tensor !== 0)) entry.structural = 'it takes a second output of a multi-output layer';
    else if (l.class_name !== 'InputLayer' && calls.length === 0) entry.structural = 'the layer is not connected (no inbound nodes)';
    entries.push(entry);
  });
  const rawOutputs = isDict(config) ? config.output_layers : undefined;
  const outRefs = Array.isArray(rawOutputs) ? (typeof rawOutputs[0] === 'string' ? [rawOutputs] : rawOutputs) : [];
  const outputs = outRefs.map(ref).filter((r): r is NonNullable<typeof r> => r !== undefined).map((r) => r.layer);
  return { entries, outputs, name };
}

// ---------------------------------------------------------------------------
// Mapping one layer
// ---------------------------------------------------------------------------

type Mapped =
  | { kind: string; params: Record<string, unknown> }
  | { unsupported: string }
  /** Needs its input's shape, known only after a first pass. */
  | { deferred: string };

interface MapContext {
  name: string;
  className: string;
  config: Dict;
  inputCount: number;
  /** Output shapes (no batch dimension) of its inputs, when a previous pass inferred them. */
  inputShapes: (Shape | undefined)[];
  warn: (message: string) => void;
}

const ACTIVATIONS: Readonly<Record<string, Activation>> = {
  linear: 'linear', relu: 'relu', sigmoid: 'sigmoid', tanh: 'tanh', softmax: 'softmax', elu: 'elu', selu: 'selu',
  leaky_relu: 'leakyRelu', leakyRelu: 'leakyRelu', leakyrelu: 'leakyRelu',
};

/** Our activation for a Keras activation value (string, Keras 3 dict or null), or an unsupported reason. */
function activationOf(v: unknown, ctx: MapContext, key = 'activation'): Activation | { unsupported: string } {
  let name: string | undefined;
  if (v === null || v === undefined) name = 'linear';
  else if (typeof v === 'string') name = v;
  else if (isDict(v)) name = str(v.config) ?? (isDict(v.config) ? str(v.config.name) : undefined) ?? str(v.class_name);
  const a = name === undefined ? undefined : ACTIVATIONS[name];
  if (a === undefined) return { unsupported: `${key} ${JSON.stringify(name ?? v)} has no counterpart (ours: ${Object.keys(ACTIVATIONS).filter((k) => !k.startsWith('leaky')).join(', ')}, leaky_relu)` };
  if (a === 'leakyRelu' && name === 'leaky_relu') ctx.warn(`Layer '${ctx.name}': Keras 3's "leaky_relu" activation has slope 0.2; ours has ${LEAKY_RELU_ALPHA}`);
  return a;
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : undefined;
}

/** A Keras int-or-tuple as ours (a number when both sides agree), or undefined if invalid. */
function pairOf(v: unknown): number | [number, number] | undefined {
  if (positiveInt(v) !== undefined) return v as number;
  if (Array.isArray(v) && v.length === 1 && positiveInt(v[0]) !== undefined) return v[0] as number;
  if (Array.isArray(v) && v.length === 2 && positiveInt(v[0]) !== undefined && positiveInt(v[1]) !== undefined) return v[0] === v[1] ? v[0] as number : [v[0] as number, v[1] as number];
  return undefined;
}

const isOne = (v: unknown): boolean => v === undefined || v === null || v === 1 || (Array.isArray(v) && v.every((x) => x === 1));

function initializerName(v: unknown): string | undefined {
  if (typeof v === 'string') return v.replace(/_/g, '').toLowerCase();
  if (!isDict(v)) return undefined;
  const cls = str(v.class_name)?.toLowerCase();
  if (cls === 'variancescaling' && isDict(v.config)) {
    const c = v.config;
    if ((c.scale === 1 || c.scale === undefined) && c.mode === 'fan_avg' && c.distribution === 'uniform') return 'glorotuniform';
    if ((c.scale === 1 || c.scale === undefined) && c.mode === 'fan_avg' && (c.distribution === 'normal' || c.distribution === 'truncated_normal')) return 'glorotnormal';
  }
  return cls;
}

/** What our compiled layers initialise each weight with. */
const DEFAULT_INITIALIZER: Readonly<Record<string, string[]>> = {
  kernel_initializer: ['glorotuniform'],
  bias_initializer: ['zeros'],
  recurrent_initializer: ['orthogonal'],
  beta_initializer: ['zeros'],
  gamma_initializer: ['ones'],
  moving_mean_initializer: ['zeros'],
  moving_variance_initializer: ['ones'],
  embeddings_initializer: ['randomuniform', 'uniform'],
};

/** Settings every layer may carry: dropped with a warning, or unsupported. */
function commonChecks(ctx: MapContext): string | undefined {
  const c = ctx.config;
  const dropped: string[] = [];
  for (const [key, value] of Object.entries(c)) {
    if (value === null || value === undefined) continue;
    if (key.endsWith('_regularizer')) dropped.push(`${key} ${str((value as Dict).class_name) ?? JSON.stringify(value)}`);
    else if (key.endsWith('_constraint')) dropped.push(`${key} ${str((value as Dict).class_name) ?? JSON.stringify(value)}`);
    else if (key.endsWith('_initializer')) {
      const name = initializerName(value);
      const defaults = DEFAULT_INITIALIZER[key];
      if (defaults && name !== undefined && !defaults.includes(name)) dropped.push(`${key} ${name} (ours: ${defaults[0]})`);
    }
  }
  if (c.trainable === false) dropped.push('trainable: false');
  const dtype = isDict(c.dtype) && isDict(c.dtype.config) ? c.dtype.config.name : c.dtype;
  if (typeof dtype === 'string' && dtype !== 'float32') dropped.push(`dtype ${dtype} (ours: float32)`);
  if (dropped.length > 0) ctx.warn(`Layer '${ctx.name}' (${ctx.className}): dropped ${dropped.join(', ')}`);
  if (c.data_format === 'channels_first') return 'data_format channels_first (ours are channels_last)';
  return undefined;
}

/** Whether a Keras axis (counting the batch dimension, or negative) is the last axis of an input of rank `rank` (without batch). */
function isLastAxis(axis: unknown, rank: number | undefined): boolean | undefined {
  const a = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
  if (a === -1 || a === undefined) return true;
  if (typeof a !== 'number') return false;
  if (a < 0) return false;
  return rank === undefined ? undefined : a === rank;
}

function axisCheck(ctx: MapContext, what: string): Mapped | undefined {
  const shape = ctx.inputShapes[0];
  const last = isLastAxis(ctx.config.axis, shape?.length);
  if (last === undefined) return { deferred: `${what} on axis ${JSON.stringify(ctx.config.axis)}: its input shape is needed to tell whether that is the last axis` };
  if (!last) return { unsupported: `${what} on axis ${JSON.stringify(ctx.config.axis)}; ours works on the last axis only` };
  return undefined;
}

function recurrent(ctx: MapContext, className: string, config: Dict, outer: MapContext): Mapped {
  const kind = className === 'SimpleRNN' ? 'simpleRnn' : className === 'LSTM' ? 'lstm' : 'gru';
  const units = positiveInt(config.units);
  if (units === undefined) return { unsupported: 'units is not a positive integer' };
  const activation = activationOf(config.activation ?? 'tanh', ctx);
  if (typeof activation !== 'string') return activation;
  if (activation === 'leakyRelu') return { unsupported: 'leaky_relu inside a recurrent cell is not available' };
  if (config.return_state === true) return { unsupported: 'return_state: true (several outputs)' };
  if (config.go_backwards === true) return { unsupported: 'go_backwards: true' };
  if (config.time_major === true) return { unsupported: 'time_major: true' };
  if (config.use_bias === false) return { unsupported: 'use_bias: false (ours always have a bias)' };
  const params: Record<string, unknown> = { units, activation, returnSequences: config.return_sequences === true };
  if (kind !== 'simpleRnn') {
    const ra = config.recurrent_activation ?? 'sigmoid';
    if (ra === 'sigmoid') params.recurrentActivation = 'sigmoid';
    else if (ra === 'hard_sigmoid' || ra === 'hardSigmoid') params.recurrentActivation = 'hardSigmoid';
    else return { unsupported: `recurrent_activation ${JSON.stringify(ra)} (ours: sigmoid, hard_sigmoid)` };
    if (kind === 'lstm' && config.unit_forget_bias === false) params.unitForgetBias = false;
    if (config.recurrent_activation === undefined) outer.warn(`Layer '${outer.name}': no recurrent_activation given; Keras's default sigmoid is assumed (tf.js defaults to hard_sigmoid)`);
  }
  if (kind === 'gru' && config.reset_after !== false) {
    outer.warn(`Layer '${outer.name}': GRU reset_after ${config.reset_after === undefined ? '(Keras default True)' : 'True'} becomes reset_after False, as in tf.js: the bias is 3·units instead of 2×3·units and the reset gate applies before the recurrent product`);
  }
  const dropped: string[] = [];
  if (typeof config.dropout === 'number' && config.dropout > 0) dropped.push(`dropout ${config.dropout}`);
  if (typeof config.recurrent_dropout === 'number' && config.recurrent_dropout > 0) dropped.push(`recurrent_dropout ${config.recurrent_dropout}`);
  if (config.stateful === true) dropped.push('stateful: true');
  if (dropped.length > 0) outer.warn(`Layer '${outer.name}': dropped ${dropped.join(', ')}`);
  return { kind, params };
}

function mapLayer(ctx: MapContext): Mapped {
  const c = ctx.config;
  const arity = (min: number, max: number): Mapped | undefined =>
    ctx.inputCount < min || ctx.inputCount > max ? { unsupported: `it has ${ctx.inputCount} inputs; ours takes ${min === max ? min : `${min}–${max}`}` } : undefined;
  const common = commonChecks(ctx);
  if (common) return { unsupported: common };

  switch (ctx.className) {
    case 'InputLayer': {
      const batch = batchShapeOf(c);
      if (!batch) return { unsupported: 'no batch_input_shape / batch_shape' };
      const shape = batch.slice(1);
      if (shape.length < 1 || shape.length > 4) return { unsupported: `input rank ${shape.length} (ours: 1–4 dimensions per example)` };
      if (shape.some((d) => positiveInt(d) === undefined)) return { unsupported: `shape ${JSON.stringify(batch)} has a variable (None) dimension; ours need fixed sizes` };
      if (c.sparse === true || c.ragged === true) return { unsupported: 'sparse or ragged input' };
      return { kind: 'input', params: { shape } };
    }
    case 'Dense': {
      const bad = arity(1, 1); if (bad) return bad;
      const units = positiveInt(c.units);
      if (units === undefined) return { unsupported: 'units is not a positive integer' };
      const activation = activationOf(c.activation, ctx); if (typeof activation !== 'string') return activation;
      const s = ctx.inputShapes[0];
      if (s && s.length !== 1) return { unsupported: `Dense on a rank-${s.length} input ${JSON.stringify(s)} (applied per position); ours needs a flat input` };
      return { kind: 'dense', params: { units, activation, useBias: c.use_bias !== false } };
    }
    case 'Conv2D':
    case 'Conv2DTranspose': {
      const bad = arity(1, 1); if (bad) return bad;
      const filters = positiveInt(c.filters);
      const kernelSize = pairOf(c.kernel_size);
      const strides = c.strides === undefined ? 1 : pairOf(c.strides);
      if (filters === undefined || kernelSize === undefined || strides === undefined) return { unsupported: 'filters, kernel_size or strides is not a positive integer (pair)' };
      const padding = c.padding ?? 'valid';
      if (padding !== 'valid' && padding !== 'same') return { unsupported: `padding ${JSON.stringify(padding)} (ours: valid, same)` };
      if (!isOne(c.dilation_rate)) return { unsupported: `dilation_rate ${JSON.stringify(c.dilation_rate)} (ours: 1)` };
      if (c.groups !== undefined && c.groups !== 1) return { unsupported: `groups ${JSON.stringify(c.groups)} (ours: 1)` };
      if (c.output_padding !== undefined && c.output_padding !== null) return { unsupported: `output_padding ${JSON.stringify(c.output_padding)}` };
      const activation = activationOf(c.activation, ctx); if (typeof activation !== 'string') return activation;
      return { kind: ctx.className === 'Conv2D' ? 'conv2d' : 'conv2dTranspose', params: { filters, kernelSize, strides, padding, activation, useBias: c.use_bias !== false } };
    }
    case 'MaxPooling2D':
    case 'MaxPool2D':
    case 'AveragePooling2D':
    case 'AvgPool2D': {
      const bad = arity(1, 1); if (bad) return bad;
      const poolSize = c.pool_size === undefined ? 2 : pairOf(c.pool_size);
      const strides = c.strides === undefined || c.strides === null ? undefined : pairOf(c.strides);
      if (poolSize === undefined || (c.strides !== undefined && c.strides !== null && strides === undefined)) return { unsupported: 'pool_size or strides is not a positive integer (pair)' };
      const padding = c.padding ?? 'valid';
      if (padding !== 'valid' && padding !== 'same') return { unsupported: `padding ${JSON.stringify(padding)}` };
      const params: Record<string, unknown> = { poolSize, padding };
      if (strides !== undefined && JSON.stringify(strides) !== JSON.stringify(poolSize)) params.strides = strides;
      return { kind: ctx.className.startsWith('Max') ? 'maxPool2d' : 'avgPool2d', params };
    }
    case 'UpSampling2D': {
      const bad = arity(1, 1); if (bad) return bad;
      const size = c.size === undefined ? 2 : pairOf(c.size);
      if (size === undefined) return { unsupported: 'size is not a positive integer (pair)' };
      if (c.interpolation !== undefined && c.interpolation !== 'nearest') return { unsupported: `interpolation ${JSON.stringify(c.interpolation)} (ours: nearest)` };
      return { kind: 'upSampling2d', params: { size } };
    }
    case 'Flatten':
      return arity(1, 1) ?? { kind: 'flatten', params: {} };
    case 'Dropout':
    case 'SeededDropout': {
      const bad = arity(1, 1); if (bad) return bad;
      const rate = typeof c.rate === 'number' ? c.rate : 0.5;
      if (rate < 0 || rate >= 1) return { unsupported: `rate ${rate} (ours: 0 ≤ rate < 1)` };
      if (c.noise_shape !== undefined && c.noise_shape !== null) return { unsupported: `noise_shape ${JSON.stringify(c.noise_shape)}` };
      return { kind: 'dropout', params: { rate } };
    }
    case 'Activation': {
      const bad = arity(1, 1); if (bad) return bad;
      const activation = activationOf(c.activation, ctx); if (typeof activation !== 'string') return activation;
      return { kind: 'activation', params: { activation } };
    }
    case 'LeakyReLU': {
      const bad = arity(1, 1); if (bad) return bad;
      const alpha = typeof c.alpha === 'number' ? c.alpha : typeof c.negative_slope === 'number' ? c.negative_slope : LEAKY_RELU_ALPHA;
      if (Math.abs(alpha - LEAKY_RELU_ALPHA) > 1e-6) ctx.warn(`Layer '${ctx.name}': LeakyReLU slope ${alpha} becomes ${LEAKY_RELU_ALPHA} (ours has no slope parameter)`);
      return { kind: 'activation', params: { activation: 'leakyRelu' } };
    }
    case 'ReLU': {
      const bad = arity(1, 1); if (bad) return bad;
      const slope = typeof c.negative_slope === 'number' ? c.negative_slope : 0;
      if (c.max_value !== undefined && c.max_value !== null) return { unsupported: `max_value ${JSON.stringify(c.max_value)} (a capped ReLU)` };
      if (typeof c.threshold === 'number' && c.threshold !== 0) return { unsupported: `threshold ${c.threshold}` };
      if (slope === 0) return { kind: 'activation', params: { activation: 'relu' } };
      ctx.warn(`Layer '${ctx.name}': ReLU negative_slope ${slope} becomes a LeakyReLU with slope ${LEAKY_RELU_ALPHA}`);
      return { kind: 'activation', params: { activation: 'leakyRelu' } };
    }
    case 'ELU': {
      const bad = arity(1, 1); if (bad) return bad;
      if (typeof c.alpha === 'number' && c.alpha !== 1) return { unsupported: `alpha ${c.alpha} (ours: 1)` };
      return { kind: 'activation', params: { activation: 'elu' } };
    }
    case 'Softmax': {
      const bad = arity(1, 1) ?? axisCheck(ctx, 'Softmax'); if (bad) return bad;
      return { kind: 'activation', params: { activation: 'softmax' } };
    }
    case 'BatchNormalization': {
      const bad = arity(1, 1) ?? axisCheck(ctx, 'BatchNormalization'); if (bad) return bad;
      if (c.center === false || c.scale === false) return { unsupported: 'center or scale is false (ours has both β and γ)' };
      if (c.renorm === true) return { unsupported: 'renorm: true' };
      const momentum = typeof c.momentum === 'number' ? c.momentum : 0.99;
      const epsilon = typeof c.epsilon === 'number' ? c.epsilon : 0.001;
      if (!(momentum > 0 && momentum < 1)) return { unsupported: `momentum ${momentum} (ours: 0 < momentum < 1)` };
      return { kind: 'batchNorm', params: { momentum, epsilon } };
    }
    case 'LayerNormalization': {
      const bad = arity(1, 1) ?? axisCheck(ctx, 'LayerNormalization'); if (bad) return bad;
      if (c.center === false || c.scale === false) return { unsupported: 'center or scale is false (ours has both β and γ)' };
      if (c.rms_scaling === true) return { unsupported: 'rms_scaling: true' };
      return { kind: 'layerNorm', params: { epsilon: typeof c.epsilon === 'number' ? c.epsilon : 0.001 } };
    }
    case 'Reshape': {
      const bad = arity(1, 1); if (bad) return bad;
      const t = c.target_shape;
      if (!Array.isArray(t) || t.length < 1 || t.length > 4 || !t.every((d) => d === -1 || positiveInt(d) !== undefined)) return { unsupported: `target_shape ${JSON.stringify(t)} (ours: 1–4 positive sizes)` };
      const unknown = t.filter((d) => d === -1).length;
      if (unknown > 1) return { unsupported: 'target_shape has more than one -1' };
      if (unknown === 0) return { kind: 'reshape', params: { targetShape: t } };
      const s = ctx.inputShapes[0];
      if (!s) return { deferred: 'target_shape with -1: its input shape is needed to resolve it' };
      const total = s.reduce((a, b) => a * b, 1);
      const known = (t as number[]).filter((d) => d !== -1).reduce((a, b) => a * b, 1);
      if (total % known !== 0) return { unsupported: `cannot reshape ${JSON.stringify(s)} to ${JSON.stringify(t)}` };
      return { kind: 'reshape', params: { targetShape: (t as number[]).map((d) => (d === -1 ? total / known : d)) } };
    }
    case 'Concatenate': {
      const bad = arity(CONCAT_MIN_INPUTS, CONCAT_MAX_INPUTS) ?? axisCheck(ctx, 'Concatenate'); if (bad) return bad;
      return { kind: 'concat', params: {} };
    }
    case 'Add':
      return arity(CONCAT_MIN_INPUTS, CONCAT_MAX_INPUTS) ?? { kind: 'add', params: {} };
    case 'GlobalAveragePooling2D':
    case 'GlobalAvgPool2D':
    case 'GlobalMaxPooling2D':
    case 'GlobalMaxPool2D': {
      const bad = arity(1, 1); if (bad) return bad;
      if (c.keepdims === true) return { unsupported: 'keepdims: true (ours outputs [channels])' };
      return { kind: ctx.className.includes('Max') ? 'globalMaxPool2d' : 'globalAvgPool2d', params: {} };
    }
    case 'Embedding': {
      const bad = arity(1, 1); if (bad) return bad;
      const inputDim = positiveInt(c.input_dim);
      const outputDim = positiveInt(c.output_dim);
      if (inputDim === undefined || outputDim === undefined) return { unsupported: 'input_dim or output_dim is not a positive integer' };
      if (c.mask_zero === true) ctx.warn(`Layer '${ctx.name}': mask_zero dropped: id 0 is embedded like any other token and later layers see no mask`);
      return { kind: 'embedding', params: { inputDim, outputDim } };
    }
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
      return arity(1, 1) ?? recurrent(ctx, ctx.className, c, ctx);
    case 'Bidirectional': {
      const bad = arity(1, 1); if (bad) return bad;
      const inner = c.layer;
      if (!isDict(inner) || !isDict(inner.config) || typeof inner.class_name !== 'string') return { unsupported: 'no wrapped layer' };
      if (!['SimpleRNN', 'LSTM', 'GRU'].includes(inner.class_name)) return { unsupported: `it wraps a ${inner.class_name}; ours wraps SimpleRNN, LSTM or GRU` };
      const mergeMode = c.merge_mode === undefined ? 'concat' : c.merge_mode;
      if (mergeMode !== 'concat' && mergeMode !== 'sum' && mergeMode !== 'mul' && mergeMode !== 'ave') return { unsupported: `merge_mode ${JSON.stringify(mergeMode)} (ours: concat, sum, mul, ave)` };
      const innerCtx: MapContext = { ...ctx, name: `${ctx.name}/${str(inner.config.name) ?? inner.class_name}`, className: inner.class_name, config: inner.config };
      const innerCommon = commonChecks(innerCtx);
      if (innerCommon) return { unsupported: innerCommon };
      const back = c.backward_layer;
      if (isDict(back) && isDict(back.config)) {
        const differs = back.class_name !== inner.class_name || back.config.units !== inner.config.units || (back.config.activation ?? 'tanh') !== (inner.config.activation ?? 'tanh') || back.config.return_sequences !== inner.config.return_sequences;
        if (differs) return { unsupported: 'its backward layer differs from the forward one' };
      }
      const r = recurrent(innerCtx, inner.class_name, inner.config, ctx);
      if (!('kind' in r)) return r;
      return { kind: r.kind, params: { ...r.params, bidirectional: true, mergeMode } };
    }
    case 'Attention': {
      const bad = arity(2, 2); if (bad) return bad;
      if (c.use_scale === true) return { unsupported: 'use_scale: true (a learned scale; ours scales by 1/√d or not at all)' };
      if (c.score_mode !== undefined && c.score_mode !== 'dot') return { unsupported: `score_mode ${JSON.stringify(c.score_mode)}` };
      if (c.causal === true) return { unsupported: 'causal: true' };
      if (typeof c.dropout === 'number' && c.dropout > 0) ctx.warn(`Layer '${ctx.name}': dropped attention dropout ${c.dropout}`);
      return { kind: 'attention', params: { score: 'dot', scaled: false } };
    }
    // Our own custom layers (as exportTfjsLayersModel writes them).
    case CUSTOM_CLASS.minibatchStddev:
      return arity(1, 1) ?? { kind: 'minibatchStddev', params: { groupSize: typeof c.group_size === 'number' ? c.group_size : 0 } };
    case CUSTOM_CLASS.virtualBatchNorm:
      return arity(1, 1) ?? { kind: 'virtualBatchNorm', params: { epsilon: typeof c.epsilon === 'number' ? c.epsilon : 0.001 } };
    case CUSTOM_CLASS.sampling:
      return arity(1, 1) ?? { kind: 'sampling', params: {} };
    case CUSTOM_CLASS.attention: {
      const params: Record<string, unknown> = {};
      if (c.score !== undefined) params.score = c.score;
      if (c.scaled !== undefined) params.scaled = c.scaled;
      if (c.units !== undefined) params.units = c.units;
      return arity(2, 2) ?? { kind: 'attention', params };
    }
    case CUSTOM_CLASS.oneHot:
      return arity(1, 1) ?? { kind: 'oneHot', params: { depth: c.depth } };
    case CUSTOM_CLASS.positionalEncoding: {
      const params: Record<string, unknown> = {};
      if (c.encoding !== undefined) params.encoding = c.encoding;
      if (c.max_length !== undefined) params.maxLength = c.max_length;
      return arity(1, 1) ?? { kind: 'positionalEncoding', params };
    }
    case CUSTOM_CLASS.selfAttention: {
      const params: Record<string, unknown> = {};
      for (const [key, ours] of [['heads', 'heads'], ['ff_units', 'ffUnits'], ['causal', 'causal'], ['dropout', 'dropout']] as const) {
        if (c[key] !== undefined) params[ours] = c[key];
      }
      return arity(1, 1) ?? { kind: 'selfAttention', params };
    }
    case CUSTOM_CLASS.maskedConv2d: {
      const bad = arity(1, 1); if (bad) return bad;
      // Our layer carries our activation names (snake-cased in JSON), leakyRelu with slope 0.3.
      const activation = c.activation === 'leaky_relu' || c.activation === 'leakyRelu' ? 'leakyRelu' : activationOf(c.activation, ctx);
      if (typeof activation !== 'string') return activation;
      const params: Record<string, unknown> = { filters: c.filters, activation, useBias: c.use_bias !== false };
      if (c.kernel_size !== undefined) params.kernelSize = Array.isArray(c.kernel_size) ? c.kernel_size[0] : c.kernel_size;
      // tf.js's own toJSON() snake-cases string values: 'A' is written as 'a'.
      if (c.mask_type !== undefined) params.maskType = typeof c.mask_type === 'string' ? c.mask_type.toUpperCase() : c.mask_type;
      return { kind: 'maskedConv2d', params };
    }
    case 'Lambda':
      return { unsupported: 'a Lambda layer runs arbitrary Python code, which cannot be imported' };
    case 'Sequential':
    case 'Functional':
    case 'Model':
      return { unsupported: 'a nested model; import it on its own' };
    default:
      return { unsupported: `no layer kind of ours matches ${ctx.className}` };
  }
}

// ---------------------------------------------------------------------------
// Building the graph
// ---------------------------------------------------------------------------

function safeNodeId(name: string, used: Set<string>): string {
  let base = name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 56);
  if (base.length === 0) base = 'layer';
  let id = base;
  for (let i = 1; used.has(id); i++) id = `${base}_${i}`;
  used.add(id);
  return id;
}

function roleName(name: string, used: Set<string>): string {
  let base = name.replace(/[^A-Za-z0-9_]/g, '_');
  base = base.replace(/^[^A-Za-z]+/, '');
  base = base.length ? base[0]!.toLowerCase() + base.slice(1) : 'input';
  base = base.slice(0, 28);
  let n = base;
  for (let i = 1; used.has(n); i++) n = `${base}_${i}`;
  used.add(n);
  return n;
}

/** Entries in topological order, or the names on a cycle / unknown references as errors. */
function orderEntries(entries: LayerEntry[], errors: string[]): LayerEntry[] {
  const byName = new Map<string, LayerEntry>();
  for (const e of entries) {
    if (byName.has(e.name)) { errors.push(`Two layers are named '${e.name}'`); continue; }
    byName.set(e.name, e);
  }
  for (const e of entries) {
    for (const r of e.inputs) if (!byName.has(r.layer)) errors.push(`Layer '${e.name}' takes its input from '${r.layer}', which is not a layer of the model`);
  }
  if (errors.length > 0) return [];
  const indeg = new Map<string, number>(entries.map((e) => [e.name, e.inputs.length]));
  const consumers = new Map<string, string[]>(entries.map((e) => [e.name, []]));
  for (const e of entries) for (const r of e.inputs) consumers.get(r.layer)!.push(e.name);
  const queue = entries.filter((e) => e.inputs.length === 0).map((e) => e.name);
  const order: LayerEntry[] = [];
  while (queue.length) {
    const n = queue.shift()!;
    order.push(byName.get(n)!);
    for (const c of consumers.get(n)!) {
      const d = indeg.get(c)! - 1;
      indeg.set(c, d);
      if (d === 0) queue.push(c);
    }
  }
  if (order.length < entries.length) {
    const left = entries.filter((e) => !order.includes(e)).map((e) => `'${e.name}'`);
    errors.push(`The layers form a cycle through ${left.join(', ')}`);
    return [];
  }
  return order;
}

interface Pass {
  nodes: GraphNode[];
  edges: GraphEdge[];
  unsupported: UnsupportedLayer[];
  warnings: string[];
  deferred: number;
  idOf: Map<string, string>;
}

function buildPass(order: readonly LayerEntry[], shapes: ReadonlyMap<string, Shape>): Pass {
  const used = new Set<string>();
  const idOf = new Map<string, string>();
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const unsupported: UnsupportedLayer[] = [];
  const warnings: string[] = [];
  let deferred = 0;
  const dropped = new Set<string>();
  for (const e of order) {
    const bad = e.inputs.find((r) => dropped.has(r.layer));
    if (bad) {
      dropped.add(e.name);
      unsupported.push({ layer: e.name, className: e.className, reason: `its input '${bad.layer}' is unsupported` });
      continue;
    }
    if (e.structural) {
      dropped.add(e.name);
      unsupported.push({ layer: e.name, className: e.className, reason: e.structural });
      continue;
    }
    const layerWarnings: string[] = [];
    const ctx: MapContext = {
      name: e.name, className: e.className, config: e.config, inputCount: e.inputs.length,
      inputShapes: e.inputs.map((r) => shapes.get(r.layer)),
      warn: (m) => layerWarnings.push(m),
    };
    const m = mapLayer(ctx);
    if ('unsupported' in m || 'deferred' in m) {
      dropped.add(e.name);
      if ('deferred' in m) deferred++;
      unsupported.push({ layer: e.name, className: e.className, reason: 'unsupported' in m ? m.unsupported : m.deferred });
      continue;
    }
    warnings.push(...layerWarnings);
    const id = safeNodeId(e.name, used);
    idOf.set(e.name, id);
    const node: GraphNode = { id, kind: m.kind, params: m.params, label: e.synthetic ? 'Input' : `${e.name} (${e.className})` };
    nodes.push(node);
    e.inputs.forEach((r, port) => edges.push({ from: idOf.get(r.layer)!, to: id, toPort: port }));
  }
  return { nodes, edges, unsupported, warnings, deferred, idOf };
}

/** x = 220·depth (longest path from an input), y = 120·row (order among the nodes at that depth). */
function layout(nodes: GraphNode[], edges: readonly GraphEdge[]): void {
  const depth = new Map<string, number>();
  const rows = new Map<number, number>();
  for (const n of nodes) {
    const ins = edges.filter((e) => e.to === n.id).map((e) => depth.get(e.from) ?? 0);
    const d = ins.length === 0 ? 0 : 1 + Math.max(...ins);
    depth.set(n.id, d);
    const row = rows.get(d) ?? 0;
    rows.set(d, row + 1);
    n.position = { x: X_STEP * d, y: Y_STEP * row };
  }
}

/** Read a Keras / tf.js model architecture into a graph document. Never throws. */
export function importLayersModel(json: unknown): KerasImportResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  try {
    const model = modelConfigOf(json, errors);
    if (!model) return { unsupported: [], warnings, errors };
    const read = readLayers(model, errors, warnings);
    if (!read) return { unsupported: [], warnings, errors };
    const order = orderEntries(read.entries, errors);
    if (errors.length > 0) return { unsupported: [], warnings, errors };

    // Passes: a layer that needs its input's shape (a Reshape with -1, an
    // explicit positive axis) waits for the shapes the previous pass inferred.
    let shapes = new Map<string, Shape>();
    let pass = buildPass(order, shapes);
    for (let i = 0; i < order.length && pass.deferred > 0; i++) {
      const next = new Map<string, Shape>();
      try {
        const report = inferShapes({ format: GRAPH_FORMAT, version: GRAPH_VERSION, name: 'pass', nodes: pass.nodes, edges: pass.edges });
        const nameOf = new Map([...pass.idOf].map(([name, id]) => [id, name]));
        for (const n of report.nodes) next.set(nameOf.get(n.nodeId)!, n.outputShape);
      } catch { break; }
      if (next.size === shapes.size) break;
      shapes = next;
      const again = buildPass(order, shapes);
      if (again.nodes.length <= pass.nodes.length) { pass = again; break; }
      pass = again;
    }
    warnings.push(...pass.warnings);
    const outputs = read.outputs.filter((o) => !pass.idOf.has(o));
    if (outputs.length > 0 && pass.nodes.length > 0) {
      warnings.push(`Model output${outputs.length > 1 ? 's' : ''} ${outputs.map((o) => `'${o}'`).join(', ')} ${outputs.length > 1 ? 'are' : 'is'} not imported (unsupported)`);
    }
    const inputs = pass.nodes.filter((n) => n.kind === 'input');
    if (inputs.length === 0) {
      errors.push('No input layer could be imported');
      return { unsupported: pass.unsupported, warnings, errors };
    }
    // Role names: a single input keeps the default ('x'); several are named after their layers.
    if (inputs.length > 1) {
      const used = new Set<string>();
      for (const n of inputs) n.params = { ...n.params, name: roleName(n.id, used) };
    }
    layout(pass.nodes, pass.edges);
    const name = (read.name.trim() || 'imported').slice(0, 200);
    const parsed = graphDocumentSchema.safeParse({ format: GRAPH_FORMAT, version: GRAPH_VERSION, name, nodes: pass.nodes, edges: pass.edges });
    if (!parsed.success) {
      errors.push(`The imported graph is not a valid document: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return { unsupported: pass.unsupported, warnings, errors };
    }
    try {
      const report = inferShapes(parsed.data);
      for (const e of report.errors) warnings.push(`Imported graph: ${e.message}`);
    } catch (e) {
      warnings.push(`Imported graph: shape inference failed (${e instanceof Error ? e.message : String(e)})`);
    }
    return { graph: parsed.data, unsupported: pass.unsupported, warnings, errors };
  } catch (e) {
    errors.push(`Import failed: ${e instanceof Error ? e.message : String(e)}`);
    return { unsupported: [], warnings, errors };
  }
}
