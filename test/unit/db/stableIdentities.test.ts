/**
 * Migration 0011: runs and experiments stored before it get distinct
 * version-4 uuids, and rows inserted after it get one without naming it.
 */
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../db/openStore';
import { migrationsDirWith, sampleRun } from './helpers';
import { tempDir } from '../../helpers/tempDir';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('0011 stable identities', () => {
  it('backfills distinct uuids on an upgrade and gives new runs one', () => {
    const file = path.join(tempDir(), 'workbench.sqlite');
    const old = openStore(file, { migrationsDir: migrationsDirWith(10) });
    const exp = old.createExperiment('before', '').id;
    old.close();
    // Rows as a version-10 app wrote them (today's store writes columns of later migrations).
    const raw = new Database(file);
    const insert = raw.prepare(`INSERT INTO runs (experiment_id, name, family, config_json, architecture_json, seed, dataset_id, dataset_hash, app_version, created_at)
      VALUES (?, ?, 'classifier', '{}', '{}', 1, 'mnist', 'sha256:x', '0.0.0', 0)`);
    const before = [1, 2, 3].map((i) => Number(insert.run(exp, `r${i}`).lastInsertRowid));
    raw.close();
    const store = openStore(file);
    try {
      expect(store.schemaVersion()).toBeGreaterThanOrEqual(11);
      const uuids = before.map((id) => store.runUuid(id));
      for (const u of uuids) expect(u).toMatch(UUID_V4);
      expect(new Set(uuids).size).toBe(3);
      const fresh = store.createRun(sampleRun(exp, { name: 'after' })).id;
      expect(store.runUuid(fresh)).toMatch(UUID_V4);
      expect(uuids).not.toContain(store.runUuid(fresh));
    } finally {
      store.close();
    }
  });
});
