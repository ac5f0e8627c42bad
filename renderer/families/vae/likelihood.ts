/**
 * What a VAE run's likelihood numbers are, for its run page: the likelihood
 * they were measured under (a Bernoulli on binarised pixels, a discretised
 * Gaussian on 8-bit pixels, or an old run's continuous density) and the
 * IWAE bound with its K and image count. Pure; no Vue.
 */
import { likelihoodDescription } from '../../../workers/common/families/vae/likelihood';
import type { RunPanelProps } from '../runPanels';

export interface VaeLikelihoodSummary {
  /** The sentence naming the likelihood. */
  likelihood: string;
  /** Whether ELBO and bits/dim are log-probabilities of the data (false for the old continuous density). */
  comparable: boolean;
  elbo: number | undefined;
  bitsPerDim: number | undefined;
  /** The IWAE bound, when measured: its value, K and how many test images. */
  iwae: { value: number; samples: number; images: number; elboSameImages: number | undefined } | undefined;
}

/** The summary once the run's config is loaded; null before (or for another family). */
export function vaeLikelihoodSummary(p: Pick<RunPanelProps, 'detail' | 'metrics'>): VaeLikelihoodSummary | null {
  const config = p.detail?.config;
  if (config?.family !== 'vae') return null;
  const h = config.hyper;
  const iwae = p.metrics.latest('test_iwae');
  const testSize = config.dataset.testSize;
  return {
    likelihood: likelihoodDescription(h),
    comparable: h.decoder === 'bernoulli' || h.gaussianLikelihood === 'discretised',
    elbo: p.metrics.latest('elbo'),
    bitsPerDim: p.metrics.latest('bits_per_dim'),
    iwae: iwae === undefined || h.iwaeSamples === 0 ? undefined : {
      value: iwae, samples: h.iwaeSamples, images: testSize === undefined ? h.iwaeImages : Math.min(h.iwaeImages, testSize), elboSameImages: p.metrics.latest('test_iwae_elbo'),
    },
  };
}
