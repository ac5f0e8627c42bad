/**
 * The types of the runs filter language (see ./index.ts for the language
 * itself): the syntax tree the parser returns, the run it is evaluated on,
 * and the error it throws. The tree holds resolved fields (aliases applied,
 * aggregates filled in), so the evaluator and the SQL compiler never look at
 * the text again.
 */

/** The run attributes a filter can name, with the type of their values. */
export const attributeTypes = {
  id: 'number',
  name: 'string',
  status: 'string',
  family: 'string',
  backend: 'string',
  dataset: 'string',
  experiment: 'number',
  seed: 'number',
  created: 'number',
  started: 'number',
  ended: 'number',
  duration: 'number',
  notes: 'string',
  starred: 'boolean',
  archived: 'boolean',
} as const;

export type AttributeName = keyof typeof attributeTypes;
export const attributeNames = Object.keys(attributeTypes) as AttributeName[];

/** What `metrics.<key>.<agg>` reads from a run's summary of the key. */
export const metricAggregates = ['last', 'best', 'min', 'max', 'count'] as const;
export type MetricAggregate = (typeof metricAggregates)[number];

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
export type FilterValue = number | string | boolean;

/** A field a comparison reads. */
export type FieldRef =
  | { kind: 'attribute'; name: AttributeName }
  | { kind: 'param'; key: string }
  | { kind: 'metric'; key: string; agg: MetricAggregate };

/** A field `~` can search: a text attribute, a param, or the tags. */
export type TextFieldRef = { kind: 'attribute'; name: AttributeName } | { kind: 'param'; key: string } | { kind: 'tags' };

export type RunFilterAst =
  /** The empty filter: every run. */
  | { kind: 'all' }
  | { kind: 'and'; terms: RunFilterAst[] }
  | { kind: 'or'; terms: RunFilterAst[] }
  | { kind: 'not'; term: RunFilterAst }
  | { kind: 'compare'; field: FieldRef; op: CompareOp; value: FilterValue }
  /** `field ~ "text"`: contains text, ASCII letters compared case-insensitively. */
  | { kind: 'contains'; field: TextFieldRef; text: string }
  | { kind: 'hasTag'; tag: string };

/** A run's summary of one metric key. null: no finite value (NaN is stored as null). */
export interface FilterableMetric {
  last: number | null;
  min: number | null;
  max: number | null;
  count: number;
  /**
   * For a test metric its family's validation metric selects, on a run that
   * has that validation metric: the value at the step validation chose (null
   * when none or NaN). `best` reads it instead of the extreme.
   */
  chosen?: number | null;
}

/** What a filter can see of a run: its attributes (named as in the language), params, tags and metric summaries. */
export interface FilterableRun {
  id: number;
  name: string;
  status: string;
  family: string;
  backend: string | null;
  dataset: string;
  /** The experiment's id. */
  experiment: number;
  seed: number;
  /** Milliseconds since the epoch. */
  created: number;
  started: number | null;
  ended: number | null;
  notes: string;
  starred: boolean;
  archived: boolean;
  params: Readonly<Record<string, FilterValue>>;
  tags: readonly string[];
  metrics: Readonly<Record<string, FilterableMetric>>;
}

/**
 * A filter the parser refuses. start and end are offsets into the filter text
 * (UTF-16 code units, end exclusive) of the token at fault, for underlining;
 * at the end of the text both are its length.
 */
export class RunFilterError extends Error {
  constructor(message: string, readonly start: number, readonly end: number) {
    super(message);
    this.name = 'RunFilterError';
  }
}

/**
 * Whether a filter reads an attribute anywhere (under not included): runs.list
 * lets a filter that names `archived` decide about archived runs itself.
 */
export function filterMentions(ast: RunFilterAst, name: AttributeName): boolean {
  switch (ast.kind) {
    case 'all': case 'hasTag': return false;
    case 'and': case 'or': return ast.terms.some((t) => filterMentions(t, name));
    case 'not': return filterMentions(ast.term, name);
    case 'compare': case 'contains': return ast.field.kind === 'attribute' && ast.field.name === name;
  }
}
