/**
 * The reference classifiers that score generative runs (issue 13): which
 * one each dataset is scored by, and the user's own feature extractors.
 * `list` reads the classifiers' reference.json files (the app's trained
 * ones in `<data>/cache/reference-classifiers/`, imported ones in
 * `<data>/reference-classifiers/<dataset>/imported/`); `import` has a
 * worker thread check, measure, hash and copy a TF.js model (the services
 * do not load tfjs), and records nothing when it refuses; `remove` deletes
 * an imported one, so the dataset goes back to a trained classifier.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { ApiError } from '../common/api';
import type { ReferenceClassifierEntry, ReferenceClassifierInfo, ReferenceClassifierRemoval } from '../common/domain';
import { IMPORTED_REFERENCE_FOLDER, referenceFolderName, shortHash, type ReferenceIdentity } from '../../workers/common/referenceIdentity';
import type { ReferenceImportReply, ReferenceImportRequest } from '../../workers/common/referenceImportProtocol';
import { appRoot } from './appInfo';
import type { DatasetService } from './datasetService';

/** Runs the import where tfjs can be loaded: a worker thread in the app, in-process in tests. */
export type ReferenceImporter = (request: ReferenceImportRequest) => Promise<ReferenceImportReply>;

/** The fields of reference.json the list shows (versions 1 and 2; see referenceClassifier.ts). */
const manifestSchema = z.object({
  format: z.literal('latent-reference-classifier'),
  version: z.union([z.literal(1), z.literal(2)]),
  createdAt: z.string(),
  template: z.string(),
  accuracy: z.number().nullable(),
  evaluatedOn: z.number(),
  trainedOn: z.number(),
  epochs: z.number(),
  datasetHash: z.string(),
  datasetId: z.string().optional(),
  source: z.enum(['trained', 'imported']).optional(),
  weightsHash: z.string().optional(),
  importedFrom: z.string().optional(),
});

function threadImporter(request: ReferenceImportRequest): Promise<ReferenceImportReply> {
  const entry = path.join(appRoot, 'dist', 'workers', 'host', 'referenceImportWorker.js');
  if (!fs.existsSync(entry)) return Promise.resolve({ ok: false, error: `The import worker is not built: ${entry} is missing (run npm run build)` });
  return new Promise((resolve) => {
    const worker = new Worker(entry, { stdout: false, stderr: false });
    let reply: ReferenceImportReply | undefined;
    worker.on('message', (m: ReferenceImportReply) => { reply = m; });
    worker.on('error', (e) => { reply ??= { ok: false, error: e.message }; });
    worker.on('exit', (code) => resolve(reply ?? { ok: false, error: `The import worker stopped without an answer (exit code ${code})` }));
    worker.postMessage(request);
  });
}

export class ReferenceClassifierService {
  constructor(
    private readonly dataDir: string,
    private readonly datasets: DatasetService,
    private readonly importer: ReferenceImporter = threadImporter,
  ) {}

  /** `<data>/reference-classifiers`: imported extractors (what obtainReferenceClassifier reads beside `<data>/cache`). */
  get referenceRoot(): string {
    return path.join(this.dataDir, 'reference-classifiers');
  }

  private importedDir(datasetId: string): string {
    return path.join(this.referenceRoot, referenceFolderName(datasetId), IMPORTED_REFERENCE_FOLDER);
  }

  /** A classifier folder's entry, or undefined when it has no readable reference.json (half-written: retrained on use). */
  private entryAt(dir: string): (ReferenceClassifierEntry & { datasetId: string }) | undefined {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(path.join(dir, 'reference.json'), 'utf8'));
    } catch {
      return undefined;
    }
    const parsed = manifestSchema.safeParse(raw);
    if (!parsed.success) return undefined;
    const m = parsed.data;
    // Version 1 did not record the dataset: its cache key ("<id>:train=N:test=M") names it.
    const datasetId = m.datasetId !== undefined && m.datasetId !== '' ? m.datasetId : m.datasetHash.split(':')[0] ?? '';
    const identity: ReferenceIdentity = {
      hash: m.weightsHash ?? '', testAccuracy: m.accuracy ?? Number.NaN, evaluatedOn: m.evaluatedOn, template: m.template,
      epochs: m.epochs, trainedOn: m.trainedOn, source: m.source ?? 'trained', datasetId,
    };
    return { identity, datasetId, dir: path.relative(this.dataDir, dir), createdAt: m.createdAt, importedFrom: m.importedFrom ?? null };
  }

  private trainedEntries(): (ReferenceClassifierEntry & { datasetId: string })[] {
    const root = path.join(this.dataDir, 'cache', 'reference-classifiers');
    if (!fs.existsSync(root)) return [];
    return fs.readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.includes('.tmp-'))
      .flatMap((d) => this.entryAt(path.join(root, d.name)) ?? [])
      .sort((a, b) => a.dir.localeCompare(b.dir));
  }

  /** Every dataset with the classifiers that score (or scored) its generative runs. */
  list(): ReferenceClassifierInfo[] {
    const trained = this.trainedEntries();
    return this.datasets.list().map((d) => {
      const imported = this.entryAt(this.importedDir(d.id));
      const strip = ({ datasetId: _id, ...e }: ReferenceClassifierEntry & { datasetId: string }): ReferenceClassifierEntry => e;
      return {
        datasetId: d.id, datasetName: d.name,
        imported: imported ? strip(imported) : null,
        trained: trained.filter((t) => t.datasetId === d.id).map(strip),
      };
    });
  }

  private info(datasetId: string): ReferenceClassifierInfo {
    const info = this.list().find((i) => i.datasetId === datasetId);
    if (!info) throw new ApiError('not-found', `Dataset "${datasetId}" does not exist`);
    return info;
  }

  /** Check, measure, hash and keep `modelPath` as the dataset's feature extractor; a refused model changes nothing. */
  async import(req: { datasetId: string; path: string }): Promise<ReferenceClassifierInfo> {
    const entry = this.datasets.get(req.datasetId);
    const modelPath = path.resolve(req.path);
    if (!fs.existsSync(modelPath)) throw new ApiError('bad-request', `${modelPath} does not exist: give the path of a TF.js model.json (or the folder holding it) on this machine`);
    const reply = await this.importer({ modelPath, datasetEntry: { ...entry, dir: this.datasets.dir(entry) }, referenceRoot: this.referenceRoot });
    if (!reply.ok) throw new ApiError('bad-request', `The model in ${modelPath} cannot score ${entry.name}: ${reply.error}`);
    return this.info(req.datasetId);
  }

  /** Delete the dataset's imported extractor: its GAN runs are scored by a trained classifier again. */
  remove(datasetId: string): ReferenceClassifierRemoval {
    const dir = this.importedDir(datasetId);
    const entry = this.entryAt(dir);
    if (!entry) throw new ApiError('not-found', `Dataset "${datasetId}" has no imported feature extractor`);
    fs.rmSync(dir, { recursive: true, force: true });
    return {
      datasetId,
      message: `Removed the imported feature extractor sha256:${shortHash(entry.identity.hash)} of ${datasetId}; its GAN runs will be scored by a trained reference classifier (scores from before and after are not comparable)`,
    };
  }
}
