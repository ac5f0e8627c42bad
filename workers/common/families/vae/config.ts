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
  /** How pixels are binarised for the Bernoulli decoder: a fixed 0.5 threshold, or sampled each time they are seen. */
  binarize: z.enum(['threshold', 'stochastic']).default('threshold'),
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
