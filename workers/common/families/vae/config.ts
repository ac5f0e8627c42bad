/** The variational autoencoder family's run configuration. */
import { z } from 'zod';
import { galleryTrainingHyperShape, latentDimSchema, modelArchitectureSchema, runConfigCommonShape } from '../../runConfigBase';

export const vaeTemplateSchema = z.enum(['mlp', 'conv']);
export type VaeTemplate = z.infer<typeof vaeTemplateSchema>;

export const vaeHyperSchema = z.object({
  ...galleryTrainingHyperShape,
  /** Latent size; the encoder outputs [2·latentDim] (μ then log σ²), the decoder takes [latentDim]. */
  latentDim: latentDimSchema.default(16),
  /** Bernoulli likelihood on binarised pixels, or Gaussian with a fixed variance on real values. */
  decoder: z.enum(['bernoulli', 'gaussian']).default('bernoulli'),
  /**
   * How pixels are binarised for the Bernoulli decoder: sampled each time they
   * are seen (the default since config version 2: the protocol of published
   * MNIST likelihoods), or a fixed 0.5 threshold (an easier, lower-entropy
   * data set whose ELBO is ~13 nats higher; runs recorded before version 2
   * keep it).
   */
  binarize: z.enum(['threshold', 'stochastic'], { error: "binarize must be 'threshold' or 'stochastic'" }).default('stochastic'),
  /**
   * The Gaussian decoder's likelihood: 'discretised', the mass of each
   * pixel's 8-bit bin (a probability, so ELBO ≤ 0 and bits/dim compare with
   * the Bernoulli decoder's); 'continuous', the density on [0, 1] of runs
   * recorded before config version 2 (its ELBO can be positive and is not a
   * likelihood of the 8-bit data), kept so those runs resume as they trained.
   */
  gaussianLikelihood: z.enum(['discretised', 'continuous'], { error: "gaussianLikelihood must be 'discretised' or 'continuous'" }).default('discretised'),
  /** Importance samples K of the held-out IWAE bound (Burda et al. 2016) at each epoch end; 0: not measured. */
  iwaeSamples: z.number({ error: 'iwaeSamples must be a number' }).int('iwaeSamples must be a whole number').min(0, 'iwaeSamples must be ≥ 0 (0: no IWAE)').max(100_000, 'iwaeSamples must be at most 100,000').default(50),
  /** How many test images (the first ones) the epoch-end IWAE bound is measured on: it costs K decoder passes per image. */
  iwaeImages: z.number({ error: 'iwaeImages must be a number' }).int('iwaeImages must be a whole number').min(1, 'iwaeImages must be at least 1').max(1_000_000).default(500),
  /** Gaussian decoder's fixed variance σ² (in [0,1] pixel units). */
  decoderVariance: z.number({ error: 'decoderVariance must be a number' }).gt(0, 'decoderVariance must be greater than 0').max(10, 'decoderVariance must be at most 10').default(0.05),
  /** Weight of the KL term (β-VAE); 1 is the ELBO. */
  beta: z.number({ error: 'beta must be a number' }).min(0, 'beta must be ≥ 0').max(1000, 'beta must be at most 1000').default(1),
  /** β rises linearly from 0 over this many epochs (KL warm-up); 0: no warm-up. */
  klWarmupEpochs: z.number({ error: 'klWarmupEpochs must be a number' }).min(0, 'klWarmupEpochs must be ≥ 0').max(1000).default(0),
  /** A latent unit is active when Cov_x(E_q[z_i]) exceeds this (Burda et al. 2015 use 0.01). */
  activeUnitThreshold: z.number().gt(0).max(10).default(0.01),
}).strict();
export type VaeHyper = z.output<typeof vaeHyperSchema>;

export const vaeConfigSchema = z.object({
  family: z.literal('vae'),
  ...runConfigCommonShape,
  architecture: modelArchitectureSchema(vaeTemplateSchema).default({ template: 'mlp' }),
  hyper: vaeHyperSchema.default(vaeHyperSchema.parse({})),
}).strict();
export type VaeConfig = z.output<typeof vaeConfigSchema>;

/** What a VAE encoder outputs for a latent size: μ then log σ². Written once here; the contract, the editor and the analyses use it. */
export const vaeEncoderOutputDim = (latentDim: number): number => 2 * latentDim;
