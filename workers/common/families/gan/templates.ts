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
 * - conditioning (with numClasses C), the class-conditional variants of 'mlp'
 *   and 'dcgan' (the 2-D toys have no labels, so 'toy-mlp' has none). G has
 *   two inputs, noise 'z' [latentDim] and one-hot label 'y' [C], joined by a
 *   concat ([latentDim + C]) before the first dense layer (Mirza & Osindero
 *   2014). 'cgan': D has inputs 'x' (the example) and 'y', and outputs one
 *   logit. The MLP's D is Mirza & Osindero's: the flattened image to a hidden
 *   layer (256 LeakyReLU), the label to one of its own (256 linear), the two
 *   concatenated into a joint hidden layer (256 LeakyReLU). Measured on 2000
 *   MNIST images (wasm, batch 32, learning rate 2e-3): concatenating the
 *   one-hot label with the flattened image in front of the single hidden layer
 *   leaves the label only a per-class bias of each unit, and such a D never
 *   learnt to use it (conditional accuracy at chance after 1900 steps); with
 *   a second hidden layer it reached 0.3 after ~1600 steps, with the label's
 *   own layer 0.4 after 500. The DCGAN's D maps y by a dense layer to h·w
 *   values, reshapes them to an [h, w, 1] map and concats it with the image as
 *   one more channel. 'acgan' (Odena et al. 2017): D takes only the example
 *   and its last dense layer has 1 + C units (the source logit, then the
 *   class logits).
 */
import { GRAPH_VERSION, MODEL_FORMAT, type ModelDocument, type Shape } from '../../graph';
import { chain, dag, formatShape, inputLayer, namedInput, product, type ChainLayer, type DagLayer } from '../../graphChain';
import type { GanConditioning, GanTemplate } from './config';

const HIDDEN = 256;
const TOY_HIDDEN = 128;

const dense = (id: string, units: number, activation: string, label?: string): ChainLayer => ({ id, kind: 'dense', label: label ?? `Dense ${units} ${activation}`, params: { units, activation } });
const logit: ChainLayer = dense('logit', 1, 'linear', 'Dense 1 linear (logit)');

export interface GanTemplateOptions {
  /** Insert a minibatch standard-deviation layer in the discriminator. */
  minibatchStddev?: boolean;
  /** Use virtual batch norm in the generator. */
  virtualBatchNorm?: boolean;
  /** The class-conditional variant ('none' = unconditional, the default). */
  conditioning?: GanConditioning;
  /** Classes of the one-hot label; required when conditioning is on. */
  numClasses?: number;
}

/** The conditional networks' input role names (the GAN family feeds them by these). */
export const GAN_NOISE_INPUT = 'z';
export const GAN_LABEL_INPUT = 'y';
export const GAN_DATA_INPUT = 'x';

const noiseInput = (latentDim: number): ChainLayer => namedInput(GAN_NOISE_INPUT, [latentDim], 'Noise');
const labelInput = (c: number): DagLayer => ({ ...namedInput(GAN_LABEL_INPUT, [c], 'Label (one-hot)'), row: 1 });
const dataInput = (shape: Shape): ChainLayer => namedInput(GAN_DATA_INPUT, shape, 'Input');
const concat = (id: string, from: string[], label: string): DagLayer => ({ id, kind: 'concat', label, params: {}, from });
/** AC-GAN's discriminator output: the source logit, then numClasses class logits. */
const acLogits = (c: number): ChainLayer => dense('logit', 1 + c, 'linear', `Dense ${1 + c} linear (source logit, ${c} class logits)`);

/** The conditional generator's head: z and y joined ([latentDim + C]), feeding the next layer. */
function conditionalGeneratorHead(latentDim: number, c: number): DagLayer[] {
  return [noiseInput(latentDim), labelInput(c), concat('zy', [GAN_NOISE_INPUT, GAN_LABEL_INPUT], `Concat noise + label [${latentDim + c}]`)];
}

const mbstd: ChainLayer = { id: 'mbstd', kind: 'minibatchStddev', label: 'Minibatch stddev', params: { groupSize: 0 } };
const vbn = (id: string): ChainLayer => ({ id, kind: 'virtualBatchNorm', label: 'Virtual batch norm', params: { epsilon: 0.001 } });
const relu = (id: string): ChainLayer => ({ id, kind: 'activation', label: 'ReLU', params: { activation: 'relu' } });
/** A hidden generator layer: dense with its activation, or dense → virtual batch norm → activation. */
const hiddenG = (id: string, units: number, o: GanTemplateOptions): ChainLayer[] => (o.virtualBatchNorm
  ? [dense(id, units, 'linear'), vbn(`${id}_vbn`), relu(`${id}_relu`)]
  : [dense(id, units, 'relu')]);


function conditionalMlp(dataShape: Shape, latentDim: number, o: GanTemplateOptions, c: number): ModelDocument {
  const d = product(dataShape);
  const generator = dag(`Conditional GAN generator ${latentDim}+${c}-${HIDDEN}-${d}`, [
    ...conditionalGeneratorHead(latentDim, c),
    ...hiddenG('hidden', HIDDEN, o),
    dense('out', d, dataShape.length > 1 ? 'tanh' : 'linear'),
    { id: 'reshape', kind: 'reshape', label: `Reshape ${formatShape(dataShape)}`, params: { targetShape: [...dataShape] } },
  ]);
  const ac = o.conditioning === 'acgan';
  // cgan: the image and the label each get a hidden layer, joined by a concat into a joint hidden layer (see above).
  const discriminator = dag(ac ? `AC-GAN discriminator ${d}-${HIDDEN}-${1 + c}` : `Conditional GAN discriminator ${d}-${HIDDEN} + ${c}-${HIDDEN}, joint ${HIDDEN}-1`, ac
    ? [dataInput(dataShape), { id: 'flatten', kind: 'flatten', label: 'Flatten', params: {} }, dense('hidden', HIDDEN, 'leakyRelu'), ...(o.minibatchStddev ? [mbstd] : []), acLogits(c)]
    : [
      dataInput(dataShape),
      labelInput(c),
      { id: 'flatten', kind: 'flatten', label: 'Flatten', params: {}, from: [GAN_DATA_INPUT] },
      dense('hidden', HIDDEN, 'leakyRelu'),
      { ...dense('label_hidden', HIDDEN, 'linear', `Dense ${HIDDEN} linear (label)`), from: [GAN_LABEL_INPUT], row: 1 },
      concat('joint_in', ['hidden', 'label_hidden'], `Concat image + label features [${2 * HIDDEN}]`),
      dense('joint', HIDDEN, 'leakyRelu', `Dense ${HIDDEN} leakyRelu (joint)`),
      ...(o.minibatchStddev ? [mbstd] : []),
      logit,
    ]);
  const what = ac ? 'AC-GAN' : 'Conditional GAN';
  return { format: MODEL_FORMAT, version: GRAPH_VERSION, name: `${what} MLP (noise ${latentDim}, ${c} classes)`, parts: { generator, discriminator } };
}

function mlp(dataShape: Shape, latentDim: number, o: GanTemplateOptions): ModelDocument {
  const c = conditionalClasses(o, 'mlp');
  if (c !== undefined) return conditionalMlp(dataShape, latentDim, o, c);
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
  const classes = conditionalClasses(o, 'dcgan');
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
  const ac = o.conditioning === 'acgan';
  const gLayers: DagLayer[] = [
    ...(classes === undefined ? [inputLayer([latentDim])] : conditionalGeneratorHead(latentDim, classes)),
    dense('project', h4 * w4 * 128, 'linear', `Dense ${h4 * w4 * 128} linear`),
    gbn('bn0'),
    act('relu0', 'relu'),
    { id: 'reshape', kind: 'reshape', label: `Reshape ${h4}×${w4}×128`, params: { targetShape: [h4, w4, 128] } },
    conv('conv2dTranspose', 'deconv1', 64, 'linear'),
    gbn('bn1'),
    act('relu1', 'relu'),
    conv('conv2dTranspose', 'out', c, 'tanh'),
  ];
  // cgan: the label as an [h, w, 1] map (dense h·w → reshape), one more channel of the image.
  const dHead: DagLayer[] = classes === undefined || ac
    ? [classes === undefined ? inputLayer(dataShape) : dataInput(dataShape)]
    : [
      dataInput(dataShape),
      labelInput(classes),
      { ...dense('label_map', h * w, 'linear', `Dense ${h * w} linear (label map)`), row: 1 },
      { id: 'label_reshape', kind: 'reshape', label: `Reshape ${h}×${w}×1`, params: { targetShape: [h, w, 1] }, row: 1 },
      concat('xy', [GAN_DATA_INPUT, 'label_reshape'], `Concat image + label map ${h}×${w}×${c + 1}`),
    ];
  const dLayers: DagLayer[] = [
    ...dHead,
    conv('conv2d', 'conv1', 64, 'leakyRelu'),
    conv('conv2d', 'conv2', 128, 'linear'),
    bn('bn2'),
    act('leaky2', 'leakyRelu'),
    ...(o.minibatchStddev ? [mbstd] : []),
    { id: 'flatten', kind: 'flatten', label: 'Flatten', params: {} },
    ac && classes !== undefined ? acLogits(classes) : logit,
  ];
  if (classes === undefined) {
    return { format: MODEL_FORMAT, version: GRAPH_VERSION, name: `DCGAN (noise ${latentDim})`, parts: { generator: chain(`DCGAN generator (noise ${latentDim})`, gLayers), discriminator: chain('DCGAN discriminator', dLayers) } };
  }
  const what = ac ? 'AC-GAN' : 'Conditional DCGAN';
  return {
    format: MODEL_FORMAT, version: GRAPH_VERSION, name: `${what} (noise ${latentDim}, ${classes} classes)`,
    parts: { generator: dag(`${what} generator (noise ${latentDim} + label ${classes})`, gLayers), discriminator: dag(`${what} discriminator`, dLayers) },
  };
}

function toyMlp(dataShape: Shape, latentDim: number, o: GanTemplateOptions): ModelDocument {
  if ((o.conditioning ?? 'none') !== 'none') throw new Error(`The toy-mlp GAN template has no conditional variant: the 2-D toy mixtures have no class labels (conditioning '${o.conditioning}')`);
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

/** The class count of a conditional template (undefined: unconditional); throws without a valid numClasses. */
function conditionalClasses(o: GanTemplateOptions, template: GanTemplate): number | undefined {
  if ((o.conditioning ?? 'none') === 'none') return undefined;
  const c = o.numClasses;
  if (c === undefined || !Number.isInteger(c) || c < 2) throw new Error(`The conditional ${template} GAN template needs the dataset's number of classes (at least 2), got ${c}`);
  return c;
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
