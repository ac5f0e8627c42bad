/**
 * Which likelihood a VAE run's ELBO, bits/dim and IWAE are: one sentence,
 * written once, for the worker's log, the run page and the metric
 * descriptions. Numbers from different likelihoods are not one scale: a
 * Bernoulli on binarised pixels scores binary images, a discretised Gaussian
 * scores the 8-bit images, and the continuous density of old Gaussian runs is
 * no probability at all (its ELBO can be positive).
 */
import type { VaeHyper } from './config';

export type VaeLikelihoodHyper = Pick<VaeHyper, 'decoder' | 'binarize' | 'decoderVariance' | 'gaussianLikelihood'>;

/** 'Bernoulli on binarised pixels (stochastic)', 'discretised Gaussian on 8-bit pixels (σ² 0.05)', … */
export function likelihoodDescription(h: VaeLikelihoodHyper): string {
  if (h.decoder === 'bernoulli') {
    return `Bernoulli on binarised pixels (${h.binarize === 'stochastic' ? 'stochastic binarisation, held-out images fixed per dataset' : 'threshold 0.5'})`;
  }
  return h.gaussianLikelihood === 'discretised'
    ? `discretised Gaussian on 8-bit pixels (σ² ${h.decoderVariance})`
    : `continuous Gaussian density on [0, 1] pixels (σ² ${h.decoderVariance}; recorded before discretisation: not a likelihood of the 8-bit images, not comparable with other runs)`;
}
