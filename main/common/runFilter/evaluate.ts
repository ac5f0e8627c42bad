/**
 * Evaluating a filter on a run in memory (the renderer's live table, the
 * CLI, tests). It must agree with the SQL compiler (db/queries/runFilter.ts)
 * on every run, and test/unit/db/runFilterSql.test.ts holds them to it. The
 * rules both follow: a comparison with a missing value (no such param, a
 * param of another type, no such metric, NaN, a null attribute such as a
 * queued run's backend or a running run's duration) is false, `!=`
 * included; `~` folds only ASCII letters (SQLite's lower() does no more).
 */
import type { CompareOp, FieldRef, FilterableRun, FilterValue, RunFilterAst, TextFieldRef } from './ast';
import { bestMode } from './fields';

/** ASCII-only lower case, as SQLite's lower() without ICU. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

function attributeValue(run: FilterableRun, name: Extract<FieldRef, { kind: 'attribute' }>['name']): FilterValue | null {
  if (name === 'duration') return run.started === null || run.ended === null ? null : run.ended - run.started;
  return run[name];
}

function metricValue(run: FilterableRun, key: string, agg: Extract<FieldRef, { kind: 'metric' }>['agg']): number | null {
  const m = Object.hasOwn(run.metrics, key) ? run.metrics[key] : undefined;
  if (agg === 'count') return m?.count ?? 0;
  if (!m) return null;
  switch (agg) {
    case 'last': return m.last;
    case 'min': return m.min;
    case 'max': return m.max;
    case 'best': {
      if (m.chosen !== undefined) return m.chosen;
      const mode = bestMode(run.family, key);
      return mode === 'max' ? m.max : mode === 'min' ? m.min : m.last;
    }
  }
}

/** Own keys only: a param named "constructor" is not Object.prototype's. */
function paramValue(run: FilterableRun, key: string): FilterValue | null {
  return Object.hasOwn(run.params, key) ? run.params[key] ?? null : null;
}

function fieldValue(run: FilterableRun, field: FieldRef): FilterValue | null {
  switch (field.kind) {
    case 'attribute': return attributeValue(run, field.name);
    case 'param': return paramValue(run, field.key);
    case 'metric': return metricValue(run, field.key, field.agg);
  }
}

function compare(actual: FilterValue | null, op: CompareOp, expected: FilterValue): boolean {
  // A value of another type counts as missing, and NaN is no value.
  if (actual === null || typeof actual !== typeof expected || Number.isNaN(actual)) return false;
  if (op === '=') return actual === expected;
  if (op === '!=') return actual !== expected;
  // The parser lets only numbers be ordered.
  if (typeof actual !== 'number' || typeof expected !== 'number') return false;
  switch (op) {
    case '<': return actual < expected;
    case '<=': return actual <= expected;
    case '>': return actual > expected;
    case '>=': return actual >= expected;
  }
}

function contains(run: FilterableRun, field: TextFieldRef, text: string): boolean {
  const needle = asciiLower(text);
  const hit = (v: FilterValue | null | undefined): boolean => typeof v === 'string' && asciiLower(v).includes(needle);
  switch (field.kind) {
    case 'tags': return run.tags.some(hit);
    case 'attribute': return hit(attributeValue(run, field.name));
    case 'param': return hit(paramValue(run, field.key));
  }
}

/** Whether a run passes a filter. */
export function evaluateRunFilter(ast: RunFilterAst, run: FilterableRun): boolean {
  switch (ast.kind) {
    case 'all': return true;
    case 'and': return ast.terms.every((t) => evaluateRunFilter(t, run));
    case 'or': return ast.terms.some((t) => evaluateRunFilter(t, run));
    case 'not': return !evaluateRunFilter(ast.term, run);
    case 'compare': return compare(fieldValue(run, ast.field), ast.op, ast.value);
    case 'contains': return contains(run, ast.field, ast.text);
    case 'hasTag': return run.tags.includes(ast.tag);
  }
}
