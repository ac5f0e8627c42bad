/**
 * `runs compare RUN RUN… [--metric KEY]… [--all] [--json]`: the
 * hyperparameters that differ and each run's metric summaries; and
 * `runs export RUN… | --filter EXPR | --experiment ID --csv|--json [--long]
 * [--out FILE]`: the files the compare view exports, written by the same
 * module (main/common/runExport.ts).
 */
import * as fs from 'node:fs';
import type { ParamValue, RunMetricSummaries, RunSummary } from '../common/domain';
import { paramRows } from '../common/runColumns';
import {
  csvLine, exportCsv, exportJson, exportMetricSeries, exportRows, LONG_HEADER, longCsvRows, SUMMARY_STATS, type ExportMetricSeries,
} from '../common/runExport';
import type { AppServices } from '../services/appServices';
import { descriptorOf } from '../../workers/common/families/registry';
import { CliError } from './commands';
import { cliError, runIdArg, summariesFor } from './runArgs';
import { alignedTable, numberCell } from './runColumnsArgs';
import type { RunsOptions } from './runCommands';

/** The runs the ids name, in the order given, each once; an unknown id exits 1. */
function runsByIds(s: AppServices, ids: readonly number[]): RunSummary[] {
  try {
    return [...new Set(ids)].map((id) => s.runs.summary(id));
  } catch (e) {
    throw cliError(e);
  }
}

/** Every metric key the summaries hold, sorted. */
function keysOf(summaries: readonly RunMetricSummaries[]): string[] {
  return [...new Set(summaries.flatMap((m) => Object.keys(m.metrics)))].sort();
}

/** The runs' families' headline metrics (in the descriptors' order) that some run has recorded. */
export function headlineKeys(runs: readonly Pick<RunSummary, 'family'>[], available: readonly string[]): string[] {
  const have = new Set(available);
  const keys: string[] = [];
  for (const family of new Set(runs.map((r) => r.family))) {
    for (const h of descriptorOf(family).headline) if (have.has(h.key) && !keys.includes(h.key)) keys.push(h.key);
  }
  return keys;
}

/** The --metric keys, each of which some run must have recorded (a typo would otherwise print only dashes). */
function chosenKeys(o: RunsOptions, available: readonly string[], fallback: () => string[]): string[] {
  if (!o.metrics || o.metrics.length === 0) return fallback();
  const unknown = o.metrics.filter((k) => !available.includes(k));
  if (unknown.length > 0) {
    throw new CliError(`--metric ${unknown.map((k) => `"${k}"`).join(', ')}: no such metric among these runs; they have ${available.join(', ') || 'no metrics yet'}`);
  }
  return [...new Set(o.metrics)];
}

function paramText(v: ParamValue | undefined): string {
  return v === undefined ? '-' : typeof v === 'number' ? numberCell(v) : String(v);
}

/** The hyperparameter table: a row per key, a column per run. */
function paramsText(runs: readonly RunSummary[], all: boolean): string {
  const rows = paramRows(runs, all);
  const total = paramRows(runs, true).length;
  if (rows.length === 0) return `No hyperparameters differ (${total} compared; --all lists them)\n`;
  const title = all ? `Hyperparameters (${total}; * marks those that differ):` : `Hyperparameters that differ (${rows.length} of ${total}; --all lists them all):`;
  const head = ['key', ...runs.map((r) => `#${r.id} ${r.name}`)];
  const body = rows.map((p) => [`${all && p.differs ? '* ' : ''}${p.key}`, ...p.values.map(paramText)]);
  return `${title}\n${alignedTable(head, body)}`;
}

/** The summaries table: a row per metric and run, its last, best, min and max right-aligned. */
function summariesText(runs: readonly RunSummary[], summaries: readonly RunMetricSummaries[], keys: readonly string[]): string {
  if (keys.length === 0) return 'No metrics to compare (none of the runs has recorded a headline metric; choose with --metric KEY)\n';
  const byRun = new Map(summaries.map((m) => [m.runId, m.metrics]));
  const rows = keys.flatMap((k) => runs.map((r) => {
    const m = byRun.get(r.id)?.[k];
    return [k, String(r.id), r.name, ...SUMMARY_STATS.map((stat) => {
      const v = m?.[stat] ?? null;
      return v === null ? '-' : numberCell(v);
    })];
  }));
  return `Metrics:\n${alignedTable(['metric', 'run', 'name', ...SUMMARY_STATS], rows, [false, true, false, true, true, true, true])}`;
}

/** Two or more runs side by side: the hyperparameters that differ (all with --all), then the chosen metrics' summaries. */
export function compareRuns(s: AppServices, args: readonly string[], o: RunsOptions, out: NodeJS.WritableStream, usage: string): number {
  const ids = [...new Set(args.map((a) => runIdArg('compare', a, usage)))];
  if (ids.length < 2) throw new CliError(`runs compare needs two or more different run ids: runs compare RUN RUN… [--metric KEY]… [--all] [--json]\n${usage}`);
  const runs = runsByIds(s, ids);
  const all = summariesFor(s, runs.map((r) => r.id));
  const keys = chosenKeys(o, keysOf(all), () => headlineKeys(runs, keysOf(all)));
  const summaries = all.map((m) => ({ runId: m.runId, metrics: Object.fromEntries(keys.flatMap((k) => (m.metrics[k] ? [[k, m.metrics[k]]] : []))) }));
  if (o.json) {
    const rows = exportRows(runs, summaries, keys);
    out.write(`${JSON.stringify({ runs: runs.map((r) => ({ id: r.id, name: r.name, family: r.family })), params: paramRows(runs, o.all === true), metrics: keys, summaries: rows.map((r) => ({ runId: r.id, metrics: r.metrics })) })}\n`);
  } else {
    out.write(`${paramsText(runs, o.all === true)}\n${summariesText(runs, summaries, keys)}`);
  }
  return 0;
}

/** Where the export goes: the output stream, or a file written chunk by chunk. */
interface Target {
  write(text: string): void;
  close(): void;
}

function targetOf(file: string | undefined, out: NodeJS.WritableStream): Target {
  if (file === undefined) return { write: (t) => { out.write(t); }, close: () => {} };
  let fd: number;
  try {
    fd = fs.openSync(file, 'w');
  } catch (e) {
    throw new CliError(`Cannot write ${file}: ${(e as Error).message}`, 1);
  }
  return { write: (t) => { fs.writeSync(fd, t); }, close: () => { fs.closeSync(fd); } };
}

/** The runs to export: the ids given, or the --experiment / --filter selection; never both, never neither. */
function exportSelection(s: AppServices, args: readonly string[], o: RunsOptions, usage: string, select: (o: RunsOptions) => RunSummary[]): RunSummary[] {
  const bySelection = o.filter !== undefined || o.experiment !== undefined;
  if (args.length > 0 && bySelection) throw new CliError(`runs export takes run ids or --filter/--experiment, not both\n${usage}`);
  if (args.length === 0 && !bySelection) throw new CliError(`runs export needs run ids, --filter EXPR or --experiment ID\n${usage}`);
  return args.length > 0 ? runsByIds(s, args.map((a) => runIdArg('export', a, usage))) : select(o);
}

/**
 * Writes the runs as the wide CSV (one row per run), the long-format metrics
 * CSV (--csv --long: every point, written run by run so the file never sits
 * in memory) or JSON (--long adds the full-resolution series), to stdout or
 * --out FILE. The metrics are --metric's keys, else every key the runs have.
 */
export function exportRuns(s: AppServices, args: readonly string[], o: RunsOptions, out: NodeJS.WritableStream, usage: string, select: (o: RunsOptions) => RunSummary[]): number {
  if (o.csv === o.json) throw new CliError(`runs export needs one of --csv or --json\n${usage}`);
  const runs = exportSelection(s, args, o, usage, select);
  const all = runs.length > 0 ? summariesFor(s, runs.map((r) => r.id)) : [];
  const keys = chosenKeys(o, keysOf(all), () => keysOf(all));
  const target = targetOf(o.out, out);
  try {
    if (o.csv && o.long) {
      target.write(csvLine(LONG_HEADER));
      for (const r of runs) target.write(longCsvRows(r, s.runs.metrics(r.id, keys)));
    } else if (o.csv) {
      target.write(exportCsv(exportRows(runs, all, keys), keys));
    } else {
      const metrics: ExportMetricSeries[] | undefined = o.long ? runs.flatMap((r) => exportMetricSeries(r.id, s.runs.metrics(r.id, keys))) : undefined;
      target.write(exportJson(exportRows(runs, all, keys), metrics ? { metrics } : {}));
    }
  } finally {
    target.close();
  }
  if (o.out !== undefined) out.write(`Exported ${runs.length} run${runs.length === 1 ? '' : 's'} to ${o.out}\n`);
  return 0;
}
