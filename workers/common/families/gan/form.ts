/**
 * The GAN's part of the new-run form. The data select trains on the
 * dataset's images or on a 2-D toy, which replaces the dataset (no dataset,
 * sizes or reference classifier; steps per epoch instead, and the toy
 * template). The loss decides label smoothing (not for the WGAN critics),
 * the clip value (wgan) and the gradient penalty (wgan-gp); unrolling shows
 * its gradient; β₁ is Adam's. Class conditioning needs labels, so only image
 * data shows it, and the class-loss weight only for AC-GAN. No validation
 * split (unused).
 *
 * Two fields take other ids than their config keys: `ganLoss` is hyper.loss
 * (the autoencoder's reconstruction loss is `loss`), `ganData` is hyper.toy
 * ('dataset': no toy, the dataset's images).
 */
import {
  booleanField, choiceField, dataFields, formNumber, numberField, sharedFields, templateField,
  type FamilyForm, type FormField, type FormState, type FormWarning,
} from '../runForm';
import {
  GAN_TOY_TEMPLATE, ganConfigSchema, ganHyperSchema, ganLatentDim, ganLossSchema, ganTemplateSchema, toyDatasetSchema, type ToyDataset,
} from './config';

/** The value of `ganData` that means "the dataset's images" (no hyper.toy). */
export const GAN_DATASET_IMAGES = 'dataset';

/** The 2-D toy a GAN form trains on, or null for the dataset's images. */
export function formToy(state: FormState): ToyDataset | null {
  const parsed = toyDatasetSchema.safeParse(state['ganData']);
  return parsed.success ? parsed.data : null;
}
const onImages = (s: FormState): boolean => formToy(s) === null;
const isWasserstein = (s: FormState): boolean => s['ganLoss'] === 'wgan' || s['ganLoss'] === 'wgan-gp';

/** dcgan needs images, toy-mlp flat data: each kind of data gets its templates. */
const imageTemplates: readonly string[] = ganTemplateSchema.options.filter((t) => t !== GAN_TOY_TEMPLATE);
const toyTemplates: readonly string[] = [GAN_TOY_TEMPLATE, ...ganTemplateSchema.options.filter((t) => t !== GAN_TOY_TEMPLATE && t !== 'dcgan')];
const imageDefaultTemplate = (): string => {
  const a = ganConfigSchema.parse({ family: 'gan' }).architecture;
  return 'template' in a ? a.template : imageTemplates[0]!;
};

const lossHints: Readonly<Record<string, string>> = {
  minimax: 'G minimises log(1 − D(G(z))); saturates',
  nonsaturating: 'G maximises log D(G(z))',
  lsgan: 'least squares on D’s raw score',
  wgan: 'critic; weights clipped',
  'wgan-gp': 'critic; gradient penalty',
};
const conditioningHints: Readonly<Record<string, string>> = {
  none: 'G gets noise only',
  cgan: 'G and D get the label (Mirza & Osindero)',
  acgan: 'G gets the label, D predicts it (Odena et al.)',
};

const defaultNoise = (s: FormState): number => ganLatentDim({ latentDim: undefined, toy: formToy(s) ?? undefined });
const onlyImages = (f: FormField): FormField => ({ ...f, visible: onImages });

const dataAndModel: readonly FormField[] = [
  {
    ...choiceField('ganData', 'Data', [GAN_DATASET_IMAGES, ...toyDatasetSchema.options], {
      path: ['hyper', 'toy'], group: 'data', hint: 'a 2-D toy replaces the dataset', datasetOption: GAN_DATASET_IMAGES,
      optionLabels: { [GAN_DATASET_IMAGES]: 'Images of the dataset', ring8: '8 Gaussians on a ring (2-D toy)', grid25: '25 Gaussians on a grid (2-D toy)' },
    }),
  },
  ...dataFields.map(onlyImages),
  templateField((s) => (onImages(s) ? imageTemplates : toyTemplates)),
  choiceField('ganLoss', 'GAN loss', ganLossSchema.options, {
    path: ['hyper', 'loss'], hint: (s) => lossHints[s['ganLoss'] ?? ''],
    optionLabels: { minimax: 'minimax', nonsaturating: 'non-saturating', lsgan: 'least squares (LSGAN)', wgan: 'Wasserstein, clipping (WGAN)', 'wgan-gp': 'Wasserstein, penalty (WGAN-GP)' },
  }),
  numberField('latentDim', 'Noise size', 'numeric', { value: 'optional-number', hint: (s) => `empty = ${defaultNoise(s)}`, placeholder: (s) => String(defaultNoise(s)) }),
  numberField('dSteps', 'D steps per G step', 'numeric', { hint: 'k; a fresh real batch each' }),
  numberField('unrollSteps', 'Unrolled D steps', 'numeric', { hint: 'G sees D k steps ahead; 0 = off' }),
  choiceField('unrollGradient', 'Unrolled gradient', ganHyperSchema.shape.unrollGradient.unwrap().options, {
    hint: 'second: the paper’s; first: cheaper', optionLabels: { 'second-order': 'second order', 'first-order': 'first order (cheaper)' },
    visible: (s) => formNumber(s['unrollSteps']) !== 0,
  }),
  booleanField('minibatchStddev', 'Minibatch stddev in D', 'D sees how varied a batch is'),
  booleanField('virtualBatchNorm', 'Virtual batch norm in G', 'a fixed reference batch’s statistics'),
  choiceField('conditioning', 'Class conditioning', ganHyperSchema.shape.conditioning.unwrap().options, {
    hint: (s) => conditioningHints[s['conditioning'] ?? ''], visible: onImages,
    optionLabels: { none: 'none (unconditional)', cgan: 'conditional GAN (label to G and D)', acgan: 'AC-GAN (D predicts the class)' },
  }),
  numberField('auxWeight', 'Class loss weight', 'decimal', { hint: 'AC-GAN: weight of the class cross-entropy', visible: (s) => onImages(s) && s['conditioning'] === 'acgan' }),
  numberField('labelSmoothing', 'Real label (smoothing)', 'decimal', { hint: 'D’s target for real; 1 = off', visible: (s) => !isWasserstein(s) }),
  { ...booleanField('smoothNegatives', 'Smooth fake labels too', 'fake target 1 − smoothing', { false: 'no (one-sided)', true: 'yes' }), visible: (s) => !isWasserstein(s) },
  numberField('clipValue', 'Weight clip', 'decimal', { hint: 'critic weights in [−c, c]', visible: (s) => s['ganLoss'] === 'wgan' }),
  numberField('gpWeight', 'Gradient penalty weight', 'decimal', { hint: 'λ; 10 in Gulrajani et al.', visible: (s) => s['ganLoss'] === 'wgan-gp' }),
];

const training: readonly FormField[] = [
  { ...sharedFields.epochs, hint: (s) => (onImages(s) ? 'passes of D over the images' : 'of “steps per epoch” steps') },
  sharedFields.batchSize,
  sharedFields.optimizer,
  { ...sharedFields.learningRate, label: 'Learning rate (G)', hint: 'the generator’s' },
  {
    ...numberField('learningRateD', 'Learning rate (D)', 'decimal', { value: 'optional-number', hint: 'empty = same as G' }),
    group: 'training',
    placeholder: (s) => {
      const g = (s['learningRate'] ?? '').trim();
      return g === '' ? 'same as G' : `${g} (as G)`;
    },
  },
  sharedFields.momentum,
  { ...numberField('beta1', 'Adam beta1', 'decimal', { hint: 'β₁; 0.5 for GANs (DCGAN)' }), group: 'training', visible: (s) => s['optimizer'] === 'adam' },
  sharedFields.seed,
  sharedFields.sampleEverySteps,
  { ...numberField('toyStepsPerEpoch', 'Steps per epoch', 'numeric', { hint: 'toy data: G steps per epoch' }), group: 'training', visible: (s) => !onImages(s) },
];

const evaluation: readonly FormField[] = [
  { ...numberField('evalSamples', 'Scored samples', 'numeric', { hint: 'per logged step; 0 = off' }), group: 'evaluation', visible: onImages },
  { ...sharedFields.validationSplit, hint: 'held out from G; the step quoted is chosen on them', visible: onImages },
  {
    ...choiceField('referenceTemplate', 'Reference classifier', ganHyperSchema.shape.referenceTemplate.unwrap().options, {
      hint: 'trained once per dataset, cached', optionLabels: { lenet: 'LeNet-5', mlp: 'MLP (faster)' },
    }),
    group: 'evaluation', visible: (s) => onImages(s) && formNumber(s['evalSamples']) !== 0,
  },
  { ...numberField('referenceEpochs', 'Reference epochs', 'numeric', { hint: 'the first time it is trained' }), group: 'evaluation', visible: (s) => onImages(s) && formNumber(s['evalSamples']) !== 0 },
  { ...numberField('confidenceThreshold', 'Confident at', 'decimal', { hint: 'top-class probability a sample needs to count for its class' }), group: 'evaluation', visible: (s) => onImages(s) && formNumber(s['evalSamples']) !== 0 },
  { ...numberField('finalEvalSamples', 'Final scored samples', 'numeric', { hint: 'when the run completes; 0 = none' }), group: 'evaluation', visible: (s) => onImages(s) && formNumber(s['evalSamples']) !== 0 },
];

/** Smoothing the fake labels is valid but rewards samples off the data: said next to the field. */
function warnings(state: FormState, visible: readonly string[]): FormWarning[] {
  if (!visible.includes('smoothNegatives') || state['smoothNegatives'] !== 'true') return [];
  const real = formNumber(state['labelSmoothing']);
  const fake = typeof real === 'number' ? Number((1 - real).toFixed(6)) : null;
  return [{
    field: 'smoothNegatives',
    text: 'Smoothing the negative labels rewards the generator for samples where the data has no mass '
      + '(Salimans et al. 2016): D is taught that points off the data are partly real. Prefer one-sided smoothing (lower only the real label).'
      + (fake === 0 ? ' With the real label at 1 the fake target stays 0, so this changes nothing yet.' : fake !== null ? ` Fake target: ${fake}.` : ''),
  }];
}

/** Choosing a 2-D toy picks the toy template, and back to images the image default, so the defaults make a run that trains. */
function onChange(next: FormState, field: string, prev: FormState): FormState {
  if (field !== 'ganData') return next;
  const out = { ...next };
  const isToy = formToy(next) !== null;
  if ((formToy(prev) !== null) !== isToy) out['template'] = isToy ? GAN_TOY_TEMPLATE : imageDefaultTemplate();
  const options = isToy ? toyTemplates : imageTemplates;
  if (!options.includes(out['template'] ?? '')) out['template'] = options[0] ?? out['template'] ?? '';
  return out;
}

export const ganForm: FamilyForm = { fields: [...dataAndModel, ...training, ...evaluation], warnings, onChange };
