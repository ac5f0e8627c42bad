/**
 * Export: chosen finished runs, with everything they name, as one bundle
 * file (main/common/bundleFormat.ts). A run's files are every file in its
 * folder <data>/runs/<id>/; its artifact rows' paths are rewritten relative to
 * that folder, so the importer can place them under the run's new id.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunExport } from '../../../db/queries/bundles';
import type { Store } from '../../../db/storeTypes';
import { ApiError } from '../../common/api';
import {
  BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, INDEX_ENTRY, encodeBundleJson,
  type BundleExportReport, type BundleIndex, type BundleManifest,
} from '../../common/bundleFormat';
import { writeBundle, type BundleSource } from './bundleFile';

export interface ExportContext { store: Store; dataDir: string; appVersion: string }

export interface ExportSelection {
  runIds: readonly number[];
  /** The experiment's name when a whole experiment is exported (recorded in the manifest). */
  experiment: string | null;
  out: string;
  includeDatasets: boolean;
}

/** Every regular file under `dir`, as '/'-separated paths relative to it, sorted (symbolic links are not followed). */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const found: string[] = [];
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else if (e.isFile()) found.push(child);
    }
  };
  walk('');
  return found.sort();
}

/** The run's export with each artifact path relative to its run folder; refuses a path outside it. */
function relativeArtifacts(e: RunExport): RunExport {
  const prefix = `runs/${e.id}/`;
  const artifacts = e.run.artifacts.map((a) => {
    const posix = a.path.split(path.sep).join('/');
    if (!posix.startsWith(prefix)) {
      throw new ApiError('bad-request', `Run ${e.id}'s artifact "${a.path}" is not inside its folder runs/${e.id}/, so a bundle cannot carry it`);
    }
    return { ...a, path: posix.slice(prefix.length) };
  });
  return { ...e, run: { ...e.run, artifacts } };
}

function loadRuns(store: Store, runIds: readonly number[]): RunExport[] {
  if (runIds.length === 0) throw new ApiError('bad-request', 'Nothing to export: name at least one run, or an experiment that has runs');
  return runIds.map((id) => {
    const e = store.exportRunForBundle(id);
    if (!e) throw new ApiError('not-found', `Run ${id} does not exist`);
    if ('status' in e) throw new ApiError('conflict', `Run ${id} ("${e.name}") is ${e.status}: export it when it has finished, failed or been cancelled`);
    return relativeArtifacts(e);
  });
}

function buildIndex(ctx: ExportContext, runs: readonly RunExport[], includeDatasets: boolean): BundleIndex {
  const experiments = new Map(runs.map((r) => [r.experiment.uuid, r.experiment]));
  const architectures = new Map(runs.flatMap((r) => (r.architecture ? [[r.architecture.contentHash, r.architecture] as const] : [])));
  const datasetIds = [...new Set(runs.map((r) => r.run.row.dataset_id))].sort();
  const datasets = datasetIds.map((id) => {
    const row = ctx.store.datasetRowForBundle(id) ?? null;
    const recorded = runs.find((r) => r.run.row.dataset_id === id)?.run.row.dataset_hash ?? '';
    const contentHash = row === null ? recorded : String(row['content_hash']);
    return { id, contentHash, row, included: includeDatasets && row !== null };
  });
  return { experiments: [...experiments.values()], architectures: [...architectures.values()], datasets, runs: runs.map((r) => r.run.uuid) };
}

function sources(ctx: ExportContext, runs: readonly RunExport[], index: BundleIndex): BundleSource[] {
  const json = (p: string, v: unknown): BundleSource => ({ path: p, content: Buffer.from(encodeBundleJson(v)) });
  const list: BundleSource[] = [json(INDEX_ENTRY, index)];
  for (const r of runs) {
    list.push(json(`runs/${r.run.uuid}/run.json`, r.run), json(`runs/${r.run.uuid}/metrics.json`, r.metrics));
    const dir = path.join(ctx.dataDir, 'runs', String(r.id));
    for (const rel of filesUnder(dir)) list.push({ path: `runs/${r.run.uuid}/files/${rel}`, file: path.join(dir, ...rel.split('/')) });
  }
  for (const d of index.datasets.filter((x) => x.included)) {
    const dir = path.join(ctx.dataDir, 'datasets', d.id);
    for (const rel of filesUnder(dir)) list.push({ path: `datasets/${d.id}/files/${rel}`, file: path.join(dir, ...rel.split('/')) });
  }
  return list;
}

/** The bundle's path: `out` resolved, with `.lwbundle` added when it has no extension of that name; refused when it exists. */
export function bundleOutPath(out: string): string {
  const resolved = path.resolve(out);
  const file = resolved.toLowerCase().endsWith('.lwbundle') ? resolved : `${resolved}.lwbundle`;
  if (fs.existsSync(file)) throw new ApiError('conflict', `${file} already exists: choose another name, or remove it first`);
  if (!fs.existsSync(path.dirname(file))) throw new ApiError('bad-request', `The folder ${path.dirname(file)} does not exist`);
  return file;
}

export async function exportBundle(ctx: ExportContext, sel: ExportSelection): Promise<BundleExportReport> {
  const file = bundleOutPath(sel.out);
  const runs = loadRuns(ctx.store, sel.runIds);
  const index = buildIndex(ctx, runs, sel.includeDatasets);
  const entries = sources(ctx, runs, index);
  const manifest: Omit<BundleManifest, 'entries'> = {
    format: BUNDLE_FORMAT, formatVersion: BUNDLE_FORMAT_VERSION, appVersion: ctx.appVersion, createdAt: new Date().toISOString(),
    source: { kind: sel.experiment === null ? 'runs' : 'experiment', experiment: sel.experiment }, includesDatasets: sel.includeDatasets,
  };
  const bytes = await writeBundle(file, manifest, entries);
  return {
    file, bytes, entries: entries.length + 1,
    runs: runs.map((r) => ({ uuid: r.run.uuid, id: r.id, name: r.run.row.name })),
    datasetsIncluded: index.datasets.filter((d) => d.included).map((d) => d.id),
    datasetsReferenced: index.datasets.filter((d) => !d.included).map((d) => d.id),
  };
}
