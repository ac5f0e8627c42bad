/**
 * A full disk during training, injected for real, through the real services,
 * worker threads (wasm) and SQLite; nothing of ours is mocked.
 *
 * - The database fills during metrics: PRAGMA max_page_count on the app's own
 *   connection (handed to the test by createServices' onConnection), set to
 *   the pages in use once run A has stored points. SQLite then answers every
 *   write that needs a new page with SQLITE_FULL, exactly as on a full disk.
 *   Two runs train at once (MNIST 500 train / 100 test, MLP, batch 10,
 *   seed 7 and 8); both share the connection, so both fail with "Disk full"
 *   — each recorded, the test's process (the server) still up. A status
 *   write that itself needs new pages is kept in memory and shown; after the
 *   limit is raised (space freed) the retry timer writes it, and a third run
 *   trains to the end.
 * - An artifact write fails with ENOSPC: the checkpoint's weights file of
 *   run 1's first epoch, or its first filters PNG, is a symlink to /dev/full,
 *   whose writes fail with ENOSPC (no root, no mount needed; the worker's
 *   chmod after the write is never reached). The run fails with "Disk full".
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices, type AppServices } from '../../main/services/appServices';
import type { Db } from '../../db/sqlite';
import { mlpConfig } from '../helpers/configs';
import { requireBuilt, tempDir } from '../helpers/tempDir';

const config = (seed: number, epochs: number) => mlpConfig({ epochs, batchSize: 10, seed }, { trainSize: 500, testSize: 100 });
let services: AppServices | undefined;
afterEach(async () => { await services?.close(); services = undefined; });

/** The run's row as SQLite has it, read on a connection of its own (not the app's in-memory overlay). */
function storedStatus(dataDir: string, runId: number): { status: string; error: string | null } {
  const db = new Database(path.join(dataDir, 'workbench.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT status, error FROM runs WHERE id = ?').get(runId) as { status: string; error: string | null };
  } finally {
    db.close();
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  for (let waited = 0; !check(); waited += 100) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a full disk fails the runs, not the server', () => {
  it('SQLITE_FULL during metrics: both runs fail with "Disk full", statuses kept then written once space is back, the next run trains', async () => {
    requireBuilt();
    const dataDir = tempDir();
    let conn: Db | undefined;
    const s = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' }, watchOtherProcesses: false, onConnection: (db) => { conn = db; } });
    services = s;
    s.settings.update({ maxConcurrentRuns: 2 });
    const experimentId = s.experiments.create('disk full', '').id;
    const a = s.runs.start(experimentId, config(7, 30)).id;
    const b = s.runs.start(experimentId, config(8, 30)).id;
    let pointsOfA = 0;
    s.events.on('runs.onDidLogMetrics', (p) => { if (p.runId === a) pointsOfA += p.points.length; });
    await until(() => pointsOfA >= 20, 'run A\'s first points');
    const pages = Number(conn!.pragma('page_count', { simple: true }));
    conn!.pragma(`max_page_count = ${pages}`);

    await expect(s.runs.waitForEnd(a)).resolves.toBe('failed');
    await expect(s.runs.waitForEnd(b)).resolves.toBe('failed');
    for (const id of [a, b]) {
      const summary = s.runs.summary(id);
      expect(summary.status).toBe('failed');
      expect(summary.error).toMatch(new RegExp(`^Disk full: the disk holding the data folder ${dataDir} has no space left`));
      // The message counts what was stored: the points SQLite holds for the run.
      const stored = s.runs.metrics(id).reduce((n, series) => n + series.steps.length, 0);
      expect(summary.error).toContain(`Kept: ${stored.toLocaleString('en-US')} metric point`);
      expect(s.runs.detail(id).error).toBe(summary.error);
    }
    expect(s.runs.list({}).map((r) => r.status)).toEqual(['failed', 'failed']);

    // A status write that itself needs new pages (a message of 20,000 characters: 5 pages of 4 KiB) is refused by
    // SQLite while full: the app keeps it in memory and shows it, and writes it once there is room again.
    const long = `${s.runs.summary(b).error ?? ''} ${'(detail) '.repeat(2200)}`;
    s.store.setRunStatus(b, 'failed', long);
    expect(storedStatus(dataDir, b).error).not.toBe(long);
    expect(s.runs.summary(b).error).toBe(long);
    expect(s.runs.detail(b).error).toBe(long);

    conn!.pragma('max_page_count = 1073741823');
    await until(() => storedStatus(dataDir, b).error === long, 'the retried status write');
    for (const id of [a, b]) expect(storedStatus(dataDir, id)).toEqual({ status: 'failed', error: s.runs.summary(id).error });

    const c = s.runs.start(experimentId, config(9, 1)).id;
    await expect(s.runs.waitForEnd(c)).resolves.toBe('done');
  });

  // The first run of a new folder is run 1: 450 training images (10% held out for validation) in batches of 10 are 45 steps an epoch.
  it.each([
    // The epoch's filters PNG is written before its checkpoint: 1 artifact kept when the checkpoint fails, 0 when the PNG does.
    ['a checkpoint', path.join('checkpoints', 'epoch-0001', 'weights.bin.tmp'), 'up to step 45 and 1 artifact.'],
    ['a sample PNG (the first layer\'s filters)', path.join('gallery', 'filters', 'step-0000045.png'), 'up to step 45 and 0 artifacts.'],
  ])('ENOSPC on %s (its file a symlink to /dev/full): the run fails with "Disk full" and the worker\'s words', async (_what, file, kept) => {
    requireBuilt();
    const dataDir = tempDir();
    const target = path.join(dataDir, 'runs', '1', file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.symlinkSync('/dev/full', target);
    const s = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' }, watchOtherProcesses: false });
    services = s;
    const id = s.runs.start(s.experiments.create('enospc', '').id, config(7, 2)).id;
    expect(id).toBe(1);
    await expect(s.runs.waitForEnd(id)).resolves.toBe('failed');
    const error = s.runs.summary(id).error ?? '';
    expect(error).toMatch(/^Disk full: the disk holding the data folder .* a checkpoint or sample image could not be written/);
    expect(error).toContain(kept);
    expect(error).toMatch(/\(The worker said: ENOSPC: no space left on device, write\)$/);
    expect(storedStatus(dataDir, id)).toEqual({ status: 'failed', error });
  });
});
