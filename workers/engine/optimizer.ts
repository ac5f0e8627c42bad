/**
 * The optimiser a run's hyperparameters name, for any family trained by
 * gradients (the classifier, the autoencoders, the reference classifier).
 * Adam is the fused one (fusedAdam.ts): tfjs' Adam, one memory pass per variable.
 */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerName } from '../common/runConfigBase';
import { FusedAdamOptimizer } from './fusedAdam';

export interface OptimizerHyper {
  optimizer: OptimizerName;
  learningRate: number;
  /** Used by 'momentum' only. */
  momentum: number;
}

export function makeOptimizer(hyper: OptimizerHyper): tf.Optimizer {
  switch (hyper.optimizer) {
    case 'sgd': return tf.train.sgd(hyper.learningRate);
    case 'momentum': return tf.train.momentum(hyper.learningRate, hyper.momentum);
    case 'adam': return new FusedAdamOptimizer(hyper.learningRate);
  }
}
