/**
 * Import: a bundle read into a staging folder inside the data folder with
 * every checksum checked (bundleFile.ts), its records validated, then every
 * row written in one transaction whose last step renames the staged files
 * into place. Any failure undoes the renames and removes the staging folder:
 * the database and the data folder are as they were.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { z } from 'zod';
import type { RunImport } from '../../../db/queries/bundles';
import type { Store } from '../../../db/storeTypes';
import { ApiError } from '../../common/api';
import {
  INDEX_ENTRY, bundleIndexSchema, bundleMetricsSchema, bundleRunSchema, type BundleImportReport, type BundleIndex,
} from '../../common/bundleFormat';
import { isDatasetId } from '../../../workers/common/datasets';
import { descriptorOf } from '../../../workers/common/families/registry';
import { readStoredRunConfig } from '../../../workers/common/runConfigVersion';
import { builtinCorpora } from '../corpusService';
import { readBundle } from './bundleFile';
import { BundleFormatError } from './tar';

export interface ImportContext { store: Store; dataDir: string }

/** Staging folders start with this; a folder left by a crash is removed when the services start. */
export const STAGING_PREFIX = '.bundle-staging-';

/** Removes staging folders a crashed import left in the data folder. */
export function sweepStaging(dataDir: string): void {
  if (!fs.existsSync(dataDir)) return;
  for (const name of fs.readdirSync(dataDir)) {
    if (name.startsWith(STAGING_PREFIX)) fs.rmSync(path.join(dataDir, name), { recursive: true, force: true });
  }
}

function readStaged<S extends z.ZodType>(staging: string, entry: string, schema: S): z.infer<S> {
  const file = path.join(staging, ...entry.split('/'));
  if (!fs.existsSync(file)) throw new BundleFormatError(`the bundle has no ${entry}`);
  let json: unknown;
  try { json = JSON.parse(fs.readFileSync(file, 'utf8')); } catch { throw new BundleFormatError(`${entry} is not JSON`); }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BundleFormatError(`${entry} is malformed: ${issue ? `${issue.path.join('.') || '(top)'}: ${issue.message}` : 'unknown problem'}`);
  }
  return parsed.data;
}

function readRecords(staging: string): { index: BundleIndex; runs: RunImport[] } {
  const index = readStaged(staging, INDEX_ENTRY, bundleIndexSchema);
  const runs = index.runs.map((uuid) => {
    const run = readStaged(staging, `runs/${uuid}/run.json`, bundleRunSchema);
    if (run.uuid !== uuid) throw new BundleFormatError(`runs/${uuid}/run.json holds run ${run.uuid}`);
    return { run, metrics: readStaged(staging, `runs/${uuid}/metrics.json`, bundleMetricsSchema) };
  });
  return { index, runs };
}

/** Renames staged folders into place, remembering each so a failure can put them back. */
class FileMoves {
  readonly done: { from: string; to: string }[] = [];
  count = 0;

  move(from: string, to: string): void {
    if (!fs.existsSync(from)) return;
    if (fs.existsSync(to)) throw new Error(`${to} already exists: the import would overwrite it, so nothing was imported`);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.renameSync(from, to);
    this.done.push({ from, to });
  }

  undo(): void {
    for (const { from, to } of this.done.reverse()) {
      try { fs.renameSync(to, from); } catch { fs.rmSync(to, { recursive: true, force: true }); }
    }
  }
}

function missingDatasets(store: Store, runs: readonly RunImport[], index: BundleIndex): BundleImportReport['datasetsMissing'] {
  const ids = [...new Set(runs.map((r) => r.run.row.dataset_id))].sort();
  return ids.filter((id) => !isDatasetId(id) && store.getDataset(id) === undefined)
    .map((id) => ({ id, contentHash: index.datasets.find((d) => d.id === id)?.contentHash ?? '' }));
}

/** Text corpora the added runs trained on that this workbench lacks (bundles do not carry corpora). */
function missingCorpora(store: Store, runs: readonly RunImport[]): string[] {
  const ids = new Set<string>();
  for (const r of runs) {
    let corpus: string | undefined;
    try {
      const config = readStoredRunConfig(JSON.parse(r.run.row.config_json), r.run.row.config_version);
      corpus = descriptorOf(config.family).corpusOf?.(config)?.id;
    } catch { continue; /* an unreadable config is listed with its reason by the runs table, not here */ }
    if (corpus !== undefined && !builtinCorpora.some((b) => b.id === corpus) && store.getCorpus(corpus) === undefined) ids.add(corpus);
  }
  return [...ids].sort();
}

export async function importBundle(ctx: ImportContext, file: string): Promise<BundleImportReport> {
  const source = path.resolve(file);
  if (!fs.existsSync(source) || !fs.statSync(source).isFile()) throw new ApiError('not-found', `${source} is not a file on this machine`);
  const staging = path.join(ctx.dataDir, `${STAGING_PREFIX}${randomUUID()}`);
  const moves = new FileMoves();
  try {
    const manifest = await readBundle(source, staging);
    const { index, runs } = readRecords(staging);
    let filesAdded = 0;
    const result = ctx.store.importBundle({
      experiments: index.experiments, architectures: index.architectures,
      datasets: index.datasets.filter((d) => d.included && d.row !== null).flatMap((d) => (d.row ? [d.row] : [])),
      runs, artifactPath: (id, p) => path.join('runs', String(id), ...p.split('/')),
    }, (added, datasetsAdded) => {
      for (const [uuid, id] of added) moves.move(path.join(staging, 'runs', uuid, 'files'), path.join(ctx.dataDir, 'runs', String(id)));
      for (const id of datasetsAdded) moves.move(path.join(staging, 'datasets', id, 'files'), path.join(ctx.dataDir, 'datasets', id));
      filesAdded = manifest.entries.filter((e) => [...added.keys()].some((u) => e.path.startsWith(`runs/${u}/files/`))
        || datasetsAdded.some((d) => e.path.startsWith(`datasets/${d}/files/`))).length;
    });
    const added = runs.filter((r) => result.added.some((a) => a.uuid === r.run.uuid));
    return {
      file: source, formatVersion: manifest.formatVersion, sourceAppVersion: manifest.appVersion,
      runsAdded: result.added, runsSkipped: result.skipped, artifactsAdded: result.artifactsAdded, filesAdded,
      experimentsCreated: result.experimentsCreated, experimentsMergedInto: result.experimentsMergedInto,
      architecturesLinked: result.architecturesLinked, architecturesAdded: result.architecturesAdded,
      datasetsAdded: result.datasetsAdded, datasetsMissing: missingDatasets(ctx.store, added, index), corporaMissing: missingCorpora(ctx.store, added),
    };
  } catch (err) {
    moves.undo();
    if (err instanceof BundleFormatError) throw new ApiError('bad-request', `${source} cannot be imported: ${err.message}. Nothing was changed.`);
    throw err;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
