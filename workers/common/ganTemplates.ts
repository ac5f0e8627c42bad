/**
 * Default GAN architectures, as model documents with a 'generator' part
 * ([latentDim] noise → one data example) and a 'discriminator' part (one
 * example → [1], a LINEAR logit / critic value: the GAN family applies the
 * sigmoid where a loss needs it). Pure.
 *
 * - 'mlp': G dense 256 ReLU → dense D tanh (linear for flat data such as
 *   the 2-D toys) → reshape; D flatten → dense 256 LeakyReLU → dense 1
 *   (Goodfellow et al. 2014 style).
 * - 'dcgan': Radford et al. 2016 for 28×28 (height and width divisible by 4):
 *   G dense (h/4)(w/4)·128 → batch norm → ReLU → reshape → transposed conv
 *   64@4×4 s2 → batch norm → ReLU → transposed conv c@4×4 s2 tanh; D conv
 *   64@4×4 s2 LeakyReLU → conv 128@4×4 s2 → batch norm → LeakyReLU →
 *   flatten → dense 1.
 * - 'toy-mlp': for 2-D toy data: G latent → 128 ReLU → 128 ReLU → 2 linear;
 *   D 2 → 128 ReLU → 128 ReLU → 1.
 *
 * Image generators end in tanh: the GAN family scales pixels to [−1, 1].
 *
 * Options (the stabilising tricks that live in the architecture):
 * - minibatchStddev (Karras et al. 2018): D gets a minibatch standard-deviation
 *   layer ('mbstd') before its last dense layer (mlp, toy-mlp) or before its
 *   flatten (dcgan).
 * - virtualBatchNorm (Salimans et al. 2016): G's batch norms become virtual
 *   batch norms (dcgan); the MLP generators, which have none, get one after
 *   each hidden dense layer, before its activation.
 */
import { GRAPH_VERSION, MODEL_FORMAT, type ModelDocument, type Shape } from './graph';
import { chain, formatShape, inputLayer, product, type ChainLayer } from './graphChain';
import type { GanTemplate } from './runConfig';

const HIDDEN = 256;
const TOY_HIDDEN = 128;

const dense = (id: string, units: number, activation: string, label?: string): ChainLayer => ({ id, kind: 'dense', label: label ?? `Dense ${units} ${activation}`, params: { units, activation } });
const logit: ChainLayer = dense('logit', 1, 'linear', 'Dense 1 linear (logit)');

export interface GanTemplateOptions {
  /** Insert a minibatch standard-deviation layer in the discriminator. */
  minibatchStddev?: boolean;
  /** Use virtual batch norm in the generator. */
  virtualBatchNorm?: boolean;
}

const mbstd: ChainLayer = { id: 'mbstd', kind: 'minibatchStddev', label: 'Minibatch stddev', params: { groupSize: 0 } };
const vbn = (id: string): ChainLayer => ({ id, kind: 'virtualBatchNorm', label: 'Virtual batch norm', params: { epsilon: 0.001 } });
const relu = (id: string): ChainLayer => ({ id, kind: 'activation', label: 'ReLU', params: { activation: 'relu' } });
/** A hidden generator layer: dense with its activation, or dense → virtual batch norm → activation. */
const hiddenG = (id: string, units: number, o: GanTemplateOptions): ChainLayer[] => (o.virtualBatchNorm
  ? [dense(id, units, 'linear'), vbn(`${id}_vbn`), relu(`${id}_relu`)]
  : [dense(id, units, 'relu')]);


function mlp(dataShape: Shape, latentDim: number, o: GanTemplateOptions): ModelDocument {
  const d = product(dataShape);
  const generator = chain(`GAN generator ${latentDim}-${HIDDEN}-${d}`, [
    inputLayer([latentDim]),
    ...hiddenG('hidden', HIDDEN, o),
    // Images are scaled to [−1, 1] (tanh); flat data (the 2-D toys) is unbounded (linear).
    dense('out', d, dataShape.length > 1 ? 'tanh' : 'linear'),
    { id: 'reshape', kind: 'reshape', label: `Reshape ${formatShape(dataShape)}`, params: { targetShape: [...dataShape] } },
  ]);
  const discriminator = chain(`GAN discriminator ${d}-${HIDDEN}-1`, [
    inputLayer(dataShape),
    { id: 'flatten', kind: 'flatten', label: 'Flatten', params: {} },
    dense('hidden', HIDDEN, 'leakyRelu'),
    ...(o.minibatchStddev ? [mbstd] : []),
    logit,
  ]);
  return { format: MODEL_FORMAT, version: GRAPH_VERSION, name: `GAN MLP (noise ${latentDim})`, parts: { generator, discriminator } };
}

function dcgan(dataShape: Shape, latentDim: number, o: GanTemplateOptions): ModelDocument {
  if (dataShape.length !== 3) throw new Error(`The DCGAN template needs [height, width, channels] images, got [${dataShape.join(', ')}]`);
  const [h, w, c] = dataShape as [number, number, number];
  if (h % 4 !== 0 || w % 4 !== 0) throw new Error(`The DCGAN template needs a height and width divisible by 4, got ${h}×${w}`);
  const h4 = h / 4;
  const w4 = w / 4;
  const conv = (kind: 'conv2d' | 'conv2dTranspose', id: string, filters: number, activation: string): ChainLayer => ({
    id, kind, label: `${kind === 'conv2d' ? 'Conv' : 'ConvT'} ${filters}@4×4 s2 same ${activation}`,
    params: { filters, kernelSize: 4, strides: 2, padding: 'same', activation },
  });
  const bn = (id: string): ChainLayer => ({ id, kind: 'batchNorm', label: 'Batch norm', params: { momentum: 0.9, epsilon: 0.001 } });
  const gbn = (id: string): ChainLayer => (o.virtualBatchNorm ? vbn(id) : bn(id));
  const act = (id: string, activation: string): ChainLayer => ({ id, kind: 'activation', label: activation === 'relu' ? 'ReLU' : 'LeakyReLU', params: { activation } });
  const generator = chain(`DCGAN generator (noise ${latentDim})`, [
    inputLayer([latentDim]),
    dense('project', h4 * w4 * 128, 'linear', `Dense ${h4 * w4 * 128} linear`),
    gbn('bn0'),
    act('relu0', 'relu'),
    { id: 'reshape', kind: 'reshape', label: `Reshape ${h4}×${w4}×128`, params: { targetShape: [h4, w4, 128] } },
    conv('conv2dTranspose', 'deconv1', 64, 'linear'),
    gbn('bn1'),
    act('relu1', 'relu'),
    conv('conv2dTranspose', 'out', c, 'tanh'),
  ]);
  const discriminator = chain('DCGAN discriminator', [
    inputLayer(dataShape),
    conv('conv2d', 'conv1', 64, 'leakyRelu'),
    conv('conv2d', 'conv2', 128, 'linear'),
    bn('bn2'),
    act('leaky2', 'leakyRelu'),
    ...(o.minibatchStddev ? [mbstd] : []),
    { id: 'flatten', kind: 'flatten', label: 'Flatten', params: {} },
    logit,
  ]);
  return { format: MODEL_FORMAT, version: GRAPH_VERSION, name: `DCGAN (noise ${latentDim})`, parts: { generator, discriminator } };
}

function toyMlp(dataShape: Shape, latentDim: number, o: GanTemplateOptions): ModelDocument {
  if (dataShape.length !== 1) throw new Error(`The toy-mlp GAN template is for flat (2-D toy) data, got [${dataShape.join(', ')}]`);
  const d = dataShape[0]!;
  const generator = chain(`Toy generator ${latentDim}-${TOY_HIDDEN}-${TOY_HIDDEN}-${d}`, [
    inputLayer([latentDim]), ...hiddenG('hidden1', TOY_HIDDEN, o), ...hiddenG('hidden2', TOY_HIDDEN, o), dense('out', d, 'linear'),
  ]);
  const discriminator = chain(`Toy discriminator ${d}-${TOY_HIDDEN}-${TOY_HIDDEN}-1`, [
    inputLayer([d]), dense('hidden1', TOY_HIDDEN, 'relu'), dense('hidden2', TOY_HIDDEN, 'relu'), ...(o.minibatchStddev ? [mbstd] : []), logit,
  ]);
  return { format: MODEL_FORMAT, version: GRAPH_VERSION, name: `Toy GAN MLP (noise ${latentDim})`, parts: { generator, discriminator } };
}

/** A fresh GAN model document for `dataShape` examples and `latentDim`-dimensional noise. */
export function ganTemplate(name: GanTemplate, dataShape: Shape, latentDim: number, options: GanTemplateOptions = {}): ModelDocument {
  if (!Number.isInteger(latentDim) || latentDim < 1) throw new Error(`latentDim must be a whole number ≥ 1, got ${latentDim}`);
  switch (name) {
    case 'mlp': return mlp(dataShape, latentDim, options);
    case 'dcgan': return dcgan(dataShape, latentDim, options);
    case 'toy-mlp': return toyMlp(dataShape, latentDim, options);
  }
}
