import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, loadMigrations, migrate, userVersion } from '../../../db/migrate';
import { openStore } from '../../../db/openStore';
import { readRunConfig } from '../../../db/queries/json';
import type { Db } from '../../../db/sqlite';
import type { Store } from '../../../db/storeTypes';
import { defaultRunsTableState } from '../../../main/common/savedView';
import { awkwardPoints, backupsOf, expectedStoreSummaries, expectedSummaries, migrationsDirWith, readStoredSummaries, removeTempDirs, sampleConfig, sampleGraph, sampleModel, sampleRun, sourceMigrationsDir, tempDir } from './helpers';

afterEach(removeTempDirs);

const latest = loadMigrations(sourceMigrationsDir).length;

function tableNames(db: Db): string[] {
  return db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all().map((r) => r.name);
}

/**
 * Representative rows written with the SQL of the schema they target, keyed by
 * the first schema version they work with. A migration that changes these
 * tables adds a seed for its own version here.
 */
const seeds: Record<number, (db: Db) => void> = {
  1: (db) => seedRows(db, (t) => {
    db.prepare('INSERT INTO architecture_versions (architecture_id, version, graph_json, created_at) VALUES (1, 1, ?, ?)')
      .run(JSON.stringify(sampleGraph('net')), t);
  }),
  2: (db) => {
    seeds[1]?.(db);
    seedDataset(db);
  },
  // 0003 rebuilt architecture_versions: the old classifier version is written with its columns.
  3: (db) => {
    seedRows(db, (t) => {
      db.prepare(`INSERT INTO architecture_versions (architecture_id, version, family, architecture_json, note, parent_architecture_id, parent_version, created_at)
                  VALUES (1, 1, 'classifier', ?, NULL, NULL, NULL, ?)`).run(JSON.stringify(sampleGraph('net')), t);
    });
    seedDataset(db);
    const t = 1_700_000_100_000;
    db.prepare('INSERT INTO architectures (id, name, created_at) VALUES (2, ?, ?)').run('vae-net', t);
    db.prepare(`INSERT INTO architecture_versions (architecture_id, version, family, architecture_json, note, parent_architecture_id, parent_version, created_at)
                VALUES (2, 1, 'vae', ?, 'first cut', 1, 1, ?)`).run(JSON.stringify(sampleModel('vae-net')), t);
  },
  // From 0005 on, latest_metrics holds each key's summary (0005 wrote it for the points already there).
  5: (db) => {
    seeds[3]?.(db);
    db.prepare(`UPDATE latest_metrics SET min_value = 0.25, max_value = 0.5, count = 2, nonfinite_count = 0,
                first_wall_time = 1700000000000, last_wall_time = 1700000000001 WHERE run_id = 1 AND key = 'loss'`).run();
  },  // From 0007 on, the summary also holds where min and max were first reached.
  7: (db) => {
    seeds[5]?.(db);
    db.prepare("UPDATE latest_metrics SET min_step = 2, max_step = 1 WHERE run_id = 1 AND key = 'loss'").run();
  },
  // From 0010 on, imported text corpora are rows.
  10: (db) => {
    seeds[7]?.(db);
    db.prepare(`INSERT INTO corpora (id, name, source_path, characters, distinct_characters, content_hash, notes, created_at)
                VALUES ('poems', 'Poems', '/data/poems.txt', 1200, 40, 'sha256:p', 'A UTF-8 byte-order mark at the start was dropped.', 1700000000000)`).run();
  },

};

/** Seed 1's rows; `insertVersion` writes architecture 1's first version (its columns changed in 0003). */
function seedRows(db: Db, insertVersion: (t: number) => void): void {
  const t = 1_700_000_000_000;
  db.prepare('INSERT INTO experiments (id, name, description, created_at) VALUES (1, ?, ?, ?)').run('Old', 'from before', t);
  db.prepare('INSERT INTO architectures (id, name, created_at) VALUES (1, ?, ?)').run('net', t);
  insertVersion(t);
  db.prepare(`INSERT INTO runs (id, experiment_id, name, family, status, config_json, architecture_json, architecture_id,
                architecture_version, seed, dataset_id, dataset_hash, backend, app_version, created_at, started_at, ended_at)
              VALUES (1, 1, 'old run', 'classifier', 'done', ?, ?, 1, 1, 3, 'mnist', 'h', 'cpu', '0.0.1', ?, ?, ?)`)
    .run(JSON.stringify(sampleConfig(0.01)), JSON.stringify(sampleGraph('net')), t, t + 1, t + 2);
  db.prepare("INSERT INTO params (run_id, key, value_type, num_value, text_value) VALUES (1, 'learningRate', 'number', 0.01, NULL)").run();
  db.prepare("INSERT INTO params (run_id, key, value_type, num_value, text_value) VALUES (1, 'optimizer', 'string', NULL, 'sgd')").run();
  db.prepare("INSERT INTO metrics (run_id, key, step, value, wall_time) VALUES (1, 'loss', 1, 0.5, ?), (1, 'loss', 2, 0.25, ?)").run(t, t + 1);
  db.prepare("INSERT INTO latest_metrics (run_id, key, step, value) VALUES (1, 'loss', 2, 0.25)").run();
  db.prepare("INSERT INTO artifacts (run_id, kind, step, path, meta_json, created_at) VALUES (1, 'checkpoint', 2, 'runs/1/ckpt-2', ?, ?)")
    .run(JSON.stringify({ epoch: 1, step: 2 }), t);
  db.prepare("INSERT INTO logs (run_id, time, level, message) VALUES (1, ?, 'info', 'hello')").run(t);
  db.prepare("INSERT INTO settings (key, value) VALUES ('backend', 'cpu')").run();
}

function seedDataset(db: Db): void {
  db.prepare(`INSERT INTO datasets (id, name, kind, source_path, height, width, channels, num_classes, class_names, train_size,
                test_size, content_hash, test_fraction, split_seed, notes, created_at)
              VALUES ('digits', 'Digits', 'image-folder', '/data/digits', 28, 28, 1, 2, '["a","b"]', 80, 20, 'sha256:d', 0.2, 42, '', 1700000000000)`).run();
}

function seedVersionFor(version: number): number | undefined {
  return Object.keys(seeds).map(Number).filter((v) => v <= version).sort((a, b) => b - a)[0];
}

function seedFor(version: number): ((db: Db) => void) | undefined {
  const v = seedVersionFor(version);
  return v === undefined ? undefined : seeds[v];
}

function expectSeedSurvived(store: Store, seedVersion = 1): void {
  if (seedVersion >= 10) {
    expect(store.getCorpus('poems')).toEqual({
      id: 'poems', name: 'Poems', sourcePath: '/data/poems.txt', characters: 1200, distinctCharacters: 40, contentHash: 'sha256:p',
      notes: 'A UTF-8 byte-order mark at the start was dropped.', createdAt: 1_700_000_000_000,
    });
  }
  if (seedVersion >= 3) {
    expect(store.getArchitecture(2)).toMatchObject({ name: 'vae-net', family: 'vae', note: 'first cut', forkOf: { id: 1, version: 1 }, architecture: sampleModel('vae-net') });
  }
  if (seedVersion >= 2) {
    expect(store.getDataset('digits')).toMatchObject({ name: 'Digits', kind: 'image-folder', inputShape: [28, 28, 1], classNames: ['a', 'b'], testFraction: 0.2, splitSeed: 42 });
  }
  const [experiment] = store.listExperiments();
  expect(experiment).toMatchObject({ id: 1, name: 'Old', description: 'from before', runCount: 1 });
  expect(store.runsUsingDataset('mnist')).toEqual([{ id: 1, status: 'done' }]);
  // The store reads runs with their config version (4), annotations (6) and origin (8): a test that stops earlier cannot read them.
  if (store.schemaVersion() >= 8) {
    const run = store.getRun(1);
    expect(run).toMatchObject({ name: 'old run', status: 'done', seed: 3, backend: 'cpu', appVersion: '0.0.1', architectureId: 1, configError: null });
    expect(run?.config).toEqual(sampleConfig(0.01));
    expect(run).toMatchObject({ notes: '', starred: false, archived: false });
  }
  expect(store.getParams(1)).toEqual({ learningRate: 0.01, optimizer: 'sgd' });
  expect(store.getMetrics(1)).toEqual([{ key: 'loss', steps: [1, 2], values: [0.5, 0.25], wallTimes: [1_700_000_000_000, 1_700_000_000_001] }]);
  expect(store.latestMetrics([1]).get(1)).toEqual({ loss: 0.25 });
  // 0005 summarised the points already stored.
  if (store.schemaVersion() >= 5) expect(store.runTags([1]).get(1)).toEqual([]);
  // 0007 found where the extremes were reached (the store reads those columns: a test that stops earlier cannot read summaries).
  if (store.schemaVersion() >= 7) {
    expect(store.metricSummaries([1]).get(1)).toEqual({ loss: { last: 0.25, lastStep: 2, min: 0.25, max: 0.5, count: 2, nonFinite: 0, minStep: 2, maxStep: 1 } });
  }
  expect(store.latestCheckpoint(1)).toMatchObject({ dir: 'runs/1/ckpt-2', epoch: 1, step: 2 });
  expect(store.getLogs(1).map((l) => l.message)).toEqual(['hello']);
  // Saved before architectures had families: a classifier graph, still readable.
  // (The store's architecture queries need schema 3: a test that stops at 2 cannot read them.)
  if (store.schemaVersion() >= 3) {
    expect(store.getArchitecture(1)).toMatchObject({
      id: 1, name: 'net', version: 1, family: 'classifier', note: null, forkOf: null, versionCount: 1, runCount: 1, architecture: sampleGraph('net'),
    });
  }
  expect(store.getSetting('backend')).toBe('cpu');
}

describe('loadMigrations', () => {
  it('finds the real migrations, numbered from 1 without gaps', () => {
    const migrations = loadMigrations(sourceMigrationsDir);
    expect(migrations.length).toBeGreaterThanOrEqual(1);
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(migrations[0]?.name).toBe('initial');
  });

  it('defaults to the migrations folder beside the module', () => {
    expect(path.resolve(defaultMigrationsDir())).toBe(path.resolve(sourceMigrationsDir));
  });

  it('rejects gaps and badly named files', () => {
    const gap = migrationsDirWith(1, { '0003_later.sql': 'SELECT 1;' });
    expect(() => loadMigrations(gap)).toThrow(/without gaps/);
    const badName = migrationsDirWith(1, { 'second.sql': 'SELECT 1;' });
    expect(() => loadMigrations(badName)).toThrow(/NNNN_name\.sql/);
  });
});

describe('migrate', () => {
  it('takes an empty database to the latest schema, without a backup', () => {
    const dir = tempDir();
    const file = path.join(dir, 'empty.db');
    const db = new Database(file);
    try {
      expect(userVersion(db)).toBe(0);
      const result = migrate(db, sourceMigrationsDir);
      expect(result).toEqual({ from: 0, to: latest, backupPath: null });
      expect(userVersion(db)).toBe(latest);
      expect(tableNames(db)).toEqual(expect.arrayContaining([
        'architecture_versions', 'architectures', 'artifacts', 'experiments', 'latest_metrics',
        'logs', 'metrics', 'params', 'runs', 'settings', 'datasets', 'run_tags', 'saved_views', 'corpora',
      ]));
      expect(db.prepare<[], { name: string }>('PRAGMA table_info(latest_metrics)').all().map((c) => c.name)).toEqual([
        'run_id', 'key', 'step', 'value', 'min_value', 'max_value', 'count', 'nonfinite_count', 'first_wall_time', 'last_wall_time', 'min_step', 'max_step',
      ]);
      expect(migrate(db, sourceMigrationsDir)).toEqual({ from: latest, to: latest, backupPath: null });
    } finally {
      db.close();
    }
    expect(backupsOf(file)).toEqual([]);
  });

  it('enforces the status check and cascades deletes from runs', () => {
    const store = openStore(path.join(tempDir(), 'c.db'));
    const exp = store.createExperiment('E', '');
    const run = store.createRun({
      experimentId: exp.id, name: 'r', family: 'classifier', config: sampleConfig(), architecture: sampleGraph(),
      seed: 1, datasetId: 'mnist', datasetHash: 'h', appVersion: 't', params: { a: 1 },
    });
    store.appendMetrics(run.id, [{ key: 'loss', step: 1, value: 1, wallTime: 1 }]);
    store.appendLog(run.id, 'info', 'x', 1);
    store.addArtifact(run.id, 'sample', 1, 'a.png');
    store.close();
    const raw = new Database(store.path);
    try {
      raw.pragma('foreign_keys = ON');
      expect(() => raw.prepare("UPDATE runs SET status = 'weird'").run()).toThrow(/CHECK/);
      expect(raw.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM metrics').get()?.n).toBe(1);
      raw.prepare('DELETE FROM experiments').run();
      for (const table of ['runs', 'params', 'metrics', 'latest_metrics', 'logs', 'artifacts']) {
        expect(raw.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get()?.n).toBe(0);
      }
    } finally {
      raw.close();
    }
  });

  // For every earlier schema version k: a file at version k, with data, upgrades to latest.
  for (let k = 1; k < latest; k++) {
    it(`upgrades a version-${k} file to ${latest}, keeping its data and a backup`, () => {
      const file = path.join(tempDir(), `v${k}.db`);
      const db = new Database(file);
      migrate(db, migrationsDirWith(k));
      expect(userVersion(db)).toBe(k);
      const seed = seedFor(k);
      seed?.(db);
      db.close();

      const store = openStore(file, { migrationsDir: sourceMigrationsDir });
      try {
        expect(store.schemaVersion()).toBe(latest);
        if (seed) expectSeedSurvived(store, seedVersionFor(k));
      } finally {
        store.close();
      }
      const backups = backupsOf(file);
      expect(backups).toHaveLength(1);
      const old = new Database(backups[0] ?? '', { readonly: true });
      expect(userVersion(old)).toBe(k);
      old.close();
    });
  }

  it('upgrades through a later migration, keeping data and writing a backup first', () => {
    const file = path.join(tempDir(), 'up.db');
    const v1 = openStore(file, { migrationsDir: migrationsDirWith(1) });
    expect(v1.schemaVersion()).toBe(1);
    v1.close();
    const raw = new Database(file);
    seeds[1]?.(raw);
    raw.close();
    expect(backupsOf(file)).toEqual([]);

    const next = String(latest + 1).padStart(4, '0');
    const dir = migrationsDirWith(latest, {
      [`${next}_run_notes.sql`]: 'ALTER TABLE runs ADD COLUMN note TEXT;\nCREATE TABLE run_links (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, origin_id INTEGER NOT NULL);',
    });
    const store = openStore(file, { migrationsDir: dir });
    try {
      expect(store.schemaVersion()).toBe(latest + 1);
      expectSeedSurvived(store);
    } finally {
      store.close();
    }
    const backups = backupsOf(file);
    expect(backups).toHaveLength(1);
    expect(path.basename(backups[0] ?? '')).toMatch(/^up\.db\.backup-v1-\d{4}-\d\d-\d\dT[\d-]+Z$/);
    const old = new Database(backups[0] ?? '', { readonly: true });
    expect(userVersion(old)).toBe(1);
    expect(old.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM runs').get()?.n).toBe(1);
    expect(old.prepare<[], { name: string }>('PRAGMA table_info(runs)').all().map((c) => c.name)).not.toContain('note');
    old.close();
  });

  it('0009 → 0010 adds the corpora table; its rows survive a later upgrade and its checks hold', () => {
    const file = path.join(tempDir(), 'v10.db');
    const db = new Database(file);
    migrate(db, migrationsDirWith(10));
    seeds[10]?.(db);
    db.close();
    const next = String(latest + 1).padStart(4, '0');
    const store = openStore(file, { migrationsDir: migrationsDirWith(latest, { [`${next}_later.sql`]: 'CREATE TABLE later (id INTEGER PRIMARY KEY);' }), now: () => 1_800_000_000_000 });
    try {
      expectSeedSurvived(store, 10);
      const c = store.createCorpus({ id: 'letters', name: 'Letters', sourcePath: '/l.txt', characters: 5, distinctCharacters: 3, contentHash: 'sha256:l', notes: '' });
      expect(c.createdAt).toBe(1_800_000_000_000);
      expect(store.listCorpora().map((x) => x.id)).toEqual(['poems', 'letters']);
      expect(() => store.createCorpus({ ...c, id: 'letters-2', name: 'LETTERS' })).toThrow(/UNIQUE/);
      expect(() => store.createCorpus({ ...c, id: 'Bad Id', name: 'Other' })).toThrow(/CHECK/);
      expect(() => store.createCorpus({ ...c, id: 'empty', name: 'Empty', characters: 0 })).toThrow(/CHECK/);
      expect(store.deleteCorpus('letters')).toBe(true);
      expect(store.deleteCorpus('letters')).toBe(false);
    } finally {
      store.close();
    }
  });

  it('0001 → 0002 on a populated file adds the datasets table, keeps every row, and the store uses it', () => {
    const file = path.join(tempDir(), 'v1-populated.db');
    const db = new Database(file);
    migrate(db, migrationsDirWith(1));
    seeds[1]?.(db);
    db.close();

    const store = openStore(file, { migrationsDir: migrationsDirWith(2), now: () => 1_800_000_000_000 });
    try {
      expect(store.schemaVersion()).toBe(2);
      expectSeedSurvived(store);
      expect(store.listDatasets()).toEqual([]);
      // The old run names MNIST, which has no row: runs.dataset_id has no foreign key.
      expect(store.runsUsingDataset('mnist')).toEqual([{ id: 1, status: 'done' }]);
      const d = store.createDataset({
        id: 'fashion', name: 'Fashion', kind: 'idx', sourcePath: '/usr/share/datasets/fashion-mnist', inputShape: [28, 28, 1],
        numClasses: 10, classNames: Array.from({ length: 10 }, (_, i) => String(i)), trainSize: 60000, testSize: 10000,
        contentHash: 'sha256:f', testFraction: null, splitSeed: null, notes: 'IDX files',
      });
      expect(d).toMatchObject({ id: 'fashion', createdAt: 1_800_000_000_000, inputShape: [28, 28, 1], testFraction: null });
      expect(store.listDatasets().map((x) => x.id)).toEqual(['fashion']);
      expect(() => store.createDataset({ ...d, id: 'fashion-2', name: 'FASHION' })).toThrow(/UNIQUE/);
      expect(() => store.createDataset({ ...d, id: 'Bad Id', name: 'Other' })).toThrow(/CHECK/);
      expect(() => store.createDataset({ ...d, id: 'ok', name: 'Other', inputShape: [28, 28, 2] })).toThrow(/CHECK/);
      expect(store.deleteDataset('fashion')).toBe(true);
      expect(store.deleteDataset('fashion')).toBe(false);
      expect(store.runsUsingDataset('mnist')).toEqual([{ id: 1, status: 'done' }]);
    } finally {
      store.close();
    }
    const backups = backupsOf(file);
    expect(backups).toHaveLength(1);
    const old = new Database(backups[0] ?? '', { readonly: true });
    expect(userVersion(old)).toBe(1);
    expect(tableNames(old)).not.toContain('datasets');
    old.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'runs_dataset'").get()?.name).toBe('runs_dataset');
    raw.close();
  });

  it('0002 → 0003 on a populated file keeps old architectures readable as classifiers and adds families, notes and forks', () => {
    const file = path.join(tempDir(), 'v2-populated.db');
    const db = new Database(file);
    migrate(db, migrationsDirWith(2));
    seeds[2]?.(db);
    // A second version of the old classifier, as 0001's schema wrote it.
    db.prepare('INSERT INTO architecture_versions (architecture_id, version, graph_json, created_at) VALUES (1, 2, ?, ?)')
      .run(JSON.stringify(sampleGraph('net', 20)), 1_700_000_000_500);
    db.close();

    const store = openStore(file, { migrationsDir: migrationsDirWith(3), now: () => 1_800_000_000_000 });
    try {
      expect(store.schemaVersion()).toBe(3);
      expect(store.getArchitecture(1)).toMatchObject({ family: 'classifier', version: 2, versionCount: 2, runCount: 0, architecture: sampleGraph('net', 20) });
      expect(store.getArchitecture(1, 1)).toMatchObject({ family: 'classifier', version: 1, runCount: 1, note: null, forkOf: null, architecture: sampleGraph('net') });
      expect(store.listArchitectureVersions(1).map((v) => [v.version, v.family, v.createdAt, v.runCount])).toEqual([
        [2, 'classifier', 1_700_000_000_500, 0], [1, 'classifier', 1_700_000_000_000, 1],
      ]);
      expect(store.listArchitectures({ family: 'classifier' }).map((a) => a.name)).toEqual(['net']);
      expect(store.listArchitectures({ family: 'vae' })).toEqual([]);

      // The old name stays a classifier; new families and forks work on the upgraded file.
      expect(() => store.saveArchitecture({ name: 'net', family: 'gan', architecture: sampleModel('net', 'gan') })).toThrow(/is a classifier architecture/);
      const v3 = store.saveArchitecture({ name: 'net', family: 'classifier', architecture: sampleGraph('net', 30), note: 'wider' });
      expect(v3).toMatchObject({ version: 3, note: 'wider', createdAt: 1_800_000_000_000 });
      const vae = store.saveArchitecture({ name: 'vae-net', family: 'vae', architecture: sampleModel('vae-net'), forkOf: { id: 1, version: 1 } });
      expect(store.getArchitecture(vae.id)).toMatchObject({ family: 'vae', version: 1, forkOf: { id: 1, version: 1 } });
    } finally {
      store.close();
    }
    const raw = new Database(file, { readonly: true });
    const columns = raw.prepare<[], { name: string; notnull: number }>('PRAGMA table_info(architecture_versions)').all();
    expect(columns.map((c) => c.name)).toEqual(['architecture_id', 'version', 'family', 'architecture_json', 'note', 'parent_architecture_id', 'parent_version', 'created_at']);
    expect(columns.find((c) => c.name === 'family')?.notnull).toBe(1);
    expect(raw.pragma('foreign_key_check')).toEqual([]);
    expect(raw.prepare('SELECT architecture_id, architecture_version FROM runs WHERE id = 1').get()).toEqual({ architecture_id: 1, architecture_version: 1 });
    raw.close();
    const backups = backupsOf(file);
    expect(backups).toHaveLength(1);
    const old = new Database(backups[0] ?? '', { readonly: true });
    expect(userVersion(old)).toBe(2);
    expect(old.prepare<[], { name: string }>('PRAGMA table_info(architecture_versions)').all().map((c) => c.name)).toContain('graph_json');
    old.close();
  });

  it('0003 → 0004 on a populated file drops the CHECK on family names, keeps every version, fork, index and the one-family trigger, and marks old run configs version 1', () => {
    const file = path.join(tempDir(), 'v3-populated.db');
    const db = new Database(file);
    migrate(db, migrationsDirWith(3));
    seeds[3]?.(db);
    const insertVersion = (d: Db, id: number, version: number, family: string): unknown => d.prepare(
      `INSERT INTO architecture_versions (architecture_id, version, family, architecture_json, note, parent_architecture_id, parent_version, created_at)
       VALUES (?, ?, ?, '{}', NULL, NULL, NULL, 1)`).run(id, version, family);
    db.prepare("INSERT INTO architectures (id, name, created_at) VALUES (3, 'new-family', 1)").run();
    expect(() => insertVersion(db, 3, 1, 'rbm')).toThrow(/CHECK/);
    const rows = (d: Db): unknown[] => d.prepare('SELECT * FROM architecture_versions ORDER BY architecture_id, version').all();
    const shape = (d: Db): unknown => ({
      columns: d.pragma('table_info(architecture_versions)'),
      foreignKeys: d.pragma('foreign_key_list(architecture_versions)'),
      objects: d.prepare("SELECT type, name FROM sqlite_master WHERE tbl_name = 'architecture_versions' ORDER BY type, name").all(),
    });
    const before = { rows: rows(db), shape: shape(db) };
    expect(before.rows).toHaveLength(2);
    db.close();

    const store = openStore(file, { migrationsDir: migrationsDirWith(4), now: () => 1_800_000_000_000 });
    try {
      expect(store.schemaVersion()).toBe(4);
      expectSeedSurvived(store, 3);
      // The store checks family names against the registry now.
      expect(() => store.saveArchitecture({ name: 'r', family: 'rbm' as 'vae', architecture: sampleModel('r') })).toThrow(/"rbm" is not a family with saved architectures/);
    } finally {
      store.close();
    }

    const raw = new Database(file);
    try {
      raw.pragma('foreign_keys = ON');
      expect(rows(raw)).toEqual(before.rows);
      expect(shape(raw)).toEqual(before.shape);
      expect(before.shape).toMatchObject({ objects: [
        { type: 'index', name: 'architecture_versions_parent' }, { type: 'table', name: 'architecture_versions' }, { type: 'trigger', name: 'architecture_versions_one_family' },
      ] });
      const tableSql = raw.prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'architecture_versions'").get()?.sql;
      expect(tableSql).not.toMatch(/family\s+TEXT\s+NOT NULL\s+CHECK/);
      // A family 0003's CHECK did not list is stored; the one-family trigger still holds.
      expect(() => insertVersion(raw, 3, 1, 'rbm')).not.toThrow();
      expect(() => insertVersion(raw, 3, 2, 'gan')).toThrow(/family mismatch/);
      expect(() => insertVersion(raw, 2, 2, 'gan')).toThrow(/family mismatch/);
      // Forks still point at their parent: deleting the parent's architecture clears the link.
      raw.prepare('DELETE FROM architectures WHERE id = 1').run();
      expect(raw.prepare('SELECT parent_architecture_id, parent_version FROM architecture_versions WHERE architecture_id = 2').get())
        .toEqual({ parent_architecture_id: null, parent_version: null });
      // Runs from before 0004 wrote version 1 of the config format; new ones the current version.
      // (New runs write the current version: test/unit/db/store.test.ts. The store's run queries need schema 6, so not here.)
      expect(raw.prepare('SELECT id, config_version FROM runs ORDER BY id').all()).toEqual([{ id: 1, config_version: 1 }]);
      const row = raw.prepare<[], { config_json: string; config_version: number }>('SELECT config_json, config_version FROM runs WHERE id = 1').get();
      expect(row && readRunConfig(row.config_json, row.config_version)).toEqual({ config: sampleConfig(0.01) });
      expect(() => raw.prepare('UPDATE runs SET config_version = 0 WHERE id = 1').run()).toThrow(/CHECK/);
      expect(raw.pragma('foreign_key_check')).toEqual([]);
    } finally {
      raw.close();
    }
    const backups = backupsOf(file);
    expect(backups).toHaveLength(1);
    const old = new Database(backups[0] ?? '', { readonly: true });
    expect(userVersion(old)).toBe(3);
    expect(old.prepare<[], { name: string }>('PRAGMA table_info(runs)').all().map((c) => c.name)).not.toContain('config_version');
    old.close();
  });

  it('0004 → 0005 on a populated file summarises every stored point as appendMetrics would have, and adds run tags', () => {
    type Point = { key: string; step: number; value: number; wallTime: number };
    const file = path.join(tempDir(), 'v4-populated.db');
    const db = new Database(file);
    migrate(db, migrationsDirWith(4));
    seeds[3]?.(db);
    // Runs 2 to 4 are copies of run 1 in another experiment, on another dataset; run 4 never logs a point.
    db.prepare("INSERT INTO experiments (id, name, description, created_at) VALUES (2, 'Sweep', '', 1800000000000)").run();
    for (const id of [2, 3, 4]) {
      db.prepare(`INSERT INTO runs (id, experiment_id, name, family, status, config_json, architecture_json, seed, dataset_id, dataset_hash, app_version, created_at)
                  SELECT ?, 2, name, family, status, config_json, architecture_json, seed, 'fashion', dataset_hash, app_version, created_at FROM runs WHERE id = 1`).run(id);
    }
    // The points are written with 0004's appendMetrics SQL: every point, and latest_metrics' step and value.
    const insertPoint = db.prepare<[number, string, number, number, number]>('INSERT INTO metrics (run_id, key, step, value, wall_time) VALUES (?, ?, ?, ?, ?)');
    const upsertLatest = db.prepare<[number, string, number, number]>(`
      INSERT INTO latest_metrics (run_id, key, step, value) VALUES (?, ?, ?, ?)
      ON CONFLICT (run_id, key) DO UPDATE SET step = excluded.step, value = excluded.value
      WHERE excluded.step >= latest_metrics.step`);
    const written: Record<number, Point[]> = {
      1: [{ key: 'loss', step: 1, value: 0.5, wallTime: 1_700_000_000_000 }, { key: 'loss', step: 2, value: 0.25, wallTime: 1_700_000_000_001 }],
      2: awkwardPoints(5, 30),
      3: awkwardPoints(8, 25),
    };
    for (const runId of [2, 3]) {
      for (const p of written[runId] ?? []) {
        insertPoint.run(runId, p.key, p.step, p.value, p.wallTime);
        upsertLatest.run(runId, p.key, p.step, p.value);
      }
    }
    // Points without a latest_metrics row (0004 never left any): the migration adds one, its latest point as appendMetrics keeps it.
    const orphans: Point[] = [{ key: 'kl', step: 4, value: 2, wallTime: 50 }, { key: 'kl', step: 4, value: Number.NaN, wallTime: 51 }, { key: 'kl', step: 1, value: -1, wallTime: 52 }];
    for (const p of orphans) insertPoint.run(3, p.key, p.step, p.value, p.wallTime);
    written[3]?.push(...orphans);
    db.close();

    // Through to the latest schema: 0007 then finds where each extreme was reached in the summaries 0005 wrote.
    const store = openStore(file, { migrationsDir: sourceMigrationsDir });
    try {
      expect(store.schemaVersion()).toBe(latest);
      expectSeedSurvived(store, 3);
      const summaries = store.metricSummaries([1, 2, 3, 4]);
      for (const runId of [1, 2, 3]) expect(summaries.get(runId)).toEqual(expectedStoreSummaries(written[runId] ?? []));
      expect(summaries.get(4)).toEqual({});
      expect(summaries.get(3)?.['kl']).toEqual({ last: Number.NaN, lastStep: 4, min: -1, max: 2, count: 3, nonFinite: 1, minStep: 1, maxStep: 4 });
      // New points carry on from the summaries the migration wrote.
      const more = [{ key: 'loss', step: 31, value: -3, wallTime: 9_000 }, { key: 'loss', step: 32, value: Number.NaN, wallTime: 9_001 }] as const;
      store.appendMetrics(2, more);
      written[2]?.push(...more);
      expect(store.metricSummaries([2]).get(2)).toEqual(expectedStoreSummaries(written[2] ?? []));
      expect(store.setRunTags(4, ['migrated'])).toEqual(['migrated']);
    } finally {
      store.close();
    }

    // The same points through appendMetrics on a new file leave the same rows, wall times included.
    const fresh = openStore(path.join(tempDir(), 'fresh.db'));
    const expectedRows: Record<number, unknown> = {};
    try {
      const exp = fresh.ensureExperiment('E');
      for (const runId of [1, 2, 3]) {
        const run = fresh.createRun(sampleRun(exp.id));
        fresh.appendMetrics(run.id, (written[runId] ?? []).map((p) => ({ ...p, key: p.key as 'loss' })));
      }
    } finally {
      fresh.close();
    }
    const freshRaw = new Database(fresh.path, { readonly: true });
    for (const runId of [1, 2, 3]) expectedRows[runId] = readStoredSummaries(freshRaw, runId);
    freshRaw.close();
    const raw = new Database(file, { readonly: true });
    try {
      for (const runId of [1, 2, 3]) {
        expect(readStoredSummaries(raw, runId)).toEqual(expectedSummaries(written[runId] ?? []));
        expect(readStoredSummaries(raw, runId)).toEqual(expectedRows[runId]);
      }
      expect(raw.prepare("SELECT type, name FROM sqlite_master WHERE tbl_name = 'run_tags' ORDER BY type, name").all())
        // 0012's triggers count a tag change as a change of its run.
        .toEqual([{ type: 'index', name: 'run_tags_tag' }, { type: 'table', name: 'run_tags' },
          { type: 'trigger', name: 'run_tags_revision_on_delete' }, { type: 'trigger', name: 'run_tags_revision_on_insert' }]);
      expect(raw.pragma('foreign_key_check')).toEqual([]);
    } finally {
      raw.close();
    }
    const backups = backupsOf(file);
    expect(backups).toHaveLength(1);
    const old = new Database(backups[0] ?? '', { readonly: true });
    expect(userVersion(old)).toBe(4);
    expect(tableNames(old)).not.toContain('run_tags');
    old.close();
  });

  it('0005 → 0006 on a populated file gives every run empty notes, no star and no archive, and the store annotates them', () => {
    const file = path.join(tempDir(), 'v5-populated.db');
    const db = new Database(file);
    migrate(db, migrationsDirWith(5));
    seeds[5]?.(db);
    db.prepare("INSERT INTO run_tags (run_id, tag) VALUES (1, 'baseline')").run();
    const before = db.prepare('SELECT * FROM runs ORDER BY id').all();
    db.close();

    const store = openStore(file, { migrationsDir: migrationsDirWith(6) });
    try {
      expect(store.schemaVersion()).toBe(6);
      expect(store.runTags([1]).get(1)).toEqual(['baseline']);
      store.setRunTags(1, []);
      expectSeedSurvived(store, 5);
      // The store's run reads need schema 8 (origin_run_id): the annotations are read back raw here.
      const annotations = (): unknown => {
        const peek = new Database(file, { readonly: true });
        try {
          return peek.prepare('SELECT name, notes, starred, archived, status FROM runs WHERE id = 1').get();
        } finally {
          peek.close();
        }
      };
      expect(store.updateRun(1, { name: 'renamed', notes: 'line one\nline **two**', starred: true })).toBe(true);
      expect(annotations()).toEqual({ name: 'renamed', notes: 'line one\nline **two**', starred: 1, archived: 0, status: 'done' });
      expect(store.updateRun(1, { archived: true })).toBe(true);
      expect(annotations()).toMatchObject({ name: 'renamed', starred: 1, archived: 1 });
      expect(store.updateRun(99, { starred: true })).toBe(false);
    } finally {
      store.close();
    }
    const raw = new Database(file);
    try {
      const after = raw.prepare<[], Record<string, unknown>>('SELECT * FROM runs ORDER BY id').all();
      expect(after.map(({ notes: _n, starred: _s, archived: _a, name: _name, ...rest }) => rest))
        .toEqual(before.map((r) => { const { name: _name, ...rest } = r as Record<string, unknown>; return rest; }));
      expect(() => raw.prepare('UPDATE runs SET starred = 2').run()).toThrow(/CHECK/);
      expect(raw.pragma('foreign_key_check')).toEqual([]);
    } finally {
      raw.close();
    }
    const old = new Database(backupsOf(file)[0] ?? '', { readonly: true });
    expect(userVersion(old)).toBe(5);
    expect(old.prepare<[], { name: string }>('PRAGMA table_info(runs)').all().map((c) => c.name)).not.toContain('notes');
    old.close();
  });

  it('0007 → 0008 on a populated file gives every run no origin, links a reproduction, and deleting the origin keeps it', () => {
    const file = path.join(tempDir(), 'v7-populated.db');
    const db = new Database(file);
    migrate(db, migrationsDirWith(7));
    seeds[7]?.(db);
    const before = db.prepare('SELECT * FROM runs ORDER BY id').all();
    db.close();

    // Opened at the latest schema: the store writes columns of later migrations (0012's owner).
    const store = openStore(file);
    try {
      expect(store.schemaVersion()).toBe(latest);
      expectSeedSurvived(store, 7);
      const origin = store.getRun(1)!;
      expect(origin.originRunId).toBeNull();
      const { id: _id, status: _s, createdAt: _c, startedAt: _st, endedAt: _e, backend: _b, error: _er, configError: _ce, notes: _n, starred: _sr, archived: _a, originRunId: _o, config, ...rest } = origin;
      const copy = store.createRun({ ...rest, config: config!, params: {}, originRunId: 1 });
      expect(store.getRun(copy.id)?.originRunId).toBe(1);
      expect(store.reproductionsOf(1)).toEqual([copy.id]);
      expect(store.deleteRun(1)).toBe(true);
      expect(store.getRun(copy.id)?.originRunId).toBeNull();
      expect(store.reproductionsOf(1)).toEqual([]);
    } finally {
      store.close();
    }
    const raw = new Database(file);
    try {
      const columns = raw.prepare<[], { name: string }>('PRAGMA table_info(runs)').all().map((c) => c.name);
      expect(columns).toContain('origin_run_id');
      expect(raw.prepare<[], { table: string; from: string; on_delete: string }>('PRAGMA foreign_key_list(runs)').all())
        .toContainEqual(expect.objectContaining({ table: 'runs', from: 'origin_run_id', on_delete: 'SET NULL' }));
      expect(raw.pragma('foreign_key_check')).toEqual([]);
    } finally {
      raw.close();
    }
    expect(before.length).toBe(1);
  });

  it('0008 → 0009 on a populated file adds saved views, one name per scope (the all-runs scope too), cascading from experiments', () => {
    const file = path.join(tempDir(), 'v8-populated.db');
    const db = new Database(file);
    migrate(db, migrationsDirWith(8));
    seeds[7]?.(db);
    db.prepare("UPDATE runs SET notes = 'kept', starred = 1 WHERE id = 1").run();
    db.close();

    const store = openStore(file, { migrationsDir: migrationsDirWith(9), now: () => 1_800_000_000_000 });
    const state = { version: 1 as const, filter: 'params.learningRate < 0.1', table: defaultRunsTableState(), compare: { smooth: '0.6' } };
    try {
      expect(store.schemaVersion()).toBe(9);
      expect(store.listSavedViews(1)).toEqual([]);
      const a = store.saveView(1, 'sweep', state);
      expect(a).toEqual({ id: a.id, experimentId: 1, name: 'sweep', state, createdAt: 1_800_000_000_000, updatedAt: 1_800_000_000_000 });
      const all = store.saveView(null, 'sweep', state);
      // Saving a taken name in the all-runs scope replaces that view: NULL scopes are one scope.
      const again = store.saveView(null, 'sweep', { ...state, filter: '' });
      expect(again.id).toBe(all.id);
      expect(store.listSavedViews(null).map((v) => [v.id, v.state.filter])).toEqual([[all.id, '']]);
      expect(store.listSavedViews(undefined).map((v) => v.experimentId).sort()).toEqual([1, null].sort());
    } finally {
      store.close();
    }
    const raw = new Database(file);
    try {
      raw.pragma('foreign_keys = ON');
      // Read raw: the store's run queries read columns later migrations add (runs.wasm_threads, 0015).
      expect(raw.prepare('SELECT notes, starred FROM runs WHERE id = 1').get()).toEqual({ notes: 'kept', starred: 1 });
      expect(() => raw.prepare("INSERT INTO saved_views (experiment_id, name, state_json, created_at, updated_at) VALUES (NULL, 'sweep', '{}', 1, 1)").run()).toThrow(/UNIQUE/);
      expect(() => raw.prepare("INSERT INTO saved_views (experiment_id, name, state_json, created_at, updated_at) VALUES (42, 'x', '{}', 1, 1)").run()).toThrow(/FOREIGN KEY/);
      raw.prepare('DELETE FROM experiments WHERE id = 1').run();
      expect(raw.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM saved_views WHERE experiment_id IS NOT NULL').get()?.n).toBe(0);
      expect(raw.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM saved_views WHERE experiment_id IS NULL').get()?.n).toBe(1);
    } finally {
      raw.close();
    }
    const old = new Database(backupsOf(file)[0] ?? '', { readonly: true });
    expect(userVersion(old)).toBe(8);
    old.close();
  });

  it('rolls back a failing migration and leaves the version where it was', () => {
    const file = path.join(tempDir(), 'fail.db');
    openStore(file, { migrationsDir: migrationsDirWith(latest) }).close();
    const next = String(latest + 1).padStart(4, '0');
    const dir = migrationsDirWith(latest, {
      [`${next}_broken.sql`]: 'CREATE TABLE half_done (x INTEGER);\nINSERT INTO no_such_table VALUES (1);',
    });
    expect(() => openStore(file, { migrationsDir: dir })).toThrow(/no_such_table/);
    const db = new Database(file, { readonly: true });
    expect(userVersion(db)).toBe(latest);
    expect(tableNames(db)).not.toContain('half_done');
    db.close();
  });

  it('refuses a file written by a newer schema, and leaves it untouched', () => {
    const file = path.join(tempDir(), 'future.db');
    openStore(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${latest + 5}`);
    raw.close();
    const before = fs.readFileSync(file);

    expect(() => openStore(file, { appVersion: '0.1.0' }))
      .toThrow(new RegExp(`schema version ${latest + 5}, newer than the latest this app knows \\(${latest}\\)`));
    expect(() => openStore(file)).toThrow(/newer Latent Workbench/);
    expect(backupsOf(file)).toEqual([]);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
});
