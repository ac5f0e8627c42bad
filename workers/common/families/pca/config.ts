/** The PCA baseline's run configuration: no network, no training loop. */
import { z } from 'zod';
import { runConfigCommonShape, seedSchema } from '../../runConfigBase';

export const pcaHyperSchema = z.object({
  /** Number of principal components (the code size it is compared with). */
  components: z.number({ error: 'components must be a number' }).int('components must be a whole number').min(1, 'components must be at least 1').max(4096, 'components must be at most 4096').default(30),
  seed: seedSchema,
}).strict();
export type PcaHyper = z.output<typeof pcaHyperSchema>;

export const pcaConfigSchema = z.object({
  family: z.literal('pca'),
  ...runConfigCommonShape,
  hyper: pcaHyperSchema.default(pcaHyperSchema.parse({})),
}).strict();
export type PcaConfig = z.output<typeof pcaConfigSchema>;
