/**
 * The start-up sweep of <data>/datasets on real folders and a real SQLite
 * file: a folder the user put there survives (whatever its name and age);
 * a folder the app marked for an import whose owner process is dead, or whose
 * marker is older than an hour, is removed; a marked folder whose owner lives
 * is kept; a recorded dataset whose marker was left by a crash keeps its files
 * and loses only the marker; a finished import leaves no marker.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../db/openStore';
import type { Store } from '../../../db/storeTypes';
import type { DatasetInfo } from '../../../main/common/domain';
import { DatasetService } from '../../../main/services/datasetService';
import { inProcessImport } from '../../../main/services/importWorkerHost';
import { IMPORT_MARKER, readImportMarker, type ImportMarker } from '../../../main/services/importMarker';
import { writeFlatFolder } from '../../helpers/datasetFixtures';
import { tempDir } from '../../helpers/tempDir';

const made: string[] = [];
afterAll(() => { for (const d of made) fs.rmSync(d, { recursive: true, force: true }); });

function temp(): string {
  const d = tempDir('latent-sweep-');
  made.push(d);
  return d;
}

/** The pid of a process that has exited (spawned, waited for): dead on this host. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  if (r.pid === undefined) throw new Error('could not spawn a process');
  return r.pid;
}

function mark(dir: string, m: Partial<ImportMarker>): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'train-images.idx3-ubyte'), 'x');
  const full: ImportMarker = { kind: 'import', datasetId: path.basename(dir), pid: deadPid(), host: os.hostname(), startedAt: Date.now(), ...m };
  fs.writeFileSync(path.join(dir, IMPORT_MARKER), JSON.stringify(full));
}

function hoursAgo(dir: string, h: number): void {
  const t = new Date(Date.now() - h * 3600_000);
  fs.utimesSync(dir, t, t);
}

describe('the start-up sweep of imported-dataset folders', () => {
  it('keeps the user\'s own folders and removes only abandoned folders the app marked', () => {
    const data = temp();
    const root = path.join(data, 'datasets');
    // The user's: names the old sweep took as leftovers, two hours old, no marker.
    for (const n of ['my-photos', '.import-mine-abc', '.download-x-1']) {
      fs.mkdirSync(path.join(root, n), { recursive: true });
      fs.writeFileSync(path.join(root, n, 'keep.png'), 'mine');
      hoursAgo(path.join(root, n), 2);
    }
    // A marker that is not ours (no pid): the folder is not ours either.
    fs.mkdirSync(path.join(root, 'odd'));
    fs.writeFileSync(path.join(root, 'odd', IMPORT_MARKER), 'hello');
    mark(path.join(root, 'crashed-import'), {});
    mark(path.join(root, '.import-staged-Xy12'), { datasetId: 'staged' });
    mark(path.join(root, '.download-fashion-Q1'), { kind: 'download', datasetId: null });
    // A live owner's (a sleeping child), recent: another process is importing right now.
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      mark(path.join(root, 'being-imported'), { pid: live.pid! });
      // A live pid but an hour-old marker: the pid was reused after a crash.
      mark(path.join(root, 'reused-pid'), { pid: live.pid!, startedAt: Date.now() - 61 * 60_000 });
      // Another host's, recent: its pid means nothing here, so only age counts.
      mark(path.join(root, 'other-host'), { host: `${os.hostname()}-elsewhere` });
      const store = openStore(path.join(data, 'workbench.sqlite'));
      try {
        new DatasetService(store, data);
      } finally {
        store.close();
      }
    } finally {
      live.kill();
    }
    expect(fs.readdirSync(root).sort()).toEqual(['.download-x-1', '.import-mine-abc', 'being-imported', 'my-photos', 'odd', 'other-host']);
    expect(fs.readFileSync(path.join(root, 'my-photos', 'keep.png'), 'utf8')).toBe('mine');
  });

  /** 20 digits imported from a flat folder into a fresh data folder (in process): what the next start finds. */
  async function importedDigits(): Promise<{ data: string; store: Store; info: DatasetInfo; folder: string }> {
    const data = temp();
    const source = temp();
    writeFlatFolder(source, 20);
    const store = openStore(path.join(data, 'workbench.sqlite'));
    const service = new DatasetService(store, data, undefined, { runImport: inProcessImport });
    const info = await service.import({ name: 'Digits', kind: 'image-folder', path: source, testFraction: 0.25, seed: 1 });
    return { data, store, info, folder: service.folderOf(info.id) };
  }

  it('a finished import leaves no marker; a recorded dataset\'s stray marker is cleared, its files kept', async () => {
    const { data, store, info, folder } = await importedDigits();
    try {
      expect(fs.existsSync(path.join(folder, IMPORT_MARKER))).toBe(false);
      // A crash between recording the row and removing the marker: the marker stays, owner dead.
      mark(folder, { datasetId: info.id });
      expect(readImportMarker(folder)?.datasetId).toBe(info.id);
      const again = new DatasetService(store, data);
      expect(fs.existsSync(path.join(folder, IMPORT_MARKER))).toBe(false);
      expect(again.list().map((d) => d.id)).toContain(info.id);
      expect(again.images(info.id, 'train', [0])).toHaveLength(1);
    } finally {
      store.close();
    }
  });

  it('a removal that stopped after deleting the row leaves a marked folder the next start removes', async () => {
    const { data, store, info, folder } = await importedDigits();
    try {
      // What remove() does before its crash point: mark (by a now-dead owner), delete the row.
      mark(folder, { kind: 'remove', datasetId: info.id });
      store.deleteDataset(info.id);
      new DatasetService(store, data);
      expect(fs.existsSync(folder)).toBe(false);
    } finally {
      store.close();
    }
  });
});
