/**
 * The new-run form's model, for every family: string fields as typed, turned
 * into a raw run config and validated with the very schema the server uses
 * (the family's config schema), so the messages under the fields are the
 * server's messages. Which fields show depends on the family and on a few
 * choices (optimizer, variant, decoder, a GAN's loss and data); hidden fields
 * are not sent.
 *
 * A few form fields map to a differently named config key: `ganLoss` is the
 * GAN's `hyper.loss` (the autoencoder's reconstruction loss is `loss`), and
 * `ganData` is the GAN's `hyper.toy` ('dataset' = no toy: train on the
 * dataset's images).
 */
import type { z } from 'zod';
import { formatIssue, type Issue } from '../../workers/common/runConfigBase';
import {
  autoencoderConfigSchema, autoencoderHyperSchema, autoencoderTemplateSchema, autoencoderVariantSchema,
  classifierConfigSchema, classifierTemplateSchema, families, ganConfigSchema, ganHyperSchema, ganTemplateSchema, optimizerSchema,
  ganLatentDim, pcaConfigSchema, toyDatasetSchema, vaeConfigSchema, vaeHyperSchema, vaeTemplateSchema,
  type Family, type RunConfig, type ToyDataset,
} from '../../workers/common/runConfig';

export const runFormFields = [
  'family', 'dataset', 'trainSize', 'testSize', 'template',
  'variant', 'latentDim', 'loss', 'noise', 'noiseLevel', 'contractiveWeight', 'pretrainEpochs',
  'decoder', 'binarize', 'decoderVariance', 'beta', 'klWarmupEpochs', 'activeUnitThreshold',
  'components',
  'ganData', 'ganLoss', 'dSteps', 'labelSmoothing', 'smoothNegatives', 'clipValue', 'gpWeight',
  'unrollSteps', 'unrollGradient', 'minibatchStddev', 'virtualBatchNorm', 'conditioning', 'auxWeight',
  'epochs', 'batchSize', 'optimizer', 'learningRate', 'learningRateD', 'momentum', 'beta1', 'validationSplit', 'seed', 'sampleEverySteps',
  'toyStepsPerEpoch', 'evalSamples', 'referenceTemplate', 'referenceEpochs',
  'name',
] as const;
export type RunFormField = (typeof runFormFields)[number];
export type RunFormState = Record<RunFormField, string>;
export type RunFormErrors = Partial<Record<RunFormField, string>>;

export const familySchemas = {
  classifier: classifierConfigSchema,
  autoencoder: autoencoderConfigSchema,
  vae: vaeConfigSchema,
  gan: ganConfigSchema,
  pca: pcaConfigSchema,
} as const;

export const familyLabels: Readonly<Record<Family, string>> = {
  classifier: 'classifier',
  autoencoder: 'autoencoder',
  vae: 'variational autoencoder (VAE)',
  gan: 'generative adversarial network (GAN)',
  pca: 'PCA baseline',
};

export function isFamily(v: string): v is Family {
  return (families as readonly string[]).includes(v);
}

/** Fields outside `hyper` in the config. */
const configLevelFields = new Set<RunFormField>(['family', 'dataset', 'trainSize', 'testSize', 'template', 'name']);
/** Fields the value of which is picked from a list (sent as typed, never as numbers). */
const choiceFields = new Set<RunFormField>(['family', 'dataset', 'template', 'variant', 'loss', 'noise', 'decoder', 'binarize', 'optimizer', 'ganData', 'ganLoss', 'referenceTemplate', 'unrollGradient', 'conditioning']);
/** Yes/no fields: the form holds 'true' / 'false', the config a boolean. */
const booleanFields = new Set<RunFormField>(['smoothNegatives', 'minibatchStddev', 'virtualBatchNorm']);
const hyperFields = new Set<RunFormField>(runFormFields.filter((f) => !configLevelFields.has(f)));
/** The value of `ganData` that means "the dataset's images" (no hyper.toy). */
export const GAN_DATASET_IMAGES = 'dataset';

export type RunFormGroup = 'data' | 'model' | 'training' | 'evaluation' | 'run';
export const runFormGroups: readonly { id: RunFormGroup; legend: string }[] = [
  { id: 'model', legend: 'Model' },
  { id: 'data', legend: 'Data' },
  { id: 'training', legend: 'Training' },
  { id: 'evaluation', legend: 'Evaluation (reference classifier)' },
  { id: 'run', legend: 'Run' },
];

export interface RunFormFieldSpec {
  label: string;
  group: RunFormGroup;
  /** Text inputs carry an inputmode; selects list fieldOptions(). */
  control: 'select' | 'text';
  inputmode?: 'numeric' | 'decimal';
  hint?: string;
}

export const runFormFieldSpecs: Readonly<Record<RunFormField, RunFormFieldSpec>> = {
  family: { label: 'Family', group: 'model', control: 'select' },
  dataset: { label: 'Dataset', group: 'data', control: 'select' },
  trainSize: { label: 'Train examples', group: 'data', control: 'text', inputmode: 'numeric', hint: 'empty = all' },
  testSize: { label: 'Test examples', group: 'data', control: 'text', inputmode: 'numeric', hint: 'empty = all' },
  template: { label: 'Architecture', group: 'model', control: 'select' },
  variant: { label: 'Variant', group: 'model', control: 'select' },
  latentDim: { label: 'Latent size', group: 'model', control: 'text', inputmode: 'numeric', hint: 'code dimensions' },
  loss: { label: 'Reconstruction loss', group: 'model', control: 'select' },
  noise: { label: 'Noise', group: 'model', control: 'select' },
  noiseLevel: { label: 'Noise level', group: 'model', control: 'text', inputmode: 'decimal', hint: 'masked fraction, or σ' },
  contractiveWeight: { label: 'Contractive weight', group: 'model', control: 'text', inputmode: 'decimal', hint: 'weight of ‖∂h/∂x‖²' },
  pretrainEpochs: { label: 'Pre-train epochs', group: 'model', control: 'text', inputmode: 'numeric', hint: 'per layer, before fine-tuning' },
  decoder: { label: 'Decoder likelihood', group: 'model', control: 'select' },
  binarize: { label: 'Binarize pixels', group: 'model', control: 'select' },
  decoderVariance: { label: 'Decoder variance', group: 'model', control: 'text', inputmode: 'decimal', hint: 'fixed σ², pixels in [0, 1]' },
  beta: { label: 'KL weight (beta)', group: 'model', control: 'text', inputmode: 'decimal', hint: 'β; 1 = the ELBO' },
  klWarmupEpochs: { label: 'KL warm-up epochs', group: 'model', control: 'text', inputmode: 'decimal', hint: '0 = no warm-up' },
  activeUnitThreshold: { label: 'Active-unit threshold', group: 'model', control: 'text', inputmode: 'decimal', hint: 'Cov(E[z]) above it' },
  components: { label: 'Components', group: 'model', control: 'text', inputmode: 'numeric', hint: 'principal components kept' },
  ganData: { label: 'Data', group: 'data', control: 'select', hint: 'a 2-D toy replaces the dataset' },
  ganLoss: { label: 'GAN loss', group: 'model', control: 'select' },
  dSteps: { label: 'D steps per G step', group: 'model', control: 'text', inputmode: 'numeric', hint: 'k; a fresh real batch each' },
  labelSmoothing: { label: 'Real label (smoothing)', group: 'model', control: 'text', inputmode: 'decimal', hint: 'D’s target for real; 1 = off' },
  smoothNegatives: { label: 'Smooth fake labels too', group: 'model', control: 'select', hint: 'fake target 1 − smoothing' },
  clipValue: { label: 'Weight clip', group: 'model', control: 'text', inputmode: 'decimal', hint: 'critic weights in [−c, c]' },
  gpWeight: { label: 'Gradient penalty weight', group: 'model', control: 'text', inputmode: 'decimal', hint: 'λ; 10 in Gulrajani et al.' },
  unrollSteps: { label: 'Unrolled D steps', group: 'model', control: 'text', inputmode: 'numeric', hint: 'G sees D k steps ahead; 0 = off' },
  unrollGradient: { label: 'Unrolled gradient', group: 'model', control: 'select', hint: 'second: the paper’s; first: cheaper' },
  minibatchStddev: { label: 'Minibatch stddev in D', group: 'model', control: 'select', hint: 'D sees how varied a batch is' },
  virtualBatchNorm: { label: 'Virtual batch norm in G', group: 'model', control: 'select', hint: 'a fixed reference batch’s statistics' },
  conditioning: { label: 'Class conditioning', group: 'model', control: 'select', hint: 'G (and D) get the class label' },
  auxWeight: { label: 'Class loss weight', group: 'model', control: 'text', inputmode: 'decimal', hint: 'AC-GAN: weight of the class cross-entropy' },
  epochs: { label: 'Epochs', group: 'training', control: 'text', inputmode: 'numeric' },
  batchSize: { label: 'Batch size', group: 'training', control: 'text', inputmode: 'numeric' },
  optimizer: { label: 'Optimizer', group: 'training', control: 'select' },
  learningRate: { label: 'Learning rate', group: 'training', control: 'text', inputmode: 'decimal' },
  learningRateD: { label: 'Learning rate (D)', group: 'training', control: 'text', inputmode: 'decimal', hint: 'empty = same as G' },
  momentum: { label: 'Momentum', group: 'training', control: 'text', inputmode: 'decimal' },
  beta1: { label: 'Adam beta1', group: 'training', control: 'text', inputmode: 'decimal', hint: 'β₁; 0.5 for GANs (DCGAN)' },
  validationSplit: { label: 'Validation split', group: 'training', control: 'text', inputmode: 'decimal' },
  seed: { label: 'Seed', group: 'training', control: 'text', inputmode: 'numeric' },
  sampleEverySteps: { label: 'Gallery every', group: 'training', control: 'text', inputmode: 'numeric', hint: 'steps; 0 = epoch ends only' },
  toyStepsPerEpoch: { label: 'Steps per epoch', group: 'training', control: 'text', inputmode: 'numeric', hint: 'toy data: G steps per epoch' },
  evalSamples: { label: 'Scored samples', group: 'evaluation', control: 'text', inputmode: 'numeric', hint: 'per logged step; 0 = off' },
  referenceTemplate: { label: 'Reference classifier', group: 'evaluation', control: 'select', hint: 'trained once per dataset, cached' },
  referenceEpochs: { label: 'Reference epochs', group: 'evaluation', control: 'text', inputmode: 'numeric', hint: 'the first time it is trained' },
  name: { label: 'Run name', group: 'run', control: 'text', hint: 'optional' },
};

const templateOptions: Readonly<Record<Family, readonly string[]>> = {
  classifier: classifierTemplateSchema.options,
  autoencoder: autoencoderTemplateSchema.options,
  vae: vaeTemplateSchema.options,
  gan: ganTemplateSchema.options,
  pca: [],
};

/** The GAN template for the 2-D toys (flat data; dcgan needs images, toy-mlp flat data). */
const GAN_TOY_TEMPLATE = 'toy-mlp';
const ganImageTemplates: readonly string[] = ganTemplateSchema.options.filter((t) => t !== GAN_TOY_TEMPLATE);
const ganToyTemplates: readonly string[] = [GAN_TOY_TEMPLATE, ...ganTemplateSchema.options.filter((t) => t !== GAN_TOY_TEMPLATE && t !== 'dcgan')];

const fixedOptions: Partial<Record<RunFormField, readonly string[]>> = {
  family: families,
  optimizer: optimizerSchema.options,
  variant: autoencoderVariantSchema.options,
  loss: autoencoderHyperSchema.shape.loss.unwrap().options,
  noise: autoencoderHyperSchema.shape.noise.unwrap().options,
  decoder: vaeHyperSchema.shape.decoder.unwrap().options,
  binarize: vaeHyperSchema.shape.binarize.unwrap().options,
  ganData: [GAN_DATASET_IMAGES, ...toyDatasetSchema.options],
  ganLoss: ganHyperSchema.shape.loss.unwrap().options,
  smoothNegatives: ['false', 'true'],
  unrollGradient: ganHyperSchema.shape.unrollGradient.unwrap().options,
  minibatchStddev: ['false', 'true'],
  virtualBatchNorm: ['false', 'true'],
  conditioning: ganHyperSchema.shape.conditioning.unwrap().options,
  referenceTemplate: ganHyperSchema.shape.referenceTemplate.unwrap().options,
};

const optionLabels: Partial<Record<RunFormField, Readonly<Record<string, string>>>> = {
  ganData: { [GAN_DATASET_IMAGES]: 'Images of the dataset', ring8: '8 Gaussians on a ring (2-D toy)', grid25: '25 Gaussians on a grid (2-D toy)' },
  ganLoss: {
    minimax: 'minimax', nonsaturating: 'non-saturating', lsgan: 'least squares (LSGAN)',
    wgan: 'Wasserstein, clipping (WGAN)', 'wgan-gp': 'Wasserstein, penalty (WGAN-GP)',
  },
  smoothNegatives: { false: 'no (one-sided)', true: 'yes' },
  unrollGradient: { 'second-order': 'second order', 'first-order': 'first order (cheaper)' },
  minibatchStddev: { false: 'no', true: 'yes' },
  virtualBatchNorm: { false: 'no', true: 'yes' },
  conditioning: { none: 'none (unconditional)', cgan: 'conditional GAN (label to G and D)', acgan: 'AC-GAN (D predicts the class)' },
  referenceTemplate: { lenet: 'LeNet-5', mlp: 'MLP (faster)' },
};

/**
 * The architecture select's value for a saved architecture version (the
 * others are template names): 'saved:ID@VERSION'.
 */
export const SAVED_ARCHITECTURE_PREFIX = 'saved:';

export function savedArchitectureValue(id: number, version: number): string {
  return `${SAVED_ARCHITECTURE_PREFIX}${id}@${version}`;
}

export function parseSavedArchitecture(value: string): { architectureId: number; version: number } | null {
  const m = /^saved:(\d+)@(\d+)$/.exec(value);
  return m ? { architectureId: Number(m[1]), version: Number(m[2]) } : null;
}

/** The text a select shows for one of its values. */
export function optionLabel(field: RunFormField, value: string): string {
  return optionLabels[field]?.[value] ?? value;
}

/** The 2-D toy a GAN form trains on, or null for the dataset's images. */
export function ganToy(form: Pick<RunFormState, 'ganData'>): ToyDataset | null {
  const v = form.ganData;
  return (toyDatasetSchema.options as readonly string[]).includes(v) ? (v as ToyDataset) : null;
}

/** The choices of a select field (dataset choices come from the services, not from here). */
export function fieldOptions(field: RunFormField, form: Pick<RunFormState, 'family' | 'ganData'>): readonly string[] {
  if (field === 'template') {
    if (form.family === 'gan') return ganToy(form) !== null ? ganToyTemplates : ganImageTemplates;
    return isFamily(form.family) ? templateOptions[form.family] : [];
  }
  return fixedOptions[field] ?? [];
}

const trainingFields: readonly RunFormField[] = ['epochs', 'batchSize', 'optimizer', 'learningRate', 'momentum', 'validationSplit', 'seed'];

const isWassersteinLoss = (loss: string): boolean => loss === 'wgan' || loss === 'wgan-gp';

/**
 * A GAN's fields: the toys replace the dataset (no dataset, sizes or
 * reference classifier; steps per epoch instead); the loss decides label
 * smoothing (not for the WGAN critics), the clip value (wgan) and the
 * gradient penalty (wgan-gp), unrolling its gradient; β₁ is Adam's. Class
 * conditioning needs labels, so only image data shows it (a toy sends none);
 * the class-loss weight only for AC-GAN. No validation split (unused).
 */
function ganVisibleFields(form: RunFormState): RunFormField[] {
  const toy = ganToy(form) !== null;
  const out: RunFormField[] = ['family', 'ganData'];
  if (!toy) out.push('dataset', 'trainSize', 'testSize');
  out.push('template', 'ganLoss', 'latentDim', 'dSteps', 'unrollSteps');
  if (numeric(form.unrollSteps) !== 0) out.push('unrollGradient');
  out.push('minibatchStddev', 'virtualBatchNorm');
  if (!toy) {
    out.push('conditioning');
    if (form.conditioning === 'acgan') out.push('auxWeight');
  }
  if (!isWassersteinLoss(form.ganLoss)) out.push('labelSmoothing', 'smoothNegatives');
  if (form.ganLoss === 'wgan') out.push('clipValue');
  if (form.ganLoss === 'wgan-gp') out.push('gpWeight');
  out.push('epochs', 'batchSize', 'optimizer', 'learningRate', 'learningRateD');
  if (form.optimizer === 'momentum') out.push('momentum');
  if (form.optimizer === 'adam') out.push('beta1');
  out.push('seed', 'sampleEverySteps');
  if (toy) {
    out.push('toyStepsPerEpoch');
  } else {
    out.push('evalSamples');
    if (numeric(form.evalSamples) !== 0) out.push('referenceTemplate', 'referenceEpochs');
  }
  out.push('name');
  return out;
}

/** The fields the form shows (and sends) for its current choices, in display order. */
export function visibleFields(form: RunFormState): RunFormField[] {
  if (form.family === 'gan') return ganVisibleFields(form);
  const out: RunFormField[] = ['family', 'dataset', 'trainSize', 'testSize'];
  // Display order within a group follows this list.
  const training = trainingFields.filter((f) => f !== 'momentum' || form.optimizer === 'momentum');
  switch (form.family) {
    case 'classifier':
      out.push('template', ...training);
      break;
    case 'autoencoder':
      out.push('template', 'variant', 'latentDim', 'loss');
      if (form.variant === 'denoising') out.push('noise', 'noiseLevel');
      if (form.variant === 'contractive') out.push('contractiveWeight');
      if (form.variant === 'stacked') out.push('pretrainEpochs');
      out.push(...training, 'sampleEverySteps');
      break;
    case 'vae':
      out.push('template', 'latentDim', 'decoder');
      if (form.decoder === 'gaussian') out.push('decoderVariance');
      else out.push('binarize');
      out.push('beta', 'klWarmupEpochs', 'activeUnitThreshold', ...training, 'sampleEverySteps');
      break;
    case 'pca':
      out.push('components', 'seed');
      break;
    default:
      break;
  }
  out.push('name');
  return out;
}

/** Labels that differ for a GAN. */
const ganLabels: Partial<Record<RunFormField, string>> = { latentDim: 'Noise size', learningRate: 'Learning rate (G)' };

const ganLossHints: Readonly<Record<string, string>> = {
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

export function fieldLabel(field: RunFormField, form: Pick<RunFormState, 'family'>): string {
  return (form.family === 'gan' ? ganLabels[field] : undefined) ?? runFormFieldSpecs[field].label;
}

/** The hint under a field, for the current choices. */
export function fieldHint(field: RunFormField, form: RunFormState): string | undefined {
  if (form.family === 'gan') {
    const toy = ganToy(form);
    if (field === 'latentDim') return `empty = ${ganLatentDim({ latentDim: undefined, toy: toy ?? undefined })}`;
    if (field === 'ganLoss') return ganLossHints[form.ganLoss];
    if (field === 'conditioning') return conditioningHints[form.conditioning];
    if (field === 'learningRate') return 'the generator’s';
    if (field === 'epochs' && toy !== null) return 'of “steps per epoch” steps';
    if (field === 'epochs') return 'passes of D over the images';
  }
  return runFormFieldSpecs[field].hint;
}

/** Placeholders that show what an empty optional field stands for. */
export function fieldPlaceholder(field: RunFormField, form: RunFormState): string | undefined {
  if (form.family !== 'gan') return undefined;
  if (field === 'latentDim') return String(ganLatentDim({ latentDim: undefined, toy: ganToy(form) ?? undefined }));
  if (field === 'learningRateD') return form.learningRate.trim() === '' ? 'same as G' : `${form.learningRate.trim()} (as G)`;
  return undefined;
}

export interface RunFormWarning { field: RunFormField; text: string }

/** Valid but risky choices, said next to the field (they do not block Start). */
export function formWarnings(form: RunFormState): RunFormWarning[] {
  const visible = visibleFields(form);
  const out: RunFormWarning[] = [];
  if (visible.includes('smoothNegatives') && form.smoothNegatives === 'true') {
    const real = numeric(form.labelSmoothing);
    const fake = typeof real === 'number' ? Number((1 - real).toFixed(6)) : null;
    out.push({
      field: 'smoothNegatives',
      text: 'Smoothing the negative labels rewards the generator for samples where the data has no mass '
        + '(Salimans et al. 2016): D is taught that points off the data are partly real. Prefer one-sided smoothing (lower only the real label).'
        + (fake === 0 ? ' With the real label at 1 the fake target stays 0, so this changes nothing yet.' : fake !== null ? ` Fake target: ${fake}.` : ''),
    });
  }
  return out;
}

/** Form fields stored under another config key, for one family. */
const renamedFields: readonly { field: RunFormField; family: Family; key: string }[] = [
  { field: 'ganLoss', family: 'gan', key: 'loss' },
  { field: 'ganData', family: 'gan', key: 'toy' },
];
const hyperKey = (f: RunFormField): string => renamedFields.find((r) => r.field === f)?.key ?? f;
/** The form field holding a family's `hyper.<key>`, or null when the form has none. */
function formFieldFor(family: Family, key: string): RunFormField | null {
  const renamed = renamedFields.find((r) => r.family === family && r.key === key);
  if (renamed) return renamed.field;
  const f = key as RunFormField;
  return hyperFields.has(f) && !renamedFields.some((r) => r.field === f) ? f : null;
}
/** Optional numbers of a family: empty means "the default", and nothing is sent. */
const optionalHyperFields: Partial<Record<Family, readonly RunFormField[]>> = {
  gan: ['latentDim', 'learningRateD'],
};

/** A family's schema defaults as form strings (only the fields the family has). */
function familyDefaults(family: Family): Partial<RunFormState> {
  const d = familySchemas[family].parse({ family }) as RunConfig;
  const out: Partial<RunFormState> = {
    family,
    dataset: d.dataset.id,
    trainSize: d.dataset.trainSize === undefined ? '' : String(d.dataset.trainSize),
    testSize: d.dataset.testSize === undefined ? '' : String(d.dataset.testSize),
  };
  if ('architecture' in d && 'template' in d.architecture) out.template = d.architecture.template;
  for (const f of optionalHyperFields[family] ?? []) out[f] = '';
  for (const [k, v] of Object.entries(d.hyper)) {
    const field = formFieldFor(family, k);
    if (field && (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')) out[field] = String(v);
  }
  if (d.family === 'gan') out.ganData = d.hyper.toy ?? GAN_DATASET_IMAGES;
  return out;
}

/**
 * The form at the schema defaults of `family`. Fields the family does not
 * have hold another family's defaults, so switching families later starts
 * from sensible values too.
 */
export function defaultRunForm(family: Family = 'classifier'): RunFormState {
  const form = Object.fromEntries(runFormFields.map((f) => [f, ''])) as RunFormState;
  for (const other of families) if (other !== family) Object.assign(form, familyDefaults(other));
  Object.assign(form, familyDefaults(family));
  form.name = '';
  return form;
}

/** Fields a family switch keeps as typed: what all families mean the same way. */
const keptOnSwitch: readonly RunFormField[] = ['dataset', 'trainSize', 'testSize', ...trainingFields, 'sampleEverySteps', 'name'];

/**
 * The form after choosing another family: data, training and name stay as
 * typed (a value still at the old family's default takes the new family's
 * default: a GAN's learning rate is not the classifier's); the model's
 * fields go to the new family's defaults (the template stays when the new
 * family has it too).
 */
export function switchFamily(form: RunFormState, family: Family): RunFormState {
  const next = defaultRunForm(family);
  const oldDefaults = isFamily(form.family) ? defaultRunForm(form.family) : null;
  for (const f of keptOnSwitch) {
    if (!oldDefaults || form[f] !== oldDefaults[f]) next[f] = form[f];
  }
  if (fieldOptions('template', next).includes(form.template)) next.template = form.template;
  return next;
}

/**
 * The form after one field changed, with what follows from it: choosing a
 * GAN's 2-D toy picks the toy template (back to images, the image default),
 * so the defaults make a run that trains.
 */
export function setFormField(form: RunFormState, field: RunFormField, value: string): RunFormState {
  if (field === 'family') return isFamily(value) && value !== form.family ? switchFamily(form, value) : form;
  const next: RunFormState = { ...form, [field]: value };
  if (field === 'ganData' && form.family === 'gan') {
    const wasToy = ganToy(form) !== null;
    const isToy = ganToy(next) !== null;
    if (wasToy !== isToy) next.template = isToy ? GAN_TOY_TEMPLATE : defaultRunForm('gan').template;
    const options = fieldOptions('template', next);
    if (!options.includes(next.template)) next.template = options[0] ?? next.template;
  }
  return next;
}

/**
 * A number when the text is one; otherwise the text itself, so the schema
 * reports its own "… must be a number" message (an empty required field
 * must not silently fall back to the default).
 */
function numeric(text: string): number | string {
  const t = text.trim();
  if (t === '') return text;
  const n = Number(t);
  return Number.isNaN(n) ? text : n;
}

/** Optional numbers (trainSize, testSize): empty means "all". */
function optionalNumeric(text: string): number | string | undefined {
  return text.trim() === '' ? undefined : numeric(text);
}

/** A field's value as the config holds it; undefined: not sent. */
function hyperValue(field: RunFormField, text: string, optional: boolean): unknown {
  if (field === 'ganData') return text === GAN_DATASET_IMAGES ? undefined : text;
  if (booleanFields.has(field)) return text === 'true' ? true : text === 'false' ? false : text;
  if (choiceFields.has(field)) return text;
  return optional ? optionalNumeric(text) : numeric(text);
}

/** The raw config the form describes, as the API's runs.start expects it. */
export function buildRunConfig(form: RunFormState): Record<string, unknown> {
  const visible = visibleFields(form);
  const dataset: Record<string, unknown> = { id: form.dataset };
  const trainSize = visible.includes('trainSize') ? optionalNumeric(form.trainSize) : undefined;
  const testSize = visible.includes('testSize') ? optionalNumeric(form.testSize) : undefined;
  if (trainSize !== undefined) dataset['trainSize'] = trainSize;
  if (testSize !== undefined) dataset['testSize'] = testSize;
  const optional = (isFamily(form.family) ? optionalHyperFields[form.family] : undefined) ?? [];
  const hyper: Record<string, unknown> = {};
  for (const f of visible) {
    if (!hyperFields.has(f)) continue;
    const value = hyperValue(f, form[f], optional.includes(f));
    if (value !== undefined) hyper[hyperKey(f)] = value;
  }
  const config: Record<string, unknown> = { family: form.family, dataset };
  if (visible.includes('template')) config['architecture'] = parseSavedArchitecture(form.template) ?? { template: form.template };
  config['hyper'] = hyper;
  const name = form.name.trim();
  if (name !== '') config['name'] = name;
  return config;
}

/**
 * Which form field a schema issue path (relative to the config) belongs to;
 * with `visible`, only a field the form shows (which also tells a GAN's
 * loss from the autoencoder's).
 */
export function fieldForIssuePath(path: readonly PropertyKey[], visible?: readonly RunFormField[]): RunFormField | null {
  const [head, second] = path;
  let candidates: RunFormField[] = [];
  if (head === 'name') candidates = ['name'];
  else if (head === 'family') candidates = ['family'];
  else if (head === 'dataset') candidates = [second === 'trainSize' ? 'trainSize' : second === 'testSize' ? 'testSize' : 'dataset'];
  else if (head === 'architecture') candidates = ['template'];
  else if (head === 'hyper' && typeof second === 'string') candidates = [...hyperFields].filter((f) => hyperKey(f) === second);
  if (!visible) return candidates[0] ?? null;
  return candidates.find((f) => visible.includes(f)) ?? null;
}

export interface RunFormValidation {
  config: RunConfig | null;
  errors: RunFormErrors;
  /** Issues that belong to no field. */
  general: string[];
}

export function validateRunForm(form: RunFormState): RunFormValidation {
  if (!isFamily(form.family)) return { config: null, errors: { family: `Unknown family "${form.family}"` }, general: [] };
  const visible = visibleFields(form);
  const raw = buildRunConfig(form);
  const schema: z.ZodType<RunConfig> = familySchemas[form.family];
  const res = schema.safeParse(raw);
  if (res.success) return { config: res.data, errors: {}, general: [] };
  const errors: RunFormErrors = {};
  const general: string[] = [];
  for (const issue of res.error.issues) {
    const field = fieldForIssuePath(issue.path, visible);
    if (field) errors[field] ??= issue.message;
    else general.push(issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message);
  }
  return { config: null, errors, general };
}

/**
 * Server-side issues carry paths relative to the request
 * (['config', 'hyper', 'learningRate']). Put each under its field when it has
 * one (and, with `visible`, when the form shows that field).
 */
export function mapServerIssues(issues: readonly Issue[], visible?: readonly RunFormField[]): { errors: RunFormErrors; general: string[] } {
  const errors: RunFormErrors = {};
  const general: string[] = [];
  for (const issue of issues) {
    const rel = issue.path[0] === 'config' ? issue.path.slice(1) : issue.path;
    const field = rel.length ? fieldForIssuePath(rel, visible) : null;
    if (field) errors[field] ??= issue.message;
    else general.push(formatIssue(issue));
  }
  return { errors, general };
}
