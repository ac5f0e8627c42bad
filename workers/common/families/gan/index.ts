/** The GAN family (every loss and trick, conditional variants, the 2-D toys), described once. */
import { fmt } from '../../partContracts';
import { isModelDocument } from '../../graph';
import { inferShapes } from '../../shapes';
import type { ReevaluationMeta, ScoredGeneratorMeta } from '../../gallery';
import { dataArtifact, defineFamily, imageArtifact, type ContractContext, type MetricSpec } from '../descriptor';
import { GAN_TOY_TEMPLATE, ganConditioningSchema, ganConfigSchema, ganLatentDim, ganTemplateSchema, type GanConditioning, type GanConfig, type GanTemplate } from './config';
import { checkGeneratorDiscriminator } from './contract';
import { ganForm } from './form';
import { ganCharts, type RecordedClassHistogramMeta, type ToyScatterMeta } from './charts';
import { ganTemplate } from './templates';

export { GAN_TOY_TEMPLATE };


/** The conditioning a contract names ('none' when it names none or something else). */
export function contractConditioning(c: ContractContext): GanConditioning {
  const parsed = ganConditioningSchema.safeParse(c.choices['conditioning']);
  return parsed.success ? parsed.data : 'none';
}

function contractLines(c: ContractContext): Record<string, string> {
  const x = fmt(c.inputShape);
  const C = c.numClasses;
  const conditioning = contractConditioning(c);
  if (conditioning === 'cgan') return { generator: `maps noise 'z' [${c.latentDim}] and one-hot label 'y' [${C}] to an example ${x}`, discriminator: `maps an example 'x' ${x} and its label 'y' [${C}] to one logit [1]` };
  if (conditioning === 'acgan') return { generator: `maps noise 'z' [${c.latentDim}] and one-hot label 'y' [${C}] to an example ${x}`, discriminator: `maps an example ${x} to [${1 + C}]: the source logit, then ${C} class logits` };
  return { generator: `maps noise z [${c.latentDim}] to an example ${x}`, discriminator: `maps an example ${x} to one logit [1]` };
}

/** The final evaluation of a completed run (finalEvalSamples samples, default 10,000): the training scores' keys with a final_ prefix, and the floor at that size. */
const finalMetrics = [
  { key: 'final_classes_present', x: 'step', mode: 'max', description: 'final evaluation: classes present (confident count)' },
  { key: 'final_confident_share', x: 'step', mode: 'max', format: 'percent', description: 'final evaluation: confidently classified samples' },
  { key: 'final_class_kl', x: 'step', mode: 'min', description: 'final evaluation: class KL to the data (nats)' },
  { key: 'final_inception_score', x: 'step', mode: 'max', description: 'final evaluation: Inception-style score (mean over 10 splits)' },
  { key: 'final_inception_score_sd', x: 'step', description: 'final evaluation: its sd over the splits' },
  { key: 'final_frechet_distance', x: 'step', mode: 'min', description: 'final evaluation: Fréchet distance' },
  { key: 'final_frechet_distance_lo', x: 'step', description: 'final evaluation: Fréchet distance, 2.5 % bootstrap percentile' },
  { key: 'final_frechet_distance_hi', x: 'step', description: 'final evaluation: Fréchet distance, 97.5 % bootstrap percentile' },
  { key: 'final_kid', x: 'step', mode: 'min', description: 'final evaluation: KID' },
  { key: 'final_kid_se', x: 'step', description: 'final evaluation: KID standard error' },
  { key: 'final_precision', x: 'step', mode: 'max', format: 'percent', description: 'final evaluation: precision (k = 3)' },
  { key: 'final_recall', x: 'step', mode: 'max', format: 'percent', description: 'final evaluation: recall (k = 3)' },
  { key: 'final_conditional_accuracy', x: 'step', mode: 'max', format: 'percent', description: 'final evaluation, conditional: samples of the class asked for' },
  { key: 'final_real_inception_score', x: 'step', description: 'final evaluation: the real test images’ Inception-style score' },
  { key: 'final_real_inception_score_sd', x: 'step', description: 'final evaluation: its sd over the splits' },
  { key: 'final_real_classes_present', x: 'step', description: 'final evaluation: classes present among the real test images' },
  { key: 'final_real_frechet_distance', x: 'step', description: 'final evaluation: real-vs-real Fréchet distance at the same size' },
  { key: 'final_real_kid', x: 'step', description: 'final evaluation: real-vs-real KID at the same size' },
  { key: 'final_real_kid_se', x: 'step', description: 'final evaluation: real-vs-real KID standard error' },
] as const satisfies readonly MetricSpec[];

export const ganFamily = defineFamily({
  id: 'gan',
  label: 'generative adversarial network (GAN)',
  title: 'GAN',
  configSchema: ganConfigSchema,
  network: {
    parts: ['generator', 'discriminator'],
    templates: ganTemplateSchema.options,
    editorTemplates: ganTemplateSchema.options.filter((t) => t !== GAN_TOY_TEMPLATE),
    hasLatent: true,
    contractChoices: [{
      key: 'conditioning', label: 'conditioning', default: 'none',
      options: [
        { value: 'none', label: 'none' },
        { value: 'cgan', label: 'cGAN (G and D get the label)' },
        { value: 'acgan', label: 'AC-GAN (D predicts the class)' },
      ],
    }],
    defaultLatentDim: 64,
    // A 2-D toy (hyper.toy) replaces the catalogue dataset: its examples are [2].
    contractFor: (config: GanConfig, data) => ({
      inputShape: config.hyper.toy !== undefined ? [2] : [...data.inputShape],
      numClasses: data.numClasses,
      latentDim: ganLatentDim(config.hyper),
      choices: { conditioning: config.hyper.conditioning },
    }),
    // The tricks that live in the architecture, and the conditional variants: the templates insert their layers.
    template: (name, c, config) => ganTemplate(name as GanTemplate, [...c.inputShape], c.latentDim, {
      ...(config ? { minibatchStddev: config.hyper.minibatchStddev, virtualBatchNorm: config.hyper.virtualBatchNorm } : {}),
      conditioning: contractConditioning(c), numClasses: c.numClasses,
    }),
    check: (a, c) => (isModelDocument(a)
      ? checkGeneratorDiscriminator(a, { dataShape: [...c.inputShape], latentDim: c.latentDim, conditioning: contractConditioning(c), numClasses: c.numClasses })
      : [{ code: 'bad-output', message: 'A GAN trains a model with a generator and a discriminator part, not a single graph', hint: 'Use a model document (format "latent-model") with the parts "generator" and "discriminator"' }]),
    contractLines,
    inferContract: (parts, base) => {
      const c: ContractContext = { ...base, inputShape: [...base.inputShape], choices: { ...base.choices } };
      const g = parts['generator'] ? inferShapes(parts['generator']) : undefined;
      const d = parts['discriminator'] ? inferShapes(parts['discriminator']) : undefined;
      const z = g?.inputs.find((i) => i.name === 'z') ?? (g?.inputs.length === 1 ? g.inputs[0] : undefined);
      if (z?.shape.length === 1) c.latentDim = z.shape[0]!;
      if (g?.outputShape) c.inputShape = [...g.outputShape];
      const y = g?.inputs.find((i) => i.name === 'y');
      if (y?.shape.length === 1) c.numClasses = y.shape[0]!;
      c.choices = { ...c.choices, conditioning: !y ? 'none' : d?.inputs.some((i) => i.name === 'y') ? 'cgan' : 'acgan' };
      return c;
    },
  },
  form: ganForm,
  charts: ganCharts,
  validation: { key: 'val_frechet_distance', mode: 'min', selects: ['frechet_distance', 'frechet_distance_lo', 'frechet_distance_hi', 'kid', 'kid_se', 'inception_score', 'inception_score_sd', 'classes_present', 'confident_share', 'precision', 'recall', 'class_kl', 'conditional_accuracy'] },
  headline: [
    { key: 'frechet_distance', mode: 'min', label: 'Fréchet dist.', format: 'number' },
    { key: 'inception_score', mode: 'max', label: 'Inception score', format: 'number' },
    { key: 'modes_covered', mode: 'max', label: 'modes covered', format: 'number' },
  ],
  metrics: [
    { key: 'd_loss', x: 'step', description: 'discriminator (critic) loss' },
    { key: 'g_loss', x: 'step', description: 'generator loss' },
    { key: 'd_real', x: 'step', description: 'mean D(x) on real data (σ of the logit for minimax and non-saturating; raw otherwise)' },
    { key: 'd_fake', x: 'step', description: 'mean D(G(z)) on generated data' },
    { key: 'd_grad_norm', x: 'step', description: 'global L2 norm of the discriminator’s gradient' },
    { key: 'g_grad_norm', x: 'step', description: 'global L2 norm of the generator’s gradient' },
    { key: 'gradient_penalty', x: 'step', description: 'WGAN-GP: the gradient penalty term' },
    { key: 'd_class_accuracy', x: 'step', mode: 'max', format: 'percent', description: 'AC-GAN: D’s class accuracy on the real batch' },
    { key: 'g_class_accuracy', x: 'step', format: 'percent', description: 'AC-GAN: D’s class accuracy on the generated batch' },
    { key: 'd_class_loss', x: 'step', description: 'AC-GAN: D’s class cross-entropy' },
    { key: 'g_class_loss', x: 'step', description: 'AC-GAN: G’s class cross-entropy' },
    { key: 'classes_present', x: 'step', mode: 'max', description: 'classes with ≥ half their data-expected count of confidently classified samples (top probability ≥ confidenceThreshold; before these runs: argmax ≥ 1 %)' },
    { key: 'confident_share', x: 'step', mode: 'max', format: 'percent', description: 'samples the reference classifier classifies with probability ≥ confidenceThreshold' },
    { key: 'class_kl', x: 'step', mode: 'min', description: 'KL of the samples’ argmax class histogram to the data’s (nats)' },
    { key: 'inception_score', x: 'step', mode: 'max', description: 'Inception-style score on the reference classifier (mean over 10 splits; one split before these runs)' },
    { key: 'inception_score_sd', x: 'step', description: 'sd of the Inception-style score over its 10 splits' },
    { key: 'frechet_distance', x: 'step', mode: 'min', description: 'Fréchet distance on the reference classifier’s features' },
    { key: 'frechet_distance_lo', x: 'step', description: 'Fréchet distance: 2.5 % bootstrap percentile (50 resamplings of both sets)' },
    { key: 'frechet_distance_hi', x: 'step', description: 'Fréchet distance: 97.5 % bootstrap percentile (50 resamplings of both sets)' },
    { key: 'kid', x: 'step', mode: 'min', description: 'Kernel Inception Distance (unbiased MMD², cubic kernel, mean over 10 subsets)' },
    { key: 'val_frechet_distance', x: 'step', mode: 'min', description: 'Fréchet distance of the same samples to the held-out training images (never trained on): the step the test scores are quoted at is chosen on it' },
    { key: 'kid_se', x: 'step', description: 'standard error of the KID over its 10 subsets' },
    { key: 'precision', x: 'step', mode: 'max', format: 'percent', description: 'share of samples inside the real images’ k-NN manifold (k = 3, features)' },
    { key: 'recall', x: 'step', mode: 'max', format: 'percent', description: 'share of real images inside the samples’ k-NN manifold (k = 3, features)' },
    { key: 'conditional_accuracy', x: 'step', mode: 'max', format: 'percent', description: 'conditional: samples of the class asked for' },
    { key: 'reference_accuracy', x: 'step', format: 'percent', description: 'the reference classifier’s test accuracy' },
    { key: 'real_inception_score', x: 'step', description: 'the real test images’ Inception-style score (the ceiling)' },
    { key: 'real_inception_score_sd', x: 'step', description: 'sd over 10 splits of the real test images’ Inception-style score' },
    { key: 'real_classes_present', x: 'step', description: 'classes present among the real test images (the same confident rule)' },
    { key: 'real_frechet_distance', x: 'step', description: 'real-vs-real floor: Fréchet distance of other real images to the test images, same sample size' },
    { key: 'real_kid', x: 'step', description: 'real-vs-real floor: KID of other real images to the test images, same sample size' },
    { key: 'real_kid_se', x: 'step', description: 'standard error of the real-vs-real KID' },
    ...finalMetrics,
    { key: 'modes_covered', x: 'step', mode: 'max', description: '2-D toys: modes with enough generated points within 3σ' },
    { key: 'mode_distance', x: 'step', mode: 'min', description: '2-D toys: mean distance to the nearest centre' },
    { key: 'high_quality', x: 'step', mode: 'max', format: 'percent', description: '2-D toys: fraction of points within 3σ of a centre' },
  ],
  artifacts: [
    imageArtifact('samples', 'Samples'),
    imageArtifact('interpolation', 'Interpolation'),
    imageArtifact('neighbours', 'Nearest training images'),
    dataArtifact<RecordedClassHistogramMeta>()('class-histogram', 'Class histogram'),
    dataArtifact<ToyScatterMeta>()('toy-scatter', 'Toy density'),
    // A directory (the generator's checkpoint) at each scored step, not a document: listed, never drawn.
    dataArtifact<ScoredGeneratorMeta>()('scored-generator', 'Scored generator'),
    dataArtifact<ReevaluationMeta>()('re-evaluation', 'Re-evaluation'),
  ],
  analyses: ['nearest-neighbours', 'latent-interpolation', 're-evaluate'],
  dataOverride: (config) => (config.hyper.toy !== undefined ? `the 2-D toy mixture ${config.hyper.toy}` : undefined),
});
