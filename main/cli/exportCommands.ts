/**
 * `export RUN --metrics csv|json [--out F]`, `export RUN --samples DIR`,
 * `export RUN --checkpoint DIR`: one run's recorded metrics (every point, the
 * long format of `runs export`), the images it wrote, or its last checkpoint
 * as a TF.js model (./checkpointExport.ts). Read through the same validated
 * requests as the app's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseRequest } from '../common/api';
import type { MetricSeries } from '../common/domain';
import { exportLongCsv, exportMetricSeries } from '../common/runExport';
import type { AppServices } from '../services/appServices';
import type { ArtifactOnDisk } from '../services/artifactService';
import { exportCheckpoint } from './checkpointExport';
import { CliError } from './commands';
import { cliError } from './runArgs';
import { oneRun } from './runControlCommands';

export interface ExportOptions {
  json: boolean;
  metrics?: string;
  samples?: string;
  checkpoint?: string;
  out?: string;
}

function metricsOf(s: AppServices, id: number): { name: string; series: MetricSeries[] } {
  try {
    const req = parseRequest('runs.metrics', { id });
    return { name: s.runs.summary(req.id).name, series: s.runs.metrics(req.id, req.keys) };
  } catch (e) {
    throw cliError(e);
  }
}

/** Every point of every metric, as the long CSV or JSON, to --out or stdout. */
function exportMetrics(s: AppServices, id: number, format: string, outFile: string | undefined, out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
  if (format !== 'csv' && format !== 'json') throw new CliError(`--metrics takes csv or json, not "${format}"`);
  const { name, series } = metricsOf(s, id);
  const text = format === 'csv'
    ? exportLongCsv([{ id, name, series }])
    : `${JSON.stringify({ runId: id, name, metrics: exportMetricSeries(id, series) })}\n`;
  if (outFile === undefined) {
    out.write(text);
  } else {
    fs.writeFileSync(outFile, text);
    err.write(`Wrote ${series.reduce((n, m) => n + m.steps.length, 0)} points of ${series.length} metrics of run ${id} to ${outFile}\n`);
  }
  return 0;
}

function artifactsOf(s: AppServices, id: number, kind?: string): ArtifactOnDisk[] {
  try {
    return s.artifacts.listOnDisk(parseRequest('artifacts.list', { runId: id, ...(kind === undefined ? {} : { kind }) }).runId, kind);
  } catch (e) {
    throw cliError(e);
  }
}

/** Copies the run's images (galleries, samples, plots) into dir as `<kind>-step<step>.png`, with index.json saying what each is. */
function exportSamples(s: AppServices, id: number, dir: string, json: boolean, out: NodeJS.WritableStream): number {
  const images = artifactsOf(s, id).filter((a) => a.mime.startsWith('image/') && a.exists);
  if (images.length === 0) throw new CliError(`Run ${id} has no images to export`, 1);
  fs.mkdirSync(dir, { recursive: true });
  const used = new Set<string>();
  const index = images.map((a) => {
    const ext = path.extname(a.path) || '.png';
    let file = `${a.kind}-step${a.step}${ext}`;
    if (used.has(file)) file = `${a.kind}-step${a.step}-${a.id}${ext}`;
    used.add(file);
    fs.copyFileSync(a.path, path.join(dir, file));
    return { file, kind: a.kind, step: a.step, artifactId: a.id, meta: a.meta };
  });
  fs.writeFileSync(path.join(dir, 'index.json'), `${JSON.stringify({ runId: id, images: index }, null, 2)}\n`);
  out.write(json ? `${JSON.stringify({ runId: id, dir, images: index.map((x) => x.file) })}\n` : `Copied ${index.length} images of run ${id} to ${dir} (index.json says what each is)\n`);
  return 0;
}

/** The run's last checkpoint as TF.js layers models in dir. */
function exportModel(s: AppServices, id: number, dir: string, json: boolean, out: NodeJS.WritableStream): number {
  const checkpoints = artifactsOf(s, id, 'checkpoint').filter((a) => a.exists).sort((a, b) => a.step - b.step);
  const last = checkpoints[checkpoints.length - 1];
  if (!last) throw new CliError(`Run ${id} has no checkpoint (they are written at the end of each epoch)`, 1);
  let architecture;
  try {
    architecture = s.runs.detail(id).architecture;
  } catch (e) {
    throw cliError(e);
  }
  fs.mkdirSync(dir, { recursive: true });
  const parts = exportCheckpoint(id, architecture, last.path, dir);
  if (json) out.write(`${JSON.stringify({ runId: id, step: last.step, parts: parts.map((p) => ({ part: p.part, modelJson: path.join(p.dir, 'model.json'), weights: p.weights })) })}\n`);
  else out.write(`Wrote run ${id}'s checkpoint (step ${last.step}) as ${parts.length === 1 ? 'a TF.js layers model' : `${parts.length} TF.js layers models (${parts.map((p) => p.part).join(', ')})`} to ${dir}; README.md says how to load it\n`);
  return 0;
}

/** `export RUN` with exactly one of --metrics, --samples, --checkpoint. */
export function exportCommand(s: AppServices, args: readonly string[], o: ExportOptions, out: NodeJS.WritableStream, err: NodeJS.WritableStream, usage: string): number {
  const id = oneRun('export', args, usage);
  const chosen = (['metrics', 'samples', 'checkpoint'] as const).filter((k) => o[k] !== undefined);
  if (chosen.length !== 1) throw new CliError(`export needs one of --metrics csv|json, --samples DIR, --checkpoint DIR${chosen.length > 1 ? ` (got ${chosen.map((c) => `--${c}`).join(' and ')})` : ''}\n${usage}`);
  if (o.out !== undefined && o.metrics === undefined) throw new CliError('--out is for export --metrics; --samples and --checkpoint name their folder themselves');
  if (o.metrics !== undefined) return exportMetrics(s, id, o.metrics, o.out === undefined ? undefined : path.resolve(o.out), out, err);
  if (o.samples !== undefined) return exportSamples(s, id, path.resolve(o.samples), o.json, out);
  return exportModel(s, id, path.resolve(o.checkpoint ?? ''), o.json, out);
}
