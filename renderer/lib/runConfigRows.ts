/**
 * The run page's configuration panel as rows: each setting once, labelled as
 * the new-run form labels it and grouped as the form groups it, and only
 * the settings that apply to this run, by the family form's own visibility
 * rules (workers/common/families/<family>/form.ts): no momentum with Adam, no
 * gradient penalty for a non-WGAN-GP loss. Config keys the form has no field
 * for (set from the CLI or by an older version) follow under "Other", by
 * their dotted path, unless they belong to a field the rules hide.
 */
import { isFamily } from '../../workers/common/families/registry';
import { formGroups, type FormField } from '../../workers/common/families/runForm';
import { familyFormFields, optionLabel, runFormFromConfig, visibleFields, SAVED_ARCHITECTURE_PREFIX } from './runConfigForm';

export interface ConfigRow {
  /** The config path ('hyper.learningRate'), the row's key. */
  path: string;
  label: string;
  value: string;
}

export interface ConfigRowGroup {
  id: string;
  legend: string;
  rows: ConfigRow[];
}

/** The leaves of a config as dotted paths and values (arrays as one leaf); an inline architecture document is one leaf too. */
function leaves(value: unknown, prefix: string[], out: { path: string[]; value: unknown }[]): void {
  const isDocument = prefix.length === 1 && prefix[0] === 'architecture';
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !isDocument) {
    for (const [k, v] of Object.entries(value)) leaves(v, [...prefix, k], out);
    return;
  }
  out.push({ path: prefix, value });
}

const startsWith = (path: readonly string[], prefix: readonly string[]): boolean => prefix.length <= path.length && prefix.every((k, i) => path[i] === k);

/** A field's value as the panel says it: a select's label, an empty optional size as "all", a saved architecture by id and version. */
function shownValue(field: FormField, text: string, family: string): string {
  if (field.value === 'architecture') {
    const saved = /^saved:(\d+)@(\d+)$/.exec(text);
    if (text.startsWith(SAVED_ARCHITECTURE_PREFIX) && saved) return `saved architecture #${saved[1]}, version ${saved[2]}`;
    return text === '' ? 'inline document (see Architecture)' : text;
  }
  if (text === '' && field.value === 'optional-number') return 'all';
  if (field.datasetOption !== undefined && text === field.datasetOption) return 'the dataset';
  return field.control === 'select' ? optionLabel(field.id, text, { family }) : text;
}

function leafText(v: unknown): string {
  if (v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The config's rows, in the form's groups and order, then "Other"; `savedVersion`: the saved architecture version the run trained. */
export function configRowGroups(config: unknown, savedVersion: number | null = null): ConfigRowGroup[] {
  const family = typeof config === 'object' && config !== null && 'family' in config ? config.family : undefined;
  const all: { path: string[]; value: unknown }[] = [];
  leaves(config, [], all);
  if (typeof family !== 'string' || !isFamily(family)) {
    return [{ id: 'other', legend: 'Config', rows: all.map((l) => ({ path: l.path.join('.'), label: l.path.join('.'), value: leafText(l.value) })) }];
  }
  const { form } = runFormFromConfig(config, savedVersion);
  const inlineArchitecture = typeof config === 'object' && config !== null && 'architecture' in config
    && typeof config.architecture === 'object' && config.architecture !== null && !('template' in config.architecture) && !('architectureId' in config.architecture);
  const fields = familyFormFields(family);
  const shown = new Set(visibleFields(form));
  const groups = new Map<string, ConfigRow[]>(formGroups.map((g) => [g.id, []]));
  // The prefilled form leaves the name empty (a new run gets its own): the panel shows the run's.
  const name = typeof config === 'object' && config !== null && 'name' in config && typeof config.name === 'string' ? config.name : '';
  for (const f of fields) {
    if (!shown.has(f.id) || f.id === 'family') continue;
    const text = f.id === 'name' ? name : f.value === 'architecture' && inlineArchitecture ? '' : form[f.id] ?? '';
    if (f.id === 'name' && text === '') continue;
    groups.get(f.group)!.push({ path: f.path.join('.'), label: f.label, value: shownValue(f, text, family) });
  }
  // Leaves no field covers; those under a hidden field's path do not apply to this run.
  const other = all
    .filter((l) => l.path[0] !== 'family' && !fields.some((f) => startsWith(l.path, f.path)))
    .map((l) => ({ path: l.path.join('.'), label: l.path.join('.'), value: leafText(l.value) }));
  const out: ConfigRowGroup[] = formGroups.map((g) => ({ id: g.id, legend: g.legend, rows: groups.get(g.id)! }));
  out.push({ id: 'other', legend: 'Other', rows: other });
  return out.filter((g) => g.rows.length > 0);
}
