/**
 * The dataset registry seen from the main side: the built-in catalogue plus
 * the user's imported sets (rows in SQLite, IDX files in <data>/datasets/<id>/),
 * where their files are, and the content hash each run records. Imports read
 * and check the whole source first, convert it into a temporary folder, and
 * only then move it into place and record it: nothing is half-imported.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DatasetRecord, Store } from '../../db/storeTypes';
import type { DatasetImage, DatasetInfo, DatasetRemoval, ImportKind } from '../common/domain';
import { readIdxFile, resolveDatasetDir } from '../../workers/data/mnist';
import type { IdxTensor } from '../../workers/data/idx';
import { hashFiles } from '../../workers/data/contentHash';
import type { ImportEvent, ImportSummary } from '../../workers/data/importJob';
import { DatasetFormatError } from '../../workers/data/importedDataset';
import { encodeGridPng } from '../../workers/engine/imageGrid';
import { ApiError } from '../common/api';
import { ImportProgressReporter, type ProgressSink } from './importProgress';
import { threadImport, type ImportRunner, type RunningImport } from './importWorkerHost';
import { downloadFiles, type DownloadPlan } from './datasetDownload';
import { clearImportMarker, sweepMarkedFolders, writeImportMarker } from './importMarker';
import { datasetCatalogue, importedDatasetFiles, isDatasetId, type DatasetEntry, type IdxFileSet } from '../../workers/common/datasets';

export interface ImportRequest {
  name: string;
  kind: ImportKind;
  path: string;
  testFraction: number;
  seed: number;
}

const activeStatuses = new Set(['queued', 'running']);

/** A dataset id from its name: lower-case letters, digits and dashes. */
export function slugify(name: string): string {
  const slug = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48).replace(/-+$/, '');
  return slug === '' ? 'dataset' : slug;
}

/** SHA-256 over files (base name, a NUL, then the bytes), in path order (workers/data/contentHash.ts, which the import worker shares). */
export { hashFiles };

export interface DatasetServiceOptions {
  /** Where imports are decoded: a worker thread per import (threadImport) unless a unit test runs them in-process. */
  runImport?: ImportRunner;
}

export class DatasetService {
  private readonly hashes = new Map<string, string>();
  private readonly splits = new Map<string, { images: IdxTensor; labels: IdxTensor }>();
  /** Ids and lower-cased names of imports in progress (two at once must not pick the same). */
  private readonly reserved = new Set<string>();
  private readonly root: string;
  private readonly runImport: ImportRunner;
  /** Imports decoding now, each in its worker: close() stops them. */
  private readonly running = new Set<RunningImport>();
  /** Every import() not yet settled (its staging folder removed on failure): close() waits for them. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  /** `progress` hears every import's stages (appServices passes the event bus's datasets.onDidImportProgress). */
  constructor(private readonly store: Store, dataDir: string, private readonly progress?: ProgressSink, options: DatasetServiceOptions = {}) {
    this.root = path.join(dataDir, 'datasets');
    this.runImport = options.runImport ?? threadImport;
    this.sweep();
  }

  /**
   * At shutdown: stops every import still decoding (its worker is terminated,
   * its staging folder removed, nothing recorded) and refuses new ones;
   * resolves once those imports have settled and cleaned up.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const r of this.running) r.stop('The app is closing: the import was stopped before it finished; nothing was recorded. Import the data again after the next start.');
    this.running.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  /** The folder holding imported dataset `id`'s files. */
  folderOf(id: string): string {
    return path.join(this.root, id);
  }

  /** Single images of a split as small PNGs (for the UI's pickers), by index. */
  images(id: string, split: 'train' | 'test', indices: readonly number[]): DatasetImage[] {
    const entry = this.get(id);
    const key = `${id}:${split}`;
    let data = this.splits.get(key);
    if (!data) {
      const dir = this.dir(entry);
      const f = entry.files;
      data = {
        images: readIdxFile(path.join(dir, split === 'train' ? f.trainImages : f.testImages)),
        labels: readIdxFile(path.join(dir, split === 'train' ? f.trainLabels : f.testLabels)),
      };
      this.splits.set(key, data);
    }
    const { images, labels } = data;
    const count = images.dims[0] ?? 0;
    const [h = 1, w = 1, c = 1] = images.dims.slice(1);
    const size = h * w * c;
    return indices.map((index) => {
      if (index >= count) throw new ApiError('bad-request', `Image ${index} is out of range: the ${split} split of ${entry.name} has ${count} images`);
      const pixels = Float32Array.from(images.data.subarray(index * size, (index + 1) * size), (v) => Number(v) / 255);
      const png = encodeGridPng({ pixels, count: 1, height: h, width: w, channels: c === 3 ? 3 : 1 }, { rows: 1, cols: 1, gap: 0 });
      return { index, label: Number(labels.data[index]), pngBase64: png.toString('base64') };
    });
  }

  /** Built-in sets first, then the imported ones, oldest first. */
  list(): DatasetInfo[] {
    return [
      ...Object.values(datasetCatalogue).map((e) => this.builtinInfo(e)),
      ...this.store.listDatasets().map((r) => this.importedInfo(r)),
    ];
  }

  /** The entry for `id` (built-in or imported), or undefined. */
  find(id: string): DatasetEntry | undefined {
    if (isDatasetId(id)) return datasetCatalogue[id];
    const r = this.store.getDataset(id);
    return r ? this.entryOf(r) : undefined;
  }

  /** The entry for `id`, or a bad-request error naming the datasets there are. */
  get(id: string): DatasetEntry {
    const entry = this.find(id);
    if (!entry) {
      const known = this.list().map((d) => `${d.id} (${d.name})`);
      throw new ApiError('bad-request', `Unknown dataset "${id}"; available: ${known.join(', ')}. Import your own on the Datasets page.`);
    }
    return entry;
  }

  dir(entry: DatasetEntry): string {
    return resolveDatasetDir(entry);
  }

  /** SHA-256 over the dataset's files (name, size and bytes), cached per file identity; an import's is recorded once. */
  hash(entry: DatasetEntry): string {
    if (!isDatasetId(entry.id)) {
      const r = this.store.getDataset(entry.id);
      if (r) return r.contentHash;
    }
    const dir = this.dir(entry);
    const files = Object.values(entry.files).map((f) => path.join(dir, f));
    const identity = [...files].sort().map((f) => {
      const st = fs.statSync(f);
      return `${f}:${st.size}:${st.mtimeMs}`;
    }).join('|');
    const hit = this.hashes.get(identity);
    if (hit) return hit;
    const digest = hashFiles(files);
    this.hashes.set(identity, digest);
    return digest;
  }

  /** Refuses a name in use (case-insensitively) or being imported: before any work, so a download is not wasted. */
  private checkNameFree(name: string): void {
    const taken = this.list().find((d) => d.name.toLowerCase() === name.toLowerCase());
    if (taken || this.reserved.has(`name:${name.toLowerCase()}`)) {
      throw new ApiError('conflict', `A dataset named "${taken?.name ?? name}" already exists${taken ? ` (id ${taken.id})` : ' (it is being imported)'}: choose another name`);
    }
  }

  /**
   * Reads, checks, converts and records a dataset from a folder on this
   * machine, reporting each stage. `recorded` replaces what the record says
   * it came from and adds notes (a download's URL and file checksums).
   */
  import(req: ImportRequest, recorded?: { source: string; notes: string[] }): Promise<DatasetInfo> {
    return this.track(this.importNow(req, recorded));
  }

  /** Keeps `work` in inFlight until it settles, so close() can wait for its clean-up. */
  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const forget = (): void => { this.inFlight.delete(work); };
    work.then(forget, forget);
    return work;
  }

  private async importNow(req: ImportRequest, recorded?: { source: string; notes: string[] }): Promise<DatasetInfo> {
    const name = req.name.trim();
    const source = path.resolve(req.path);
    const nameKey = `name:${name.toLowerCase()}`;
    this.checkNameFree(name);
    const id = this.newId(name);
    this.reserved.add(nameKey);
    this.reserved.add(id);
    const progress = new ImportProgressReporter(this.progress, 'dataset', name);
    let staging: string | undefined;
    let placed: string | undefined;
    try {
      // Messages name the dataset as the request gave it (as they always have).
      this.checkSource(source, req.name);
      fs.mkdirSync(this.root, { recursive: true });
      staging = fs.mkdtempSync(path.join(this.root, `.import-${id}-`));
      writeImportMarker(staging, 'import', id);
      const data = await this.decode(req, source, staging, progress);
      const same = this.store.listDatasets().find((d) => d.contentHash === data.contentHash);
      if (same) {
        const other = req.kind === 'image-folder' ? ', or import it with another seed or test fraction' : '';
        throw new ApiError('conflict', `The same data is already imported as "${same.name}" (id ${same.id}): remove that one first${other}`);
      }
      const target = this.folderOf(id);
      fs.renameSync(staging, target);
      staging = undefined;
      placed = target;
      const record = this.insert({
        id, name, kind: req.kind, sourcePath: recorded?.source ?? source,
        inputShape: [data.height, data.width, data.channels],
        numClasses: data.classNames.length,
        classNames: data.classNames,
        trainSize: data.trainCount,
        testSize: data.testCount,
        contentHash: data.contentHash,
        testFraction: data.split?.testFraction ?? null,
        splitSeed: data.split?.seed ?? null,
        notes: [...data.notes, ...(recorded?.notes ?? [])].join('; '),
      });
      placed = undefined;
      clearImportMarker(target);
      progress.mark('done', true, data.contentHash);
      return this.importedInfo(record);
    } finally {
      this.reserved.delete(nameKey);
      this.reserved.delete(id);
      if (staging) fs.rmSync(staging, { recursive: true, force: true });
      if (placed) fs.rmSync(placed, { recursive: true, force: true });
    }
  }

  /**
   * Only when the user asks: fetches the plan's IDX files (each checked, see
   * datasetDownload.ts) into a folder of their own, imports them as import()
   * does, and removes the downloaded files; a failure records nothing.
   */
  download(name: string, plan: DownloadPlan): Promise<DatasetInfo> {
    return this.track(this.downloadNow(name, plan));
  }

  private async downloadNow(name: string, plan: DownloadPlan): Promise<DatasetInfo> {
    const trimmed = name.trim();
    this.checkNameFree(trimmed);
    const progress = new ImportProgressReporter(this.progress, 'dataset', trimmed);
    fs.mkdirSync(this.root, { recursive: true });
    const dir = fs.mkdtempSync(path.join(this.root, `.download-${slugify(trimmed)}-`));
    try {
      writeImportMarker(dir, 'download', null);
      const files = await downloadFiles(plan, dir, (done, total, detail) => progress.report('download', done, total, 'bytes', detail));
      const notes = [`sha256 of the downloaded files: ${files.map((f) => `${f.fileName} ${f.sha256}`).join(', ')}`];
      return await this.import({ name: trimmed, kind: 'idx', path: dir, testFraction: 0.2, seed: 42 }, { source: plan.source, notes });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  private insert(d: Parameters<Store['createDataset']>[0]): DatasetRecord {
    try {
      return this.store.createDataset(d);
    } catch (e) {
      // Another process (the CLI beside the app) recorded the same name or id first.
      if (/UNIQUE/.test((e as Error).message)) throw new ApiError('conflict', `A dataset named "${d.name}" (or with id ${d.id}) was just imported by another process: choose another name`);
      throw e;
    }
  }

  /**
   * Removes an imported dataset and its files. Runs that trained on it keep
   * their records (config, metrics, galleries, dataset hash) but can no longer
   * be resumed or analysed; a queued or running one makes removal wait.
   */
  /**
   * Names an imported dataset's classes (one per label, in label order). The
   * stored images and their content hash do not change, so runs on it keep
   * reproducing; galleries and confusion matrices show the new names.
   */
  renameClasses(id: string, classNames: readonly string[]): DatasetInfo {
    if (isDatasetId(id)) throw new ApiError('bad-request', `${datasetCatalogue[id].name} is built in: its class names cannot be changed`);
    const record = this.store.getDataset(id);
    if (!record) throw new ApiError('not-found', `There is no imported dataset "${id}"`);
    if (classNames.length !== record.numClasses) {
      throw new ApiError('bad-request', `Dataset "${id}" has ${record.numClasses} classes: give ${record.numClasses} names, one per label in order (got ${classNames.length})`);
    }
    const seen = new Map<string, number>();
    for (const [label, name] of classNames.entries()) {
      const first = seen.get(name);
      if (first !== undefined) throw new ApiError('bad-request', `Classes ${first} and ${label} are both named "${name}": each class needs its own name`);
      seen.set(name, label);
    }
    this.store.setDatasetClassNames(id, classNames);
    return this.importedInfo(this.store.getDataset(id)!);
  }

  remove(id: string): DatasetRemoval {
    if (isDatasetId(id)) throw new ApiError('bad-request', `${datasetCatalogue[id].name} is built in and cannot be removed`);
    const record = this.store.getDataset(id);
    if (!record) throw new ApiError('not-found', `There is no imported dataset "${id}"`);
    const runs = this.store.runsUsingDataset(id);
    const active = runs.filter((r) => activeStatuses.has(r.status));
    if (active.length > 0) {
      throw new ApiError('conflict', `"${record.name}" is in use by ${active.length === 1 ? 'run' : 'runs'} ${active.map((r) => r.id).join(', ')} (queued or running): cancel ${active.length === 1 ? 'it' : 'them'} or let ${active.length === 1 ? 'it' : 'them'} finish, then remove the dataset`);
    }
    // Marked first: a crash between the row's deletion and the files' leaves a folder the sweep may remove.
    const folder = this.folderOf(id);
    if (fs.existsSync(folder)) writeImportMarker(folder, 'remove', id);
    this.store.deleteDataset(id);
    fs.rmSync(folder, { recursive: true, force: true });
    this.splits.delete(`${id}:train`);
    this.splits.delete(`${id}:test`);
    const runsKept = runs.map((r) => r.id);
    const message = runsKept.length === 0
      ? `Removed "${record.name}" and its files.`
      : `Removed "${record.name}" and its files. The ${runsKept.length === 1 ? 'run' : `${runsKept.length} runs`} that trained on it (${runsKept.join(', ')}) keep${runsKept.length === 1 ? 's' : ''} ${runsKept.length === 1 ? 'its' : 'their'} records, but can no longer be resumed or analysed.`;
    return { id, name: record.name, runsKept, message };
  }

  /** Refuses a source that is not a folder on this machine, before any work. */
  private checkSource(source: string, name: string): void {
    let st: fs.Stats;
    try {
      st = fs.statSync(source);
    } catch {
      throw new ApiError('bad-request', `Cannot import "${name}": the folder ${source} does not exist on this machine`);
    }
    if (!st.isDirectory()) throw new ApiError('bad-request', `Cannot import "${name}": ${source} is a file, not a folder`);
  }

  /**
   * Reads, converts and hashes the source into `staging` off the main thread
   * (importWorkerHost.ts), passing its stages on to `progress`; a refusal of
   * the source names the dataset. The worker is stopped by close().
   */
  private async decode(req: ImportRequest, source: string, staging: string, progress: ImportProgressReporter): Promise<ImportSummary> {
    const name = req.name;
    if (this.closed) throw new ApiError('conflict', `Cannot import "${name}": the app is closing`);
    const onEvent = (e: ImportEvent): void => {
      if (e.stage === 'read') progress.report('read', e.done, e.total, e.unit);
      else progress.mark(e.stage, false);
    };
    const job = this.runImport({ kind: req.kind, source, testFraction: req.testFraction, seed: req.seed, outDir: staging }, onEvent);
    this.running.add(job);
    try {
      return await job.result;
    } catch (e) {
      if (e instanceof DatasetFormatError) throw new ApiError('bad-request', `Cannot import "${name}": ${e.message}`);
      throw e;
    } finally {
      this.running.delete(job);
    }
  }

  /** A fresh id from the name: never a built-in one, an imported one, or one an existing run names. */
  private newId(name: string): string {
    const base = slugify(name);
    const free = (id: string): boolean =>
      !isDatasetId(id) && !this.reserved.has(id) && !this.store.getDataset(id) && this.store.runsUsingDataset(id).length === 0 && !fs.existsSync(this.folderOf(id));
    if (free(base)) return base;
    for (let n = 2; ; n++) {
      const id = `${base}-${n}`;
      if (free(id)) return id;
    }
  }

  /**
   * Leftovers of an interrupted import, download or removal: only folders
   * this app marked as its own (importMarker.ts) whose owner is gone; a
   * folder the user put in <data>/datasets is never touched.
   */
  private sweep(): void {
    sweepMarkedFolders(this.root, (id) => this.store.getDataset(id) !== undefined);
  }

  private entryOf(r: DatasetRecord): DatasetEntry {
    const files: IdxFileSet = { ...importedDatasetFiles };
    return {
      id: r.id,
      name: r.name,
      description: this.describe(r),
      dir: this.folderOf(r.id),
      files,
      inputShape: [...r.inputShape],
      numClasses: r.numClasses,
      classNames: [...r.classNames],
      trainSize: r.trainSize,
      testSize: r.testSize,
    };
  }

  private describe(r: DatasetRecord): string {
    const [h, w, c] = r.inputShape;
    const what = r.kind === 'idx' ? 'an IDX set' : 'an image folder';
    return `Imported from ${what} in ${r.sourcePath}: ${r.numClasses} classes, ${h}×${w} ${c === 1 ? 'grey-scale' : 'RGB'}${r.notes ? ` (${r.notes})` : ''}.`;
  }

  private builtinInfo(e: DatasetEntry): DatasetInfo {
    return {
      id: e.id,
      name: e.name,
      description: e.description,
      kind: 'builtin',
      trainSize: e.trainSize,
      testSize: e.testSize,
      inputShape: [...e.inputShape],
      numClasses: e.numClasses,
      classNames: e.classNames ? [...e.classNames] : Array.from({ length: e.numClasses }, (_, i) => String(i)),
      sourcePath: null,
      contentHash: null,
      createdAt: null,
      split: null,
    };
  }

  private importedInfo(r: DatasetRecord): DatasetInfo {
    return {
      id: r.id,
      name: r.name,
      description: this.describe(r),
      kind: r.kind,
      trainSize: r.trainSize,
      testSize: r.testSize,
      inputShape: [...r.inputShape],
      numClasses: r.numClasses,
      classNames: [...r.classNames],
      sourcePath: r.sourcePath,
      contentHash: r.contentHash,
      createdAt: r.createdAt,
      split: r.testFraction !== null && r.splitSeed !== null ? { testFraction: r.testFraction, seed: r.splitSeed } : null,
    };
  }
}
