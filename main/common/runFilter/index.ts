/**
 * The runs filter language: what the runs table's filter box, the services
 * and `runs list --filter` accept. Pure, so the renderer, the services and
 * the CLI share one parser; db/queries/runFilter.ts compiles the same tree to
 * SQL, and the two must select the same runs.
 *
 *     family = "gan" and (params.lr < 1e-3 or tags has "baseline") and metrics.test_accuracy.best > 0.98
 *
 * Conditions
 *   field op value     op: = (or ==), !=, <, <=, >, >=
 *   field ~ "text"     the text occurs in field (ASCII letters case-insensitively); for text
 *                      attributes, params holding text, and `tags ~ "text"` (some tag contains it)
 *   tags has "tag"     the run carries exactly this tag
 *   not C, C and C, C or C, ( C )   not binds tightest, then and, then or
 * Keywords (and, or, not, has, true, false) are case-insensitive; field names are not.
 *
 * Values: strings in double quotes (`\"` and `\\` are the escapes), numbers
 * (`3`, `-0.5`, `1e-3`), true and false. Text is compared with =, != and ~
 * only (exact and case-sensitive for = and !=); numbers with all six; booleans with = and !=.
 *
 * Fields
 *   id, experiment (its id), seed, created, started, ended (ms since the epoch),
 *   duration (ended − started, ms)                          numbers
 *   name, status, family, backend, dataset, notes           text (status must be one the store knows)
 *   starred, archived                                       true or false (= and != only)
 *   params.<key>        a hyperparameter, compared with a value of its own type; params.lr is params.learningRate
 *   metrics.<key>.<agg> a metric's summary, agg: last, best, min, max, count; metrics.<key> is .last;
 *                       best is max or min by the family's catalogue, else last; count is 0 without points
 *   tags                with has or ~
 * A field is one token: segments of letters, digits, `_` and `/` joined by dots without spaces,
 * so `metrics.kl_dim/3.last` is the key kl_dim/3; a key with other characters is quoted:
 * `params."warm-up"`, `metrics."a.b".max`. A metric key must be in some family's catalogue;
 * a param key may be anything (one no run has matches nothing).
 *
 * Archived runs: runs.list leaves them out unless the request says includeArchived or the
 * filter names `archived` (then the filter decides).
 *
 * Missing values: a comparison whose field a run lacks (no such param, a param of another
 * type, no such metric, NaN, a queued run's backend, a running run's duration) is false,
 * `!=` included; `not (params.beta = 1)` is how to keep the runs without it.
 *
 * Errors: parseRunFilter throws a RunFilterError whose start/end underline the token at fault.
 * Empty text is the filter that keeps every run.
 */
export * from './ast';
export { parseRunFilter } from './parser';
export { evaluateRunFilter, asciiLower } from './evaluate';
export { formatRunFilter } from './format';
export { metricDirections, bestMode, paramAliases } from './fields';
