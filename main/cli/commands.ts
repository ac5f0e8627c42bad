/** The CLI's commands over the same services the app uses. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { RunDetail, RunSummary } from '../common/domain';
import { ApiError } from '../common/api';
import { descriptorOf, metricSpec, runConfigSchema } from '../../workers/common/families/registry';
import { formatHeadlineValue, runHeadline } from '../../workers/common/families/headline';
import { applyOverrides, formatIssue } from '../../workers/common/runConfigBase';
import { explainConfigIssues } from './configOverrides';
import type { AppServices } from '../services/appServices';
import { formatDuration, ProgressLine } from './progressBar';

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}

export interface TrainOptions {
  configPath: string;
  overrides: string[];
  experiment: string;
  json: boolean;
  /** `--replicas N`: hyper.parallelReplicas (threads one classifier run trains on), as given. */
  replicas?: string;
}

/** `--replicas N` as a whole number ≥ 1 (the schema checks the family and the upper bound). */
export function parseReplicas(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 1) throw new CliError(`--replicas must be a whole number of threads ≥ 1 (1 trains on one thread), not "${text}"`);
  return n;
}

/** `--threads N` as a whole number from 1 to this machine's cores (the wasm backend's XNNPACK threads for the run). */
export function parseThreads(text: string, cores = os.availableParallelism()): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 1) throw new CliError(`--threads must be a whole number of XNNPACK threads ≥ 1 (1 is single-threaded), not "${text}"`);
  if (n > cores) throw new CliError(`--threads ${n} is more than this machine's ${cores} cores: more busy threads than cores only wait for each other (use at most ${cores})`);
  return n;
}

function readConfig(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`Cannot read config file ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`Config file ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

export async function train(s: AppServices, o: TrainOptions, out: NodeJS.WriteStream, err: NodeJS.WriteStream): Promise<number> {
  let raw: unknown;
  try {
    raw = applyOverrides(readConfig(o.configPath), o.overrides);
    if (o.replicas !== undefined) raw = applyOverrides(raw, [`hyper.parallelReplicas=${parseReplicas(o.replicas)}`]);
  } catch (e) {
    throw e instanceof CliError ? e : new CliError((e as Error).message);
  }
  const parsed = runConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = explainConfigIssues(raw, parsed.error, o.overrides);
    const head = lines.every((l) => l.startsWith('--set ')) ? 'Invalid --set' : `Invalid config ${o.configPath}`;
    throw new CliError(`${head}:\n  ${lines.join('\n  ')}`);
  }
  const exp = s.store.ensureExperiment(o.experiment);
  let run: RunSummary;
  try {
    run = s.runs.start(exp.id, parsed.data);
  } catch (e) {
    if (e instanceof ApiError) throw new CliError(e.issues ? `${e.message.split(':')[0]}:\n  ${e.issues.map(formatIssue).join('\n  ')}` : e.message);
    throw e;
  }
  err.write(`Run ${run.id} (${run.name}) in experiment "${exp.name}", data in ${s.dataDir}\n`);
  return followRun(s, run, o.json, out, err);
}

/**
 * Shows a started run's progress until it ends (Ctrl-C cancels it), then its
 * summary: `train` and `runs reproduce` alike. Exits 0 when it is done.
 */
export async function followRun(s: AppServices, run: RunSummary, json: boolean, out: NodeJS.WritableStream, err: NodeJS.WriteStream): Promise<number> {
  const bar = new ProgressLine(err);
  // The family's headline metrics that are measured once an epoch are printed as they come.
  const family = run.family;
  const epochHeadlines = descriptorOf(family).headline.filter((h) => metricSpec(family, h.key)?.x === 'epoch');
  let lastLoss = '';
  const offMetrics = s.events.on('runs.onDidLogMetrics', (m) => {
    if (m.runId !== run.id) return;
    const loss = [...m.points].reverse().find((p) => p.key === 'loss');
    if (loss) lastLoss = `loss ${loss.value.toFixed(4)}`;
    for (const p of m.points) {
      const h = epochHeadlines.find((x) => x.key === p.key);
      if (h) err.write(`\n${h.label} after epoch ${p.step}: ${formatHeadlineValue({ ...h, value: p.value })}\n`);
    }
  });
  const offProgress = s.events.on('runs.onDidProgress', (m) => { if (m.runId === run.id) bar.update(m.progress, lastLoss); });
  const offLog = s.events.on('runs.onDidLog', (l) => { if (l.runId === run.id && l.level !== 'info') err.write(`\n${l.level}: ${l.message}\n`); });
  let interrupted = false;
  const onSigint = (): void => {
    if (interrupted) return;
    interrupted = true;
    err.write('\nCancelling (Ctrl-C again is ignored; the run stops within one batch)...\n');
    s.runs.cancel(run.id);
  };
  process.on('SIGINT', onSigint);
  const status = await s.runs.waitForEnd(run.id);
  process.off('SIGINT', onSigint);
  offMetrics(); offProgress(); offLog();
  bar.end();
  const detail = s.runs.detail(run.id);
  const summaryLine = { runId: detail.id, status: detail.status, backend: detail.backend, ...(detail.wasmThreads !== undefined ? { wasmThreads: detail.wasmThreads } : {}), error: detail.error, metrics: detail.latest };
  if (json) {
    out.write(`${JSON.stringify(summaryLine)}\n`);
  } else {
    out.write(`${describe(detail)}\n`);
  }
  return status === 'done' ? 0 : 1;
}

function describe(r: RunDetail | RunSummary): string {
  const dur = r.startedAt && r.endedAt ? formatDuration(r.endedAt - r.startedAt) : '-';
  const lines = [
    `Run ${r.id}  ${r.name}`,
    `  status    ${r.status}${r.error ? ` — ${r.error}` : ''}`,
    `  backend   ${r.backend ?? '-'}${r.wasmThreads !== undefined ? ` (${r.wasmThreads} XNNPACK thread${r.wasmThreads === 1 ? '' : 's'})` : ''}   dataset ${r.datasetId}   seed ${r.seed}   duration ${dur}`,
    `  params    ${Object.entries(r.params).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`,
    `  metrics   ${Object.entries(r.latest).map(([k, v]) => `${k}=${Number.isFinite(v) ? +v.toFixed(5) : String(v)}`).join(' ') || '-'}`,
  ];
  return lines.join('\n');
}

/** The one number that says how a run did: its family's headline, the same rule as the experiment page's. */
export function headlineText(r: Pick<RunSummary, 'family' | 'best' | 'latest'> & Partial<Pick<RunSummary, 'chosenBy'>>): string {
  const h = runHeadline(r.family, r.best, r.latest, r.chosenBy);
  if (!h) return '-';
  // A test number read where validation was best says so: "test acc 97.12 % @val_accuracy".
  return `${h.label} ${formatHeadlineValue(h)}${h.chosenBy ? ` @${h.chosenBy.key}` : ''}`;
}

/** One run: its summary, or with --json its detail and its artifacts with their paths on disk. */
export function showRun(s: AppServices, id: number, json: boolean, out: NodeJS.WritableStream): number {
  if (!Number.isInteger(id) || id < 1) throw new CliError('show expects a run id (a positive whole number)');
  let detail: RunDetail;
  try {
    detail = s.runs.detail(id);
  } catch (e) {
    if (e instanceof ApiError) throw new CliError(e.message, 1);
    throw e;
  }
  if (json) {
    // With what it wrote and where (artifactCommands.ts lists the same).
    out.write(`${JSON.stringify({ ...detail, artifacts: s.artifacts.listOnDisk(id) })}\n`);
    return 0;
  }
  const kinds = new Map<string, number>();
  for (const a of s.artifacts.list(id)) kinds.set(a.kind, (kinds.get(a.kind) ?? 0) + 1);
  const artifacts = kinds.size === 0 ? '-' : `${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')} (paths: artifacts ${id})`;
  out.write(`${describe(detail)}\n  artifacts ${artifacts}\n`);
  return 0;
}
