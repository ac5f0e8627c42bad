/**
 * The new-run form's model, for every family: string fields as typed, turned
 * into a raw run config and validated with the very schema the server uses
 * (the family's config schema), so the messages under the fields are the
 * server's messages. Which fields show depends on the family and on a few
 * choices (optimizer, variant, decoder); hidden fields are not sent.
 */
import type { z } from 'zod';
import {
  autoencoderConfigSchema, autoencoderHyperSchema, autoencoderTemplateSchema, autoencoderVariantSchema,
  classifierConfigSchema, classifierTemplateSchema, families, ganConfigSchema, ganTemplateSchema, optimizerSchema,
  pcaConfigSchema, vaeConfigSchema, vaeHyperSchema, vaeTemplateSchema,
  type Family, type RunConfig,
} from '../../workers/common/runConfig';

export const runFormFields = [
  'family', 'dataset', 'trainSize', 'testSize', 'template',
  'variant', 'latentDim', 'loss', 'noise', 'noiseLevel', 'contractiveWeight', 'pretrainEpochs',
  'decoder', 'binarize', 'decoderVariance', 'beta', 'klWarmupEpochs', 'activeUnitThreshold',
  'components',
  'epochs', 'batchSize', 'optimizer', 'learningRate', 'momentum', 'validationSplit', 'seed', 'sampleEverySteps',
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
const choiceFields = new Set<RunFormField>(['family', 'dataset', 'template', 'variant', 'loss', 'noise', 'decoder', 'binarize', 'optimizer']);
const hyperFields = new Set<string>(runFormFields.filter((f) => !configLevelFields.has(f)));

export type RunFormGroup = 'data' | 'model' | 'training' | 'run';
export const runFormGroups: readonly { id: RunFormGroup; legend: string }[] = [
  { id: 'model', legend: 'Model' },
  { id: 'data', legend: 'Data' },
  { id: 'training', legend: 'Training' },
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
  epochs: { label: 'Epochs', group: 'training', control: 'text', inputmode: 'numeric' },
  batchSize: { label: 'Batch size', group: 'training', control: 'text', inputmode: 'numeric' },
  optimizer: { label: 'Optimizer', group: 'training', control: 'select' },
  learningRate: { label: 'Learning rate', group: 'training', control: 'text', inputmode: 'decimal' },
  momentum: { label: 'Momentum', group: 'training', control: 'text', inputmode: 'decimal' },
  validationSplit: { label: 'Validation split', group: 'training', control: 'text', inputmode: 'decimal' },
  seed: { label: 'Seed', group: 'training', control: 'text', inputmode: 'numeric' },
  sampleEverySteps: { label: 'Gallery every', group: 'training', control: 'text', inputmode: 'numeric', hint: 'steps; 0 = epoch ends only' },
  name: { label: 'Run name', group: 'run', control: 'text', hint: 'optional' },
};

const templateOptions: Readonly<Record<Family, readonly string[]>> = {
  classifier: classifierTemplateSchema.options,
  autoencoder: autoencoderTemplateSchema.options,
  vae: vaeTemplateSchema.options,
  gan: ganTemplateSchema.options,
  pca: [],
};

const fixedOptions: Partial<Record<RunFormField, readonly string[]>> = {
  family: families,
  optimizer: optimizerSchema.options,
  variant: autoencoderVariantSchema.options,
  loss: autoencoderHyperSchema.shape.loss.unwrap().options,
  noise: autoencoderHyperSchema.shape.noise.unwrap().options,
  decoder: vaeHyperSchema.shape.decoder.unwrap().options,
  binarize: vaeHyperSchema.shape.binarize.unwrap().options,
};

/** The choices of a select field (dataset choices come from the services, not from here). */
export function fieldOptions(field: RunFormField, form: Pick<RunFormState, 'family'>): readonly string[] {
  if (field === 'template') return isFamily(form.family) ? templateOptions[form.family] : [];
  return fixedOptions[field] ?? [];
}

const trainingFields: readonly RunFormField[] = ['epochs', 'batchSize', 'optimizer', 'learningRate', 'momentum', 'validationSplit', 'seed'];

/** The fields the form shows (and sends) for its current choices, in display order. */
export function visibleFields(form: RunFormState): RunFormField[] {
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
    case 'gan':
      // Minimal for now: the GAN-specific fields (loss, dSteps, …) are not in the form yet; set them in a config file.
      out.push('template', ...training, 'sampleEverySteps');
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
  for (const [k, v] of Object.entries(d.hyper)) {
    if (hyperFields.has(k) && (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')) {
      out[k as RunFormField] = String(v);
    }
  }
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
 * typed; the model's fields go to the new family's defaults (the template
 * stays when the new family has it too).
 */
export function switchFamily(form: RunFormState, family: Family): RunFormState {
  const next = defaultRunForm(family);
  for (const f of keptOnSwitch) next[f] = form[f];
  if (templateOptions[family].includes(form.template)) next.template = form.template;
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

/** The raw config the form describes, as the API's runs.start expects it. */
export function buildRunConfig(form: RunFormState): Record<string, unknown> {
  const visible = visibleFields(form);
  const dataset: Record<string, unknown> = { id: form.dataset };
  const trainSize = optionalNumeric(form.trainSize);
  const testSize = optionalNumeric(form.testSize);
  if (trainSize !== undefined) dataset['trainSize'] = trainSize;
  if (testSize !== undefined) dataset['testSize'] = testSize;
  const hyper: Record<string, unknown> = {};
  for (const f of visible) {
    if (!hyperFields.has(f)) continue;
    hyper[f] = choiceFields.has(f) ? form[f] : numeric(form[f]);
  }
  const config: Record<string, unknown> = { family: form.family, dataset };
  if (visible.includes('template')) config['architecture'] = { template: form.template };
  config['hyper'] = hyper;
  const name = form.name.trim();
  if (name !== '') config['name'] = name;
  return config;
}

/**
 * Which form field a schema issue path (relative to the config) belongs to;
 * with `visible`, only a field the form shows.
 */
export function fieldForIssuePath(path: readonly PropertyKey[], visible?: readonly RunFormField[]): RunFormField | null {
  const [head, second] = path;
  let field: RunFormField | null = null;
  if (head === 'name') field = 'name';
  else if (head === 'family') field = 'family';
  else if (head === 'dataset') field = second === 'trainSize' ? 'trainSize' : second === 'testSize' ? 'testSize' : 'dataset';
  else if (head === 'architecture') field = 'template';
  else if (head === 'hyper' && typeof second === 'string' && hyperFields.has(second)) field = second as RunFormField;
  if (field && visible && !visible.includes(field)) return null;
  return field;
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
 * Server-side issues come as "path: message" with paths relative to the
 * request (config.hyper.learningRate). Put each under its field when it has
 * one (and, with `visible`, when the form shows that field).
 */
export function mapServerIssues(issues: readonly string[], visible?: readonly RunFormField[]): { errors: RunFormErrors; general: string[] } {
  const errors: RunFormErrors = {};
  const general: string[] = [];
  for (const issue of issues) {
    const sep = issue.indexOf(': ');
    const path = sep > 0 ? issue.slice(0, sep).split('.') : [];
    const message = sep > 0 ? issue.slice(sep + 2) : issue;
    const rel = path[0] === 'config' ? path.slice(1) : path;
    const field = rel.length ? fieldForIssuePath(rel, visible) : null;
    if (field) errors[field] ??= message;
    else general.push(issue);
  }
  return { errors, general };
}
