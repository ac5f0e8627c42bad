/**
 * Migration 0012 and db/queries/changes.ts: two stores on one file, as two
 * processes would have them. What one commits, the other reads once from its
 * cursor; its own rows it never reads back; a live owner's runs are not
 * taken for a crash's.
 */
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../db/openStore';
import type { Store } from '../../../db/storeTypes';
import { migrationsDirWith, removeTempDirs, sampleRun, tempDir } from './helpers';

afterEach(removeTempDirs);

const opened: Store[] = [];
afterEach(() => { for (const s of opened.splice(0)) s.close(); });

function two(): [Store, Store] {
  const file = path.join(tempDir(), 'workbench.sqlite');
  const a = openStore(file);
  const b = openStore(file);
  opened.push(a, b);
  return [a, b];
}

describe('change tracking (0012)', () => {
  it('0011 → 0012 on a populated file: old runs have no owner and revision 0; the next change of one is revision 1', () => {
    const file = path.join(tempDir(), 'v11.sqlite');
    const old = openStore(file, { migrationsDir: migrationsDirWith(11) });
    const exp = old.createExperiment('before', '').id;
    old.close();
    const raw = new Database(file);
    raw.prepare(`INSERT INTO runs (experiment_id, name, family, config_json, architecture_json, seed, dataset_id, dataset_hash, app_version, created_at)
      VALUES (?, 'old', 'classifier', '{}', '{}', 1, 'mnist', 'sha256:x', '0.0.0', 0)`).run(exp);
    raw.close();
    const store = openStore(file);
    opened.push(store);
    const check = new Database(file, { readonly: true });
    try {
      expect(check.prepare('SELECT revision, owner FROM runs').all()).toEqual([{ revision: 0, owner: null }]);
      expect(store.changeCursor().revision).toBe(0);
      store.updateRun(1, { notes: 'after' });
      expect(check.prepare('SELECT revision FROM runs').all()).toEqual([{ revision: 1 }]);
      expect(store.changeCursor().revision).toBe(1);
    } finally {
      check.close();
    }
  });

  it('B reads what A committed once, with A\'s points, logs and artifacts; A reads none of its own rows', () => {
    const [a, b] = two();
    const cursorA = a.changeCursor();
    const cursorB = b.changeCursor();
    const versionB = b.dataVersion();
    const exp = a.createExperiment('e', '').id;
    const run = a.createRun(sampleRun(exp)).id;
    a.appendMetrics(run, [{ key: 'loss', step: 1, value: 2, wallTime: 10 }, { key: 'loss', step: 2, value: Number.NaN, wallTime: 11 }]);
    const line = a.appendLog(run, 'info', 'hello', 12);
    const art = a.addArtifact(run, 'samples', 2, 'runs/1/x.png', { cols: 1 });
    expect(b.dataVersion()).not.toBe(versionB);

    const seen = b.changesSince(cursorB);
    expect(seen.changedRuns).toEqual([run]);
    expect(seen.deletedRuns).toEqual([]);
    expect(seen.metrics).toHaveLength(1);
    expect(seen.metrics[0]?.runId).toBe(run);
    expect(seen.metrics[0]?.points.map((p) => [p.key, p.step, p.value])).toEqual([['loss', 1, 2], ['loss', 2, Number.NaN]]);
    expect(seen.logs).toEqual([line]);
    expect(seen.artifacts.map((x) => [x.id, x.kind, x.meta])).toEqual([[art.id, 'samples', { cols: 1 }]]);
    // From the new cursor nothing is new; A's own rows are A's: only the run's revision.
    const again = b.changesSince(seen.cursor);
    expect([again.changedRuns, again.metrics, again.logs, again.artifacts]).toEqual([[], [], [], []]);
    const own = a.changesSince(cursorA);
    expect([own.changedRuns, own.metrics, own.logs, own.artifacts]).toEqual([[run], [], [], []]);
  });

  it('a tag change and a delete are run changes; an annotation by B is read by A', () => {
    const [a, b] = two();
    const exp = a.createExperiment('e', '').id;
    const run = a.createRun(sampleRun(exp)).id;
    const cursor = a.changeCursor();
    b.setRunTags(run, ['x']);
    const tagged = a.changesSince(cursor);
    expect(tagged.changedRuns).toEqual([run]);
    b.deleteRun(run);
    const gone = a.changesSince(tagged.cursor);
    expect(gone).toMatchObject({ changedRuns: [], deletedRuns: [run] });
  });

  it('a run whose owner is open is not interrupted by another opening; after its store closes it is', () => {
    const [a, b] = two();
    const exp = a.createExperiment('e', '').id;
    const run = a.createRun(sampleRun(exp)).id;
    a.setRunStatus(run, 'running', null);
    expect(b.ownerRule()(a.owner)).toBe(false);
    expect(b.interruptStaleRuns(1, b.ownerRule())).toEqual([]);
    expect(b.getRun(run)?.status).toBe('running');
    a.close();
    // Closing released a's lease: no lease, gone (db/runOwner.ts ownerRule).
    expect(b.ownerRule()(a.owner)).toBe(true);
    expect(b.interruptStaleRuns(2, b.ownerRule())).toEqual([run]);
    expect(b.getRun(run)).toMatchObject({ status: 'interrupted', endedAt: 2 });
  });
});
