/**
 * The GAN stabilising tricks at run start: one log line for each that is on
 * (unrolled discriminator, minibatch standard deviation, virtual batch norm),
 * a warning for a switch that has nothing to act on, and the unrolling mode
 * the run will use (second order when the backend can take that gradient
 * through this discriminator, else first order, saying so).
 */
import * as tf from '@tensorflow/tfjs';
import type { GanHyper } from '../../common/runConfig';
import type { FamilySink } from '../../engine/sink';
import { MinibatchStddev } from '../../engine/minibatchStddev';
import { virtualBatchNorms } from '../../engine/virtualBatchNorm';
import { sampleOneHot } from './conditioning';
import { ensureHigherOrderGradients, fusedSecondOrderProblem, type Targets } from './losses';
import type { GanNetworks } from './model';
import { generatorGradients, type GanStepOptions, type GanUnrollOptions } from './step';

const quoted = (names: readonly string[]): string => names.map((n) => `'${n}'`).join(', ');

/**
 * One unrolled generator gradient (1 step) on a 2-example batch, changing
 * nothing: throws when the backend cannot compute it or it is not finite.
 */
export async function checkUnrolledGradients(nets: GanNetworks, optD: tf.Optimizer, o: GanStepOptions & { unroll: GanUnrollOptions }): Promise<void> {
  ensureHigherOrderGradients();
  const real = tf.randomNormal([2, ...nets.dataShape], 0, 1, 'float32', 1);
  const z = tf.randomNormal([2, nets.latentDim], 0, 1, 'float32', 2);
  // A conditional GAN: labels for the real batch and for the generator's.
  const labels = nets.conditioning === 'none' ? [] : [sampleOneHot(2, nets.numClasses, 3), sampleOneHot(2, nets.numClasses, 4)];
  // The generator's batch-norm moving averages move on a training pass: put them back.
  const gState = nets.generator.nonTrainableWeights;
  const saved = gState.map((w) => tf.clone(w.read()));
  let out: tf.Tensor[] = [];
  try {
    const g = await generatorGradients(nets, optD, { x: real, ...(labels[0] ? { y: labels[0] } : {}) }, z, { ...o, unroll: { ...o.unroll, steps: 1 } }, labels[1]);
    out = [g.value, ...Object.values(g.grads), ...(g.classAccuracy ? [g.classAccuracy] : []), ...(g.classLoss ? [g.classLoss] : [])];
    const total = tf.tidy(() => tf.addN([g.value, ...Object.values(g.grads)].map((t) => tf.sum(tf.abs(t)))));
    out.push(total);
    if (!Number.isFinite((await total.data())[0]!)) throw new Error('the unrolled gradient is not finite');
  } finally {
    gState.forEach((w, i) => w.write(saved[i]!));
    tf.dispose([real, z, ...labels, ...saved, ...out]);
  }
}

/** Log the tricks that are on; returns the unrolling to use (undefined: off). */
export async function prepareTricks(nets: GanNetworks, optD: tf.Optimizer, hyper: GanHyper, targets: Targets, sink: FamilySink<'gan'>): Promise<GanUnrollOptions | undefined> {
  const mbstd = nets.discriminator.layers.filter((l): l is MinibatchStddev => l instanceof MinibatchStddev);
  if (mbstd.length > 0) {
    const groups = [...new Set(mbstd.map((l) => (l.groupSize > 0 ? `groups of ${l.groupSize}` : 'the whole batch')))].join(' / ');
    sink.log('info', `Minibatch stddev (Karras et al. 2018): the discriminator's layer${mbstd.length > 1 ? 's' : ''} ${quoted(mbstd.map((l) => l.name))} append the standard deviation of its features over ${groups}, averaged over the features, as one more feature`);
  } else if (hyper.minibatchStddev) {
    sink.log('warn', 'minibatchStddev is on but the discriminator has no minibatchStddev layer: the templates insert one; add one to a custom model (before its last dense layer or its flatten)');
  }

  const vbn = virtualBatchNorms(nets.generator);
  if (vbn.length > 0 && nets.reference) {
    const converted = nets.convertedBatchNorms?.length ? ` (batch norm${nets.convertedBatchNorms.length > 1 ? 's' : ''} ${quoted(nets.convertedBatchNorms)} compiled as virtual)` : '';
    sink.log('info', `Virtual batch norm (Salimans et al. 2016): the generator's layer${vbn.length > 1 ? 's' : ''} ${quoted(vbn.map((l) => l.name))}${converted} normalise each example with the statistics of a fixed reference batch of ${nets.reference.shape[0]} noise vectors (drawn once from the seed) together with the example itself; the reference batch goes through the generator first in every pass, gradients flowing through its statistics`);
  } else if (hyper.virtualBatchNorm) {
    sink.log('warn', 'virtualBatchNorm is on but the generator has no batch-norm layer to make virtual: the templates insert them; add batchNorm or virtualBatchNorm layers to a custom generator');
  }

  if (hyper.unrollSteps < 1) return undefined;
  const unroll: GanUnrollOptions = { steps: hyper.unrollSteps, secondOrder: hyper.unrollGradient === 'second-order' };
  const stepOptions: GanStepOptions & { unroll: GanUnrollOptions } = { loss: hyper.loss, targets, clipValue: hyper.clipValue, gpWeight: hyper.gpWeight, auxWeight: hyper.auxWeight, seed: 1, unroll };
  const fused = unroll.secondOrder ? fusedSecondOrderProblem(nets.discriminator) : undefined;
  if (fused) {
    sink.log('warn', `Unrolled GAN: the second-order gradient through this discriminator would be wrong: its ${fused}; using the first-order approximation instead (the unrolled discriminator's weights as constants)`);
    unroll.secondOrder = false;
  }
  if (unroll.secondOrder) {
    try {
      await checkUnrolledGradients(nets, optD, stepOptions);
    } catch (e) {
      sink.log('warn', `Unrolled GAN: the ${tf.getBackend()} backend cannot take the second-order gradient through this discriminator (${(e as Error).message.split('\n')[0]}); using the first-order approximation instead (the unrolled discriminator's weights as constants)`);
      unroll.secondOrder = false;
    }
  }
  const rule = hyper.optimizer === 'adam' ? 'Adam' : hyper.optimizer === 'momentum' ? 'momentum' : 'SGD';
  sink.log('info', `Unrolled GAN (Metz et al. 2016): the generator's loss is taken against a copy of the discriminator advanced ${unroll.steps} more step${unroll.steps > 1 ? 's' : ''} (its ${rule} update rule from the optimizer's current state, on the step's last real batch and fresh noise), ${unroll.secondOrder ? 'backpropagating through the unrolled updates (second order)' : 'with the unrolled weights as constants (first order)'}; the discriminator itself keeps only its ${hyper.dSteps} normal step${hyper.dSteps > 1 ? 's' : ''}. g_loss is the loss against the unrolled discriminator`);
  return unroll;
}
