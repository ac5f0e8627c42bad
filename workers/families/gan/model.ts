/**
 * GAN networks from a model document: the generator (noise → one example)
 * and the discriminator (one example → a linear logit / critic value),
 * checked against the generator/discriminator contract and compiled with
 * seeded initialisers; and the two optimizers.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelDocument, Shape } from '../../common/graph';
import { checkGeneratorDiscriminator } from '../../common/partContracts';
import type { GanHyper } from '../../common/runConfig';
import { compileGraph } from '../../engine/compileGraph';
import { deriveSeed } from '../../engine/prng';

export interface GanNetworks {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  latentDim: number;
  dataShape: Shape;
}

/** Validate the model against the data and noise size and compile both parts; throws listing every problem. */
export function buildGan(model: ModelDocument, dataShape: Shape, latentDim: number, seed: number): GanNetworks {
  const problems = checkGeneratorDiscriminator(model, { dataShape, latentDim });
  if (problems.length > 0) {
    throw new Error(`The model '${model.name}' cannot be trained as a GAN with latentDim ${latentDim} on this data:\n${problems.map((p) => `- ${p.message} (${p.hint})`).join('\n')}`);
  }
  const generator = compileGraph(model.parts['generator']!, { seed: deriveSeed(seed, 0x9e7) });
  const discriminator = compileGraph(model.parts['discriminator']!, { seed: deriveSeed(seed, 0xd15) });
  return { generator, discriminator, latentDim, dataShape: [...dataShape] };
}

export function disposeGan(g: GanNetworks): void {
  g.generator.dispose();
  g.discriminator.dispose();
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
