/**
 * The new-run form's model, for every family, read off the family
 * descriptors' `form` (workers/common/families/<family>/form.ts): string
 * fields as typed, turned into a raw run config and validated with the very
 * schema the server uses (the family's config schema), so the messages
 * under the fields are the server's messages. Which fields show depends on
 * the family and on its own choices (each field's `visible`); hidden fields
 * are not sent. No family is named here.
 */
import type { z } from 'zod';
import { formatIssue, type Issue } from '../../workers/common/runConfigBase';
import { descriptorOf, families, isFamily, type Family, type RunConfig } from '../../workers/common/families/registry';
import {
  formGroups, formNumber, resolveDynamic, sharedFields,
  type FormField, type FormGroup, type FormWarning,
} from '../../workers/common/families/runForm';

export type RunFormField = string;
/** Every family's fields by id, as typed (the family select, the dataset and the run name are in every family's form). */
export type RunFormState = Record<RunFormField, string> & { family: string; dataset: string; name: string };
export type RunFormErrors = Partial<Record<RunFormField, string>>;
export type RunFormGroup = FormGroup;
export type RunFormWarning = FormWarning;
export const runFormGroups = formGroups;

/** A family's fields in display order: the family select, the family's own, the run name. */
function familyFields(family: Family): readonly FormField[] {
  return [sharedFields.family, ...descriptorOf(family).form.fields, sharedFields.name];
}

const fieldsByFamily = new Map<Family, readonly FormField[]>(families.map((f) => [f, familyFields(f)]));

/** A family's form fields in display order (the family select first, the run name last), shown or not. */
export function familyFormFields(family: Family): readonly FormField[] {
  return fieldsByFamily.get(family)!;
}
const allFields: readonly FormField[] = families.flatMap((f) => fieldsByFamily.get(f)!);

/** Every field id of every family, each once (the form state's keys). */
export const runFormFields: readonly RunFormField[] = [...new Set(allFields.map((f) => f.id))];

/** The spec of a field: the form's family's own, else the first family's that has the field. */
export function fieldSpec(field: RunFormField, form?: Pick<RunFormState, 'family'>): FormField | undefined {
  const family = form?.family;
  const own = family !== undefined && isFamily(family) ? fieldsByFamily.get(family)!.find((f) => f.id === field) : undefined;
  return own ?? allFields.find((f) => f.id === field);
}

/** What the family select shows for a family. */
export function familyLabel(family: string): string {
  return isFamily(family) ? descriptorOf(family).label : family;
}

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

/** The fields the form shows (and sends) for its current choices, in display order. */
export function visibleFields(form: RunFormState): RunFormField[] {
  const family = form.family;
  if (!isFamily(family)) return [sharedFields.family.id];
  return fieldsByFamily.get(family)!.filter((f) => !f.visible || f.visible(form)).map((f) => f.id);
}

/** The choices of a select field (dataset choices come from the services, not from here). */
export function fieldOptions(field: RunFormField, form: RunFormState): readonly string[] {
  if (field === sharedFields.family.id) return families;
  const options = fieldSpec(field, form)?.options;
  return options === undefined ? [] : resolveDynamic(options, form);
}

/** The text a select shows for one of its values. */
export function optionLabel(field: RunFormField, value: string, form?: Pick<RunFormState, 'family'>): string {
  return fieldSpec(field, form)?.optionLabels?.[value] ?? value;
}

export function fieldLabel(field: RunFormField, form: Pick<RunFormState, 'family'>): string {
  return fieldSpec(field, form)?.label ?? field;
}

/** The hint under a field, for the current choices. */
export function fieldHint(field: RunFormField, form: RunFormState): string | undefined {
  const hint = fieldSpec(field, form)?.hint;
  return hint === undefined ? undefined : resolveDynamic(hint, form);
}

/** What an empty optional field stands for. */
export function fieldPlaceholder(field: RunFormField, form: RunFormState): string | undefined {
  const placeholder = fieldSpec(field, form)?.placeholder;
  return placeholder === undefined ? undefined : resolveDynamic(placeholder, form);
}

/** Valid but risky choices, said next to the field (they do not block Start). */
export function formWarnings(form: RunFormState): RunFormWarning[] {
  const family = form.family;
  if (!isFamily(family)) return [];
  return descriptorOf(family).form.warnings?.(form, visibleFields(form)) ?? [];
}

/** The value at `path` of a config. */
function valueAt(config: unknown, path: readonly string[]): unknown {
  let v: unknown = config;
  for (const key of path) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

/** A field's text for a config value. */
function textOf(field: FormField, v: unknown): string {
  if (field.value === 'architecture') return typeof v === 'object' && v !== null && 'template' in v ? String(v.template) : '';
  if (v === undefined) return field.datasetOption ?? '';
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? String(v) : '';
}

/** A family's schema defaults as form strings (only the fields the family has). */
function familyDefaults(family: Family): Record<string, string> {
  const config = descriptorOf(family).configSchema.parse({ family });
  const out: Record<string, string> = {};
  for (const f of fieldsByFamily.get(family)!) out[f.id] = textOf(f, valueAt(config, f.path));
  return out;
}

/**
 * The form at the schema defaults of `family`. Fields the family does not
 * have hold another family's defaults, so switching families later starts
 * from sensible values too.
 */
export function defaultRunForm(family: Family = families[0]!): RunFormState {
  const form = Object.fromEntries(runFormFields.map((f) => [f, ''])) as RunFormState;
  for (const other of families) if (other !== family) Object.assign(form, familyDefaults(other));
  Object.assign(form, familyDefaults(family));
  form[sharedFields.name.id] = '';
  return form;
}

/** What a prefilled form could not carry over from the run's config, said above the form. */
export interface PrefilledRunForm {
  form: RunFormState;
  notes: string[];
}

/**
 * The form holding a recorded run's config ("Run again with changes"): the
 * family's fields read from the config (what the config left out stays at
 * the schema's default, as when that run started), the run name empty (a
 * new run gets its own), a saved architecture as the exact version the run
 * trained (`savedVersion`: the run's recorded version). An inline document
 * (editor or CLI) has no form value: the family's default template is kept
 * and a note says so.
 */
export function runFormFromConfig(config: unknown, savedVersion: number | null = null): PrefilledRunForm {
  const family = valueAt(config, ['family']);
  if (typeof family !== 'string' || !isFamily(family)) return { form: defaultRunForm(), notes: [`The run's family "${String(family)}" is not one this version knows: the form starts at the defaults.`] };
  const form = defaultRunForm(family);
  const notes: string[] = [];
  for (const f of fieldsByFamily.get(family)!) {
    if (f.id === sharedFields.name.id || f.id === sharedFields.family.id) continue;
    const v = valueAt(config, f.path);
    if (f.value === 'architecture') {
      const arch = architectureText(v, savedVersion);
      if (arch !== null) form[f.id] = arch;
      else notes.push('The run trained an architecture document drawn in the editor or given inline; the form cannot hold it, so the architecture is the family\'s default template.');
      continue;
    }
    if (v !== undefined || f.value === 'optional-number' || f.datasetOption !== undefined) form[f.id] = textOf(f, v);
  }
  return { form, notes };
}

/** The architecture select's value for a recorded spec; null for an inline document. */
function architectureText(spec: unknown, savedVersion: number | null): string | null {
  if (typeof spec !== 'object' || spec === null) return null;
  if ('template' in spec && typeof spec.template === 'string') return spec.template;
  if ('architectureId' in spec && typeof spec.architectureId === 'number') {
    const version = 'version' in spec && typeof spec.version === 'number' ? spec.version : savedVersion;
    return version === null ? null : savedArchitectureValue(spec.architectureId, version);
  }
  return null;
}

/** Fields a family switch keeps as typed: what all families mean the same way. */
const keptOnSwitch: readonly RunFormField[] = [...new Set(allFields.filter((f) => f.keep).map((f) => f.id))];

/**
 * The form after choosing another family: data, training and name stay as
 * typed (a value still at the old family's default takes the new family's
 * default: a GAN's learning rate is not the classifier's); the model's
 * fields go to the new family's defaults (the template stays when the new
 * family has it too).
 */
export function switchFamily(form: RunFormState, family: Family): RunFormState {
  const next = defaultRunForm(family);
  const old = form.family;
  const oldDefaults = isFamily(old) ? defaultRunForm(old) : null;
  for (const f of keptOnSwitch) {
    if (!oldDefaults || form[f] !== oldDefaults[f]) next[f] = form[f] ?? '';
  }
  const template = form['template'];
  if (template !== undefined && fieldOptions('template', next).includes(template)) next['template'] = template;
  return next;
}

/** The form after one field changed, with what follows from it in the family's form (a GAN's 2-D toy picks the toy template). */
export function setFormField(form: RunFormState, field: RunFormField, value: string): RunFormState {
  if (field === sharedFields.family.id) return isFamily(value) && value !== form.family ? switchFamily(form, value) : form;
  const next: RunFormState = { ...form, [field]: value };
  const family = form.family;
  const onChange = isFamily(family) ? descriptorOf(family).form.onChange : undefined;
  return onChange ? { ...next, ...onChange(next, field, form) } : next;
}

/** A field's value as the config holds it; undefined: not sent. */
function configValue(field: FormField, text: string): unknown {
  switch (field.value) {
    case 'boolean': return text === 'true' ? true : text === 'false' ? false : text;
    case 'choice': return field.datasetOption !== undefined && text === field.datasetOption ? undefined : text;
    case 'text': return text.trim() === '' ? undefined : text.trim();
    case 'architecture': return parseSavedArchitecture(text) ?? { template: text };
    case 'optional-number': return text.trim() === '' ? undefined : formNumber(text);
    case 'number': return formNumber(text);
  }
}

function setAt(config: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let at = config;
  for (const key of path.slice(0, -1)) {
    const child = at[key];
    at = typeof child === 'object' && child !== null ? (child as Record<string, unknown>) : (at[key] = {}) as Record<string, unknown>;
  }
  at[path[path.length - 1]!] = value;
}

/** The raw config the form describes, as the API's runs.start expects it: every config names its family, its dataset and its hyperparameters. */
export function buildRunConfig(form: RunFormState): Record<string, unknown> {
  const config: Record<string, unknown> = { family: form.family, dataset: { id: form.dataset }, hyper: {} };
  const family = form.family;
  if (!isFamily(family)) return config;
  const visible = new Set(visibleFields(form));
  for (const f of fieldsByFamily.get(family)!) {
    if (!visible.has(f.id)) continue;
    const value = configValue(f, form[f.id] ?? '');
    if (value !== undefined) setAt(config, f.path, value);
  }
  return config;
}

const isPrefix = (prefix: readonly string[], path: readonly PropertyKey[]): boolean => prefix.length <= path.length && prefix.every((k, i) => path[i] === k);

/**
 * Which form field a schema issue path (relative to the config) belongs to:
 * the field whose config path (or issue path) is its longest prefix; with
 * `visible`, only a field the form shows (which also tells a GAN's loss
 * from the autoencoder's: both are hyper.loss).
 */
export function fieldForIssuePath(path: readonly PropertyKey[], visible?: readonly RunFormField[]): RunFormField | null {
  let best: RunFormField[] = [];
  let length = 0;
  for (const f of allFields) {
    const p = f.issuePath ?? f.path;
    if (!isPrefix(p, path) || p.length < length) continue;
    if (p.length > length) best = [];
    length = p.length;
    if (!best.includes(f.id)) best.push(f.id);
  }
  if (!visible) return best[0] ?? null;
  return best.find((f) => visible.includes(f)) ?? null;
}

export interface RunFormValidation {
  config: RunConfig | null;
  errors: RunFormErrors;
  /** Issues that belong to no field. */
  general: string[];
}

export function validateRunForm(form: RunFormState): RunFormValidation {
  const family = form.family;
  if (!isFamily(family)) return { config: null, errors: { family: `Unknown family "${family}"` }, general: [] };
  const visible = visibleFields(form);
  const raw = buildRunConfig(form);
  const schema: z.ZodType<RunConfig> = descriptorOf(family).configSchema;
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
