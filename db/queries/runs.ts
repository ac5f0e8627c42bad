/** Runs: one training of one configuration, and its lifecycle. */
import { terminalStatuses, type RunStatus } from '../../main/common/domain';
import type { BackendName } from '../../workers/common/protocol';
import type { Family } from '../../workers/common/families/registry';
import { CURRENT_RUN_CONFIG_VERSION } from '../../workers/common/runConfigVersion';
import type { NewRun, RunListFilter, RunListRecord, RunRecord, RunUpdate } from '../storeTypes';
import type { Db } from '../sqlite';
import { parseArchitecture, readRunConfig } from './json';
import { listedDocuments, type ListedDocuments } from './runDocuments';
import { insertParams } from './params';
import { insertedId, statement } from './statements';

interface RunRow {
  id: number;
  experiment_id: number;
  name: string;
  family: string;
  status: RunStatus;
  error: string | null;
  config_json: string;
  config_version: number;
  architecture_json: string;
  architecture_id: number | null;
  architecture_version: number | null;
  seed: number;
  dataset_id: string;
  dataset_hash: string;
  backend: string | null;
  wasm_threads: number | null;
  app_version: string;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  notes: string;
  starred: number;
  archived: number;
  origin_run_id: number | null;
}

const SELECT = `
  SELECT id, experiment_id, name, family, status, error, config_json, config_version, architecture_json,
         architecture_id, architecture_version, seed, dataset_id, dataset_hash, backend, wasm_threads,
         app_version, created_at, started_at, ended_at, notes, starred, archived, origin_run_id
  FROM runs r`;

export const INTERRUPTED_RUNNING = 'The app stopped while this run was running';
export const INTERRUPTED_QUEUED = 'The app stopped while this run was queued';

/** A runs-table row: the record without its two documents (runDocuments.ts answers what a listing needs of them), with the run's uuid. */
interface ListRow extends Omit<RunRow, 'architecture_json' | 'config_json'> {
  uuid: string | null;
}

/** The fields a listing and a full record share, given what the run's documents say: whether its config reads, and the architecture's name. */
function listed(row: Omit<RunRow, 'architecture_json' | 'config_json'>, docs: ListedDocuments): RunListRecord {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    name: row.name,
    // A family this app does not know (a newer app's) comes with a configError saying so.
    family: row.family as Family,
    status: row.status,
    error: row.error,
    configError: docs.configError === null
      ? null
      : `Run ${row.id}'s stored config cannot be read: ${docs.configError}. Its records are kept, but it cannot be resumed or analysed`,
    architectureName: docs.architectureName,
    architectureId: row.architecture_id,
    architectureVersion: row.architecture_version,
    seed: row.seed,
    datasetId: row.dataset_id,
    datasetHash: row.dataset_hash,
    backend: row.backend as BackendName | null,
    wasmThreads: row.wasm_threads,
    appVersion: row.app_version,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    notes: row.notes,
    starred: row.starred === 1,
    archived: row.archived === 1,
    originRunId: row.origin_run_id,
  };
}

function toRun(row: RunRow): RunRecord {
  const config = readRunConfig(row.config_json, row.config_version);
  const architecture = parseArchitecture(row.architecture_json);
  const { architectureName: _name, ...rest } = listed(row, { configError: 'error' in config ? config.error : null, architectureName: architecture.name });
  return { ...rest, config: 'error' in config ? null : config.config, architecture };
}

export function getRun(db: Db, id: number): RunRecord | undefined {
  const row = statement<[number], RunRow>(db, `${SELECT} WHERE id = ?`).get(id);
  return row ? toRun(row) : undefined;
}

const NEWEST_FIRST = 'ORDER BY created_at DESC, id DESC';

/**
 * Newest first: every run, or those of one experiment, without the archived
 * ones when asked, and those a compiled runs filter (db/queries/runFilter.ts,
 * an expression over `runs r`) keeps, in one query. A filtered query is
 * prepared each time rather than cached: filters are free text, and the
 * statement cache would keep every one.
 */
/** The WHERE and ORDER BY of a listing, and their bound values. */
function listClause(filter: RunListFilter): { tail: string; params: unknown[] } {
  const { experimentId, where, excludeArchived, limit } = filter;
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (experimentId !== undefined) { conditions.push('r.experiment_id = ?'); params.push(experimentId); }
  if (excludeArchived === true) conditions.push('r.archived = 0');
  if (where !== undefined) { conditions.push(`(${where.sql})`); params.push(...where.params); }
  if (limit !== undefined) params.push(limit);
  return { tail: `${conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`} ${NEWEST_FIRST}${limit === undefined ? '' : ' LIMIT ?'}`, params };
}

export function listRuns(db: Db, filter: RunListFilter = {}): RunRecord[] {
  const { tail, params } = listClause(filter);
  // Without a filter the text is one of eight (experiment, archived, limit): cached like every fixed statement.
  const stmt = filter.where === undefined ? statement<unknown[], RunRow>(db, SELECT + tail) : db.prepare<unknown[], RunRow>(SELECT + tail);
  return stmt.all(...params).map(toRun);
}

const SELECT_LISTED = `
  SELECT id, uuid, experiment_id, name, family, status, error, config_version,
         architecture_id, architecture_version, seed, dataset_id, dataset_hash, backend, wasm_threads,
         app_version, created_at, started_at, ended_at, notes, starred, archived, origin_run_id
  FROM runs r`;

/**
 * listRuns for a runs table: the same runs in the same order, without their
 * config and architecture documents. What a listing shows of them (whether
 * the config reads, the architecture's name) comes from listedDocuments,
 * which reads and parses a run's documents once per process (they are
 * written once); a 1,000-run listing then reads no document at all.
 */
export function listRunSummaries(db: Db, filter: RunListFilter = {}): RunListRecord[] {
  const { tail, params } = listClause(filter);
  const stmt = filter.where === undefined ? statement<unknown[], ListRow>(db, SELECT_LISTED + tail) : db.prepare<unknown[], ListRow>(SELECT_LISTED + tail);
  const rows = stmt.all(...params);
  const docs = listedDocuments(db, rows);
  return rows.map(({ uuid: _uuid, ...row }) => listed(row, docs.get(row.id) ?? UNREADABLE));
}

/** A run whose row vanished between the two reads (deleted meanwhile): listed as unreadable rather than not at all. */
const UNREADABLE: ListedDocuments = { configError: 'the run was deleted while it was being listed', architectureName: '' };

/** Each requested run's family, in one query; ids with no run are absent. */
export function runFamilies(db: Db, runIds: readonly number[]): Map<number, string> {
  if (runIds.length === 0) return new Map();
  const rows = statement<[string], { id: number; family: string }>(db,
    'SELECT id, family FROM runs WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(runIds));
  return new Map(rows.map((r) => [r.id, r.family]));
}

/** Inserts the run (status 'queued') and its params in one transaction. */
export function createRun(db: Db, run: NewRun, at: number, owner: string | null = null): RunRecord {
  const id = db.transaction(() => {
    const result = statement<[number, string, string, string, number, string, number | null, number | null, number, string, string, string, number, number | null, string | null]>(db, `
      INSERT INTO runs (experiment_id, name, family, status, config_json, config_version, architecture_json,
                        architecture_id, architecture_version, seed, dataset_id, dataset_hash,
                        app_version, created_at, origin_run_id, owner)
      VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      run.experimentId, run.name, run.family, JSON.stringify(run.config), CURRENT_RUN_CONFIG_VERSION, JSON.stringify(run.architecture),
      run.architectureId ?? null, run.architectureVersion ?? null, run.seed, run.datasetId, run.datasetHash,
      run.appVersion, at, run.originRunId ?? null, owner);
    const runId = insertedId(result);
    insertParams(db, runId, run.params);
    return runId;
  }).immediate();
  const created = getRun(db, id);
  if (!created) throw new Error(`Run ${id} vanished right after it was created`);
  return created;
}

function requireChange(changes: number, id: number): void {
  if (changes === 0) throw new Error(`Run ${id} does not exist`);
}

/** `wasmThreads`: the XNNPACK threads the wasm backend used (null for another backend). */
export function markRunStarted(db: Db, id: number, backend: BackendName, at: number, owner: string | null = null, wasmThreads: number | null = null): void {
  const result = statement<[string, number | null, number, string | null, number]>(db, `
    UPDATE runs SET status = 'running', backend = ?, wasm_threads = ?, started_at = ?, ended_at = NULL, error = NULL, owner = coalesce(?, owner)
    WHERE id = ?`).run(backend, wasmThreads, at, owner, id);
  requireChange(result.changes, id);
}

/**
 * Terminal statuses set ended_at (and error, when one is given; undefined
 * leaves it as it is). Back to queued/running (a resume) clears ended_at and
 * error, and makes `owner` (the process that will train it) the run's owner.
 */
export function setRunStatus(db: Db, id: number, status: RunStatus, error: string | null | undefined, at: number, owner: string | null = null): void {
  let changes: number;
  if (terminalStatuses.includes(status)) {
    changes = error === undefined
      ? statement<[string, number, number]>(db, 'UPDATE runs SET status = ?, ended_at = ? WHERE id = ?').run(status, at, id).changes
      : statement<[string, number, string | null, number]>(db,
        'UPDATE runs SET status = ?, ended_at = ?, error = ? WHERE id = ?').run(status, at, error, id).changes;
  } else {
    changes = statement<[string, string | null, number]>(db,
      'UPDATE runs SET status = ?, ended_at = NULL, error = NULL, owner = coalesce(?, owner) WHERE id = ?').run(status, owner, id).changes;
  }
  requireChange(changes, id);
}

/**
 * Changes what the researcher owns of a run (its name, notes, star and
 * archive flags): only the fields given, in one statement. Returns false when
 * there is no such run. The caller validates lengths (the API's schema).
 */
export function updateRun(db: Db, id: number, change: RunUpdate): boolean {
  const flag = (v: boolean | undefined): number | null => (v === undefined ? null : v ? 1 : 0);
  return statement<[string | null, string | null, number | null, number | null, number]>(db, `
    UPDATE runs SET name = COALESCE(?, name), notes = COALESCE(?, notes), starred = COALESCE(?, starred), archived = COALESCE(?, archived)
    WHERE id = ?`).run(change.name ?? null, change.notes ?? null, flag(change.starred), flag(change.archived), id).changes > 0;
}

/**
 * Deletes the run's row; params, metrics, latest_metrics, artifacts, logs
 * and run_tags go with it (ON DELETE CASCADE, foreign keys are on for every
 * connection); its reproductions stay, their origin_run_id set to NULL. Files on disk are the caller's. False when there was no run.
 */
export function deleteRun(db: Db, id: number): boolean {
  return statement<[number]>(db, 'DELETE FROM runs WHERE id = ?').run(id).changes > 0;
}

/** The runs that reproduce `id`, oldest first (the partial index on origin_run_id serves it). */
export function reproductionsOf(db: Db, id: number): number[] {
  return statement<[number], { id: number }>(db, 'SELECT id FROM runs WHERE origin_run_id = ? ORDER BY id').all(id).map((r) => r.id);
}

/**
 * Runs left 'running' or 'queued' by a crash become 'interrupted'; returns
 * their ids. `ownerGone` says whether a run's owner (0012; null before it) is
 * no longer running: another live process's runs on the same data folder are
 * left alone. Without it every such run is taken as left by a crash.
 */
export function interruptStaleRuns(db: Db, at: number, ownerGone: (owner: string | null) => boolean = () => true): number[] {
  return db.transaction(() => {
    const ids = statement<[], { id: number; owner: string | null }>(db,
      "SELECT id, owner FROM runs WHERE status IN ('running', 'queued') ORDER BY id").all()
      .filter((r) => ownerGone(r.owner)).map((r) => r.id);
    const mark = statement<[number, string, string, number]>(db, `
      UPDATE runs SET ended_at = ?, error = CASE status WHEN 'running' THEN ? ELSE ? END, status = 'interrupted'
      WHERE id = ? AND status IN ('running', 'queued')`);
    for (const id of ids) mark.run(at, INTERRUPTED_RUNNING, INTERRUPTED_QUEUED, id);
    return ids;
  }).immediate();
}

/**
 * Why a run is no longer this owner's to write (the fence, issue 16): it was
 * deleted, another process took it over (resume made it the owner), or its
 * status left queued/running (another process's sweep marked it
 * interrupted when it took this one for gone).
 */
export type RunLoss = { kind: 'deleted' } | { kind: 'taken'; owner: string | null } | { kind: 'ended'; status: RunStatus };

/**
 * Undefined while `owner` holds the run (it owns it and it is queued or
 * running), else why not. One primary-key read: the caller runs it in the
 * write transaction it guards, so nothing can change between the two.
 */
export function runLoss(db: Db, id: number, owner: string): RunLoss | undefined {
  const row = statement<[number], { owner: string | null; status: RunStatus }>(db, 'SELECT owner, status FROM runs WHERE id = ?').get(id);
  if (!row) return { kind: 'deleted' };
  if (row.owner !== owner) return { kind: 'taken', owner: row.owner };
  if (row.status !== 'queued' && row.status !== 'running') return { kind: 'ended', status: row.status };
  return undefined;
}
