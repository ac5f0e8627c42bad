/**
 * The restricted Boltzmann machine's run configuration: a Bernoulli RBM on
 * binarised pixels, trained by contrastive divergence (CD-k, Hinton 2002) or
 * persistent contrastive divergence (PCD, Tieleman 2008), with momentum and
 * weight decay as in Hinton's practical guide (2010).
 */
import { z } from 'zod';
import { runConfigCommonShape, sampleEveryStepsSchema, seedSchema, trainingHyperShape } from '../../runConfigBase';

export const rbmHyperSchema = z.object({
  epochs: trainingHyperShape.epochs.unwrap().default(5),
  batchSize: trainingHyperShape.batchSize.unwrap().default(100),
  /**
   * Step size of the CD update (Hinton 2010 suggests about 0.1 for binary units, batch-averaged). Left
   * out, it is 0.1 for Bernoulli and 0.001 for Gaussian visible units (their unbounded values make
   * large steps blow up: Hinton 2010 §13.2) — see rbmLearningRate.
   */
  learningRate: z.number({ error: 'learningRate must be a number' }).gt(0, 'learningRate must be greater than 0').max(10, 'learningRate must be at most 10').optional(),
  /** Momentum of the parameter updates (0.5 at first and 0.9 later in Hinton 2010; one value here). */
  momentum: trainingHyperShape.momentum.unwrap().default(0.5),
  /** L2 weight decay on W (Hinton 2010: 1e-4). */
  weightDecay: z.number({ error: 'weightDecay must be a number' }).min(0, 'weightDecay must be ≥ 0').max(1, 'weightDecay must be at most 1').default(0.0001),
  /** Hidden units: each learns one filter over the image. */
  numHidden: z.number({ error: 'numHidden must be a number' }).int('numHidden must be a whole number').min(1, 'numHidden must be at least 1').max(4096, 'numHidden must be at most 4096').default(128),
  /** Gibbs steps of the negative phase (CD-k). */
  cdK: z.number({ error: 'cdK must be a number' }).int('cdK must be a whole number').min(1, 'cdK must be at least 1').max(100, 'cdK must be at most 100').default(1),
  /** Persistent CD: the negative chains continue from where the last update left them instead of restarting at the data. */
  persistent: z.boolean({ error: 'persistent must be true or false' }).default(false),
  /** How grey pixels become binary visible units: a fixed 0.5 threshold, or a fresh Bernoulli draw each time they are seen. */
  binarize: z.enum(['threshold', 'stochastic'], { error: "binarize must be 'threshold' or 'stochastic'" }).default('threshold'),
  /**
   * The visible units: 'bernoulli' (binarised pixels, the original RBM) or 'gaussian' (grey levels
   * standardised per pixel by the training images' mean and std; Hinton 2010 §13, Cho et al. 2011).
   * Older runs have no key and are Bernoulli.
   */
  visible: z.enum(['bernoulli', 'gaussian'], { error: "visible must be 'bernoulli' or 'gaussian'" }).default('bernoulli'),
  /** Gaussian visible units only: learn each pixel's log σ by its CD gradient (true) or keep σ = 1 (false). */
  learnVariance: z.boolean({ error: 'learnVariance must be true or false' }).default(false),
  /**
   * Sparsity target p for each hidden unit's mean activation (Hinton 2010 §11); 0 is off. A running
   * estimate q (decay sparsityDecay) adds sparsityCost · (p − q) to the hidden biases' and weights' updates.
   */
  sparsityTarget: z.number({ error: 'sparsityTarget must be a number' }).min(0, 'sparsityTarget must be ≥ 0').lt(1, 'sparsityTarget must be below 1').default(0),
  /** Weight of the sparsity penalty's gradient. */
  sparsityCost: z.number({ error: 'sparsityCost must be a number' }).min(0, 'sparsityCost must be ≥ 0').max(100, 'sparsityCost must be at most 100').default(0.1),
  /** Decay λ of the running estimate q ← λq + (1 − λ)·(batch mean); Hinton 2010 suggests 0.9 to 0.99. */
  sparsityDecay: z.number({ error: 'sparsityDecay must be a number' }).min(0, 'sparsityDecay must be ≥ 0').lt(1, 'sparsityDecay must be below 1').default(0.95),
  /** Gibbs steps from random noise to draw the samples gallery. */
  gibbsSteps: z.number({ error: 'gibbsSteps must be a number' }).int('gibbsSteps must be a whole number').min(1, 'gibbsSteps must be at least 1').max(10_000, 'gibbsSteps must be at most 10000').default(200),
  /**
   * When to measure the average test log-likelihood −mean F(v) − log Z: 'auto' every epoch when
   * log Z is exact (≤ 20 hidden units: a sum over 2^H hidden states) and never otherwise;
   * 'epoch' every epoch; 'end' after the last epoch; 'off' never. Beyond 20 hidden units log Z is
   * an AIS estimate (Salakhutdinov & Murray 2008) costing about 4 · aisRuns · aisSteps · visible · hidden flops.
   */
  logLikelihood: z.enum(['auto', 'epoch', 'end', 'off'], { error: "logLikelihood must be 'auto', 'epoch', 'end' or 'off'" }).default('auto'),
  /** AIS: independent annealing runs (M); their spread gives the estimate's standard error. */
  aisRuns: z.number({ error: 'aisRuns must be a number' }).int('aisRuns must be a whole number').min(2, 'aisRuns must be at least 2 (its standard error needs two)').max(10_000, 'aisRuns must be at most 10000').default(100),
  /** AIS: intermediate distributions (K), spread 1/15 on β ∈ [0, 0.5], 4/15 on [0.5, 0.9], 10/15 on [0.9, 1] as in the paper. */
  aisSteps: z.number({ error: 'aisSteps must be a number' }).int('aisSteps must be a whole number').min(15, 'aisSteps must be at least 15').max(1_000_000, 'aisSteps must be at most 1000000').default(15_000),
  /** Share of the training images held out for validation: the epoch the run is quoted at is chosen on it, never on the test images. */
  validationSplit: trainingHyperShape.validationSplit,
  seed: seedSchema,
  sampleEverySteps: sampleEveryStepsSchema,
}).strict().superRefine((h, ctx) => {
  if (h.visible === 'bernoulli' && h.learnVariance) {
    ctx.addIssue({ code: 'custom', path: ['learnVariance'], message: "learnVariance applies to Gaussian visible units only: set visible to 'gaussian' or learnVariance to false" });
  }
  if (h.visible === 'gaussian' && (h.logLikelihood === 'epoch' || h.logLikelihood === 'end')) {
    ctx.addIssue({ code: 'custom', path: ['logLikelihood'], message: "the log-likelihood (exact or AIS) is for Bernoulli visible units only: set logLikelihood to 'auto' or 'off' for a Gaussian RBM" });
  }
});
export type RbmHyper = z.output<typeof rbmHyperSchema>;

/** The default step size of each visible type. */
export const RBM_DEFAULT_LEARNING_RATE = { bernoulli: 0.1, gaussian: 0.001 } as const;

/** The step size a run uses: the one given, else its visible type's default. */
export function rbmLearningRate(h: Pick<RbmHyper, 'learningRate' | 'visible'>): number {
  return h.learningRate ?? RBM_DEFAULT_LEARNING_RATE[h.visible];
}

export const rbmConfigSchema = z.object({
  family: z.literal('rbm'),
  ...runConfigCommonShape,
  // The step size left out is resolved here, so the stored config says the one the run used.
  hyper: rbmHyperSchema.default(rbmHyperSchema.parse({})).transform((h) => ({ ...h, learningRate: rbmLearningRate(h) })),
}).strict();
export type RbmConfig = z.output<typeof rbmConfigSchema>;
