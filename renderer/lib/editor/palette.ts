/**
 * The editor's layer palette: ordered groups of items to drag onto the
 * canvas, each a layer kind with the parameters a freshly dropped node gets
 * (presets are items of an existing kind with other defaults, e.g. a softmax
 * output head is a dense layer). UI-only data, so it lives with the editor.
 *
 * Every kind of layerParamSchemas appears in some group, and every item's
 * defaults parse with its kind's schema (test/unit/workers/layerKinds.test.ts).
 */
import type { LayerKind } from '../../../workers/common/layers';

export interface PaletteItem {
  kind: LayerKind;
  title: string;
  /** One line, for the palette's tooltip. */
  description: string;
  /** Params of a freshly dropped node (the schema fills in the rest). */
  defaults: Record<string, unknown>;
  /** Set on presets: the node's label when dropped, e.g. 'Softmax head'. */
  preset?: string;
}

export interface PaletteGroup {
  id: string;
  title: string;
  items: PaletteItem[];
}

const item = (kind: LayerKind, title: string, description: string, defaults: Record<string, unknown> = {}): PaletteItem => ({ kind, title, description, defaults });
const preset = (kind: LayerKind, title: string, description: string, defaults: Record<string, unknown>): PaletteItem => ({ kind, title, description, defaults, preset: title });

export const paletteGroups: readonly PaletteGroup[] = [
  {
    id: 'input', title: 'Input',
    items: [item('input', 'Input', 'One example without the batch dimension, e.g. [28, 28, 1]; name it for multi-input graphs', { shape: [28, 28, 1] })],
  },
  {
    id: 'dense', title: 'Dense & heads',
    items: [
      item('dense', 'Dense', 'Fully connected layer on a vector (or per step on a [T, F] sequence)', { units: 64, activation: 'relu' }),
      preset('dense', 'Softmax head', 'Class probabilities: dense with softmax, one unit per class', { units: 10, activation: 'softmax' }),
      preset('dense', 'Sigmoid head', 'Independent probabilities (binary or multi-label): dense with sigmoid', { units: 1, activation: 'sigmoid' }),
      preset('dense', 'Linear head', 'Unbounded outputs (regression, logits): dense without activation', { units: 1, activation: 'linear' }),
    ],
  },
  {
    id: 'convolution', title: 'Convolution',
    items: [
      item('conv2d', 'Conv 2D', '2-D convolution over an [h, w, c] map', { filters: 32, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' }),
      item('conv2dTranspose', 'Conv 2D transpose', 'Transposed convolution: learnt upsampling of an [h, w, c] map', { filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
      item('maskedConv2d', 'Masked conv 2D', 'PixelCNN causal convolution: each pixel sees only the pixels above and to its left (mask A hides itself)', { filters: 32, kernelSize: 3, maskType: 'B', activation: 'relu' }),
      item('upSampling2d', 'Upsampling 2D', 'Repeat rows and columns to enlarge an [h, w, c] map (no weights)', { size: 2 }),
    ],
  },
  {
    id: 'pooling', title: 'Pooling',
    items: [
      item('maxPool2d', 'Max pool 2D', 'Maximum over each window of an [h, w, c] map', { poolSize: 2 }),
      item('avgPool2d', 'Average pool 2D', 'Mean over each window of an [h, w, c] map', { poolSize: 2 }),
      item('globalAvgPool2d', 'Global average pool', '[h, w, c] → [c]: the mean of each channel over the map'),
      item('globalMaxPool2d', 'Global max pool', '[h, w, c] → [c]: the maximum of each channel over the map'),
    ],
  },
  {
    id: 'normalisation', title: 'Normalisation',
    items: [
      item('batchNorm', 'Batch norm', 'Normalise each channel with batch statistics (moving averages at inference)', { momentum: 0.99, epsilon: 0.001 }),
      item('layerNorm', 'Layer norm', 'Normalise each example over its last axis (γ, β per feature)', { epsilon: 0.001 }),
      item('virtualBatchNorm', 'Virtual batch norm', 'Normalise with a fixed reference batch plus the example itself (GAN generators)', { epsilon: 0.001 }),
      item('minibatchStddev', 'Minibatch stddev', 'Append the batch\'s feature standard deviation as one more channel (GAN discriminators)', { groupSize: 0 }),
    ],
  },
  {
    id: 'activation', title: 'Activation & dropout',
    items: [
      item('activation', 'Activation', 'Apply an activation function element-wise', { activation: 'relu' }),
      item('dropout', 'Dropout', 'Zero a random fraction of the values while training', { rate: 0.5 }),
    ],
  },
  {
    id: 'shape', title: 'Shape & merge',
    items: [
      item('reshape', 'Reshape', 'Reinterpret the values with another shape of the same size', { targetShape: [784] }),
      item('flatten', 'Flatten', 'Turn a map or sequence into one vector'),
      item('concat', 'Concat', 'Join 2–16 inputs along the last axis (ports in order)'),
      item('add', 'Add', 'Sum 2–16 inputs of the same shape: residual connections'),
    ],
  },
  {
    id: 'sequence', title: 'Sequence',
    items: [
      item('embedding', 'Embedding', 'Token ids [T] → vectors [T, d]', { inputDim: 1000, outputDim: 32 }),
      item('oneHot', 'One-hot', 'Token ids [T] → one-hot vectors [T, depth] (no weights)', { depth: 100 }),
      item('positionalEncoding', 'Positional encoding', 'Add each step\'s position code to a [T, d] sequence: fixed sines and cosines, or a learned table', { encoding: 'sinusoidal', maxLength: 512 }),
      item('selfAttention', 'Self-attention block', 'Pre-norm transformer block [T, d] → [T, d]: multi-head self-attention then a feed-forward net, each with a residual', { heads: 4, ffUnits: 256, causal: false }),
      preset('selfAttention', 'Causal self-attention', 'Transformer block where each step attends only to itself and earlier steps (language models)', { heads: 4, ffUnits: 256, causal: true }),
      item('simpleRnn', 'Simple RNN', 'Elman recurrent layer over a [T, F] sequence', { units: 32 }),
      item('lstm', 'LSTM', 'Long short-term memory over a [T, F] sequence', { units: 32 }),
      item('gru', 'GRU', 'Gated recurrent unit over a [T, F] sequence', { units: 32 }),
      preset('lstm', 'Bidirectional LSTM', 'An LSTM run forwards and backwards over the sequence, the two concatenated', { units: 32, bidirectional: true, mergeMode: 'concat' }),
      item('attention', 'Attention', 'Each query step attends over the value sequence (port 0 query, port 1 value)', { score: 'dot', scaled: true }),
      preset('attention', 'Luong attention', "Attention with Luong's general score qᵀWk (a learned W [d, d]; port 0 query, port 1 value)", { score: 'general' }),
    ],
  },
  {
    id: 'generative', title: 'Generative',
    items: [item('sampling', 'Sampling', 'Reparameterisation: [2·d] (μ, log σ²) → z = μ + σ·ε, [d]')],
  },
];

export interface LayerPorts {
  /** Input handles the editor draws for a new node of the kind. */
  count: number;
  /** A label per handle, by port. */
  labels: string[];
}

/**
 * The input handles a node of `kind` gets by default: none for an input,
 * two for the multi-input kinds (concat and add take up to 16: the editor
 * may add handles), else one.
 */
export function layerPorts(kind: LayerKind): LayerPorts {
  switch (kind) {
    case 'input': return { count: 0, labels: [] };
    case 'attention': return { count: 2, labels: ['query', 'value'] };
    case 'concat':
    case 'add': return { count: 2, labels: ['0', '1'] };
    default: return { count: 1, labels: ['in'] };
  }
}
