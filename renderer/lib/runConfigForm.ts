/**
 * The new-run form's model: string fields as typed, turned into a raw run
 * config and validated with the very schema the server uses
 * (classifierConfigSchema), so the messages under the fields are the
 * server's messages.
 */
import { classifierConfigSchema, type ClassifierConfig } from '../../workers/common/runConfig';

export const runFormFields = [
  'dataset', 'trainSize', 'testSize', 'template',
  'epochs', 'batchSize', 'optimizer', 'learningRate', 'momentum', 'validationSplit', 'seed',
  'name',
] as const;
export type RunFormField = (typeof runFormFields)[number];
export type RunFormState = Record<RunFormField, string>;
export type RunFormErrors = Partial<Record<RunFormField, string>>;

const hyperFields = new Set<string>(['epochs', 'batchSize', 'optimizer', 'learningRate', 'momentum', 'validationSplit', 'seed']);

export function defaultRunForm(): RunFormState {
  const d = classifierConfigSchema.parse({ family: 'classifier' });
  const template = 'template' in d.architecture ? d.architecture.template : 'mlp';
  return {
    dataset: d.dataset.id,
    trainSize: d.dataset.trainSize === undefined ? '' : String(d.dataset.trainSize),
    testSize: d.dataset.testSize === undefined ? '' : String(d.dataset.testSize),
    template,
    epochs: String(d.hyper.epochs),
    batchSize: String(d.hyper.batchSize),
    optimizer: d.hyper.optimizer,
    learningRate: String(d.hyper.learningRate),
    momentum: String(d.hyper.momentum),
    validationSplit: String(d.hyper.validationSplit),
    seed: String(d.hyper.seed),
    name: '',
  };
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
  const dataset: Record<string, unknown> = { id: form.dataset };
  const trainSize = optionalNumeric(form.trainSize);
  const testSize = optionalNumeric(form.testSize);
  if (trainSize !== undefined) dataset['trainSize'] = trainSize;
  if (testSize !== undefined) dataset['testSize'] = testSize;
  const hyper: Record<string, unknown> = {
    epochs: numeric(form.epochs),
    batchSize: numeric(form.batchSize),
    optimizer: form.optimizer,
    learningRate: numeric(form.learningRate),
    validationSplit: numeric(form.validationSplit),
    seed: numeric(form.seed),
  };
  // momentum only means something for the momentum optimizer; the field is hidden otherwise.
  if (form.optimizer === 'momentum') hyper['momentum'] = numeric(form.momentum);
  const config: Record<string, unknown> = {
    family: 'classifier',
    dataset,
    architecture: { template: form.template },
    hyper,
  };
  const name = form.name.trim();
  if (name !== '') config['name'] = name;
  return config;
}

/** Which form field a schema issue path (relative to the config) belongs to. */
export function fieldForIssuePath(path: readonly PropertyKey[]): RunFormField | null {
  const [head, second] = path;
  if (head === 'name') return 'name';
  if (head === 'dataset') {
    if (second === 'trainSize') return 'trainSize';
    if (second === 'testSize') return 'testSize';
    return 'dataset';
  }
  if (head === 'architecture') return 'template';
  if (head === 'hyper' && typeof second === 'string' && hyperFields.has(second)) return second as RunFormField;
  return null;
}

export interface RunFormValidation {
  config: ClassifierConfig | null;
  errors: RunFormErrors;
  /** Issues that belong to no field. */
  general: string[];
}

export function validateRunForm(form: RunFormState): RunFormValidation {
  const raw = buildRunConfig(form);
  const res = classifierConfigSchema.safeParse(raw);
  if (res.success) return { config: res.data, errors: {}, general: [] };
  const errors: RunFormErrors = {};
  const general: string[] = [];
  for (const issue of res.error.issues) {
    const field = fieldForIssuePath(issue.path);
    if (field) errors[field] ??= issue.message;
    else general.push(issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message);
  }
  return { config: null, errors, general };
}

/**
 * Server-side issues come as "path: message" with paths relative to the
 * request (config.hyper.learningRate). Put each under its field when it has one.
 */
export function mapServerIssues(issues: readonly string[]): { errors: RunFormErrors; general: string[] } {
  const errors: RunFormErrors = {};
  const general: string[] = [];
  for (const issue of issues) {
    const sep = issue.indexOf(': ');
    const path = sep > 0 ? issue.slice(0, sep).split('.') : [];
    const message = sep > 0 ? issue.slice(sep + 2) : issue;
    const rel = path[0] === 'config' ? path.slice(1) : path;
    const field = rel.length ? fieldForIssuePath(rel) : null;
    if (field) errors[field] ??= message;
    else general.push(issue);
  }
  return { errors, general };
}
