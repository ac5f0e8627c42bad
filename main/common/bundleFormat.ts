/**
 * The bundle format (`.lwbundle`): what one file carrying runs between
 * workbenches holds, as zod schemas, with no IO. The container is a POSIX
 * ustar archive (main/services/bundle/tar.ts); ARCHITECTURE.md "Bundle
 * format" describes the layout. Remote executors return the same format, so
 * this module is the one definition both sides read.
 *
 * Entries, in archive order:
 *   manifest.json                  BundleManifest: format name and version, app, time, and
 *                                  every other entry's path, size and sha256
 *   bundle.json                    BundleIndex: experiments, architecture versions, datasets, run uuids
 *   runs/<uuid>/run.json           BundleRun: the run's row, params, tags, logs, artifacts, metric summaries
 *   runs/<uuid>/metrics.json       BundleMetrics: every stored metric point, column-wise
 *   runs/<uuid>/files/<rel>        the files of the run's folder (<data>/runs/<id>/<rel>)
 *   datasets/<id>/files/<rel>      an included dataset's files (<data>/datasets/<id>/<rel>)
 */
import { z } from 'zod';

export const BUNDLE_FORMAT = 'latent-workbench-bundle';
/** Bumped when a reader of the previous version could misread a new bundle. */
export const BUNDLE_FORMAT_VERSION = 1;
export const BUNDLE_EXTENSION = '.lwbundle';
export const MANIFEST_ENTRY = 'manifest.json';
export const INDEX_ENTRY = 'bundle.json';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lower-case hex digits');
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'uuid must be 8-4-4-4-12 lower-case hex');
const count = z.number().int().min(0);
const time = z.number().int();
/** A REAL column: JSON has no NaN or ±Infinity, so encodeBundleJson writes them as these strings. */
const real = z.union([z.number(), z.literal('NaN'), z.literal('Infinity'), z.literal('-Infinity')]);

/** An entry path: relative, '/'-separated, no empty, '.' or '..' segment, no backslash or control character. */
export function bundlePathProblem(p: string): string | null {
  if (p.length === 0 || p.length > 255) return 'its length is not 1 to 255 characters';
  if (p.startsWith('/') || p.includes('\\')) return 'it is absolute or contains a backslash';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(p)) return 'it contains a control character';
  if (p.split('/').some((s) => s === '' || s === '.' || s === '..')) return "it has an empty, '.' or '..' segment";
  return null;
}

const entryPath = z.string().superRefine((p, ctx) => {
  const problem = bundlePathProblem(p);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: `entry path "${p.slice(0, 80)}" is refused: ${problem}` });
});

export const bundleEntrySchema = z.object({ path: entryPath, size: count, sha256: sha256Hex }).strict();
export type BundleEntry = z.infer<typeof bundleEntrySchema>;

/** Read first, with only format and formatVersion checked, so a newer bundle gets its own message. */
export const bundleManifestHeadSchema = z.object({ format: z.string(), formatVersion: z.number().int().min(1) }).loose();

export const bundleManifestSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  formatVersion: z.number().int().min(1),
  /** The app that wrote it. */
  appVersion: z.string().max(100),
  /** ISO 8601, UTC. */
  createdAt: z.string().max(40),
  /** What was asked for: one experiment's runs, or chosen runs. */
  source: z.object({ kind: z.enum(['experiment', 'runs']), experiment: z.string().max(200).nullable() }).strict(),
  includesDatasets: z.boolean(),
  /** Every entry after the manifest, in archive order. */
  entries: z.array(bundleEntrySchema),
}).strict();
export type BundleManifest = z.infer<typeof bundleManifestSchema>;

export const bundleExperimentSchema = z.object({
  uuid, name: z.string().min(1).max(200), description: z.string(), createdAt: time,
}).strict();

/** One architecture version a bundled run trained; contentHash = sha256 of `${family}\n${architectureJson}`. */
export const bundleArchitectureSchema = z.object({
  contentHash: sha256Hex, name: z.string().min(1).max(200), version: z.number().int().min(1), family: z.string().min(1),
  architectureJson: z.string(), note: z.string().nullable(), createdAt: time,
}).strict();

/** A dataset a bundled run trained on: a reference (the row when it is imported, null for a built-in set), and whether its files are in the bundle. */
export const bundleDatasetSchema = z.object({
  id: z.string().min(1).max(64),
  contentHash: z.string(),
  /** The datasets row (column names as in db/migrations/0002), or null for a built-in set such as mnist. */
  row: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).nullable(),
  included: z.boolean(),
}).strict();

export const bundleIndexSchema = z.object({
  experiments: z.array(bundleExperimentSchema),
  architectures: z.array(bundleArchitectureSchema),
  datasets: z.array(bundleDatasetSchema),
  /** In export order; each has runs/<uuid>/run.json and metrics.json. */
  runs: z.array(uuid),
}).strict();
export type BundleIndex = z.infer<typeof bundleIndexSchema>;

export const bundleRunSchema = z.object({
  uuid,
  experimentUuid: uuid,
  /** The architecture version it trained (a contentHash in the index), or null for a template. */
  architectureHash: sha256Hex.nullable(),
  /** The run it reproduces, when that run has a uuid; linked on import only when the target has it. */
  originUuid: uuid.nullable(),
  row: z.object({
    name: z.string(), family: z.string(), status: z.enum(['done', 'failed', 'cancelled', 'interrupted']), error: z.string().nullable(),
    config_json: z.string(), config_version: z.number().int().min(1), architecture_json: z.string(),
    seed: z.number().int(), dataset_id: z.string(), dataset_hash: z.string(), backend: z.string().nullable(),
    app_version: z.string(), created_at: time, started_at: time.nullable(), ended_at: time.nullable(),
    notes: z.string(), starred: z.union([z.literal(0), z.literal(1)]), archived: z.union([z.literal(0), z.literal(1)]),
    /** XNNPACK threads the run trained with (wasm, from 0015); absent for other runs, so readers before it still read those. */
    wasm_threads: z.number().int().min(1).max(64).optional(),
  }).strict(),
  params: z.array(z.object({
    key: z.string(), value_type: z.enum(['number', 'string', 'boolean']), num_value: real.nullable(), text_value: z.string().nullable(),
  }).strict()),
  tags: z.array(z.string()),
  logs: z.array(z.object({ time, level: z.enum(['info', 'warn', 'error']), message: z.string() }).strict()),
  /** path is relative to the run's folder, '/'-separated (the file or folder is under files/). */
  artifacts: z.array(z.object({ kind: z.string(), step: z.number().int(), path: entryPath, meta_json: z.string(), created_at: time }).strict()),
  latestMetrics: z.array(z.object({
    key: z.string(), step: z.number().int(), value: real.nullable(), min_value: real.nullable(), max_value: real.nullable(),
    count, nonfinite_count: count, first_wall_time: time.nullable(), last_wall_time: time.nullable(),
    min_step: z.number().int().nullable(), max_step: z.number().int().nullable(),
  }).strict()),
}).strict();
export type BundleRun = z.infer<typeof bundleRunSchema>;

/** Every stored point in insertion order, column-wise (a long run's points are most of a bundle's JSON). */
export const bundleMetricsSchema = z.object({
  key: z.array(z.string()), step: z.array(z.number().int()), value: z.array(real.nullable()), wallTime: z.array(time),
}).strict().refine((m) => m.step.length === m.key.length && m.value.length === m.key.length && m.wallTime.length === m.key.length,
  { message: 'metrics columns must have equal lengths' });
export type BundleMetrics = z.infer<typeof bundleMetricsSchema>;

/** JSON text with NaN and ±Infinity written as the strings 'NaN', 'Infinity', '-Infinity' (JSON.stringify would write null). */
export function encodeBundleJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

/** A REAL read back: the strings encodeBundleJson wrote become numbers again. */
export function decodeReal(v: number | 'NaN' | 'Infinity' | '-Infinity'): number;
export function decodeReal(v: number | 'NaN' | 'Infinity' | '-Infinity' | null): number | null;
export function decodeReal(v: number | 'NaN' | 'Infinity' | '-Infinity' | null): number | null {
  return typeof v === 'string' ? Number(v) : v;
}

/** The refusal of a manifest's format and version, or null when this app reads it. */
export function manifestHeadProblem(head: { format: string; formatVersion: number }): string | null {
  if (head.format !== BUNDLE_FORMAT) return `not a Latent Workbench bundle: its manifest names the format "${head.format.slice(0, 60)}"`;
  if (head.formatVersion > BUNDLE_FORMAT_VERSION) {
    return `bundle format version ${head.formatVersion} is newer than this app's (${BUNDLE_FORMAT_VERSION}): update Latent Workbench to import it`;
  }
  return null;
}

/** What an import did, for the API, the CLI and the UI. */
export interface BundleImportReport {
  file: string;
  formatVersion: number;
  /** The app that wrote the bundle. */
  sourceAppVersion: string;
  runsAdded: { uuid: string; id: number; name: string }[];
  /** Runs already here (same uuid): not imported again. */
  runsSkipped: { uuid: string; id: number; name: string }[];
  /** Artifact rows added, and files written under the data folder. */
  artifactsAdded: number;
  filesAdded: number;
  experimentsCreated: { id: number; name: string }[];
  experimentsMergedInto: { id: number; name: string }[];
  architecturesLinked: number;
  architecturesAdded: { id: number; name: string; version: number }[];
  /** Included datasets written here. */
  datasetsAdded: string[];
  /** Datasets the imported runs name that this workbench does not have (with the content hash the runs recorded). */
  datasetsMissing: { id: string; contentHash: string }[];
  /** Imported text corpora the added runs name that this workbench lacks: bundles do not carry corpora. */
  corporaMissing: string[];
}

/** What an export wrote. */
export interface BundleExportReport {
  file: string;
  bytes: number;
  runs: { uuid: string; id: number; name: string }[];
  entries: number;
  datasetsIncluded: string[];
  datasetsReferenced: string[];
}

/**
 * The bundle files among a command line's arguments: what the system passes
 * when the user opens a .lwbundle with the app (Windows and Linux put the path
 * in argv, the first start's or a second instance's; macOS sends open-file).
 */
export function bundlePathsIn(argv: readonly string[]): string[] {
  return argv.slice(1).filter((a) => !a.startsWith('-') && a.toLowerCase().endsWith(BUNDLE_EXTENSION));
}
