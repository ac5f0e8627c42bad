/**
 * The rows a bundle carries (main/common/bundleFormat.ts), read for export and
 * written on import. Import is one transaction: runs whose uuid is here
 * already are skipped, experiments are matched by uuid then by name,
 * architecture versions by the sha256 of their family and document, and the
 * caller's file moves run inside it, so a failure anywhere leaves the
 * database as it was.
 */
import { createHash } from 'node:crypto';
import {
  decodeReal, type BundleIndex, type BundleMetrics, type BundleRun,
} from '../../main/common/bundleFormat';
import type { Db } from '../sqlite';
import { insertedId, statement } from './statements';

type IndexExperiment = BundleIndex['experiments'][number];
type IndexArchitecture = BundleIndex['architectures'][number];
type DatasetRow = Record<string, string | number | null>;

/** sha256 of `${family}\n${document}`: how bundles name an architecture version across machines. */
export function architectureContentHash(family: string, architectureJson: string): string {
  return createHash('sha256').update(`${family}\n${architectureJson}`).digest('hex');
}

/** A run as the bundle writer needs it: the bundled record, with artifact paths as stored (relative to the data folder). */
export interface RunExport {
  id: number;
  run: BundleRun;
  metrics: BundleMetrics;
  experiment: IndexExperiment;
  architecture: IndexArchitecture | null;
}

type BundledStatus = BundleRun['row']['status'];
const BUNDLED_STATUSES: readonly string[] = ['done', 'failed', 'cancelled', 'interrupted'] satisfies BundledStatus[];
function isBundledStatus(s: string): s is BundledStatus {
  return BUNDLED_STATUSES.includes(s);
}

/** A run a bundle cannot carry yet: queued or running, its files still being written. */
export interface UnfinishedRun { id: number; name: string; status: string }

interface RunRow extends Omit<BundleRun['row'], 'status' | 'wasm_threads'> {
  status: string;
  wasm_threads: number | null;
  id: number; uuid: string; experiment_id: number; architecture_id: number | null; architecture_version: number | null; origin_uuid: string | null;
}

const RUN_COLUMNS = `r.name, r.family, r.status, r.error, r.config_json, r.config_version, r.architecture_json, r.seed, r.dataset_id,
  r.dataset_hash, r.backend, r.app_version, r.created_at, r.started_at, r.ended_at, r.notes, r.starred, r.archived, r.wasm_threads`;

function exportArchitecture(db: Db, id: number | null, version: number | null): IndexArchitecture | null {
  if (id === null || version === null) return null;
  const v = statement<[number, number], { name: string; family: string; architecture_json: string; note: string | null; created_at: number }>(db, `
    SELECT a.name, v.family, v.architecture_json, v.note, v.created_at FROM architectures a
    JOIN architecture_versions v ON v.architecture_id = a.id WHERE a.id = ? AND v.version = ?`).get(id, version);
  if (!v) return null;
  return {
    contentHash: architectureContentHash(v.family, v.architecture_json), name: v.name, version, family: v.family,
    architectureJson: v.architecture_json, note: v.note, createdAt: v.created_at,
  };
}

function exportMetrics(db: Db, runId: number): BundleMetrics {
  const rows = statement<[number], { key: string; step: number; value: number | null; wall_time: number }>(db,
    'SELECT key, step, value, wall_time FROM metrics WHERE run_id = ? ORDER BY id').all(runId);
  return { key: rows.map((r) => r.key), step: rows.map((r) => r.step), value: rows.map((r) => r.value), wallTime: rows.map((r) => r.wall_time) };
}

/** One run's rows for a bundle; undefined when there is no such run. */
export function exportRun(db: Db, runId: number): RunExport | UnfinishedRun | undefined {
  const row = statement<[number], RunRow>(db, `
    SELECT r.id, r.uuid, r.experiment_id, r.architecture_id, r.architecture_version, o.uuid AS origin_uuid, ${RUN_COLUMNS}
    FROM runs r LEFT JOIN runs o ON o.id = r.origin_run_id WHERE r.id = ?`).get(runId);
  if (!row) return undefined;
  const status = row.status;
  if (!isBundledStatus(status)) return { id: row.id, name: row.name, status };
  const exp = statement<[number], { uuid: string; name: string; description: string; created_at: number }>(db,
    'SELECT uuid, name, description, created_at FROM experiments WHERE id = ?').get(row.experiment_id);
  if (!exp) throw new Error(`Run ${runId}'s experiment ${row.experiment_id} is missing`);
  const architecture = exportArchitecture(db, row.architecture_id, row.architecture_version);
  const { id, uuid, experiment_id: _e, architecture_id: _a, architecture_version: _v, origin_uuid, wasm_threads, ...fields } = row;
  const run: BundleRun = {
    uuid, experimentUuid: exp.uuid, architectureHash: architecture?.contentHash ?? null, originUuid: origin_uuid,
    row: { ...fields, status, ...(wasm_threads === null ? {} : { wasm_threads }) },
    params: statement<[number], BundleRun['params'][number]>(db, 'SELECT key, value_type, num_value, text_value FROM params WHERE run_id = ? ORDER BY key').all(id),
    tags: statement<[number], { tag: string }>(db, 'SELECT tag FROM run_tags WHERE run_id = ? ORDER BY tag').all(id).map((t) => t.tag),
    logs: statement<[number], BundleRun['logs'][number]>(db, 'SELECT time, level, message FROM logs WHERE run_id = ? ORDER BY id').all(id),
    artifacts: statement<[number], BundleRun['artifacts'][number]>(db, 'SELECT kind, step, path, meta_json, created_at FROM artifacts WHERE run_id = ? ORDER BY id').all(id),
    latestMetrics: statement<[number], BundleRun['latestMetrics'][number]>(db, `
      SELECT key, step, value, min_value, max_value, count, nonfinite_count, first_wall_time, last_wall_time, min_step, max_step
      FROM latest_metrics WHERE run_id = ? ORDER BY key`).all(id),
  };
  return { id, run, metrics: exportMetrics(db, id), experiment: { uuid: exp.uuid, name: exp.name, description: exp.description, createdAt: exp.created_at }, architecture };
}

/** The datasets row of an imported set (columns as in 0002), or undefined for a built-in one. */
export function exportDatasetRow(db: Db, id: string): DatasetRow | undefined {
  return statement<[string], DatasetRow>(db, 'SELECT * FROM datasets WHERE id = ?').get(id);
}

/** A run to import with its metric points; artifactPath maps a bundle path (relative to the run folder) to the stored one. */
export interface RunImport { run: BundleRun; metrics: BundleMetrics }

export interface BundleImportPlan {
  experiments: readonly IndexExperiment[];
  architectures: readonly IndexArchitecture[];
  /** Included datasets' rows, inserted when their id is not here. */
  datasets: readonly DatasetRow[];
  runs: readonly RunImport[];
  /** The stored artifact path of a run's bundle path, given the run's new id. */
  artifactPath: (runId: number, bundlePath: string) => string;
}

export interface BundleImportResult {
  added: { uuid: string; id: number; name: string }[];
  skipped: { uuid: string; id: number; name: string }[];
  experimentsCreated: { id: number; name: string }[];
  experimentsMergedInto: { id: number; name: string }[];
  architecturesLinked: number;
  architecturesAdded: { id: number; name: string; version: number }[];
  datasetsAdded: string[];
  artifactsAdded: number;
}

function runIdByUuid(db: Db, uuid: string): number | undefined {
  return statement<[string], { id: number }>(db, 'SELECT id FROM runs WHERE uuid = ?').get(uuid)?.id;
}

/** The experiment's id here: the one with its uuid, else the one with its name, else a new one with its uuid. */
function placeExperiment(db: Db, e: IndexExperiment, result: BundleImportResult): number {
  const byUuid = statement<[string], { id: number; name: string }>(db, 'SELECT id, name FROM experiments WHERE uuid = ?').get(e.uuid)
    ?? statement<[string], { id: number; name: string }>(db, 'SELECT id, name FROM experiments WHERE name = ?').get(e.name);
  if (byUuid) {
    result.experimentsMergedInto.push(byUuid);
    return byUuid.id;
  }
  const id = insertedId(statement<[string, string, number, string]>(db,
    'INSERT INTO experiments (name, description, created_at, uuid) VALUES (?, ?, ?, ?)').run(e.name, e.description, e.createdAt, e.uuid));
  result.experimentsCreated.push({ id, name: e.name });
  return id;
}

/**
 * The (id, version) here of a bundled architecture version: a version with the
 * same content hash, else a new version of the architecture of that name and
 * family (its own number when free), else a new architecture (named
 * "<name> (imported)" when the name belongs to another family).
 */
function placeArchitecture(db: Db, a: IndexArchitecture, result: BundleImportResult): { id: number; version: number } {
  const candidates = statement<[string], { id: number; version: number; architecture_json: string }>(db,
    'SELECT architecture_id AS id, version, architecture_json FROM architecture_versions WHERE family = ?').all(a.family);
  const same = candidates.find((c) => architectureContentHash(a.family, c.architecture_json) === a.contentHash);
  if (same) {
    result.architecturesLinked++;
    return { id: same.id, version: same.version };
  }
  const named = statement<[string], { id: number; family: string | null }>(db,
    'SELECT a.id, (SELECT family FROM architecture_versions v WHERE v.architecture_id = a.id LIMIT 1) AS family FROM architectures a WHERE a.name = ?').get(a.name);
  let id: number;
  let name = a.name;
  if (named && (named.family === null || named.family === a.family)) {
    id = named.id;
  } else {
    if (named) name = `${a.name} (imported)`;
    const existing = statement<[string], { id: number }>(db, 'SELECT id FROM architectures WHERE name = ?').get(name);
    id = existing?.id ?? insertedId(statement<[string, number]>(db, 'INSERT INTO architectures (name, created_at) VALUES (?, ?)').run(name, a.createdAt));
  }
  const taken = statement<[number, number], { n: number }>(db, 'SELECT COUNT(*) AS n FROM architecture_versions WHERE architecture_id = ? AND version = ?').get(id, a.version)?.n ?? 0;
  const version = taken === 0 ? a.version
    : (statement<[number], { v: number }>(db, 'SELECT MAX(version) AS v FROM architecture_versions WHERE architecture_id = ?').get(id)?.v ?? 0) + 1;
  statement<[number, number, string, string, string | null, number]>(db, `
    INSERT INTO architecture_versions (architecture_id, version, family, architecture_json, note, created_at) VALUES (?, ?, ?, ?, ?, ?)`)
    .run(id, version, a.family, a.architectureJson, a.note, a.createdAt);
  result.architecturesAdded.push({ id, name, version });
  return { id, version };
}

/** The datasets columns a bundle may fill (db/migrations/0002_datasets.sql). */
const DATASET_COLUMNS = ['id', 'name', 'kind', 'source_path', 'height', 'width', 'channels', 'num_classes', 'class_names',
  'train_size', 'test_size', 'content_hash', 'test_fraction', 'split_seed', 'notes', 'created_at'] as const;

function insertDataset(db: Db, row: DatasetRow, result: BundleImportResult): void {
  const id = String(row['id']);
  const clash = statement<[string, string], { id: string }>(db, 'SELECT id FROM datasets WHERE id = ? OR name = ? COLLATE NOCASE').get(id, String(row['name']));
  if (clash) return;
  // The column names are this list, never the bundle's keys: a bundle cannot name SQL.
  const columns = DATASET_COLUMNS.filter((c) => c in row);
  db.prepare(`INSERT INTO datasets (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...columns.map((c) => row[c] ?? null));
  result.datasetsAdded.push(id);
}

interface RunPlace { experimentId: number; architecture: { id: number; version: number } | null }

/** Inserts one run's row and every row that names it; returns the new id. */
function insertRun(db: Db, item: RunImport, place: RunPlace, artifactPath: BundleImportPlan['artifactPath']): { id: number; artifacts: number } {
  const r = item.run.row;
  const id = insertedId(statement<unknown[]>(db, `
    INSERT INTO runs (uuid, experiment_id, name, family, status, error, config_json, config_version, architecture_json, architecture_id,
      architecture_version, seed, dataset_id, dataset_hash, backend, app_version, created_at, started_at, ended_at, notes, starred, archived, wasm_threads)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    item.run.uuid, place.experimentId, r.name, r.family, r.status, r.error, r.config_json, r.config_version, r.architecture_json,
    place.architecture?.id ?? null, place.architecture?.version ?? null, r.seed, r.dataset_id, r.dataset_hash, r.backend, r.app_version,
    r.created_at, r.started_at, r.ended_at, r.notes, r.starred, r.archived, r.wasm_threads ?? null));
  const param = statement<unknown[]>(db, 'INSERT INTO params (run_id, key, value_type, num_value, text_value) VALUES (?, ?, ?, ?, ?)');
  for (const p of item.run.params) param.run(id, p.key, p.value_type, decodeReal(p.num_value), p.text_value);
  const tag = statement<[number, string]>(db, 'INSERT INTO run_tags (run_id, tag) VALUES (?, ?)');
  for (const t of item.run.tags) tag.run(id, t);
  const log = statement<unknown[]>(db, 'INSERT INTO logs (run_id, time, level, message) VALUES (?, ?, ?, ?)');
  for (const l of item.run.logs) log.run(id, l.time, l.level, l.message);
  const artifact = statement<unknown[]>(db, 'INSERT INTO artifacts (run_id, kind, step, path, meta_json, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  for (const a of item.run.artifacts) artifact.run(id, a.kind, a.step, artifactPath(id, a.path), a.meta_json, a.created_at);
  const latest = statement<unknown[]>(db, `
    INSERT INTO latest_metrics (run_id, key, step, value, min_value, max_value, count, nonfinite_count, first_wall_time, last_wall_time, min_step, max_step)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const m of item.run.latestMetrics) {
    latest.run(id, m.key, m.step, decodeReal(m.value), decodeReal(m.min_value), decodeReal(m.max_value), m.count, m.nonfinite_count,
      m.first_wall_time, m.last_wall_time, m.min_step, m.max_step);
  }
  const point = statement<unknown[]>(db, 'INSERT INTO metrics (run_id, key, step, value, wall_time) VALUES (?, ?, ?, ?, ?)');
  const { key, step, value, wallTime } = item.metrics;
  for (let i = 0; i < key.length; i++) point.run(id, key[i], step[i], decodeReal(value[i] ?? null), wallTime[i]);
  return { id, artifacts: item.run.artifacts.length };
}

/** Links each added run to the run it reproduces when that run is here (imported now or before). */
function linkOrigins(db: Db, added: readonly { run: BundleRun; id: number }[]): void {
  const link = statement<[number, number]>(db, 'UPDATE runs SET origin_run_id = ? WHERE id = ?');
  for (const { run, id } of added) {
    const origin = run.originUuid === null ? undefined : runIdByUuid(db, run.originUuid);
    if (origin !== undefined) link.run(origin, id);
  }
}

/**
 * Writes the plan in one IMMEDIATE transaction and calls `moveFiles` inside
 * it with the runs added (uuid → new id): when it throws, nothing is written.
 * A run whose uuid is here already is skipped with everything it carries.
 */
export function importBundle(db: Db, plan: BundleImportPlan, moveFiles: (added: ReadonlyMap<string, number>, datasetsAdded: readonly string[]) => void): BundleImportResult {
  return db.transaction(() => {
    const result: BundleImportResult = {
      added: [], skipped: [], experimentsCreated: [], experimentsMergedInto: [], architecturesLinked: 0, architecturesAdded: [], datasetsAdded: [], artifactsAdded: 0,
    };
    const fresh = plan.runs.filter((item) => {
      const here = runIdByUuid(db, item.run.uuid);
      if (here !== undefined) result.skipped.push({ uuid: item.run.uuid, id: here, name: item.run.row.name });
      return here === undefined;
    });
    const experiments = new Map<string, number>();
    const architectures = new Map<string, { id: number; version: number }>();
    for (const item of fresh) {
      const e = plan.experiments.find((x) => x.uuid === item.run.experimentUuid);
      if (!e) throw new Error(`Run ${item.run.uuid}'s experiment ${item.run.experimentUuid} is not in the bundle's index`);
      if (!experiments.has(e.uuid)) experiments.set(e.uuid, placeExperiment(db, e, result));
      const hash = item.run.architectureHash;
      const a = hash === null ? undefined : plan.architectures.find((x) => x.contentHash === hash);
      if (hash !== null && !a) throw new Error(`Run ${item.run.uuid}'s architecture ${hash} is not in the bundle's index`);
      if (a && !architectures.has(a.contentHash)) architectures.set(a.contentHash, placeArchitecture(db, a, result));
    }
    if (fresh.length > 0) for (const d of plan.datasets) insertDataset(db, d, result);
    const added: { run: BundleRun; id: number }[] = [];
    for (const item of fresh) {
      const place: RunPlace = {
        experimentId: experiments.get(item.run.experimentUuid) ?? 0,
        architecture: item.run.architectureHash === null ? null : architectures.get(item.run.architectureHash) ?? null,
      };
      const { id, artifacts } = insertRun(db, item, place, plan.artifactPath);
      result.artifactsAdded += artifacts;
      result.added.push({ uuid: item.run.uuid, id, name: item.run.row.name });
      added.push({ run: item.run, id });
    }
    linkOrigins(db, added);
    moveFiles(new Map(added.map((a) => [a.run.uuid, a.id])), result.datasetsAdded);
    return result;
  }).immediate();
}

/** A run's uuid (0011), or undefined when there is no such run. */
export function runUuid(db: Db, runId: number): string | undefined {
  return statement<[number], { uuid: string }>(db, 'SELECT uuid FROM runs WHERE id = ?').get(runId)?.uuid;
}
