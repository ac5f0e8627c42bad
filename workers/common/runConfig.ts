/**
 * Run configuration: family, dataset, architecture and hyperparameters.
 * One schema, used by the UI form, the HTTP/IPC boundary, the CLI's config
 * file and the worker. Messages are written for a researcher reading them.
 */
import { z } from 'zod';
import { graphDocumentSchema, isModelDocument, modelDocumentSchema, type Architecture } from './graph';

export const optimizerSchema = z.enum(['sgd', 'momentum', 'adam']);
export type OptimizerName = z.infer<typeof optimizerSchema>;

export const classifierHyperSchema = z.object({
  epochs: z.number({ error: 'epochs must be a number' }).int('epochs must be a whole number').min(1, 'epochs must be at least 1').max(1000, 'epochs must be at most 1000').default(2),
  batchSize: z.number({ error: 'batchSize must be a number' }).int('batchSize must be a whole number').min(1, 'batchSize must be at least 1').max(8192, 'batchSize must be at most 8192').default(64),
  optimizer: optimizerSchema.default('adam'),
  learningRate: z.number({ error: 'learningRate must be a number' })
    .refine((v) => Number.isFinite(v), 'learningRate must be a finite number')
    .refine((v) => v > 0, 'learningRate must be greater than 0')
    .refine((v) => v <= 10, 'learningRate must be at most 10')
    .default(0.001),
  momentum: z.number({ error: 'momentum must be a number' }).min(0, 'momentum must be between 0 and 1').lt(1, 'momentum must be less than 1').default(0.9),
  validationSplit: z.number({ error: 'validationSplit must be a number' }).min(0, 'validationSplit must be between 0 and 0.5').max(0.5, 'validationSplit must be at most 0.5').default(0.1),
  seed: z.number({ error: 'seed must be a number' }).int('seed must be a whole number').min(0, 'seed must be ≥ 0').max(2 ** 31 - 1, 'seed must be < 2^31').default(42),
}).strict();
export type ClassifierHyper = z.output<typeof classifierHyperSchema>;

export const datasetSpecSchema = z.object({
  id: z.string().min(1).max(64).default('mnist'),
  /** Number of training examples to use (first N of the training file); all when omitted. */
  trainSize: z.number().int().min(10, 'trainSize must be at least 10').max(10_000_000).optional(),
  /** Number of test examples to evaluate on; all when omitted. */
  testSize: z.number().int().min(10, 'testSize must be at least 10').max(10_000_000).optional(),
}).strict();
export type DatasetSpec = z.output<typeof datasetSpecSchema>;

export const classifierTemplateSchema = z.enum(['mlp', 'lenet']);
export type ClassifierTemplate = z.infer<typeof classifierTemplateSchema>;

/** A saved architecture (architectures.save): its latest version when `version` is omitted. The run records the exact version. */
export const savedArchitectureSpecSchema = z.object({
  architectureId: z.number({ error: 'architectureId must be a number' }).int('architectureId must be a whole number').min(1, 'architectureId must be at least 1'),
  version: z.number({ error: 'version must be a number' }).int('version must be a whole number').min(1, 'version must be at least 1').optional(),
}).strict();
export type SavedArchitectureSpec = z.output<typeof savedArchitectureSpecSchema>;

export const architectureSpecSchema = z.union([
  z.object({ template: classifierTemplateSchema }).strict(),
  z.object({ graph: graphDocumentSchema }).strict(),
  savedArchitectureSpecSchema,
]);
export type ArchitectureSpec = z.output<typeof architectureSpecSchema>;

export const classifierConfigSchema = z.object({
  family: z.literal('classifier'),
  name: z.string().max(200).optional(),
  dataset: datasetSpecSchema.default({ id: 'mnist' }),
  architecture: architectureSpecSchema.default({ template: 'mlp' }),
  hyper: classifierHyperSchema.default(classifierHyperSchema.parse({})),
}).strict();
export type ClassifierConfig = z.output<typeof classifierConfigSchema>;

/** Training hyperparameters every gradient-trained family shares (same messages as the classifier's). */
const trainingHyperShape = {
  epochs: classifierHyperSchema.shape.epochs,
  batchSize: classifierHyperSchema.shape.batchSize,
  optimizer: optimizerSchema.default('adam'),
  learningRate: classifierHyperSchema.shape.learningRate,
  momentum: classifierHyperSchema.shape.momentum,
  validationSplit: classifierHyperSchema.shape.validationSplit,
  seed: classifierHyperSchema.shape.seed,
  /** Gallery images (samples, reconstructions) are logged every this many steps, and at each epoch end. 0: epoch ends only. */
  sampleEverySteps: z.number({ error: 'sampleEverySteps must be a number' }).int('sampleEverySteps must be a whole number').min(0, 'sampleEverySteps must be ≥ 0').max(1_000_000).default(0),
};

const latentDimSchema = z.number({ error: 'latentDim must be a number' }).int('latentDim must be a whole number').min(1, 'latentDim must be at least 1').max(1024, 'latentDim must be at most 1024');

/** An encoder/decoder model document: part 'encoder' maps an image to the code, part 'decoder' maps the code back. Or a saved one of the run's family. */
export const encoderDecoderArchitectureSchema = <T extends z.ZodTypeAny>(templates: T) => z.union([
  z.object({ template: templates }).strict(),
  z.object({ model: modelDocumentSchema }).strict(),
  savedArchitectureSpecSchema,
]);

// ---- Autoencoders -------------------------------------------------------

export const autoencoderVariantSchema = z.enum(['plain', 'denoising', 'contractive', 'stacked']);
export type AutoencoderVariant = z.infer<typeof autoencoderVariantSchema>;
export const autoencoderTemplateSchema = z.enum(['mlp', 'conv', 'deep']);
export type AutoencoderTemplate = z.infer<typeof autoencoderTemplateSchema>;

export const autoencoderHyperSchema = z.object({
  ...trainingHyperShape,
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
  name: z.string().max(200).optional(),
  dataset: datasetSpecSchema.default({ id: 'mnist' }),
  architecture: encoderDecoderArchitectureSchema(autoencoderTemplateSchema).default({ template: 'mlp' }),
  hyper: autoencoderHyperSchema.default(autoencoderHyperSchema.parse({})),
}).strict();
export type AutoencoderConfig = z.output<typeof autoencoderConfigSchema>;

// ---- Variational autoencoders --------------------------------------------

export const vaeTemplateSchema = z.enum(['mlp', 'conv']);
export type VaeTemplate = z.infer<typeof vaeTemplateSchema>;

export const vaeHyperSchema = z.object({
  ...trainingHyperShape,
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
  name: z.string().max(200).optional(),
  dataset: datasetSpecSchema.default({ id: 'mnist' }),
  architecture: encoderDecoderArchitectureSchema(vaeTemplateSchema).default({ template: 'mlp' }),
  hyper: vaeHyperSchema.default(vaeHyperSchema.parse({})),
}).strict();
export type VaeConfig = z.output<typeof vaeConfigSchema>;

// ---- GANs -----------------------------------------------------------------

export const ganTemplateSchema = z.enum(['mlp', 'dcgan', 'toy-mlp']);
export type GanTemplate = z.infer<typeof ganTemplateSchema>;
export const ganLossSchema = z.enum(['minimax', 'nonsaturating', 'lsgan', 'wgan', 'wgan-gp']);
export type GanLoss = z.infer<typeof ganLossSchema>;
/**
 * Synthetic 2-D mixtures (workers/data/toy2d.ts): 'ring8' is 8 Gaussians on a
 * circle of radius 2 (σ 0.02), 'grid25' a 5×5 grid of Gaussians at −4…4 step 2
 * (σ 0.05). They are not catalogue datasets: `hyper.toy` REPLACES the dataset
 * (whose id is then ignored), so the services still see a catalogue id.
 */
export const toyDatasetSchema = z.enum(['ring8', 'grid25']);
export type ToyDataset = z.infer<typeof toyDatasetSchema>;

/**
 * Class-conditional GANs. 'cgan' (Mirza & Osindero 2014): the generator takes
 * noise z and a one-hot label y, the discriminator the example and y, and
 * outputs one logit. 'acgan' (Odena et al. 2017): the generator as in cgan;
 * the discriminator takes only the example and outputs 1 + numClasses values
 * (the source logit, then class logits), and both networks also minimise the
 * class cross-entropy (weight auxWeight). Real batches carry their labels;
 * fake ones get labels drawn uniformly from the seed.
 */
export const ganConditioningSchema = z.enum(['none', 'cgan', 'acgan'], { error: "conditioning must be 'none', 'cgan' or 'acgan'" });
export type GanConditioning = z.infer<typeof ganConditioningSchema>;

const probability01 = (name: string) => z.number({ error: `${name} must be a number` }).gt(0, `${name} must be greater than 0`).max(1, `${name} must be at most 1`);

export const ganHyperSchema = z.object({
  ...trainingHyperShape,
  /** GANs want a smaller step than the other families (Radford et al. 2016 use 2e-4 with β₁ 0.5). */
  learningRate: classifierHyperSchema.shape.learningRate.unwrap().default(0.0002),
  /** Train on a synthetic 2-D mixture instead of the dataset (see toyDatasetSchema). */
  toy: toyDatasetSchema.optional(),
  /** Noise size; default 64 for images, 2 for the 2-D toys (see ganLatentDim). */
  latentDim: latentDimSchema.optional(),
  loss: ganLossSchema.default('nonsaturating'),
  /** Discriminator (critic) steps per generator step; each takes a fresh real batch. */
  dSteps: z.number({ error: 'dSteps must be a number' }).int('dSteps must be a whole number').min(1, 'dSteps must be at least 1').max(100, 'dSteps must be at most 100').default(1),
  /** Discriminator learning rate; the generator's (learningRate) when omitted. */
  learningRateD: z.number({ error: 'learningRateD must be a number' })
    .refine((v) => Number.isFinite(v), 'learningRateD must be a finite number')
    .refine((v) => v > 0, 'learningRateD must be greater than 0')
    .refine((v) => v <= 10, 'learningRateD must be at most 10')
    .optional(),
  /** One-sided label smoothing: the discriminator's target for real data (Salimans et al. 2016 use 0.9); 1 = off. Not used by the WGAN losses. */
  labelSmoothing: probability01('labelSmoothing').default(1),
  /** Also smooth the fake targets (to 1 − labelSmoothing); a warning is logged: it rewards samples away from the data. */
  smoothNegatives: z.boolean().default(false),
  /** WGAN: the critic's weights are clipped to [−clipValue, clipValue] after each critic step. */
  clipValue: z.number({ error: 'clipValue must be a number' }).gt(0, 'clipValue must be greater than 0').max(100, 'clipValue must be at most 100').default(0.01),
  /** WGAN-GP: weight λ of the gradient penalty (Gulrajani et al. 2017 use 10). */
  gpWeight: z.number({ error: 'gpWeight must be a number' }).min(0, 'gpWeight must be ≥ 0').max(1000, 'gpWeight must be at most 1000').default(10),
  /** Adam's β₁ for both optimizers (0.5 for GANs, Radford et al. 2016). */
  beta1: z.number({ error: 'beta1 must be a number' }).min(0, 'beta1 must be between 0 and 1').lt(1, 'beta1 must be less than 1').default(0.5),
  /**
   * Image data: generated samples scored by the reference classifier (mode
   * coverage, Inception-style score, Fréchet distance) at each logged step
   * (step 0, every sampleEverySteps, epoch ends); 0 turns the scores off.
   */
  evalSamples: z.number({ error: 'evalSamples must be a number' }).int('evalSamples must be a whole number').refine((v) => v === 0 || (v >= 100 && v <= 10_000), 'evalSamples must be 0 (off) or between 100 and 10000').default(1000),
  /** The reference classifier's template (trained once per dataset and cached): LeNet-5, or the faster MLP. */
  referenceTemplate: classifierTemplateSchema.default('lenet'),
  /** Epochs the reference classifier trains for, the first time it is needed. */
  referenceEpochs: z.number({ error: 'referenceEpochs must be a number' }).int('referenceEpochs must be a whole number').min(1, 'referenceEpochs must be at least 1').max(50, 'referenceEpochs must be at most 50').default(2),
  /** 2-D toys only: generator steps per "epoch" (checkpoints, epoch-end galleries). */
  toyStepsPerEpoch: z.number({ error: 'toyStepsPerEpoch must be a number' }).int('toyStepsPerEpoch must be a whole number').min(1, 'toyStepsPerEpoch must be at least 1').max(1_000_000).default(200),
  /**
   * Unrolled GAN (Metz et al. 2016): the generator's loss is taken against a
   * copy of the discriminator advanced this many extra steps (its optimizer's
   * update rule from its current state, on the step's last real batch and
   * fresh noise); the discriminator itself keeps only its dSteps updates. 0 = off.
   */
  unrollSteps: z.number({ error: 'unrollSteps must be a number' }).int('unrollSteps must be a whole number').min(0, 'unrollSteps must be ≥ 0 (0 turns unrolling off)').max(20, 'unrollSteps must be at most 20 (each unrolled step costs about one more discriminator step per generator step)').default(0),
  /** Unrolled GAN: 'second-order' backpropagates through the unrolled updates (the paper's method); 'first-order' treats the unrolled weights as constants (cheaper, weaker). */
  unrollGradient: z.enum(['second-order', 'first-order'], { error: "unrollGradient must be 'second-order' or 'first-order'" }).default('second-order'),
  /** Minibatch standard deviation (Karras et al. 2018): the templates add a layer to the discriminator that lets it see how varied a batch is. */
  minibatchStddev: z.boolean({ error: 'minibatchStddev must be true or false' }).default(false),
  /** Virtual batch norm (Salimans et al. 2016): the generator's batch norms use the statistics of a fixed reference batch of noise (drawn once from the seed) with each example. */
  virtualBatchNorm: z.boolean({ error: 'virtualBatchNorm must be true or false' }).default(false),
  /** Class-conditional GAN (see ganConditioningSchema): the templates get the label inputs (and AC-GAN's class outputs). Image datasets only. */
  conditioning: ganConditioningSchema.default('none'),
  /** AC-GAN: weight of the class cross-entropy in both networks' losses (Odena et al. 2017 use 1). */
  auxWeight: z.number({ error: 'auxWeight must be a number' }).min(0, 'auxWeight must be ≥ 0').max(100, 'auxWeight must be at most 100').default(1),
}).strict().superRefine((h, ctx) => {
  if (h.toy !== undefined && h.conditioning !== 'none') {
    ctx.addIssue({
      code: 'custom', path: ['conditioning'],
      message: `conditioning '${h.conditioning}' needs class labels, and the 2-D toy mixture ${h.toy} has none: use conditioning 'none' with a toy, or train on an image dataset`,
    });
  }
});
export type GanHyper = z.output<typeof ganHyperSchema>;

/** Whether a GAN run is class-conditional (its generator takes a label). */
export const isConditional = (hyper: Pick<GanHyper, 'conditioning'>): boolean => hyper.conditioning !== 'none';

/** The noise size a GAN run uses: latentDim, else 2 for the 2-D toys and 64 for images. */
export function ganLatentDim(hyper: Pick<GanHyper, 'latentDim' | 'toy'>): number {
  return hyper.latentDim ?? (hyper.toy !== undefined ? 2 : 64);
}

/** A generator/discriminator model document: part 'generator' maps noise to data, part 'discriminator' maps data to one logit. Or a saved GAN architecture. */
export const ganArchitectureSchema = z.union([
  z.object({ template: ganTemplateSchema }).strict(),
  z.object({ model: modelDocumentSchema }).strict(),
  savedArchitectureSpecSchema,
]);

export const ganConfigSchema = z.object({
  family: z.literal('gan'),
  name: z.string().max(200).optional(),
  /** Ignored when hyper.toy names a 2-D toy set. */
  dataset: datasetSpecSchema.default({ id: 'mnist' }),
  architecture: ganArchitectureSchema.default({ template: 'mlp' }),
  hyper: ganHyperSchema.default(ganHyperSchema.parse({})),
}).strict();
export type GanConfig = z.output<typeof ganConfigSchema>;

// ---- PCA baseline ---------------------------------------------------------

export const pcaHyperSchema = z.object({
  /** Number of principal components (the code size it is compared with). */
  components: z.number({ error: 'components must be a number' }).int('components must be a whole number').min(1, 'components must be at least 1').max(4096, 'components must be at most 4096').default(30),
  seed: classifierHyperSchema.shape.seed,
}).strict();
export type PcaHyper = z.output<typeof pcaHyperSchema>;

export const pcaConfigSchema = z.object({
  family: z.literal('pca'),
  name: z.string().max(200).optional(),
  dataset: datasetSpecSchema.default({ id: 'mnist' }),
  hyper: pcaHyperSchema.default(pcaHyperSchema.parse({})),
}).strict();
export type PcaConfig = z.output<typeof pcaConfigSchema>;

export const runConfigSchema = z.discriminatedUnion('family', [classifierConfigSchema, autoencoderConfigSchema, vaeConfigSchema, ganConfigSchema, pcaConfigSchema]);
export type RunConfig = z.output<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;
export type Family = RunConfig['family'];
export const families: readonly Family[] = ['classifier', 'autoencoder', 'vae', 'gan', 'pca'];

/** The families that train a network, and so can have saved architectures (PCA has none). */
export const architectureFamilies = ['classifier', 'autoencoder', 'vae', 'gan'] as const satisfies readonly Family[];
export type ArchitectureFamily = (typeof architectureFamilies)[number];

/** The part names of a family's model document; null: the family trains one graph (a latent-graph document). */
export const familyPartNames: Readonly<Record<ArchitectureFamily, readonly string[] | null>> = {
  classifier: null,
  autoencoder: ['encoder', 'decoder'],
  vae: ['encoder', 'decoder'],
  gan: ['generator', 'discriminator'],
};

/**
 * Why a document cannot be a saved architecture of this family, or undefined
 * when its kind fits (a graph for classifiers, a model with exactly the
 * family's parts for the others). Only the kind and the part names: a draft
 * whose graphs have shape errors fits (training is what refuses those).
 */
export function architectureFamilyIssue(family: ArchitectureFamily, architecture: Architecture): string | undefined {
  const want = familyPartNames[family];
  if (want === null) {
    return isModelDocument(architecture)
      ? `a ${family} architecture is one graph (format "latent-graph"), not a model of parts (${Object.keys(architecture.parts).join(', ') || 'none'})`
      : undefined;
  }
  if (!isModelDocument(architecture)) {
    return `a ${family} architecture is a model (format "latent-model") with the parts ${want.map((p) => `"${p}"`).join(' and ')}, not a single graph`;
  }
  const have = Object.keys(architecture.parts);
  const missing = want.filter((p) => !have.includes(p));
  const extra = have.filter((p) => !want.includes(p));
  if (missing.length === 0 && extra.length === 0) return undefined;
  const problems = [
    ...(missing.length > 0 ? [`it has no ${missing.map((p) => `"${p}"`).join(' or ')} part`] : []),
    ...(extra.length > 0 ? [`it has the unexpected part${extra.length > 1 ? 's' : ''} ${extra.map((p) => `"${p}"`).join(', ')}`] : []),
  ];
  return `a ${family} architecture has exactly the parts ${want.map((p) => `"${p}"`).join(' and ')}: ${problems.join(', and ')}`;
}

/** Turn a zod error into "path: message" lines, the form the UI and CLI show. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
}

/**
 * Apply `key=value` overrides (CLI --set) to a raw config object. Keys are
 * dotted paths (hyper.learningRate=0.01); values are parsed as JSON when they
 * parse, else kept as strings, so the schema reports a clear type error.
 */
export function applyOverrides(raw: unknown, overrides: readonly string[]): unknown {
  const root: Record<string, unknown> = typeof raw === 'object' && raw !== null ? structuredClone(raw as Record<string, unknown>) : {};
  for (const o of overrides) {
    const eq = o.indexOf('=');
    if (eq <= 0) throw new Error(`--set expects key=value, got "${o}"`);
    const path = o.slice(0, eq).split('.');
    const text = o.slice(eq + 1);
    let value: unknown;
    try { value = JSON.parse(text); } catch { value = text; }
    let cur: Record<string, unknown> = root;
    for (let i = 0; i < path.length - 1; i++) {
      const k = path[i]!;
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') throw new Error(`--set: illegal key "${k}"`);
      const next = cur[k];
      if (typeof next !== 'object' || next === null) cur[k] = {};
      cur = cur[k] as Record<string, unknown>;
    }
    const last = path[path.length - 1]!;
    if (last === '__proto__' || last === 'constructor' || last === 'prototype') throw new Error(`--set: illegal key "${last}"`);
    cur[last] = value;
  }
  return root;
}
