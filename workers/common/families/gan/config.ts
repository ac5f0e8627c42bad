/** The GAN family's run configuration: losses, tricks, conditioning, the 2-D toys and the reference classifier. */
import { z } from 'zod';
import { classifierTemplateSchema } from '../classifier/config';
import { galleryTrainingHyperShape, latentDimSchema, learningRateSchema, modelArchitectureSchema, runConfigCommonShape } from '../../runConfigBase';

export const ganTemplateSchema = z.enum(['mlp', 'dcgan', 'toy-mlp']);
export type GanTemplate = z.infer<typeof ganTemplateSchema>;
/** The template for the 2-D toys: it fits flat [2] data only, so the editor does not offer it. */
export const GAN_TOY_TEMPLATE = 'toy-mlp' satisfies GanTemplate;
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
  // validationSplit (from the shared shape): image runs hold out that share of the training images from the generator, and
  // the step a run's test scores are quoted at is chosen on the samples' Fréchet distance to them (val_frechet_distance).
  ...galleryTrainingHyperShape,
  /** GANs want a smaller step than the other families (Radford et al. 2016 use 2e-4 with β₁ 0.5). */
  learningRate: learningRateSchema().default(0.0002),
  /** Train on a synthetic 2-D mixture instead of the dataset (see toyDatasetSchema). */
  toy: toyDatasetSchema.optional(),
  /** Noise size; default 64 for images, 2 for the 2-D toys (see ganLatentDim). */
  latentDim: latentDimSchema.optional(),
  loss: ganLossSchema.default('nonsaturating'),
  /** Discriminator (critic) steps per generator step; each takes a fresh real batch. */
  dSteps: z.number({ error: 'dSteps must be a number' }).int('dSteps must be a whole number').min(1, 'dSteps must be at least 1').max(100, 'dSteps must be at most 100').default(1),
  /** Discriminator learning rate; the generator's (learningRate) when omitted. */
  learningRateD: learningRateSchema('learningRateD').optional(),
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
  /**
   * Image data: a sample counts for its class in classes_present (and the
   * class histogram) only when the reference classifier's top probability is
   * at least this; see engine/generativeMetrics.ts confidentCoverage.
   */
  confidenceThreshold: probability01('confidenceThreshold').default(0.9),
  /**
   * Image data: samples of the final evaluation of a completed run (the
   * `final_` scores and their real-vs-real floor, against up to as many test
   * images); 0 = none. Fewer (evalSamples) are scored during training.
   */
  finalEvalSamples: z.number({ error: 'finalEvalSamples must be a number' }).int('finalEvalSamples must be a whole number').refine((v) => v === 0 || (v >= 100 && v <= 50_000), 'finalEvalSamples must be 0 (off) or between 100 and 50000').default(10_000),
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
export const ganArchitectureSchema = modelArchitectureSchema(ganTemplateSchema);

export const ganConfigSchema = z.object({
  family: z.literal('gan'),
  name: runConfigCommonShape.name,
  /** Ignored when hyper.toy names a 2-D toy set. */
  dataset: runConfigCommonShape.dataset,
  architecture: ganArchitectureSchema.default({ template: 'mlp' }),
  hyper: ganHyperSchema.default(ganHyperSchema.parse({})),
}).strict();
export type GanConfig = z.output<typeof ganConfigSchema>;
