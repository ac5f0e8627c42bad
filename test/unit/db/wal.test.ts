import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CHECKPOINT_EVERY_BATCHES, openStore } from '../../../db/openStore';
import type { MetricPoint } from '../../../workers/common/protocol';
import { removeTempDirs, sampleGraph, sampleRun, tempDir } from './helpers';

afterEach(removeTempDirs);

function walSize(file: string): number {
  const wal = `${file}-wal`;
  return fs.existsSync(wal) ? fs.statSync(wal).size : 0;
}

function batch(step: number): MetricPoint[] {
  return [
    { key: 'loss', step, value: 1 / step, wallTime: step },
    { key: 'accuracy', step, value: step / 1000, wallTime: step },
  ];
}

describe('WAL upkeep', () => {
  it('opens in WAL mode with the connection settings applied', () => {
    const store = openStore(path.join(tempDir(), 'w.db'));
    store.close();
    const raw = new Database(store.path);
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });

  it('checkpointWal truncates the -wal file to zero bytes', () => {
    const store = openStore(path.join(tempDir(), 'w.db'));
    try {
      const run = store.createRun(sampleRun(store.ensureExperiment('Default').id));
      for (let step = 1; step <= 20; step++) store.appendMetrics(run.id, batch(step));
      expect(walSize(store.path)).toBeGreaterThan(0);
      store.checkpointWal();
      expect(walSize(store.path)).toBe(0);
      // Still readable and writable after the checkpoint.
      store.appendMetrics(run.id, batch(21));
      expect(store.getMetrics(run.id, ['loss'])[0]?.steps).toHaveLength(21);
    } finally {
      store.close();
    }
  });

  it('checkpoints by itself every few metric batches', () => {
    const store = openStore(path.join(tempDir(), 'w.db'));
    try {
      const run = store.createRun(sampleRun(store.ensureExperiment('Default').id));
      store.checkpointWal();
      for (let step = 1; step < CHECKPOINT_EVERY_BATCHES; step++) store.appendMetrics(run.id, batch(step));
      expect(walSize(store.path)).toBeGreaterThan(0);
      store.appendMetrics(run.id, batch(CHECKPOINT_EVERY_BATCHES));
      expect(walSize(store.path)).toBe(0);
      expect(store.latestMetrics([run.id]).get(run.id)).toEqual({ loss: 1 / CHECKPOINT_EVERY_BATCHES, accuracy: CHECKPOINT_EVERY_BATCHES / 1000 });
    } finally {
      store.close();
    }
  });
});

describe('persistence', () => {
  it('keeps everything after close and reopen', () => {
    const file = path.join(tempDir(), 'p.db');
    const first = openStore(file);
    const exp = first.createExperiment('Kept', 'across restarts');
    const run = first.createRun(sampleRun(exp.id));
    first.markRunStarted(run.id, 'cpu', 50);
    first.appendMetrics(run.id, [{ key: 'loss', step: 1, value: Number.NaN, wallTime: 1 }, ...batch(2)]);
    first.appendLog(run.id, 'info', 'started', 51);
    first.addArtifact(run.id, 'checkpoint', 2, 'runs/1/ckpt', { epoch: 1, step: 2 });
    const arch = first.saveArchitecture({ name: 'kept-net', family: 'classifier', architecture: sampleGraph() });
    first.setSetting('maxConcurrentRuns', '2');
    first.close();
    first.close(); // closing twice is harmless
    expect(fs.existsSync(`${file}-wal`)).toBe(false);

    const second = openStore(file);
    try {
      // Its last activity: the run's start (it has not ended).
      expect(second.listExperiments()).toEqual([{ ...exp, runCount: 1, lastActivityAt: 50 }]);
      expect(second.getRun(run.id)).toMatchObject({ status: 'running', backend: 'cpu', startedAt: 50 });
      expect(second.interruptStaleRuns(60)).toEqual([run.id]);
      const loss = second.getMetrics(run.id, ['loss'])[0];
      expect(loss?.steps).toEqual([1, 2]);
      expect(Number.isNaN(loss?.values[0])).toBe(true);
      expect(loss?.values[1]).toBe(0.5);
      expect(second.getLogs(run.id).map((l) => l.message)).toEqual(['started']);
      expect(second.latestCheckpoint(run.id)).toMatchObject({ dir: 'runs/1/ckpt', epoch: 1, step: 2 });
      expect(second.getArchitecture(arch.id)?.name).toBe('kept-net');
      expect(second.getSetting('maxConcurrentRuns')).toBe('2');
    } finally {
      second.close();
    }
  });
});
