/**
 * Opens (creating when missing) the SQLite database, brings its schema up to
 * date and returns the Store built from the query modules.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate, userVersion } from './migrate';
import * as architectures from './queries/architectures';
import * as artifacts from './queries/artifacts';
import * as bundles from './queries/bundles';
import * as changes from './queries/changes';
import * as leases from './queries/runLeases';
import * as ownerLeases from './queries/ownerLeases';
import * as datasets from './queries/datasets';
import * as experiments from './queries/experiments';
import * as logs from './queries/logs';
import * as metrics from './queries/metrics';
import { rewindMetrics } from './queries/metricRewind';
import * as params from './queries/params';
import * as runs from './queries/runs';
import * as savedViews from './queries/savedViews';
import * as corpora from './queries/corpora';
import * as settings from './queries/settings';
import * as tags from './queries/tags';
import { OwnerLeaseKeeper } from './ownerLease';
import { newOwner, ownerRule, releaseOwner } from './runOwner';
import { makeDatabaseFilesPrivate } from './privateFile';
import type { Db } from './sqlite';
import type { OwnerGone, Store } from './storeTypes';
import { BUSY_TIMEOUT_MS, checkpoint, configureConnection } from './wal';

export interface OpenStoreOptions {
  /** Named in the error when the file was written by a newer app. */
  appVersion?: string;
  /** Where the NNNN_name.sql files are; defaults to db/migrations beside this module. */
  migrationsDir?: string;
  /** Clock for created-at times (tests); defaults to Date.now. */
  now?: () => number;
  /** The owner lease's timing (db/ownerLease.ts, db/runOwner.ts); tests shorten it. */
  lease?: StoreLeaseOptions;
  /**
   * Open without writing anything (no migration, no WAL switch, writes refused
   * with SQLITE_READONLY): the app's start on a full disk. See openReadOnly.
   */
  readOnly?: boolean;
  /** Called with the connection once it is configured (the disk-full tests set PRAGMA max_page_count on it). */
  onConnection?: (db: Db) => void;
}

export interface StoreLeaseOptions {
  /** How often this store renews its heartbeat (default HEARTBEAT_MS, 5 s). */
  heartbeatMs?: number;
  /** How old another owner's heartbeat may be before it counts as gone (default LEASE_EXPIRY_MS, 30 s). */
  expiryMs?: number;
  /** Where a failed lease write is reported (default console.warn). */
  warn?: (message: string) => void;
  /** The heartbeat's and the rule's clock (ms since the epoch; tests); defaults to Date.now. */
  now?: () => number;
}

/** A checkpoint (that never waits for other connections) every this many metric batches. */
export const CHECKPOINT_EVERY_BATCHES = 200;

export function openStore(filePath: string, opts: OpenStoreOptions = {}): Store {
  const file = path.resolve(filePath);
  if (opts.readOnly) return createStore(openReadOnly(file, opts), file, opts.now ?? Date.now, opts.lease ?? {}, true);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  makeDatabaseFilesPrivate(file);
  const db = new Database(file);
  try {
    configureConnection(db);
    migrate(db, opts.migrationsDir, opts.appVersion);
    opts.onConnection?.(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return createStore(db, file, opts.now ?? Date.now, opts.lease ?? {}, false);
}

/**
 * A connection that never writes. A plain read-only open needs the -shm
 * file (WAL index) to exist and be big enough; on a disk with no byte left
 * SQLite cannot grow it (SQLITE_IOERR_SHMSIZE), so the fallback keeps the WAL
 * index in memory: exclusive locking mode (no -shm at all) with query_only,
 * which refuses writes like a read-only connection. The exclusive lock keeps
 * other processes off the file while this one is open: on a full disk none
 * of them can write anyway.
 */
export function openReadOnly(file: string, opts: Pick<OpenStoreOptions, 'onConnection'> = {}): Db {
  const attempts: Array<() => Db> = [
    () => new Database(file, { readonly: true, fileMustExist: true }),
    () => {
      const db = new Database(file, { fileMustExist: true });
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('query_only = ON');
      return db;
    },
  ];
  let lastError: unknown;
  for (const open of attempts) {
    let db: Db | undefined;
    try {
      db = open();
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      userVersion(db); // the first read: the WAL index is built (or refused) here
      opts.onConnection?.(db);
      return db;
    } catch (e) {
      db?.close();
      lastError = e;
    }
  }
  throw lastError;
}

function createStore(db: Db, file: string, now: () => number, leaseOpts: StoreLeaseOptions, readOnly: boolean): Store {
  let batchesSinceCheckpoint = 0;
  const owner = newOwner();
  const leaseNow = leaseOpts.now ?? Date.now;
  const keeper = new OwnerLeaseKeeper(db, owner, {
    now: leaseNow, ...(leaseOpts.heartbeatMs !== undefined ? { heartbeatMs: leaseOpts.heartbeatMs } : {}), ...(leaseOpts.warn ? { warn: leaseOpts.warn } : {}),
  });
  /** The rule at `at`, reading the leases at its first call (a run seen before that has its owner's lease in the table). */
  const rule = (at: number): OwnerGone => {
    let judge: OwnerGone | undefined;
    return (o) => {
      judge ??= ownerRule(ownerLeases.listLeases(db), { at, ...(leaseOpts.expiryMs !== undefined ? { expiryMs: leaseOpts.expiryMs } : {}) });
      return judge(o);
    };
  };

  /**
   * The periodic checkpoint, every CHECKPOINT_EVERY_BATCHES metric batches;
   * never inside a transaction (SQLite refuses it there: SQLITE_LOCKED), so a
   * batch written under the fence (writeIfOwned) has it run after its commit.
   */
  const checkpointWhenDue = (): void => {
    if (batchesSinceCheckpoint < CHECKPOINT_EVERY_BATCHES || db.inTransaction) return;
    batchesSinceCheckpoint = 0;
    checkpoint(db, false);
  };

  return {
    path: file,
    owner,
    schemaVersion: () => userVersion(db),

    createExperiment: (name, description) => experiments.createExperiment(db, name, description, now()),
    listExperiments: () => experiments.listExperiments(db),
    getExperiment: (id) => experiments.getExperiment(db, id),
    ensureExperiment: (name) => experiments.ensureExperiment(db, name, now()),
    updateExperiment: (id, change) => experiments.updateExperiment(db, id, change),
    deleteExperiment: (id) => experiments.deleteExperiment(db, id),

    createRun: (run) => {
      keeper.hold();
      return runs.createRun(db, run, now(), owner);
    },
    getRun: (id) => runs.getRun(db, id),
    listRuns: (filter) => runs.listRuns(db, filter),
    listRunSummaries: (filter) => runs.listRunSummaries(db, filter),
    runFamilies: (runIds) => runs.runFamilies(db, runIds),
    markRunStarted: (id, backend, at, wasmThreads) => {
      keeper.hold();
      runs.markRunStarted(db, id, backend, at, owner, wasmThreads ?? null);
    },
    setRunStatus: (id, status, error, at) => {
      if (status === 'queued' || status === 'running') keeper.hold();
      runs.setRunStatus(db, id, status, error, at ?? now(), owner);
    },
    interruptStaleRuns: (at, ownerGone) => runs.interruptStaleRuns(db, at, ownerGone),
    holdLease: () => keeper.hold(),
    ownerLeases: () => ownerLeases.listLeases(db),
    ownerRule: (at) => rule(at ?? leaseNow()),
    forgetGoneLeases: (at) => db.transaction(() => {
      const gone = rule(at ?? leaseNow());
      const owners = ownerLeases.listLeases(db).map((l) => l.owner).filter((o) => o !== owner && gone(o));
      ownerLeases.deleteLeases(db, owners);
      return owners;
    }).immediate(),
    writeIfOwned: (runId, write) => {
      const result = db.transaction(() => {
        const loss = runs.runLoss(db, runId, owner);
        return loss ? { ok: false as const, loss } : { ok: true as const, value: write() };
      }).immediate();
      // A checkpoint a metric batch made due inside the transaction runs now that it has committed.
      checkpointWhenDue();
      return result;
    },
    onLeaseLost: (listener) => keeper.onLost(listener),
    runLease: (id) => leases.runLease(db, id),
    activeRunLeases: () => leases.activeRunLeases(db),
    setRunHostPid: (id, pid) => leases.setRunHostPid(db, id, pid),
    updateRun: (id, change) => runs.updateRun(db, id, change),
    deleteRun: (id) => runs.deleteRun(db, id),
    reproductionsOf: (id) => runs.reproductionsOf(db, id),

    getParams: (runId) => params.getParams(db, runId),
    paramsOf: (runIds) => params.paramsOf(db, runIds),

    appendMetrics: (runId, points) => {
      metrics.appendMetrics(db, runId, points);
      batchesSinceCheckpoint++;
      checkpointWhenDue();
    },
    getMetrics: (runId, keys, range) => metrics.getMetrics(db, runId, keys, range),
    rewindMetrics: (runId, to, isEpochKey) => rewindMetrics(db, runId, to, isEpochKey),
    latestMetrics: (runIds) => metrics.latestMetrics(db, runIds),
    bestMetrics: (runIds, keys) => metrics.bestMetrics(db, runIds, keys),
    metricSummaries: (runIds, keys) => metrics.metricSummaries(db, runIds, keys),
    selectedValues: (runIds, choice) => metrics.selectedValues(db, runIds, choice),
    firstValues: (runIds, key) => metrics.firstValues(db, runIds, key),

    setRunTags: (runId, list) => tags.setRunTags(db, runId, list),
    runTags: (runIds) => tags.runTags(db, runIds),

    addArtifact: (runId, kind, step, relPath, meta) => artifacts.addArtifact(db, runId, kind, step, relPath, meta ?? {}, now()),
    listArtifacts: (runId, kind) => artifacts.listArtifacts(db, runId, kind),
    getArtifact: (id) => artifacts.getArtifact(db, id),
    latestCheckpoint: (runId) => artifacts.latestCheckpoint(db, runId),
    rewindArtifacts: (runId, step) => artifacts.rewindArtifacts(db, runId, step),

    appendLog: (runId, level, message, at) => logs.appendLog(db, runId, level, message, at),
    getLogs: (runId, afterId) => logs.getLogs(db, runId, afterId),

    saveArchitecture: (a) => architectures.saveArchitecture(db, a, now()),
    getArchitecture: (id, version) => architectures.getArchitecture(db, id, version),
    listArchitectures: (filter) => architectures.listArchitectures(db, filter),
    listArchitectureVersions: (id) => architectures.listArchitectureVersions(db, id),

    createDataset: (d) => datasets.createDataset(db, d, now()),
    getDataset: (id) => datasets.getDataset(db, id),
    listDatasets: () => datasets.listDatasets(db),
    deleteDataset: (id) => datasets.deleteDataset(db, id),
    setDatasetClassNames: (id, names) => datasets.setDatasetClassNames(db, id, names),
    runsUsingDataset: (id) => datasets.runsUsingDataset(db, id),

    createCorpus: (c) => corpora.createCorpus(db, c, now()),
    getCorpus: (id) => corpora.getCorpus(db, id),
    listCorpora: () => corpora.listCorpora(db),
    deleteCorpus: (id) => corpora.deleteCorpus(db, id),

    listSavedViews: (experimentId) => savedViews.listSavedViews(db, experimentId),
    getSavedView: (id) => savedViews.getSavedView(db, id),
    saveView: (experimentId, name, state) => savedViews.saveView(db, experimentId, name.trim(), state, now()),
    deleteSavedView: (id) => savedViews.deleteSavedView(db, id),

    getSetting: (key) => settings.getSetting(db, key),
    setSetting: (key, value) => settings.setSetting(db, key, value),

    exportRunForBundle: (runId) => bundles.exportRun(db, runId),
    datasetRowForBundle: (id) => bundles.exportDatasetRow(db, id),
    importBundle: (plan, moveFiles) => bundles.importBundle(db, plan, moveFiles),
    runUuid: (runId) => bundles.runUuid(db, runId),

    dataVersion: () => changes.dataVersion(db),
    changeCursor: () => changes.changeCursor(db),
    changesSince: (cursor) => changes.changesSince(db, cursor, owner),

    checkpointWal: () => {
      batchesSinceCheckpoint = 0;
      checkpoint(db, true);
    },
    close: () => {
      keeper.release();
      releaseOwner(owner);
      if (!db.open) return;
      if (readOnly) {
        db.close();
        return;
      }
      try {
        checkpoint(db, false);
      } finally {
        db.close();
      }
    },
  };
}
