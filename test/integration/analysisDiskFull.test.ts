/**
 * A full disk during an analysis fails that analysis, saying so, and nothing
 * else: real faults through the real services, worker thread (wasm) and
 * SQLite. The run analysed is a PCA fit (MNIST 500 train / 100 test, k = 5;
 * closed form, its seed 0 never read), whose reconstruction analysis takes a
 * fraction of a second.
 *
 * - The artifact's row: PRAGMA max_page_count on the app's own connection
 *   (createServices' onConnection) set to the pages in use, as in
 *   diskFull.test.ts. Each analysis's row fills the last page further; the
 *   first one that needs a new page is refused by SQLite with SQLITE_FULL, as
 *   on a full disk. That analysis is a 409 naming the disk, its file (written
 *   by the worker before the row) is removed, the rows before it stay, the
 *   services keep answering, and once the limit is raised (space freed) the
 *   same analysis succeeds.
 * - The worker's file: a really full disk, a 4 MiB tmpfs filled with dd
 *   inside `unshare -Urm` (the recipe of readOnlyStart.test.ts), the built
 *   services opened on it while it still had room. The worker's PNG write
 *   fails with ENOSPC; the analysis is a 409 with the disk-full sentence and
 *   the worker's words. After the filler is removed the analysis succeeds.
 *   Skipped, saying so, where user namespaces are refused.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createServices, type AppServices } from '../../main/services/appServices';
import { dispatch } from '../../main/services/dispatch';
import type { Db } from '../../db/sqlite';
import { runConfigSchema } from '../../workers/common/runConfig';
import { canMountPrivateTmpfs } from '../helpers/fullDiskServe';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

const pcaConfig = runConfigSchema.parse({ family: 'pca', dataset: { id: 'mnist', trainSize: 500, testSize: 100 }, hyper: { components: 5, seed: 0 } });
const request = { kind: 'reconstruction', indices: [0, 5, 9] } as const;
const sentence = (dataDir: string, what: string): RegExp => new RegExp(
  `^Disk full: the disk holding the data folder ${dataDir} has no space left, so the reconstruction analysis's ${what} could not be written \\(.+\\)\\. `
  + 'Nothing of this analysis was kept; the run is unchanged\\. Free space on that disk and run the analysis again\\.$',
);

let services: AppServices | undefined;
afterEach(async () => { await services?.close(); services = undefined; });

/** A data folder with one finished PCA run (run 1), its services closed. */
async function pcaDataFolder(): Promise<string> {
  const dataDir = tempDir();
  const s = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' }, watchOtherProcesses: false });
  const id = s.runs.start(s.experiments.create('pca', '').id, pcaConfig).id;
  await expect(s.runs.waitForEnd(id)).resolves.toBe('done');
  await s.close();
  return dataDir;
}

const galleryFiles = (dataDir: string): string[] => {
  const dir = path.join(dataDir, 'runs', '1', 'gallery', 'reconstruction');
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
};

describe('a full disk during an analysis', () => {
  it('SQLITE_FULL on the artifact\'s row: a 409 naming the disk, its file removed, earlier rows kept, the next one after space is freed recorded', async () => {
    requireBuilt();
    const dataDir = await pcaDataFolder();
    let conn: Db | undefined;
    const s = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' }, watchOtherProcesses: false, onConnection: (db) => { conn = db; } });
    services = s;
    conn!.pragma(`max_page_count = ${Number(conn!.pragma('page_count', { simple: true }))}`);
    const before = s.artifacts.list(1).length;

    // A page of 4 KiB holds a dozen or so of these rows: well before 60 analyses one needs a new page.
    let succeeded = 0;
    let refused: Awaited<ReturnType<typeof dispatch>> | undefined;
    while (succeeded < 60) {
      const answer = await dispatch(s.handlers, 'runs.analyze', { id: 1, request });
      if (!answer.ok) { refused = answer; break; }
      succeeded++;
    }
    expect(refused).toBeDefined();
    expect(refused!.ok).toBe(false);
    const error = refused!.ok ? undefined : refused!.error;
    expect(error?.code).toBe('conflict');
    expect(error?.message).toMatch(sentence(dataDir, 'record in the database'));
    expect(error?.message).toContain('(database or disk is full)');
    // The rows before stay, each naming a file that is there; the refused one left neither row nor file.
    const recorded = s.store.listArtifacts(1, 'reconstruction');
    expect(recorded).toHaveLength(succeeded);
    expect(s.artifacts.list(1).length).toBe(before + succeeded);
    expect(galleryFiles(dataDir)).toEqual(recorded.map((a) => path.basename(a.path)).sort());
    // The services are up: reads answer, the run is as it was.
    expect(s.runs.summary(1).status).toBe('done');

    conn!.pragma('max_page_count = 1073741823');
    const after = await dispatch(s.handlers, 'runs.analyze', { id: 1, request });
    expect(after.ok).toBe(true);
    expect(s.artifacts.list(1, 'reconstruction')).toHaveLength(succeeded + 1);
    expect(galleryFiles(dataDir)).toHaveLength(succeeded + 1);
  });

  const canUnshare = canMountPrivateTmpfs();
  if (!canUnshare) console.warn('analysisDiskFull: the tmpfs case is skipped, this kernel refuses `unshare -Urm` (no unprivileged user namespaces)');

  it.skipIf(!canUnshare)('ENOSPC on the worker\'s PNG (a full tmpfs): a 409 with the disk-full sentence and the worker\'s words; after space is freed it succeeds', async () => {
    requireBuilt();
    const source = await pcaDataFolder();
    const probe = `
const { execSync } = require('node:child_process');
const { createServices } = require(${JSON.stringify(path.join(repoRoot, 'dist/main/services/appServices.js'))});
const { dispatch } = require(${JSON.stringify(path.join(repoRoot, 'dist/main/services/dispatch.js'))});
(async () => {
  const [dataDir, filler] = process.argv.slice(1);
  const s = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' }, watchOtherProcesses: false });
  execSync('dd if=/dev/zero of=' + filler + ' bs=4k 2>/dev/null || true', { shell: '/bin/sh' });
  const full = await dispatch(s.handlers, 'runs.analyze', { id: 1, request: ${JSON.stringify(request)} });
  const rowsWhenFull = s.artifacts.list(1, 'reconstruction').length;
  execSync('rm ' + filler);
  const freed = await dispatch(s.handlers, 'runs.analyze', { id: 1, request: ${JSON.stringify(request)} });
  const rowsAfter = s.artifacts.list(1, 'reconstruction').length;
  await s.close();
  process.stdout.write(JSON.stringify({ full, rowsWhenFull, freed, rowsAfter }));
})();`;
    const script = [
      'set -eu',
      'mount -t tmpfs -o size=4m none "$1"',
      'cp -a "$2" "$1/data"',
      'node -e "$4" "$1/data" "$1/filler" > "$3/probe.out" 2> "$3/probe.err"',
    ].join('\n');
    const mount = tempDir();
    const out = tempDir();
    const r = spawnSync('unshare', ['-Urm', 'sh', '-c', script, 'sh', mount, source, out, probe], { encoding: 'utf8' });
    expect(r.status, `${r.stderr}\n${fs.readFileSync(path.join(out, 'probe.err'), 'utf8')}`).toBe(0);
    const result = JSON.parse(fs.readFileSync(path.join(out, 'probe.out'), 'utf8')) as {
      full: { ok: boolean; error?: { code: string; message: string } };
      rowsWhenFull: number;
      freed: { ok: boolean };
      rowsAfter: number;
    };
    expect(result.full.ok).toBe(false);
    expect(result.full.error?.code).toBe('conflict');
    expect(result.full.error?.message).toMatch(sentence(`${mount}/data`, 'result file'));
    expect(result.full.error?.message).toContain('ENOSPC: no space left on device');
    expect(result.rowsWhenFull).toBe(0);
    expect(result.freed.ok).toBe(true);
    expect(result.rowsAfter).toBe(1);
  });
});
