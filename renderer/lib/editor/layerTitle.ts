/**
 * A layer's title on the canvas and in the layer table, read off its kind and
 * parameters (as Netron shows a node's type and attributes), so that it can
 * never contradict them: a stored label such as "Conv 6@5×5" went stale the
 * moment the filters changed. The stored label stays the layer's *name*
 * (`layerName`): shown under the title when it names a role ("Softmax head",
 * "Context ⧺ decoder") rather than restating parameters.
 */
import { z } from 'zod';
import { isLayerKind, layerParamSchemas, toPair, type Activation, type LayerKind, type LayerParams } from '../../../workers/common/layers';

const ACTIVATION_LABEL: Record<Activation, string> = {
  linear: 'linear', relu: 'ReLU', sigmoid: 'sigmoid', tanh: 'tanh', softmax: 'softmax', elu: 'ELU', selu: 'SELU', leakyRelu: 'LeakyReLU',
};

/** What a kind is called when its parameters do not parse (the node shows the error). */
const KIND_NAME: Record<LayerKind, string> = {
  input: 'Input', dense: 'Dense', conv2d: 'Conv', maxPool2d: 'Max pool', avgPool2d: 'Avg pool', conv2dTranspose: 'ConvT',
  upSampling2d: 'Upsample', flatten: 'Flatten', dropout: 'Dropout', activation: 'Activation', batchNorm: 'Batch norm',
  reshape: 'Reshape', concat: 'Concat', minibatchStddev: 'Minibatch stddev', virtualBatchNorm: 'Virtual batch norm', add: 'Add',
  globalAvgPool2d: 'Global avg pool', globalMaxPool2d: 'Global max pool', layerNorm: 'Layer norm', embedding: 'Embedding',
  oneHot: 'One-hot', positionalEncoding: 'Positions', selfAttention: 'Self-attention', simpleRnn: 'RNN', lstm: 'LSTM', gru: 'GRU',
  attention: 'Attention', maskedConv2d: 'Masked conv', sampling: 'Sampling',
};

type Pair = number | readonly [number, number];
const dims = (shape: readonly number[]): string => shape.join('×');
const size = (v: Pair): string => dims(toPair(v));
/** An activation as a suffix: nothing for linear (the default of every kind that has one). */
const act = (a: Activation): string => (a === 'linear' ? '' : ` ${ACTIVATION_LABEL[a]}`);
/** A stride as a suffix: nothing for 1×1. */
const stride = (s: Pair): string => {
  const [a, b] = toPair(s);
  if (a === 1 && b === 1) return '';
  return a === b ? ` s${a}` : ` s${a}×${b}`;
};

function convTitle(name: string, p: LayerParams<'conv2d'>): string {
  return `${name} ${p.filters}@${size(p.kernelSize)}${stride(p.strides)} ${p.padding}${act(p.activation)}`;
}

function poolTitle(name: string, p: LayerParams<'maxPool2d'>): string {
  const s = p.strides === undefined ? '' : stride(p.strides);
  return `${name} ${size(p.poolSize)}${s}${p.padding === 'same' ? ' same' : ''}`;
}

function recurrentTitle(name: string, p: LayerParams<'simpleRnn'>): string {
  const bi = p.bidirectional ? `Bi-${name}${p.mergeMode === 'concat' ? '' : ` (${p.mergeMode})`}` : name;
  return `${bi} ${p.units}${p.activation === 'tanh' ? '' : act(p.activation)}${p.returnSequences ? ' · all steps' : ''}`;
}

/** One title function per kind, on the kind's parsed parameters (defaults filled in). */
const titles: { [K in LayerKind]: (p: LayerParams<K>) => string } = {
  input: (p) => `Input ${dims(p.shape)}${p.name === 'x' ? '' : ` (${p.name})`}`,
  dense: (p) => `Dense ${p.units}${act(p.activation)}`,
  conv2d: (p) => convTitle('Conv', p),
  conv2dTranspose: (p) => convTitle('ConvT', p),
  maskedConv2d: (p) => `Masked conv ${p.maskType} ${p.filters}@${p.kernelSize}×${p.kernelSize}${act(p.activation)}`,
  maxPool2d: (p) => poolTitle('Max pool', p),
  avgPool2d: (p) => poolTitle('Avg pool', p),
  upSampling2d: (p) => `Upsample ×${size(p.size)}`,
  flatten: () => 'Flatten',
  dropout: (p) => `Dropout ${p.rate}`,
  activation: (p) => ACTIVATION_LABEL[p.activation],
  batchNorm: () => 'Batch norm',
  layerNorm: () => 'Layer norm',
  virtualBatchNorm: () => 'Virtual batch norm',
  minibatchStddev: (p) => `Minibatch stddev${p.groupSize === 0 ? '' : ` (groups of ${p.groupSize})`}`,
  reshape: (p) => `Reshape ${dims(p.targetShape)}`,
  concat: () => 'Concat',
  add: () => 'Add',
  globalAvgPool2d: () => 'Global avg pool',
  globalMaxPool2d: () => 'Global max pool',
  embedding: (p) => `Embedding ${p.inputDim}→${p.outputDim}`,
  oneHot: (p) => `One-hot ${p.depth}`,
  positionalEncoding: (p) => (p.encoding === 'sinusoidal' ? 'Sinusoidal positions' : `Learned positions ≤${p.maxLength}`),
  selfAttention: (p) => `${p.causal ? 'Causal self-attention' : 'Self-attention'} ×${p.heads}`,
  simpleRnn: (p) => recurrentTitle('RNN', p),
  lstm: (p) => recurrentTitle('LSTM', p),
  gru: (p) => recurrentTitle('GRU', p),
  attention: (p) => `Attention (${p.score === 'additive' ? `additive ${p.units}` : p.score === 'dot' && p.scaled ? 'scaled dot' : p.score})`,
  sampling: () => 'Sampling',
};

/** The catalogue's schemas, typed per kind so that a kind's parsed parameters meet its title function. */
const schemas: { [K in LayerKind]: z.ZodType<LayerParams<K>> } = layerParamSchemas;

function titleOfKind<K extends LayerKind>(kind: K, params: unknown): string {
  const parsed = schemas[kind].safeParse(params);
  return parsed.success ? titles[kind](parsed.data) : KIND_NAME[kind];
}

/** The title of a layer: "Conv 32@5×5 same ReLU", "Dense 10 softmax", "Max pool 2×2"; an unknown kind is its kind. */
export function layerTitle(layer: { kind: string; params: unknown }): string {
  return isLayerKind(layer.kind) ? titleOfKind(layer.kind, layer.params) : layer.kind;
}

/**
 * The layer's stored label when it names the layer rather than restating
 * parameters, else undefined. A label with a number in it ("Conv 6@5×5",
 * "Dense 120 ReLU", "Tokens [32]") describes what the title now says from
 * the parameters themselves, and may be stale; one equal to the title adds
 * nothing. The full label stays in the node's tooltip and the property panel.
 */
export function layerName(layer: { kind: string; params: unknown; label?: string }): string | undefined {
  const label = layer.label?.trim();
  if (!label || /\d/.test(label)) return undefined;
  return label.toLowerCase() === layerTitle(layer).toLowerCase() ? undefined : label;
}
