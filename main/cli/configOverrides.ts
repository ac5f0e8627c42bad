/**
 * `train --set key=value`: which `--set` a config error comes from, and the
 * nearest valid key for a key the schema does not know. The schema's own
 * messages stay; this only says where each came from ("--set
 * hyper.epochs=abc: epochs must be a number" rather than blaming the config
 * file) and what was probably meant ("did you mean hyper.learningRate?").
 */
import { z } from 'zod';
import { descriptorOf, isFamily } from '../../workers/common/families/registry';

/** One `--set` as given, and the dotted key it sets. */
interface Override { text: string; path: string[] }

function overridesOf(texts: readonly string[]): Override[] {
  return texts.flatMap((text) => {
    const eq = text.indexOf('=');
    return eq > 0 ? [{ text, path: text.slice(0, eq).split('.') }] : [];
  });
}

/** The object schema inside wrappers (optional, default, nullable, pipe, lazy…); the options of a union. */
function objectsIn(schema: z.core.$ZodType, depth = 0): z.ZodObject[] {
  if (depth > 20) return [];
  if (schema instanceof z.ZodObject) return [schema];
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault
    || schema instanceof z.ZodPrefault || schema instanceof z.ZodCatch || schema instanceof z.ZodReadonly) {
    return objectsIn(schema.unwrap(), depth + 1);
  }
  if (schema instanceof z.ZodPipe) return objectsIn(schema.in, depth + 1);
  if (schema instanceof z.ZodLazy) return objectsIn(schema.unwrap(), depth + 1);
  if (schema instanceof z.ZodUnion) return schema.options.flatMap((o) => objectsIn(o, depth + 1));
  return [];
}

/** The keys the family's config schema accepts at `path` (an object's keys; a union's, all of its options'). */
export function keysAt(family: unknown, path: readonly string[]): string[] {
  if (!isFamily(family)) return [];
  let level: z.core.$ZodType[] = [descriptorOf(family).configSchema];
  for (const key of path) {
    level = level.flatMap((s) => objectsIn(s)).flatMap((o) => { const field = Object.hasOwn(o.shape, key) ? o.shape[key] : undefined; return field === undefined ? [] : [field]; });
  }
  return [...new Set(level.flatMap((s) => objectsIn(s)).flatMap((o) => Object.keys(o.shape)))];
}

/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
export function levenshtein(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1)));
    prev = cur;
  }
  return prev[y.length]!;
}

/** A camelCase key's initials: learningRate → lr, batchSize → bs. */
function initials(key: string): string {
  return (key[0] ?? '') + key.slice(1).replace(/[^A-Z]/g, '').toLowerCase();
}

/**
 * The valid key a mistyped one most likely meant, or undefined when none is
 * close: the key whose initials it is (lr → learningRate), else the nearest by
 * edit distance within a third of the typed key's length (learnigRate →
 * learningRate), else one that starts with it (epoch → epochs).
 */
export function nearestKey(typed: string, keys: readonly string[]): string | undefined {
  const lower = typed.toLowerCase();
  const byInitials = keys.find((k) => initials(k).toLowerCase() === lower && lower.length >= 2);
  if (byInitials) return byInitials;
  const limit = Math.max(1, Math.floor(typed.length / 3));
  const ranked = keys.map((k) => ({ k, d: levenshtein(typed, k) })).filter((c) => c.d <= limit).sort((a, b) => a.d - b.d);
  if (ranked[0]) return ranked[0].k;
  return keys.find((k) => k.toLowerCase().startsWith(lower) && lower.length >= 3);
}

/** The `--set` that wrote the value at this path (the last one that set it or an object above it), if any. */
function blamed(overrides: readonly Override[], path: readonly string[]): Override | undefined {
  return [...overrides].reverse().find((o) => o.path.length <= path.length && o.path.every((k, i) => path[i] === k));
}

/**
 * The lines that explain a config's errors: each issue named by the `--set`
 * it came from, else by its path in the config file; an unknown key with the
 * nearest valid key at that path.
 */
export function explainConfigIssues(raw: unknown, error: z.ZodError, overrideTexts: readonly string[]): string[] {
  const overrides = overridesOf(overrideTexts);
  const family = typeof raw === 'object' && raw !== null && 'family' in raw ? raw.family : undefined;
  const lines: string[] = [];
  for (const issue of error.issues) {
    const path = issue.path.map(String);
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [null];
    for (const key of keys) {
      const full = key === null ? path : [...path, key];
      const from = blamed(overrides, full);
      const where = full.join('.');
      let message = issue.message;
      if (key !== null) {
        const near = nearestKey(key, keysAt(family, path));
        message = `${path.length > 0 ? path.join('.') : 'the config'} has no setting "${key}"${near ? `; did you mean ${[...path, near].join('.')}?` : ''}`;
      }
      lines.push(from ? `--set ${from.text}: ${message}` : key !== null ? message : `${where ? `${where}: ` : ''}${message}`);
    }
  }
  return lines;
}
