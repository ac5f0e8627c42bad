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
 */
import * as tf from '@tensorflow/tfjs';
import type { GraphDocument, ModelDocument, Shape } from '../../common/graph';
import { checkGeneratorDiscriminator } from '../../common/partContracts';
import type { GanHyper } from '../../common/runConfig';
import { compileGraph } from '../../engine/compileGraph';
import { standardNormals } from '../../engine/normal';
import { deriveSeed } from '../../engine/prng';
import { VBN_REFERENCE_KWARG, virtualBatchNorms } from '../../engine/virtualBatchNorm';

export interface GanNetworks {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  latentDim: number;
  dataShape: Shape;
  /** Virtual batch norm's fixed reference noise [R, latentDim], when the generator has such layers. */
  reference?: tf.Tensor2D;
  /** Generator batchNorm layers compiled as virtual batch norms (the virtualBatchNorm switch). */
  convertedBatchNorms?: string[];
}

export interface BuildGanOptions {
  /** Compile the generator's batchNorm layers as virtual batch norms. */
  virtualBatchNorm?: boolean;
  /** Size R of the virtual batch norm reference batch (default 64). */
  referenceSize?: number;
}

/** The build options a run's hyperparameters imply: rebuild a run's networks with these (virtual batch norm's reference batch has batchSize rows). */
export function ganBuildOptions(hyper: Pick<GanHyper, 'virtualBatchNorm' | 'batchSize'>): BuildGanOptions {
  return { virtualBatchNorm: hyper.virtualBatchNorm, referenceSize: hyper.batchSize };
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
  const problems = checkGeneratorDiscriminator(model, { dataShape, latentDim });
  if (problems.length > 0) {
    throw new Error(`The model '${model.name}' cannot be trained as a GAN with latentDim ${latentDim} on this data:\n${problems.map((p) => `- ${p.message} (${p.hint})`).join('\n')}`);
  }
  let gDoc = model.parts['generator']!;
  let convertedBatchNorms: string[] = [];
  if (options.virtualBatchNorm) ({ doc: gDoc, converted: convertedBatchNorms } = withVirtualBatchNorm(gDoc));
  const generator = compileGraph(gDoc, { seed: deriveSeed(seed, 0x9e7) });
  const discriminator = compileGraph(model.parts['discriminator']!, { seed: deriveSeed(seed, 0xd15) });
  const nets: GanNetworks = { generator, discriminator, latentDim, dataShape: [...dataShape] };
  if (convertedBatchNorms.length > 0) nets.convertedBatchNorms = convertedBatchNorms;
  if (virtualBatchNorms(generator).length > 0) {
    const r = options.referenceSize ?? 64;
    nets.reference = tf.tensor2d(Float32Array.from(standardNormals(r * latentDim, deriveSeed(seed, 0x7bb))), [r, latentDim]);
  }
  return nets;
}

/**
 * The generator on noise z ([n, latentDim]) → [n, ...dataShape]. With virtual
 * batch norm, the reference noise goes first in the same pass and its rows are
 * dropped from the output. Callers tidy.
 */
export function generatorForward(nets: GanNetworks, z: tf.Tensor, training: boolean): tf.Tensor {
  if (!nets.reference) return nets.generator.apply(z, { training }) as tf.Tensor;
  const r = nets.reference.shape[0];
  const out = nets.generator.apply(tf.concat([nets.reference, z], 0), { training, [VBN_REFERENCE_KWARG]: r }) as tf.Tensor;
  return tf.slice(out, r, z.shape[0]!);
}

export function disposeGan(g: GanNetworks): void {
  g.generator.dispose();
  g.discriminator.dispose();
  g.reference?.dispose();
}

/** The optimizer for one network: Adam with the GAN's β₁, or SGD / momentum as configured. */
export function makeGanOptimizer(hyper: Pick<GanHyper, 'optimizer' | 'momentum' | 'beta1'>, learningRate: number): tf.Optimizer {
  switch (hyper.optimizer) {
    case 'sgd': return tf.train.sgd(learningRate);
    case 'momentum': return tf.train.momentum(learningRate, hyper.momentum);
    case 'adam': return tf.train.adam(learningRate, hyper.beta1, 0.999);
  }
}

/** Trainable variables of a network (what its optimizer updates). */
export function trainableVariables(m: tf.LayersModel): tf.Variable[] {
  return m.trainableWeights.map((w) => w.read() as tf.Variable);
}
