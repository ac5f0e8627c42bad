/**
 * Default autoencoder architectures, as model documents with an 'encoder'
 * part (image → code of latentDim) and a 'decoder' part (code → image). Pure:
 * the services resolve templates with it, the editor opens the result.
 *
 * - mlp:  x → 256 relu → latentDim (linear); latentDim → 256 relu → |x| sigmoid.
 * - deep: Hinton & Salakhutdinov 2006, |x|-1000-500-250-latentDim with a linear
 *         code layer and the mirrored decoder (sigmoid output). Hidden units
 *         are ReLU rather than the paper's logistic units: without RBM
 *         pre-training, a deep logistic stack trains very slowly.
 * - conv: two stride-2 3×3 convolutions (16, 32 filters) and a dense code;
 *         the decoder mirrors them with transposed convolutions.
 */
import { GRAPH_VERSION, MODEL_FORMAT, type ModelDocument, type Shape } from '../../graph';
import { chain, formatShape, inputLayer, product, type ChainLayer } from '../../graphChain';
import type { AutoencoderTemplate } from './config';

const Y_ENCODER = 120;
const Y_DECODER = 320;


const ACT_LABEL: Record<string, string> = { relu: 'ReLU', sigmoid: 'sigmoid', linear: 'linear' };

function dense(id: string, units: number, activation: 'relu' | 'sigmoid' | 'linear'): ChainLayer {
  return { id, kind: 'dense', label: `Dense ${units} ${ACT_LABEL[activation]}`, params: { units, activation } };
}


function codeInput(latentDim: number): ChainLayer {
  return { id: 'code', kind: 'input', label: `Code ${latentDim}`, params: { shape: [latentDim] } };
}

function reshapeTo(shape: Shape): ChainLayer {
  return { id: 'image', kind: 'reshape', label: `Reshape ${formatShape(shape)}`, params: { targetShape: [...shape] } };
}

/** A dense encoder |x| → hidden… → latentDim (linear) and its mirror image. */
function denseParts(name: string, inputShape: Shape, hidden: readonly number[], latentDim: number): ModelDocument {
  const pixels = product(inputShape);
  const encoder = chain(`${name} encoder`, [
    inputLayer(inputShape),
    { id: 'flatten', kind: 'flatten', label: 'Flatten', params: {} },
    ...hidden.map((u, i) => dense(`enc${i + 1}`, u, 'relu')),
    dense('latent', latentDim, 'linear'),
  ], Y_ENCODER);
  const mirrored = [...hidden].reverse();
  const decoder = chain(`${name} decoder`, [
    codeInput(latentDim),
    ...mirrored.map((u, i) => dense(`dec${i + 1}`, u, 'relu')),
    dense('output', pixels, 'sigmoid'),
    reshapeTo(inputShape),
  ], Y_DECODER);
  return { format: MODEL_FORMAT, version: GRAPH_VERSION, name, parts: { encoder, decoder } };
}

/** Spatial size after a stride-2 'same' convolution. */
const half = (n: number): number => Math.ceil(n / 2);

/**
 * The convolutional template, for [h, w, c] images (28×28×1 for MNIST: 28 → 14 → 7 and back).
 * Heights and widths not divisible by 4 do not come back to the input size; checkEncoderDecoder says so.
 */
function convParts(name: string, inputShape: Shape, latentDim: number): ModelDocument {
  const [h = 1, w = 1, c = 1] = inputShape.length === 3 ? inputShape : [inputShape[0] ?? 1, 1, 1];
  const h4 = half(half(h));
  const w4 = half(half(w));
  const conv = (id: string, kind: 'conv2d' | 'conv2dTranspose', filters: number, activation: 'relu' | 'sigmoid'): ChainLayer => ({
    id, kind,
    label: `${kind === 'conv2d' ? 'Conv' : 'Conv transpose'} ${filters}@3×3 s2 ${ACT_LABEL[activation]}`,
    params: { filters, kernelSize: 3, strides: 2, padding: 'same', activation },
  });
  const encoder = chain(`${name} encoder`, [
    inputLayer(inputShape),
    conv('conv1', 'conv2d', 16, 'relu'),
    conv('conv2', 'conv2d', 32, 'relu'),
    { id: 'flatten', kind: 'flatten', label: 'Flatten', params: {} },
    dense('latent', latentDim, 'linear'),
  ], Y_ENCODER);
  const decoder = chain(`${name} decoder`, [
    codeInput(latentDim),
    dense('project', h4 * w4 * 32, 'relu'),
    { id: 'unflatten', kind: 'reshape', label: `Reshape ${h4}×${w4}×32`, params: { targetShape: [h4, w4, 32] } },
    conv('deconv1', 'conv2dTranspose', 16, 'relu'),
    conv('deconv2', 'conv2dTranspose', c, 'sigmoid'),
  ], Y_DECODER);
  return { format: MODEL_FORMAT, version: GRAPH_VERSION, name, parts: { encoder, decoder } };
}

/** The template `name` for images of `inputShape` and a code of `latentDim` units. */
export function autoencoderTemplate(name: AutoencoderTemplate, inputShape: Shape, latentDim: number): ModelDocument {
  const pixels = product(inputShape);
  switch (name) {
    case 'mlp':
      return denseParts(`AE MLP ${pixels}-256-${latentDim}`, inputShape, [256], latentDim);
    case 'deep':
      return denseParts(`Deep AE ${pixels}-1000-500-250-${latentDim}`, inputShape, [1000, 500, 250], latentDim);
    case 'conv':
      return convParts(`Conv AE ${formatShape(inputShape)}-${latentDim}`, inputShape, latentDim);
  }
}
