/** The autoencoder family's run configuration: plain, denoising, contractive and stacked variants. */
import { z } from 'zod';
import { galleryTrainingHyperShape, latentDimSchema, modelArchitectureSchema, runConfigCommonShape } from '../../runConfigBase';

export const autoencoderVariantSchema = z.enum(['plain', 'denoising', 'contractive', 'stacked']);
export type AutoencoderVariant = z.infer<typeof autoencoderVariantSchema>;
export const autoencoderTemplateSchema = z.enum(['mlp', 'conv', 'deep']);
export type AutoencoderTemplate = z.infer<typeof autoencoderTemplateSchema>;

export const autoencoderHyperSchema = z.object({
  ...galleryTrainingHyperShape,
  variant: autoencoderVariantSchema.default('plain'),
  /** Code size of the templates (a custom model's encoder must output [latentDim]). */
  latentDim: latentDimSchema.default(32),
  /** Reconstruction loss against the clean input: binary cross-entropy (sigmoid output) or mean squared error. */
  loss: z.enum(['bce', 'mse']).default('bce'),
  /** Denoising: masking sets a fraction of pixels to 0; gaussian adds N(0, level²) noise (clipped to [0, 1]). */
  noise: z.enum(['masking', 'gaussian']).default('masking'),
  noiseLevel: z.number({ error: 'noiseLevel must be a number' }).min(0, 'noiseLevel must be between 0 and 1').max(1, 'noiseLevel must be between 0 and 1').default(0.3),
  /** Contractive: weight of the squared Frobenius norm of the code's Jacobian. */
  contractiveWeight: z.number({ error: 'contractiveWeight must be a number' }).min(0, 'contractiveWeight must be ≥ 0').max(1000, 'contractiveWeight must be at most 1000').default(0.01),
  /** Stacked: epochs of greedy layer-wise pre-training per layer, before end-to-end fine-tuning for `epochs`. */
  pretrainEpochs: z.number({ error: 'pretrainEpochs must be a number' }).int('pretrainEpochs must be a whole number').min(0, 'pretrainEpochs must be ≥ 0').max(1000).default(1),
}).strict();
export type AutoencoderHyper = z.output<typeof autoencoderHyperSchema>;

export const autoencoderConfigSchema = z.object({
  family: z.literal('autoencoder'),
  ...runConfigCommonShape,
  architecture: modelArchitectureSchema(autoencoderTemplateSchema).default({ template: 'mlp' }),
  hyper: autoencoderHyperSchema.default(autoencoderHyperSchema.parse({})),
}).strict();
export type AutoencoderConfig = z.output<typeof autoencoderConfigSchema>;
