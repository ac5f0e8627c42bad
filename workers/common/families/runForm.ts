/**
 * The new-run form, described as data: what a field is (where its value goes
 * in the run config, its label, control and hint, when it shows) and the
 * fields every family shares (family, data, sizes, architecture, training,
 * name), declared once here. Each family lists its fields in its own
 * form.ts; the renderer's form (renderer/lib/runConfigForm.ts) turns the
 * description into inputs, a raw config and the schema's messages under the
 * fields, with no family named.
 *
 * The form state is every family's fields by id, as typed (strings):
 * switching families keeps what the families share. A field id means one
 * config path in every family that has it ('latentDim' is hyper.latentDim
 * everywhere); a family whose config key clashes with another family's
 * meaning of it takes another id (a GAN's 'ganLoss' is its hyper.loss, the
 * autoencoder's reconstruction loss is 'loss').
 *
 * Pure: imports nothing from node, electron, the DOM, tfjs or the engine.
 */
import { optimizerSchema } from '../runConfigBase';

export type FormGroup = 'model' | 'data' | 'training' | 'evaluation' | 'run';

/** The form's fieldsets, in display order. */
export const formGroups: readonly { id: FormGroup; legend: string }[] = [
  { id: 'model', legend: 'Model' },
  { id: 'data', legend: 'Data' },
  { id: 'training', legend: 'Training' },
  { id: 'evaluation', legend: 'Evaluation (reference classifier)' },
  { id: 'run', legend: 'Run' },
];

/** The form's values as typed, by field id. */
export type FormState = Readonly<Record<string, string>>;

/**
 * How a field's text becomes its config value:
 * - 'number': a number when the text is one, else the text (the schema then says "… must be a number");
 * - 'optional-number': the same, but empty is not sent (the schema's default applies);
 * - 'choice': the text as is (a select's value);
 * - 'boolean': 'true' / 'false';
 * - 'text': trimmed, and not sent when empty;
 * - 'architecture': a template name, or a saved architecture's 'saved:ID@VERSION'.
 */
export type FormValueKind = 'number' | 'optional-number' | 'choice' | 'boolean' | 'text' | 'architecture';

/** A value, or a function of the form's state (a hint that follows the chosen loss). */
export type FormDynamic<T> = T | ((state: FormState) => T);

export interface FormField {
  /** The field's id: the form state's key and the inputs' `field-<id>` test ids. */
  id: string;
  /** Where the value goes in the run config (['hyper', 'loss'], ['dataset', 'trainSize'], ['architecture']). */
  path: readonly string[];
  /** Schema issues under this path are shown under the field (default: `path`); the longest match wins. */
  issuePath?: readonly string[];
  label: string;
  group: FormGroup;
  control: 'select' | 'text';
  value: FormValueKind;
  /** A text input's virtual keyboard. */
  inputmode?: 'numeric' | 'decimal';
  /** One line under the field. */
  hint?: FormDynamic<string | undefined>;
  /** What an empty text field stands for ("2" for a toy GAN's noise size). */
  placeholder?: FormDynamic<string | undefined>;
  /** A select's values (the family select's and the dataset select's come from the registry and the services). */
  options?: FormDynamic<readonly string[]>;
  /** What a select shows for its values (the value itself otherwise). */
  optionLabels?: Readonly<Record<string, string>>;
  /** The option that means "the run's dataset itself": nothing is sent for it, and the form labels it with the dataset's name. */
  datasetOption?: string;
  /** Means the same in every family (data, training, name): a family switch keeps what was typed. */
  keep?: boolean;
  /** Shown, and sent, only when this holds (every field otherwise). */
  visible?: (state: FormState) => boolean;
}

/** A valid but risky choice, said next to its field (it does not block Start). */
export interface FormWarning {
  field: string;
  text: string;
}

/** A family's part of the form. The family select heads every form and the run name ends it; a family lists what comes between. */
export interface FamilyForm {
  /** The family's fields in display order (each shows when its `visible` holds). */
  fields: readonly FormField[];
  /** Valid but risky choices among the fields the form shows. */
  warnings?(state: FormState, visible: readonly string[]): FormWarning[];
  /** What follows from a change of `field` (a GAN's 2-D toy picks the toy template): the state after it. */
  onChange?(next: FormState, field: string, prev: FormState): FormState;
}

/**
 * A number when the text is one; otherwise the text itself, so the schema
 * reports its own "… must be a number" message (an empty required field
 * must not silently fall back to the default).
 */
export function formNumber(text: string | undefined): number | string {
  const t = (text ?? '').trim();
  if (t === '') return text ?? '';
  const n = Number(t);
  return Number.isNaN(n) ? (text ?? '') : n;
}

/** The value of a field's `hint`, `placeholder` or `options` for a state. */
export function resolveDynamic<T>(v: FormDynamic<T>, state: FormState): T {
  return typeof v === 'function' ? (v as (s: FormState) => T)(state) : v;
}

/** A yes/no select; the config holds a boolean. */
export function booleanField(id: string, label: string, hint: string, labels: { false: string; true: string } = { false: 'no', true: 'yes' }): FormField {
  return { id, path: ['hyper', id], label, group: 'model', control: 'select', value: 'boolean', hint, options: ['false', 'true'], optionLabels: labels };
}

/** A select of a hyperparameter's values (`hyper.<id>`). */
export function choiceField(id: string, label: string, options: readonly string[], more: Partial<FormField> = {}): FormField {
  return { id, path: ['hyper', id], label, group: 'model', control: 'select', value: 'choice', options, ...more };
}

/** A number typed into a text field (`hyper.<id>`). */
export function numberField(id: string, label: string, inputmode: 'numeric' | 'decimal', more: Partial<FormField> = {}): FormField {
  return { id, path: ['hyper', id], label, group: 'model', control: 'text', value: 'number', inputmode, ...more };
}

/** The architecture select: the family's templates (the form adds the saved architectures of the family). */
export function templateField(options: FormDynamic<readonly string[]>): FormField {
  return { id: 'template', path: ['architecture'], label: 'Architecture', group: 'model', control: 'select', value: 'architecture', options };
}

/** The fields every family shares, by id: a family lists those it has, in its own order (overriding a label or hint where it means more). */
export const sharedFields = {
  family: { id: 'family', path: ['family'], label: 'Family', group: 'model', control: 'select', value: 'choice' },
  dataset: { id: 'dataset', path: ['dataset', 'id'], issuePath: ['dataset'], label: 'Dataset', group: 'data', control: 'select', value: 'choice', keep: true },
  trainSize: { id: 'trainSize', path: ['dataset', 'trainSize'], label: 'Train examples', group: 'data', control: 'text', value: 'optional-number', inputmode: 'numeric', hint: 'empty = all', keep: true },
  testSize: { id: 'testSize', path: ['dataset', 'testSize'], label: 'Test examples', group: 'data', control: 'text', value: 'optional-number', inputmode: 'numeric', hint: 'empty = all', keep: true },
  epochs: { ...numberField('epochs', 'Epochs', 'numeric'), group: 'training', keep: true },
  batchSize: { ...numberField('batchSize', 'Batch size', 'numeric'), group: 'training', keep: true },
  optimizer: { ...choiceField('optimizer', 'Optimizer', optimizerSchema.options), group: 'training', keep: true },
  learningRate: { ...numberField('learningRate', 'Learning rate', 'decimal'), group: 'training', keep: true },
  momentum: { ...numberField('momentum', 'Momentum', 'decimal'), group: 'training', keep: true, visible: (s) => s['optimizer'] === 'momentum' },
  validationSplit: { ...numberField('validationSplit', 'Validation split', 'decimal'), group: 'training', keep: true },
  seed: { ...numberField('seed', 'Seed', 'numeric'), group: 'training', keep: true },
  sampleEverySteps: { ...numberField('sampleEverySteps', 'Gallery every', 'numeric', { hint: 'steps; 0 = epoch ends only' }), group: 'training', keep: true },
  name: { id: 'name', path: ['name'], label: 'Run name', group: 'run', control: 'text', value: 'text', hint: 'optional', keep: true },
} as const satisfies Record<string, FormField>;

const s = sharedFields;
/** Dataset, train and test sizes. */
export const dataFields: readonly FormField[] = [s.dataset, s.trainSize, s.testSize];
/** The training loop's fields, in display order (momentum only for the momentum optimizer). */
export const trainingFields: readonly FormField[] = [s.epochs, s.batchSize, s.optimizer, s.learningRate, s.momentum, s.validationSplit, s.seed];
