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
import { newOwner, releaseOwner } from './runOwner';
import { makeDatabaseFilesPrivate } from './privateFile';
import type { Db } from './sqlite';
import type { Store } from './storeTypes';
import { checkpoint, configureConnection } from './wal';

export interface OpenStoreOptions {
  /** Named in the error when the file was written by a newer app. */
  appVersion?: string;
  /** Where the NNNN_name.sql files are; defaults to db/migrations beside this module. */
  migrationsDir?: string;
  /** Clock for created-at times (tests); defaults to Date.now. */
  now?: () => number;
}

/** A checkpoint (that never waits for other connections) every this many metric batches. */
export const CHECKPOINT_EVERY_BATCHES = 200;

export function openStore(filePath: string, opts: OpenStoreOptions = {}): Store {
  const file = path.resolve(filePath);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  makeDatabaseFilesPrivate(file);
  const db = new Database(file);
  try {
    configureConnection(db);
    migrate(db, opts.migrationsDir, opts.appVersion);
  } catch (err) {
    db.close();
    throw err;
  }
  return createStore(db, file, opts.now ?? Date.now);
}

function createStore(db: Db, file: string, now: () => number): Store {
  let batchesSinceCheckpoint = 0;
  const owner = newOwner();

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

    createRun: (run) => runs.createRun(db, run, now(), owner),
    getRun: (id) => runs.getRun(db, id),
    listRuns: (filter) => runs.listRuns(db, filter),
    listRunSummaries: (filter) => runs.listRunSummaries(db, filter),
    runFamilies: (runIds) => runs.runFamilies(db, runIds),
    markRunStarted: (id, backend, at) => runs.markRunStarted(db, id, backend, at, owner),
    setRunStatus: (id, status, error, at) => runs.setRunStatus(db, id, status, error, at ?? now(), owner),
    interruptStaleRuns: (at, ownerGone) => runs.interruptStaleRuns(db, at, ownerGone),
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
      if (batchesSinceCheckpoint >= CHECKPOINT_EVERY_BATCHES) {
        batchesSinceCheckpoint = 0;
        checkpoint(db, false);
      }
    },
    getMetrics: (runId, keys) => metrics.getMetrics(db, runId, keys),
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
      releaseOwner(owner);
      if (!db.open) return;
      try {
        checkpoint(db, false);
      } finally {
        db.close();
      }
    },
  };
}
