/**
 * Exporting a compare selection: a CSV with one row per run (id, name,
 * family, status, every hyperparameter, and each chosen metric's last, best,
 * min and max from runs.summaries) and a JSON document with the same rows and
 * the series as displayed. Pure: the view turns the text into a download.
 */
import type { ParamValue, RunMetricSummaries, RunStatus } from '../../main/common/domain';

/** A CSV cell: null (and a non-finite number, which CSV cannot spell unambiguously) is an empty cell. */
export type CsvCell = string | number | boolean | null;

/**
 * One CSV field per RFC 4180: quoted when it holds a comma, a double quote,
 * a line break, or leading or trailing space (which spreadsheets trim), a
 * double quote doubled inside. Numbers are written as JavaScript prints them
 * (round-tripping exactly); NaN, ±Infinity and null are empty.
 */
export function csvField(cell: CsvCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  const text = String(cell);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document: the header, then the rows, each line ended by CRLF (RFC 4180). */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((r) => `${r.map(csvField).join(',')}\r\n`).join('');
}

/** What the export needs of a run. */
export interface ExportRun {
  id: number;
  name: string;
  family: string;
  status: RunStatus;
  tags: readonly string[];
  params: Readonly<Record<string, ParamValue>>;
}

/** The statistics exported per metric, in column order. */
export const SUMMARY_STATS = ['last', 'best', 'min', 'max'] as const;
export type SummaryStat = (typeof SUMMARY_STATS)[number];

/** A run's exported row, keyed by column. */
export interface ExportRow {
  id: number;
  name: string;
  family: string;
  status: RunStatus;
  tags: string[];
  params: Record<string, ParamValue>;
  /** Per chosen metric: its summary statistics, null where the run has none. */
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
    return { id: r.id, name: r.name, family: r.family, status: r.status, tags: [...r.tags], params: { ...r.params }, metrics };
  });
}

/**
 * The CSV of the rows. Columns, in a fixed order so files from different
 * selections line up: id, name, family, status, tags (joined by "; "), then
 * `params.<key>` for every key any run has (sorted), then
 * `metrics.<key>.<stat>` for each chosen metric in the given order and each of
 * last, best, min, max. A run without a key or summary has an empty cell.
 */
export function exportCsv(rows: readonly ExportRow[], keys: readonly string[]): string {
  const paramKeys = [...new Set(rows.flatMap((r) => Object.keys(r.params)))].sort();
  const header = ['id', 'name', 'family', 'status', 'tags', ...paramKeys.map((k) => `params.${k}`),
    ...keys.flatMap((k) => SUMMARY_STATS.map((s) => `metrics.${k}.${s}`))];
  const body = rows.map((r): CsvCell[] => [
    r.id, r.name, r.family, r.status, r.tags.join('; '),
    ...paramKeys.map((k) => (Object.hasOwn(r.params, k) ? r.params[k]! : null)),
    ...keys.flatMap((k) => SUMMARY_STATS.map((s) => r.metrics[k]?.[s] ?? null)),
  ]);
  return toCsv(header, body);
}

/** A displayed line in the JSON export: x and y as drawn, non-finite y as null (JSON has no NaN). */
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

/** The JSON export: the view's settings, the rows and the displayed series, pretty-printed. */
export function exportJson(view: Readonly<Record<string, unknown>>, rows: readonly ExportRow[], series: readonly ExportSeries[]): string {
  return `${JSON.stringify({ format: 'latent-compare', version: 1, view, runs: rows, series }, null, 2)}\n`;
}
