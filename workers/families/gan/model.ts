/**
 * GAN networks from a model document: the generator (noise → one example)
 * and the discriminator (one example → a linear logit / critic value),
 * checked against the generator/discriminator contract and compiled with
 * seeded initialisers; and the two optimizers.
 *
 * Virtual batch norm: when the generator has virtualBatchNorm layers, a
 * fixed reference batch of noise is drawn once from the seed and every
 * generator pass goes through `generatorForward`, which prepends it (see
 * workers/engine/virtualBatchNorm.ts). With `virtualBatchNorm` on, the
 * generator's plain batchNorm layers are compiled as virtual ones.
 *
 * Conditioning (cgan, acgan): the generator takes the noise and a one-hot
 * label, a cgan discriminator the example and the label. The networks are
 * fed BY INPUT NAME ('z', 'y', 'x'; the compiled model takes its inputs in
 * the graph's input document order, recorded here), through
 * generatorForward and discriminatorForward. The virtual batch norm
 * reference batch of a conditional generator has fixed labels too.
 */
import * as tf from '@tensorflow/tfjs';
import type { GraphDocument, ModelDocument, Shape } from '../../common/graph';
import { GAN_DATA_INPUT, GAN_LABEL_INPUT, GAN_NOISE_INPUT } from '../../common/families/gan/templates';
import { checkGeneratorDiscriminator } from '../../common/families/gan/contract';
import type { GanConditioning, GanHyper } from '../../common/runConfig';
import { inferShapes } from '../../common/shapes';
import { compileGraph, modelInputOrder } from '../../engine/compileGraph';
import { standardNormals } from '../../engine/normal';
import { FusedAdamOptimizer } from '../../engine/fusedAdam';
import { deriveSeed } from '../../engine/prng';
import { VBN_REFERENCE_KWARG, virtualBatchNorms } from '../../engine/virtualBatchNorm';
import { sampleOneHot } from './conditioning';

export interface GanNetworks {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  latentDim: number;
  dataShape: Shape;
  /** Virtual batch norm's fixed reference noise [R, latentDim], when the generator has such layers. */
  reference?: tf.Tensor2D;
  /** Generator batchNorm layers compiled as virtual batch norms (the virtualBatchNorm switch). */
  convertedBatchNorms?: string[];
  /** Class conditioning ('none': unconditional). */
  conditioning: GanConditioning;
  /** Classes of the one-hot label (0 when unconditional). */
  numClasses: number;
  /** The role names of each network's inputs, in the order its model takes them. */
  generatorInputs: string[];
  discriminatorInputs: string[];
  /** Conditional virtual batch norm: the reference batch's fixed one-hot labels [R, numClasses]. */
  referenceLabels?: tf.Tensor2D;
}

export interface BuildGanOptions {
  /** Compile the generator's batchNorm layers as virtual batch norms. */
  virtualBatchNorm?: boolean;
  /** Size R of the virtual batch norm reference batch (default 64). */
  referenceSize?: number;
  /** Class conditioning (default 'none'). */
  conditioning?: GanConditioning;
  /** Classes of the label; when omitted for a conditional model, the generator's 'y' input says. */
  numClasses?: number;
}

/**
 * The build options a run's hyperparameters imply: rebuild a run's networks
 * with these (virtual batch norm's reference batch has batchSize rows; the
 * label size of a conditional run is the dataset's numClasses, or read from
 * the generator's 'y' input when not given).
 */
export function ganBuildOptions(hyper: Pick<GanHyper, 'virtualBatchNorm' | 'batchSize'> & Partial<Pick<GanHyper, 'conditioning'>>, numClasses?: number): BuildGanOptions {
  const o: BuildGanOptions = { virtualBatchNorm: hyper.virtualBatchNorm, referenceSize: hyper.batchSize, conditioning: hyper.conditioning ?? 'none' };
  if (numClasses !== undefined) o.numClasses = numClasses;
  return o;
}

/** The size of the generator's 'y' (label) input, if it has one. */
function labelInputSize(model: ModelDocument): number | undefined {
  const g = model.parts['generator'];
  if (!g) return undefined;
  const y = inferShapes(g).inputs.find((i) => i.name === GAN_LABEL_INPUT);
  return y && y.shape.length === 1 ? y.shape[0] : undefined;
}

/** The generator graph with its batchNorm nodes turned into virtualBatchNorm nodes (same epsilon), and their ids. */
function withVirtualBatchNorm(g: GraphDocument): { doc: GraphDocument; converted: string[] } {
  const converted: string[] = [];
  const nodes = g.nodes.map((n) => {
    if (n.kind !== 'batchNorm') return n;
    converted.push(n.id);
    const epsilon = (n.params as { epsilon?: unknown }).epsilon;
    return { ...n, kind: 'virtualBatchNorm', params: typeof epsilon === 'number' ? { epsilon } : {} };
  });
  return { doc: { ...g, nodes }, converted };
}

/** Validate the model against the data and noise size and compile both parts; throws listing every problem. */
export function buildGan(model: ModelDocument, dataShape: Shape, latentDim: number, seed: number, options: BuildGanOptions = {}): GanNetworks {
  const conditioning = options.conditioning ?? 'none';
  const numClasses = conditioning === 'none' ? 0 : options.numClasses ?? labelInputSize(model) ?? 0;
  const problems = checkGeneratorDiscriminator(model, { dataShape, latentDim, conditioning, numClasses });
  if (problems.length > 0) {
    const what = conditioning === 'none' ? '' : ` (conditioning ${conditioning}, ${numClasses} classes)`;
    throw new Error(`The model '${model.name}' cannot be trained as a GAN with latentDim ${latentDim}${what} on this data:\n${problems.map((p) => `- ${p.message} (${p.hint})`).join('\n')}`);
  }
  let gDoc = model.parts['generator']!;
  let convertedBatchNorms: string[] = [];
  if (options.virtualBatchNorm) ({ doc: gDoc, converted: convertedBatchNorms } = withVirtualBatchNorm(gDoc));
  const generator = compileGraph(gDoc, { seed: deriveSeed(seed, 0x9e7) });
  const discriminator = compileGraph(model.parts['discriminator']!, { seed: deriveSeed(seed, 0xd15) });
  const nets: GanNetworks = {
    generator, discriminator, latentDim, dataShape: [...dataShape], conditioning, numClasses,
    generatorInputs: modelInputOrder(gDoc), discriminatorInputs: modelInputOrder(model.parts['discriminator']!),
  };
  if (convertedBatchNorms.length > 0) nets.convertedBatchNorms = convertedBatchNorms;
  if (virtualBatchNorms(generator).length > 0) {
    const r = options.referenceSize ?? 64;
    nets.reference = tf.tensor2d(Float32Array.from(standardNormals(r * latentDim, deriveSeed(seed, 0x7bb))), [r, latentDim]);
    if (conditioning !== 'none') nets.referenceLabels = sampleOneHot(r, numClasses, deriveSeed(seed, 0x7bc));
  }
  return nets;
}

/** The tensors of a multi-input model's call, in its input order, by role name. */
function byName(order: readonly string[], feeds: Record<string, tf.Tensor | undefined>, network: string): tf.Tensor | tf.Tensor[] {
  const xs = order.map((name) => {
    const t = feeds[name];
    if (!t) throw new Error(`The ${network} has an input '${name}' and none was given (conditional GANs pass a one-hot label 'y')`);
    return t;
  });
  return xs.length === 1 ? xs[0]! : xs;
}

/**
 * The generator on noise z ([n, latentDim]) and, when conditional, one-hot
 * labels y ([n, numClasses]) → [n, ...dataShape]. With virtual batch norm,
 * the reference noise (and labels) go first in the same pass and their rows
 * are dropped from the output. Callers tidy.
 */
export function generatorForward(nets: GanNetworks, z: tf.Tensor, training: boolean, y?: tf.Tensor): tf.Tensor {
  const conditional = nets.conditioning !== 'none';
  if (conditional && !y) throw new Error(`This generator is conditional (${nets.conditioning}): pass a one-hot label per noise vector`);
  const feed = (zz: tf.Tensor, yy: tf.Tensor | undefined): tf.Tensor | tf.Tensor[] => (conditional
    ? byName(nets.generatorInputs, { [GAN_NOISE_INPUT]: zz, [GAN_LABEL_INPUT]: yy }, 'generator')
    : zz);
  if (!nets.reference) return nets.generator.apply(feed(z, y), { training }) as tf.Tensor;
  const r = nets.reference.shape[0];
  const yAll = conditional ? tf.concat([nets.referenceLabels!, y!], 0) : undefined;
  const out = nets.generator.apply(feed(tf.concat([nets.reference, z], 0), yAll), { training, [VBN_REFERENCE_KWARG]: r }) as tf.Tensor;
  return tf.slice(out, r, z.shape[0]!);
}

/**
 * The discriminator's raw output on examples x (and, for a cgan, their
 * one-hot labels y): [n, 1], or [n, 1 + numClasses] for an AC-GAN. Callers tidy.
 */
export function discriminatorForward(nets: GanNetworks, x: tf.Tensor, training: boolean, y?: tf.Tensor): tf.Tensor {
  if (nets.conditioning !== 'cgan') return nets.discriminator.apply(x, { training }) as tf.Tensor;
  if (!y) throw new Error('This discriminator is conditional (cgan): pass the one-hot label of each example');
  return nets.discriminator.apply(byName(nets.discriminatorInputs, { [GAN_DATA_INPUT]: x, [GAN_LABEL_INPUT]: y }, 'discriminator'), { training }) as tf.Tensor;
}

export function disposeGan(g: GanNetworks): void {
  g.generator.dispose();
  g.discriminator.dispose();
  g.reference?.dispose();
  g.referenceLabels?.dispose();
}

/** The optimizer for one network: Adam with the GAN's β₁, or SGD / momentum as configured. */
export function makeGanOptimizer(hyper: Pick<GanHyper, 'optimizer' | 'momentum' | 'beta1'>, learningRate: number): tf.Optimizer {
  switch (hyper.optimizer) {
    case 'sgd': return tf.train.sgd(learningRate);
    case 'momentum': return tf.train.momentum(learningRate, hyper.momentum);
    case 'adam': return new FusedAdamOptimizer(learningRate, hyper.beta1, 0.999);
  }
}

/** Trainable variables of a network (what its optimizer updates). */
export function trainableVariables(m: tf.LayersModel): tf.Variable[] {
  return m.trainableWeights.map((w) => w.read() as tf.Variable);
}
