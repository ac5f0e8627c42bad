/**
 * Default variational-autoencoder architectures, as model documents with an
 * 'encoder' part (image → [2·latentDim]: μ then log σ², linear) and a
 * 'decoder' part ([latentDim] → image-shaped LOGITS; the VAE family applies
 * the sigmoid, or computes the Bernoulli log-likelihood from the logits). Pure.
 *
 * - 'mlp': Kingma & Welling 2014 style, one hidden layer of 400 ReLU units in
 *   each part.
 * - 'conv': two stride-2 3×3 convolutions (32, 64) down, two stride-2 3×3
 *   transposed convolutions (32, channels) up; height and width must be
 *   multiples of 4.
 */
import { GRAPH_VERSION, MODEL_FORMAT, type ModelDocument, type Shape } from '../../graph';
import { chain, formatShape, inputLayer, product, type ChainLayer } from '../../graphChain';
import type { VaeTemplate } from './config';

const HIDDEN = 400;




function codeLayer(latentDim: number): ChainLayer {
  return { id: 'code', kind: 'dense', label: `Dense ${2 * latentDim} linear (μ, log σ²)`, params: { units: 2 * latentDim, activation: 'linear' } };
}

function mlp(inputShape: Shape, latentDim: number): ModelDocument {
  const d = product(inputShape);
  const encoder = chain(`VAE encoder ${d}-${HIDDEN}-${2 * latentDim}`, [
    inputLayer(inputShape),
    { id: 'flatten', kind: 'flatten', label: 'Flatten', params: {} },
    { id: 'hidden', kind: 'dense', label: `Dense ${HIDDEN} ReLU`, params: { units: HIDDEN, activation: 'relu' } },
    codeLayer(latentDim),
  ]);
  const decoder = chain(`VAE decoder ${latentDim}-${HIDDEN}-${d}`, [
    inputLayer([latentDim]),
    { id: 'hidden', kind: 'dense', label: `Dense ${HIDDEN} ReLU`, params: { units: HIDDEN, activation: 'relu' } },
    { id: 'logits', kind: 'dense', label: `Dense ${d} linear (logits)`, params: { units: d, activation: 'linear' } },
    { id: 'reshape', kind: 'reshape', label: `Reshape ${formatShape(inputShape)}`, params: { targetShape: [...inputShape] } },
  ]);
  return { format: MODEL_FORMAT, version: GRAPH_VERSION, name: `VAE MLP (latent ${latentDim})`, parts: { encoder, decoder } };
}

function conv(inputShape: Shape, latentDim: number): ModelDocument {
  if (inputShape.length !== 3) throw new Error(`The conv VAE template needs [height, width, channels] images, got [${inputShape.join(', ')}]`);
  const [h, w, c] = inputShape as [number, number, number];
  if (h % 4 !== 0 || w % 4 !== 0) throw new Error(`The conv VAE template needs a height and width divisible by 4, got ${h}×${w}`);
  const h4 = h / 4;
  const w4 = w / 4;
  const convParams = (filters: number, activation: string): Record<string, unknown> => ({ filters, kernelSize: 3, strides: 2, padding: 'same', activation });
  const encoder = chain(`VAE conv encoder (latent ${latentDim})`, [
    inputLayer(inputShape),
    { id: 'conv1', kind: 'conv2d', label: 'Conv 32@3×3 s2 same ReLU', params: convParams(32, 'relu') },
    { id: 'conv2', kind: 'conv2d', label: 'Conv 64@3×3 s2 same ReLU', params: convParams(64, 'relu') },
    { id: 'flatten', kind: 'flatten', label: 'Flatten', params: {} },
    codeLayer(latentDim),
  ]);
  const decoder = chain(`VAE conv decoder (latent ${latentDim})`, [
    inputLayer([latentDim]),
    { id: 'project', kind: 'dense', label: `Dense ${h4 * w4 * 64} ReLU`, params: { units: h4 * w4 * 64, activation: 'relu' } },
    { id: 'reshape', kind: 'reshape', label: `Reshape ${h4}×${w4}×64`, params: { targetShape: [h4, w4, 64] } },
    { id: 'deconv1', kind: 'conv2dTranspose', label: 'ConvT 32@3×3 s2 same ReLU', params: convParams(32, 'relu') },
    { id: 'logits', kind: 'conv2dTranspose', label: `ConvT ${c}@3×3 s2 same linear (logits)`, params: convParams(c, 'linear') },
  ]);
  return { format: MODEL_FORMAT, version: GRAPH_VERSION, name: `VAE conv (latent ${latentDim})`, parts: { encoder, decoder } };
}

/** A fresh VAE model document for `inputShape` images and a `latentDim`-dimensional latent. */
export function vaeTemplate(name: VaeTemplate, inputShape: Shape, latentDim: number): ModelDocument {
  if (!Number.isInteger(latentDim) || latentDim < 1) throw new Error(`latentDim must be a whole number ≥ 1, got ${latentDim}`);
  switch (name) {
    case 'mlp': return mlp(inputShape, latentDim);
    case 'conv': return conv(inputShape, latentDim);
  }
}
