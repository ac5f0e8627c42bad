/**
 * The PixelCNN family's run configuration (van den Oord et al. 2016): a plain
 * PixelCNN with a Bernoulli output on binarised images, trained by maximum
 * likelihood with the one trainer's optimiser.
 */
import { z } from 'zod';
import { runConfigCommonShape, trainingHyperShape } from '../../runConfigBase';

export const pixelCnnHyperSchema = z.object({
  ...trainingHyperShape,
  epochs: trainingHyperShape.epochs.unwrap().default(5),
  /** Channels of the residual stream (2h in the paper); each block's inner 1×1 and 3×3 mask-B convolutions have half. */
  filters: z.number({ error: 'filters must be a number' }).int('filters must be a whole number').min(2, 'filters must be at least 2').max(512, 'filters must be at most 512').default(32),
  /** Residual blocks of mask-B convolutions after the 7×7 mask-A layer (the paper's large model had 15). */
  residualBlocks: z.number({ error: 'residualBlocks must be a number' }).int('residualBlocks must be a whole number').min(0, 'residualBlocks must be ≥ 0').max(64, 'residualBlocks must be at most 64').default(3),
  /**
   * How grey pixels become the binary pixels the model predicts: a fresh Bernoulli draw each time
   * they are seen in training (the protocol of published MNIST likelihoods; held-out images use one
   * fixed draw), or a fixed 0.5 threshold (an easier, lower-entropy data set).
   */
  binarize: z.enum(['threshold', 'stochastic'], { error: "binarize must be 'threshold' or 'stochastic'" }).default('stochastic'),
}).strict();
export type PixelCnnHyper = z.output<typeof pixelCnnHyperSchema>;

export const pixelCnnConfigSchema = z.object({
  family: z.literal('pixelcnn'),
  ...runConfigCommonShape,
  hyper: pixelCnnHyperSchema.default(pixelCnnHyperSchema.parse({})),
}).strict();
export type PixelCnnConfig = z.output<typeof pixelCnnConfigSchema>;
