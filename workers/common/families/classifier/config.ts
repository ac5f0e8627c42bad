/** The classifier family's run configuration. */
import { z } from 'zod';
import { graphArchitectureSchema, parallelReplicasSchema, runConfigCommonShape, trainingHyperShape } from '../../runConfigBase';

/** The shared training hyperparameters, and the threads one run trains on (only this family's step runs data-parallel). */
export const classifierHyperSchema = z.object({ ...trainingHyperShape, parallelReplicas: parallelReplicasSchema }).strict();
export type ClassifierHyper = z.output<typeof classifierHyperSchema>;

export const classifierTemplateSchema = z.enum(['mlp', 'lenet']);
export type ClassifierTemplate = z.infer<typeof classifierTemplateSchema>;

export const architectureSpecSchema = graphArchitectureSchema(classifierTemplateSchema);
export type ArchitectureSpec = z.output<typeof architectureSpecSchema>;

export const classifierConfigSchema = z.object({
  family: z.literal('classifier'),
  ...runConfigCommonShape,
  architecture: architectureSpecSchema.default({ template: 'mlp' }),
  hyper: classifierHyperSchema.default(classifierHyperSchema.parse({})),
}).strict();
export type ClassifierConfig = z.output<typeof classifierConfigSchema>;
