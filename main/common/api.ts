/**
 * The API contract: every request, response and event, declared once. Both
 * transports (Electron IPC and HTTP + WebSocket) and the renderer's client
 * are built from this table.
 */
import { z } from 'zod';
import { architectureFamilies, architectureFamilyIssue, runConfigSchema, storedArtifactKinds } from '../../workers/common/families/registry';
import { formatIssue, toIssues, type Issue } from '../../workers/common/runConfigBase';
import { architectureSchema, graphDocumentSchema, modelDocumentSchema } from '../../workers/common/graph';
import { analysisRequestSchema } from '../../workers/common/gallery';
import type { MetricPoint } from '../../workers/common/protocol';
import type {
  ArtifactContent, ArtifactInfo, CorpusInfo, CorpusRemoval, DatasetImage, DatasetRemoval, ReferenceClassifierInfo, ReferenceClassifierRemoval,
  ArchitectureInfo, ArchitectureVersionInfo, CompareSeries, DatasetInfo, Experiment, ExperimentDeletion, ImportProgress, LogLine, MetricSeries, RunDetail, RunMetricSummaries, RunProgress, RunStatus,
  PresetInfo, PresetLaunch, RunDeletion, RunSummary, SavedView, Settings, SystemInfo,
} from './domain';
import { importKinds } from './domain';
import type { BundleExportReport, BundleImportReport } from './bundleFormat';
import { savedViewStateSchema } from './savedView';
import { datasetDownloadSchema } from './datasetDownloads';
import type { BackendDiagnostics } from './backendDiagnostics';

const id = z.number({ error: 'id must be a number' }).int().min(1);
const empty = z.object({}).strict();

/** "'a', 'b' or 'c'": the values an enum accepts, for its message. */
export function quotedChoices(values: readonly string[]): string {
  const q = values.map((v) => `'${v}'`);
  return q.length <= 1 ? (q[0] ?? 'nothing') : `${q.slice(0, -1).join(', ')} or ${q.at(-1)!}`;
}

const architectureFamily = z.enum(architectureFamilies, { error: `family must be ${quotedChoices(architectureFamilies)}` });
/** The kinds of the artifact catalogue (the families', the analyses' and checkpoints). */
const artifactKind = z.enum(storedArtifactKinds, { error: `kind must be an artifact kind: ${quotedChoices(storedArtifactKinds)}` });
const architectureVersion = z.number({ error: 'version must be a number' }).int('version must be a whole number').min(1, 'version must be at least 1');

/**
 * architectureSchema's two documents, told apart by `format` so that a
 * malformed document's issues name the field (a plain union only says "Invalid input").
 */
const architectureDocument = z.discriminatedUnion('format', [graphDocumentSchema, modelDocumentSchema], {
  error: (issue) => (issue.code === 'invalid_union' ? 'format must be "latent-graph" (one graph) or "latent-model" (a model of named parts)' : undefined),
}) satisfies z.ZodType<z.output<typeof architectureSchema>>;

/**
 * A new version of a saved architecture. The document must be of the
 * family's kind (a latent-graph for classifiers; a latent-model with exactly
 * the family's parts otherwise) but may have shape errors: the editor saves
 * drafts, and starting a run is what refuses an untrainable one.
 */
export const architectureSaveSchema = z.object({
  name: z.string({ error: 'name must be text' }).trim().min(1, 'name must not be empty').max(200, 'name must be at most 200 characters'),
  family: architectureFamily,
  architecture: architectureDocument,
  note: z.string({ error: 'note must be text' }).trim().max(500, 'note must be at most 500 characters').optional(),
  /** The version this one is a fork of (usually another architecture's). */
  forkOf: z.object({ id, version: architectureVersion }).strict().optional(),
}).strict().superRefine((r, ctx) => {
  // Zod may run this after other fields failed: only judge a document that parsed as one.
  const a: unknown = r.architecture;
  if (typeof a !== 'object' || a === null || !architectureFamilies.includes(r.family)) return;
  if ((a as { format?: unknown }).format === 'latent-model' && typeof (a as { parts?: unknown }).parts !== 'object') return;
  const issue = architectureFamilyIssue(r.family, r.architecture);
  if (issue) ctx.addIssue({ code: 'custom', path: ['architecture'], message: `The document does not fit family '${r.family}': ${issue}` });
});

/** A run's tag as runs.setTags takes it: the store's rule (trimmed, 1–64 characters counted as code points). */
export const MAX_RUN_TAGS = 32;
const runTag = z.string({ error: 'each tag must be text' }).trim()
  .min(1, 'a tag must not be empty or only spaces')
  .refine((t) => [...t].length <= 64, 'a tag must be at most 64 characters');
const metricKey = z.string({ error: 'a metric key must be text' }).min(1, 'a metric key must not be empty').max(128, 'a metric key must be at most 128 characters');

/** The longest run notes runs.update takes, in UTF-16 code units (JavaScript's string length). */
export const MAX_RUN_NOTES = 20_000;

/** What a researcher may change of a run: only the fields given, at least one. */
export const runUpdateSchema = z.object({
  id,
  name: z.string({ error: 'name must be text' }).trim().min(1, 'name must not be empty').max(200, 'name must be at most 200 characters').optional(),
  notes: z.string({ error: 'notes must be text' }).max(MAX_RUN_NOTES, 'notes must be at most 20,000 characters').optional(),
  starred: z.boolean({ error: 'starred must be true or false' }).optional(),
  archived: z.boolean({ error: 'archived must be true or false' }).optional(),
}).strict().refine((r) => r.name !== undefined || r.notes !== undefined || r.starred !== undefined || r.archived !== undefined,
  { message: 'give at least one of name, notes, starred, archived' });

/** The x window of a zoomed compare chart, in the axis's unit (steps or ms since the epoch). */
const xRange = z.object({
  min: z.number({ error: 'range.min must be a number' }),
  max: z.number({ error: 'range.max must be a number' }),
}).strict().refine((r) => r.min <= r.max, { message: 'range.min must be at most range.max', path: ['min'] });

/** A saved view's scope: an experiment's id, or null for the all-runs page. */
const viewScope = id.nullable();

/** A saved view's name: trimmed, 1–100 characters, unique within its scope. */
export const MAX_VIEW_NAME = 100;
const viewName = z.string({ error: 'name must be text' }).trim()
  .min(1, 'name must not be empty').max(MAX_VIEW_NAME, `name must be at most ${MAX_VIEW_NAME} characters`);

export const requestSchemas = {
  'experiments.list': empty,
  'experiments.create': z.object({
    name: z.string().trim().min(1, 'name must not be empty').max(200, 'name must be at most 200 characters'),
    description: z.string().max(5000).default(''),
  }).strict(),
  'experiments.get': z.object({ id }).strict(),
  'experiments.update': z.object({
    id,
    name: z.string({ error: 'name must be text' }).trim().min(1, 'name must not be empty').max(200, 'name must be at most 200 characters').optional(),
    description: z.string({ error: 'description must be text' }).max(5000, 'description must be at most 5000 characters').optional(),
  }).strict().refine((r) => r.name !== undefined || r.description !== undefined, { message: 'give a new name or description' }),
  'experiments.deletionPlan': z.object({ id }).strict(),
  'experiments.delete': z.object({ id }).strict(),
  'runs.list': z.object({
    experimentId: id.optional(),
    /** A runs filter expression (main/common/runFilter); empty keeps every run. */
    filter: z.string({ error: 'filter must be text' }).max(2000, 'filter must be at most 2000 characters').optional(),
    /** Archived runs are left out unless this is true or the filter names `archived`. */
    includeArchived: z.boolean({ error: 'includeArchived must be true or false' }).optional(),
    /** Only the first `limit` runs of the list, in the same order (a runs page draws its first rows before the rest arrive). */
    limit: z.number({ error: 'limit must be a number' }).int('limit must be a whole number').min(1, 'limit must be at least 1').max(1_000_000, 'limit must be at most 1000000').optional(),
  }).strict(),
  'runs.get': z.object({ id }).strict(),
  'runs.start': z.object({ experimentId: id, config: runConfigSchema }).strict(),
  'runs.cancel': z.object({ id }).strict(),
  'runs.resume': z.object({ id }).strict(),
  'runs.reproduce': z.object({ id }).strict(),
  'runs.metrics': z.object({
    id,
    keys: z.array(z.string().max(128)).max(100).optional(),
    /** Thin each series to at most this many finite points (min/max per bucket; spikes, NaNs, first and last kept); absent: full resolution. */
    maxPoints: z.number({ error: 'maxPoints must be a number' }).int('maxPoints must be a whole number')
      .min(16, 'maxPoints must be at least 16').max(1_000_000, 'maxPoints must be at most 1000000').optional(),
    /** Only the steps in [min, max], plus the nearest point beyond each edge (a zoomed chart's window). */
    range: xRange.optional(),
  }).strict(),
  'runs.setTags': z.object({
    id,
    tags: z.array(runTag, { error: 'tags must be a list of text' }).max(MAX_RUN_TAGS, `a run has at most ${MAX_RUN_TAGS} tags`),
  }).strict(),
  'runs.update': runUpdateSchema,
  'runs.delete': z.object({ id }).strict(),
  'runs.summaries': z.object({
    ids: z.array(id, { error: 'ids must be a list of run ids' }).min(1, 'ids must name at least one run').max(1000, 'at most 1000 runs at once'),
    keys: z.array(metricKey, { error: 'keys must be a list of metric keys' }).max(200, 'at most 200 metric keys at once').optional(),
  }).strict(),
  'runs.compareSeries': z.object({
    ids: z.array(id, { error: 'ids must be a list of run ids' }).min(1, 'ids must name at least one run').max(500, 'at most 500 runs at once'),
    keys: z.array(metricKey, { error: 'keys must be a list of metric keys' }).min(1, 'keys must name at least one metric').max(20, 'at most 20 metrics at once'),
    x: z.enum(['step', 'wall', 'epoch'], { error: "x must be 'step', 'wall' or 'epoch'" }).default('step'),
    buckets: z.number({ error: 'buckets must be a number' }).int('buckets must be a whole number')
      .min(16, 'buckets must be at least 16').max(4000, 'buckets must be at most 4000').default(1000),
    range: xRange.optional(),
  }).strict(),
  'runs.logs': z.object({ id, afterId: z.number().int().min(0).optional() }).strict(),
  'runs.analyze': z.object({ id, request: analysisRequestSchema }).strict(),
  /** experimentId: one experiment's views, null the all-runs page's, absent every view. */
  'presets.list': empty,
  'presets.launch': z.object({ id: z.string({ error: 'id must be text' }).min(1, 'id must name a ready experiment').max(64) }).strict(),
  'views.list': z.object({ experimentId: viewScope.optional() }).strict(),
  'views.save': z.object({ experimentId: viewScope, name: viewName, state: savedViewStateSchema }).strict(),
  'views.delete': z.object({ id }).strict(),
  'artifacts.list': z.object({ runId: id, kind: artifactKind.optional() }).strict(),
  'artifacts.read': z.object({ id }).strict(),
  'datasets.list': empty,
  'datasets.images': z.object({
    id: z.string().min(1).max(64),
    split: z.enum(['train', 'test']).default('test'),
    indices: z.array(z.number().int().min(0)).min(1).max(256, 'at most 256 images at once'),
  }).strict(),
  'datasets.import': z.object({
    name: z.string({ error: 'name must be text' }).trim().min(1, 'name must not be empty').max(100, 'name must be at most 100 characters'),
    kind: z.enum(importKinds, { error: "kind must be 'idx' (four IDX files) or 'image-folder' (one sub-folder per class)" }),
    path: z.string({ error: 'path must be text' }).trim().min(1, 'path must name a folder on this machine').max(4096, 'path must be at most 4096 characters'),
    /** Image folders without train/ and test/: the fraction of each class held out for test. */
    testFraction: z.number({ error: 'testFraction must be a number' }).gt(0, 'testFraction must be greater than 0').lt(1, 'testFraction must be less than 1').default(0.2),
    /** Seeds that split and the order of the stored examples. */
    seed: z.number({ error: 'seed must be a number' }).int('seed must be a whole number').min(0, 'seed must be ≥ 0').max(2 ** 31 - 1, 'seed must be < 2^31').default(42),
  }).strict(),
  'datasets.remove': z.object({ id: z.string().min(1).max(64) }).strict(),
  /** Names an imported dataset's classes after import: one name per label, in label order. */
  'datasets.renameClasses': z.object({
    id: z.string().min(1).max(64),
    classNames: z.array(
      z.string({ error: 'each class name must be text' }).trim().min(1, 'a class name must not be empty').max(64, 'a class name must be at most 64 characters'),
      { error: 'classNames must be a list of names' },
    ).min(1, 'classNames must name at least one class').max(1000, 'at most 1000 classes'),
  }).strict(),
  /**
   * Only when the user asks: downloads a known public IDX set (checked
   * against its published sha256) or the four IDX files under a URL the user
   * gives, then imports them as datasets.import does. Never called by the app itself.
   */
  'datasets.download': datasetDownloadSchema,
  'corpora.list': empty,
  /** A UTF-8 text file on the machine the services run on (serve mode listens on localhost only). */
  'corpora.import': z.object({
    name: z.string({ error: 'name must be text' }).trim().min(1, 'name must not be empty').max(100, 'name must be at most 100 characters'),
    path: z.string({ error: 'path must be text' }).trim().min(1, 'path must name a text file on this machine').max(4096, 'path must be at most 4096 characters'),
  }).strict(),
  'corpora.remove': z.object({ id: z.string().min(1).max(64) }).strict(),
  'referenceClassifiers.list': empty,
  /** A TF.js layers model (model.json and its weight files) on the machine the services run on, to score `datasetId`'s generative runs. */
  'referenceClassifiers.import': z.object({
    datasetId: z.string({ error: 'datasetId must be text' }).min(1, 'datasetId must name a dataset').max(64),
    path: z.string({ error: 'path must be text' }).trim().min(1, 'path must name a model.json (or its folder) on this machine').max(4096, 'path must be at most 4096 characters'),
  }).strict(),
  'referenceClassifiers.remove': z.object({ datasetId: z.string({ error: 'datasetId must be text' }).min(1, 'datasetId must name a dataset').max(64) }).strict(),
  'system.pickFolder': z.object({ title: z.string().max(200).optional() }).strict(),
  'architectures.list': z.object({ family: architectureFamily.optional() }).strict(),
  'architectures.get': z.object({ id, version: architectureVersion.optional() }).strict(),
  'architectures.versions': z.object({ id }).strict(),
  'architectures.save': architectureSaveSchema,
  'settings.get': empty,
  'settings.update': z.object({
    backend: z.enum(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).optional(),
    maxConcurrentRuns: z.number().int().min(1).max(64).optional(),
    /** XNNPACK threads per wasm run; the services refuse more than the machine's cores. */
    wasmThreads: z.number({ error: 'wasmThreads must be a whole number' }).int('wasmThreads must be a whole number')
      .min(1, 'wasmThreads must be at least 1 (1 = single-threaded)').max(64, 'wasmThreads must be at most 64').optional(),
  }).strict(),
  'system.info': empty,
  /**
   * One experiment's runs (experimentId) or chosen runs (runIds) as one .lwbundle file at `path` on the machine the
   * services run on; includeDatasets puts imported datasets' files in it (else they are referenced by id and content hash).
   */
  'bundles.export': z.object({
    experimentId: id.optional(),
    runIds: z.array(id, { error: 'runIds must be a list of run ids' }).min(1, 'runIds must name at least one run').max(100_000, 'at most 100000 runs at once').optional(),
    path: z.string({ error: 'path must be text' }).trim().min(1, 'path must name the bundle file to write on this machine').max(4096, 'path must be at most 4096 characters'),
    includeDatasets: z.boolean({ error: 'includeDatasets must be true or false' }).default(false),
  }).strict().refine((r) => (r.experimentId === undefined) !== (r.runIds === undefined), { message: 'give either experimentId or runIds, not both' }),
  /** A .lwbundle file on the machine the services run on: checked whole before anything is written. */
  'bundles.import': z.object({
    path: z.string({ error: 'path must be text' }).trim().min(1, 'path must name a bundle file on this machine').max(4096, 'path must be at most 4096 characters'),
  }).strict(),
  /** Each backend loaded in a short-lived child process, and the GPU build's needs; cached until `refresh` ("probe again"). */
  'system.backends': z.object({ refresh: z.boolean({ error: 'refresh must be true or false' }).optional() }).strict(),
} as const;

export type ApiMethod = keyof typeof requestSchemas;
export const apiMethods = Object.keys(requestSchemas) as ApiMethod[];
export type ApiRequest<M extends ApiMethod> = z.input<(typeof requestSchemas)[M]>;
export type ApiParsedRequest<M extends ApiMethod> = z.output<(typeof requestSchemas)[M]>;

export interface ApiResponses {
  'experiments.list': Experiment[];
  'experiments.create': Experiment;
  'experiments.get': Experiment;
  'experiments.update': Experiment;
  /** What experiments.delete would remove; nothing is changed. */
  'experiments.deletionPlan': ExperimentDeletion;
  /** What was removed: the experiment, its runs and their folders. */
  'experiments.delete': ExperimentDeletion;
  'runs.list': RunSummary[];
  'runs.get': RunDetail;
  'runs.start': RunSummary;
  'runs.cancel': RunSummary;
  'runs.resume': RunSummary;
  /** The new run: the origin's config, seed, architecture version and dataset, linked to it by originRunId. */
  'runs.reproduce': RunSummary;
  'runs.metrics': MetricSeries[];
  /** The run after the change, with its tags as stored (trimmed, deduplicated, sorted). */
  'runs.setTags': RunSummary;
  /** The run after the change. */
  'runs.update': RunSummary;
  /** The deleted run's id and the folder removed with it (null when it had none). */
  'runs.delete': RunDeletion;
  /** One entry per requested run, in request order (each id once). */
  'runs.summaries': RunMetricSummaries[];
  /** One entry per run and key that has points, by run in request order, then by key. */
  'runs.compareSeries': CompareSeries[];
  'runs.logs': LogLine[];
  'runs.analyze': ArtifactInfo;
  /** By name. */
  'presets.list': PresetInfo[];
  'presets.launch': PresetLaunch;
  'views.list': SavedView[];
  /** The view as stored: new, or the one of that name in the scope with its state replaced. */
  'views.save': SavedView;
  'views.delete': { id: number };
  'artifacts.list': ArtifactInfo[];
  'artifacts.read': ArtifactContent;
  'datasets.list': DatasetInfo[];
  'datasets.images': DatasetImage[];
  'datasets.import': DatasetInfo;
  'datasets.remove': DatasetRemoval;
  'datasets.renameClasses': DatasetInfo;
  'datasets.download': DatasetInfo;
  /** The built-in corpus first, then the imported ones, oldest first. */
  'corpora.list': CorpusInfo[];
  'corpora.import': CorpusInfo;
  'corpora.remove': CorpusRemoval;
  'referenceClassifiers.list': ReferenceClassifierInfo[];
  'referenceClassifiers.import': ReferenceClassifierInfo;
  'referenceClassifiers.remove': ReferenceClassifierRemoval;
  /** The folder picked in a native dialog, or null when cancelled (desktop app only). */
  'system.pickFolder': { path: string | null };
  /** The latest version of each saved architecture (of one family, when given), by name. */
  'architectures.list': ArchitectureInfo[];
  /** One version with its document: the latest when version is omitted. */
  'architectures.get': ArchitectureInfo;
  /** Every version of one architecture, newest first, without the documents. */
  'architectures.versions': ArchitectureVersionInfo[];
  /** The version just saved (1 when the name is new). */
  'architectures.save': ArchitectureInfo;
  'settings.get': Settings;
  'settings.update': Settings;
  'system.info': SystemInfo;
  /** The file written, its size and the runs it holds. */
  'bundles.export': BundleExportReport;
  /** What was added, skipped (already here by uuid), merged, and which datasets the runs name that are missing here. */
  'bundles.import': BundleImportReport;
  /** Every backend in preference order with the real load error of those that did not load, and what the GPU build lacks here. */
  'system.backends': BackendDiagnostics;
}
export type ApiResponse<M extends ApiMethod> = ApiResponses[M];

/** Events pushed from the services to every connected window. */
export interface ApiEvents {
  'runs.onDidChange': RunSummary;
  /** A run was deleted (its rows and its folder are gone). */
  'runs.onDidDelete': { id: number };
  'runs.onDidLogMetrics': { runId: number; points: MetricPoint[] };
  'runs.onDidProgress': { runId: number; progress: RunProgress };
  'runs.onDidLog': LogLine;
  'artifacts.onDidAdd': ArtifactInfo;
  /** A dataset or corpus import (or download) moved on: stage and done of total. */
  'datasets.onDidImportProgress': ImportProgress;
}
export type ApiEventName = keyof ApiEvents;
export const apiEventNames: readonly ApiEventName[] = ['runs.onDidChange', 'runs.onDidDelete', 'runs.onDidLogMetrics', 'runs.onDidProgress', 'runs.onDidLog', 'artifacts.onDidAdd', 'datasets.onDidImportProgress'];

/** What the service layer implements and what the renderer's client exposes. */
export type ApiHandlers = { [M in ApiMethod]: (req: ApiParsedRequest<M>) => Promise<ApiResponse<M>> | ApiResponse<M> };
export type ApiClient = {
  call<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<ApiResponse<M>>;
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
};

export type { Issue } from '../../workers/common/runConfigBase';

/** The error shape both transports carry; `issues` lists schema failures, each with its path relative to the request. */
export interface ApiErrorPayload {
  code: 'bad-request' | 'not-found' | 'conflict' | 'internal' | 'unauthorized';
  message: string;
  issues?: Issue[];
}

export class ApiError extends Error {
  constructor(readonly code: ApiErrorPayload['code'], message: string, readonly issues?: Issue[]) {
    super(message);
    this.name = 'ApiError';
  }
  toPayload(): ApiErrorPayload {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
  }
}

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(requestSchemas, name);
}

/** What a request body that is not an object is, in words. */
function bodyKind(raw: unknown): string {
  if (Array.isArray(raw)) return 'a list';
  return typeof raw === 'string' ? 'text' : `a ${typeof raw}`;
}

/** Validate a raw request for a method; throws ApiError('bad-request') with the issues. */
export function parseRequest<M extends ApiMethod>(method: M, raw: unknown): ApiParsedRequest<M> {
  const res = requestSchemas[method].safeParse(raw ?? {});
  if (!res.success) {
    // A body that is not an object has no field to name: say so of the body (zod said "Invalid input: expected object").
    const notObject = typeof raw !== 'object' || Array.isArray(raw);
    const issues = toIssues(res.error).map((i) => (notObject && i.path.length === 0
      ? { path: i.path, message: `the request body must be a JSON object of named fields, not ${bodyKind(raw)}` }
      : i));
    throw new ApiError('bad-request', `Invalid request for ${method}: ${issues.map(formatIssue).join('; ')}`, issues);
  }
  return res.data as ApiParsedRequest<M>;
}

export type RunStatusFilter = RunStatus;
