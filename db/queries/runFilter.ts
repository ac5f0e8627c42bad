/**
 * The runs filter (main/common/runFilter) as SQL: a boolean expression over
 * `runs r`, to put after WHERE, with every value the filter holds bound as a
 * `?` parameter in `params` (never spliced into the text). Params, metric
 * summaries and tags are read by correlated EXISTS / scalar subqueries on
 * params, latest_metrics and run_tags, so the runs table never scans the
 * metrics table.
 *
 * It must select exactly the runs evaluateRunFilter accepts
 * (test/unit/db/runFilterSql.test.ts checks ~30 filters on ~40 runs), so it
 * follows the evaluator's rules: every leaf is 0 or 1, never NULL (a missing
 * value makes the comparison false, and `not` of it true, as in memory);
 * `~` is instr over SQLite's lower(), which folds ASCII only, as asciiLower.
 */
import type { AttributeName, CompareOp, FieldRef, FilterValue, MetricAggregate, RunFilterAst, TextFieldRef } from '../../main/common/runFilter';
import { asciiLower, metricDirections } from '../../main/common/runFilter';
import type { ValidationChoice } from '../../workers/common/families/descriptor';
import { families, selectingChoice } from '../../workers/common/families/registry';

export interface CompiledRunFilter {
  /** A boolean SQL expression over the alias `r` of runs. */
  sql: string;
  params: unknown[];
}

/** Column expressions of the attributes (fixed text; nothing from the filter). */
const attributeColumns: Record<Exclude<AttributeName, 'duration'>, string> = {
  id: 'r.id',
  name: 'r.name',
  status: 'r.status',
  family: 'r.family',
  backend: 'r.backend',
  dataset: 'r.dataset_id',
  experiment: 'r.experiment_id',
  seed: 'r.seed',
  created: 'r.created_at',
  started: 'r.started_at',
  ended: 'r.ended_at',
  notes: 'r.notes',
  starred: 'r.starred',
  archived: 'r.archived',
};
const DURATION = '(r.ended_at - r.started_at)';

/**
 * Terms joined as a balanced tree: SQLite parses `a OR b OR c…` as a chain
 * as deep as it is long and refuses expressions deeper than 1000, which a
 * filter of a few hundred `id = …` (a selection as a filter) would reach.
 */
function balanced(terms: string[], op: 'AND' | 'OR'): string {
  if (terms.length === 1) return terms[0] ?? '1';
  const mid = Math.ceil(terms.length / 2);
  return `(${balanced(terms.slice(0, mid), op)} ${op} ${balanced(terms.slice(mid), op)})`;
}

/** Builds one expression, collecting its bound values in order. */
class Compiler {
  readonly params: unknown[] = [];

  bind(value: unknown): string {
    this.params.push(value);
    return '?';
  }

  /** A value as SQLite stores it: booleans as 0/1 (params.num_value). */
  literal(value: FilterValue): string {
    return this.bind(typeof value === 'boolean' ? (value ? 1 : 0) : value);
  }

  node(ast: RunFilterAst): string {
    switch (ast.kind) {
      case 'all': return '1';
      case 'and': return balanced(ast.terms.map((t) => this.node(t)), 'AND');
      case 'or': return balanced(ast.terms.map((t) => this.node(t)), 'OR');
      case 'not': return `(NOT ${this.node(ast.term)})`;
      case 'compare': return this.compare(ast.field, ast.op, ast.value);
      case 'contains': return this.contains(ast.field, ast.text);
      case 'hasTag': return `EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.id AND t.tag = ${this.bind(ast.tag)})`;
    }
  }

  private compare(field: FieldRef, op: CompareOp, value: FilterValue): string {
    const sqlOp = op === '!=' ? '<>' : op;
    switch (field.kind) {
      case 'attribute': {
        const col = field.name === 'duration' ? DURATION : attributeColumns[field.name];
        // NULL (a queued run's backend, a running run's duration) is false, not NULL.
        return `(${col} IS NOT NULL AND ${col} ${sqlOp} ${this.literal(value)})`;
      }
      case 'param': {
        const type = typeof value === 'number' ? 'number' : typeof value === 'string' ? 'string' : 'boolean';
        const col = type === 'string' ? 'p.text_value' : 'p.num_value';
        return `EXISTS (SELECT 1 FROM params p WHERE p.run_id = r.id AND p.key = ${this.bind(field.key)} AND p.value_type = '${type}' AND ${col} ${sqlOp} ${this.literal(value)})`;
      }
      case 'metric':
        if (field.agg === 'count') {
          return `(COALESCE((SELECT lm.count FROM latest_metrics lm WHERE lm.run_id = r.id AND lm.key = ${this.bind(field.key)}), 0) ${sqlOp} ${this.literal(value)})`;
        }
        return this.metric(field.key, field.agg, sqlOp, value);
    }
  }

  /** A metric summary compared; the key is bound before the aggregate's own values, as they appear in the text. */
  private metric(key: string, agg: Exclude<MetricAggregate, 'count'>, sqlOp: string, value: FilterValue): string {
    const keyParam = this.bind(key);
    const col = agg === 'best' ? this.best(key) : agg === 'last' ? 'lm.value' : agg === 'min' ? 'lm.min_value' : 'lm.max_value';
    return `EXISTS (SELECT 1 FROM latest_metrics lm WHERE lm.run_id = r.id AND lm.key = ${keyParam} AND ${col} ${sqlOp} ${this.literal(value)})`;
  }

  /**
   * `best`: for a test metric of a family with a validation metric, and a run
   * that has a finite validation value, the test value at the latest point at
   * or before the step where validation was best; otherwise max or min by the
   * run's family's catalogue, else last (the family names bound too).
   */
  private best(key: string): string {
    const { max, min } = metricDirections(key);
    const branches = [
      ...families.flatMap((f) => {
        const choice = selectingChoice(f, key);
        return choice ? [this.chosenBranch(f, choice)] : [];
      }),
      ...(max.length > 0 ? [`WHEN r.family IN (${max.map((f) => this.bind(f)).join(', ')}) THEN lm.max_value`] : []),
      ...(min.length > 0 ? [`WHEN r.family IN (${min.map((f) => this.bind(f)).join(', ')}) THEN lm.min_value`] : []),
    ];
    return branches.length === 0 ? 'lm.value' : `(CASE ${branches.join(' ')} ELSE lm.value END)`;
  }

  /** The CASE branch reading `lm.key` where the family's validation metric was best (db/queries/metrics.ts selectedValues reads the same). */
  private chosenBranch(family: string, choice: ValidationChoice): string {
    const stepColumn = choice.mode === 'max' ? 'max_step' : 'min_step';
    // Placeholders are positional: each is bound as it appears in the text.
    const chosenStep = (): string => `(SELECT v.${stepColumn} FROM latest_metrics v WHERE v.run_id = r.id AND v.key = ${this.bind(choice.key)})`;
    const when = `WHEN r.family = ${this.bind(family)} AND ${chosenStep()} IS NOT NULL THEN `;
    return `${when}(SELECT m.value FROM metrics m WHERE m.run_id = r.id AND m.key = lm.key AND m.step <= ${chosenStep()} ORDER BY m.step DESC, m.id DESC LIMIT 1)`;
  }

  private contains(field: TextFieldRef, text: string): string {
    const needle = asciiLower(text);
    switch (field.kind) {
      case 'tags':
        return `EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.id AND instr(lower(t.tag), ${this.bind(needle)}) > 0)`;
      case 'param':
        return `EXISTS (SELECT 1 FROM params p WHERE p.run_id = r.id AND p.key = ${this.bind(field.key)} AND p.value_type = 'string' AND instr(lower(p.text_value), ${this.bind(needle)}) > 0)`;
      case 'attribute': {
        const col = field.name === 'duration' ? DURATION : attributeColumns[field.name];
        return `(${col} IS NOT NULL AND instr(lower(${col}), ${this.bind(needle)}) > 0)`;
      }
    }
  }
}

/** The filter as a WHERE expression over `runs r` and its bound values, in order. */
export function compileRunFilter(ast: RunFilterAst): CompiledRunFilter {
  const c = new Compiler();
  const sql = c.node(ast);
  return { sql, params: c.params };
}
