/**
 * Exporting runs, shared by the compare view's export buttons and the CLI's
 * `runs export`, so a file means the same wherever it was made:
 *
 * - the wide CSV: one row per run (its attributes, every hyperparameter, each
 *   chosen metric's last, best, min and max), columns in a fixed order;
 * - the long-format metrics CSV: one row per point of the full-resolution
 *   series (run_id, run_name, key, step, wall_time, value), the form pandas,
 *   R and spreadsheets pivot from;
 * - the JSON document: the same rows, and the series when asked for.
 *
 * Pure: callers fetch the runs, summaries and series, and write the text.
 */
import type { MetricSeries, ParamValue, RunMetricSummaries, RunStatus, WireNumber } from './domain';
import { encodeWireNumber } from './domain';
import { metricAggregates, type MetricAggregate } from './savedView';

/** A CSV cell: null is an empty cell. */
export type CsvCell = string | number | boolean | null;

/** A number as the exports spell it: JavaScript's shortest round-tripping form, non-finite as NaN, Inf or -Inf. */
export function numberText(v: number): string {
  const w = encodeWireNumber(v);
  return typeof w === 'number' ? String(w) : w;
}

/** A text that a spreadsheet reads as a number (so a leading minus is a sign, not a formula). */
const NUMERIC_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * CSV injection guard (OWASP): a spreadsheet runs a cell that starts with
 * =, +, -, @, tab or carriage return as a formula, so such text gets a
 * leading apostrophe, which spreadsheets show as plain text. A run name or a
 * tag is anyone's text; numbers (and text that is exactly a number, such as
 * "-0.5") are left as they are, or negative values would stop being numbers.
 */
export function guardFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) && !NUMERIC_TEXT.test(text) ? `'${text}` : text;
}

/**
 * One CSV field per RFC 4180: quoted when it holds a comma, a double quote,
 * a line break, or leading or trailing space (which spreadsheets trim), a
 * double quote doubled inside; text guarded against formula injection first.
 * Numbers are written by `numberText`; null is empty.
 */
export function csvField(cell: CsvCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return numberText(cell);
  if (typeof cell === 'boolean') return String(cell);
  const text = guardFormula(cell);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line, ended by CRLF (RFC 4180). */
export function csvLine(cells: readonly CsvCell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

/** A CSV document: the header, then the rows. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map(csvLine).join('');
}

/** What the export needs of a run (a RunSummary has it all). */
export interface ExportRun {
  id: number;
  name: string;
  experimentId: number;
  family: string;
  status: RunStatus;
  seed: number;
  datasetId: string;
  tags: readonly string[];
  params: Readonly<Record<string, ParamValue>>;
}

/** The statistics exported per metric, in column order (the runs table's metric aggregates). */
export const SUMMARY_STATS: readonly MetricAggregate[] = metricAggregates;
export type SummaryStat = MetricAggregate;

/** A run's exported row. */
export interface ExportRow {
  id: number;
  name: string;
  experiment: number;
  family: string;
  status: RunStatus;
  seed: number;
  dataset: string;
  tags: string[];
  params: Record<string, ParamValue>;
  /** Per chosen metric: its summary statistics, null where the run has none (or no finite value). */
  metrics: Record<string, Record<SummaryStat, number | null>>;
}

/** The export's rows: one per run, in the runs' order, the chosen metrics' summaries looked up by run id. */
export function exportRows(runs: readonly ExportRun[], summaries: readonly RunMetricSummaries[], keys: readonly string[]): ExportRow[] {
  const byRun = new Map(summaries.map((s) => [s.runId, s.metrics]));
  return runs.map((r) => {
    const metrics: ExportRow['metrics'] = {};
    for (const key of keys) {
      const s = byRun.get(r.id)?.[key];
      metrics[key] = { last: s?.last ?? null, best: s?.best ?? null, min: s?.min ?? null, max: s?.max ?? null };
    }
    return {
      id: r.id, name: r.name, experiment: r.experimentId, family: r.family, status: r.status, seed: r.seed, dataset: r.datasetId,
      tags: [...r.tags], params: { ...r.params }, metrics,
    };
  });
}

/** The attribute columns of the wide CSV, in order. */
export const WIDE_ATTRIBUTES = ['id', 'name', 'experiment', 'family', 'status', 'seed', 'dataset', 'tags'] as const;

/**
 * The wide CSV of the rows. Columns, in a fixed order so files from different
 * selections line up: the attributes (tags joined by "; "), then
 * `params.<key>` for every key any run has (sorted by code point), then
 * `metrics.<key>.<stat>` for each chosen metric in the given order and each of
 * last, best, min, max. A run without a key or summary has an empty cell.
 */
export function exportCsv(rows: readonly ExportRow[], keys: readonly string[]): string {
  const paramKeys = [...new Set(rows.flatMap((r) => Object.keys(r.params)))].sort();
  const header = [...WIDE_ATTRIBUTES, ...paramKeys.map((k) => `params.${k}`),
    ...keys.flatMap((k) => SUMMARY_STATS.map((s) => `metrics.${k}.${s}`))];
  const body = rows.map((r): CsvCell[] => [
    r.id, r.name, r.experiment, r.family, r.status, r.seed, r.dataset, r.tags.join('; '),
    ...paramKeys.map((k) => (Object.hasOwn(r.params, k) ? r.params[k]! : null)),
    ...keys.flatMap((k) => SUMMARY_STATS.map((s) => r.metrics[k]?.[s] ?? null)),
  ]);
  return toCsv(header, body);
}

/** The long-format metrics CSV's header line. */
export const LONG_HEADER = ['run_id', 'run_name', 'key', 'step', 'wall_time', 'value'] as const;

/**
 * A series as the long export reads it. Values may be null: JSON (serve
 * mode's transport) turns NaN and ±Infinity into null, and such a point is
 * written as NaN, since it was not finite.
 */
export interface LongSeries {
  key: string;
  steps: readonly number[];
  values: readonly (number | null)[];
  wallTimes: readonly number[];
}

/**
 * One run's rows of the long-format CSV, without the header: every point of
 * every series, series in key order (by code point) and points as stored (step
 * order), wall_time in milliseconds since the epoch, a non-finite value as
 * NaN, Inf or -Inf. Callers with many runs write it run by run after
 * `csvLine(LONG_HEADER)`, so the whole file never sits in memory.
 */
export function longCsvRows(run: { id: number; name: string }, series: readonly LongSeries[]): string {
  const parts: string[] = [];
  const name = csvField(run.name);
  for (const s of [...series].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    const key = csvField(s.key);
    for (let i = 0; i < s.steps.length; i++) {
      const value = s.values[i] ?? Number.NaN;
      parts.push(`${run.id},${name},${key},${numberText(s.steps[i]!)},${numberText(s.wallTimes[i] ?? Number.NaN)},${numberText(value)}\r\n`);
    }
  }
  return parts.join('');
}

/** The whole long-format CSV of the runs, in the runs' order. */
export function exportLongCsv(runs: readonly { id: number; name: string; series: readonly LongSeries[] }[]): string {
  return csvLine(LONG_HEADER) + runs.map((r) => longCsvRows(r, r.series)).join('');
}

/** A displayed line in the compare view's JSON export: x and y as drawn, non-finite y as null. */
export interface ExportSeries {
  key: string;
  /** The run's id, or for a group's mean line the ids of its runs. */
  runIds: number[];
  label: string;
  kind: 'run' | 'group-mean';
  points: [number, number | null][];
  /** A group's band (min–max or mean ± std, as drawn), on the same x as `points`. */
  band?: { lower: [number, number | null][]; upper: [number, number | null][] };
}

/** [x, y] pairs for JSON: a non-finite y becomes null. */
export function jsonPoints(points: readonly (readonly [number, number])[]): [number, number | null][] {
  return points.map(([x, y]) => [x, Number.isFinite(y) ? y : null]);
}

/** A full-resolution series in the JSON export: values as the wire spells them ('NaN', 'Inf', '-Inf' for non-finite). */
export interface ExportMetricSeries {
  runId: number;
  key: string;
  steps: number[];
  wallTimes: number[];
  values: WireNumber[];
}

/** A run's full-resolution series for the JSON export (the long CSV's points, as JSON). */
export function exportMetricSeries(runId: number, series: readonly MetricSeries[]): ExportMetricSeries[] {
  return series.map((s) => ({ runId, key: s.key, steps: [...s.steps], wallTimes: [...s.wallTimes], values: s.values.map(encodeWireNumber) }));
}

/** What a JSON export holds besides its rows; each part is left out when not given. */
export interface ExportJsonParts {
  /** The compare view's settings as the URL holds them. */
  view?: Readonly<Record<string, unknown>>;
  /** The series as the compare view draws them. */
  series?: readonly ExportSeries[];
  /** The full-resolution series (the CLI's `--json --long`). */
  metrics?: readonly ExportMetricSeries[];
}

/** The JSON export, pretty-printed: format and version, then the parts given, then the rows. */
export function exportJson(rows: readonly ExportRow[], parts: ExportJsonParts = {}): string {
  const doc = {
    format: 'latent-runs',
    version: 1,
    ...(parts.view ? { view: parts.view } : {}),
    runs: rows,
    ...(parts.series ? { series: parts.series } : {}),
    ...(parts.metrics ? { metrics: parts.metrics } : {}),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
