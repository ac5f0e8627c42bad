/**
 * Dataset imports decoded off the main thread (issue 16 point 5), through the
 * built import worker (dist/workers/import/importWorker.js), serve mode's HTTP
 * API and the real services; every file is real:
 * - 5,000 MNIST digits written as PNGs into ten class folders: an API call
 *   issued while they are decoded is answered before the import ends, the
 *   main thread's event loop is busy (active time), from the first image
 *   decoded to the last, for less than a quarter of what decoding the same
 *   folder on it takes — measured beside it, so the comparison holds on a
 *   slow or loaded machine; decoding on the main thread (the old import)
 *   fails it — and the import holds every image with its label;
 * - bombs (a gzip IDX inflating far past its header's size, a header declaring
 *   95 GiB, a PNG declaring 100000×100000) are refused with the same words as
 *   before, while the process's resident memory and the main thread's heap,
 *   sampled every 2 ms (the main thread is free to sample), rise by less than
 *   64 MiB;
 * - closing the dataset service stops an import mid-way: its worker ends, its
 *   staging folder goes, nothing is recorded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetInfo, SystemInfo } from '../../main/common/domain';
import { startServer, type RunningServer } from '../../main/server/httpServer';
import { createServices, type AppServices } from '../../main/services/appServices';
import { importWorkerEntry } from '../../main/services/importWorkerHost';
import { importedDatasetFiles } from '../../workers/common/datasets';
import { readImageFolder } from '../../workers/data/imageFolder';
import { readIdxFile } from '../../workers/data/mnist';
import { idxHeader, MiB, pngDeclaring, writeGzipBomb } from '../helpers/bombFixtures';
import { digitNames, digitPng, mnistDigits, writeClassFolders, writeIdxSet } from '../helpers/datasetFixtures';
import { httpApi } from '../helpers/httpApi';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

const token = 'import-worker-token';
const IMAGES = 5000;
/** A generous bound on the memory rise while a bomb is refused (the gzip bomb inflates to 512 MiB). */
const RISE_LIMIT = 64 * MiB;

const made: string[] = [];
function temp(prefix: string): string {
  const d = tempDir(prefix);
  made.push(d);
  return d;
}

let s: AppServices;
let server: RunningServer;
let dataDir: string;
const api = httpApi(() => server.port, token);
/** The 5,000-PNG folder and how many digits of each class it holds (index = digit). */
let manyDigits: { root: string; perClass: number[] };

beforeAll(async () => {
  requireBuilt();
  if (!fs.existsSync(importWorkerEntry())) throw new Error(`${importWorkerEntry()} is missing: run npm run build first`);
  const root = temp('latent-many-digits-');
  manyDigits = { root, perClass: writeClassFolders(root, mnistDigits(IMAGES)) };
  dataDir = temp('latent-import-worker-');
  s = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' } });
  server = await startServer({ services: s, token, rendererDir: path.join(repoRoot, 'dist', 'renderer') });
});
afterAll(async () => {
  await server.close();
  await s.datasets.close();
  await s.close();
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** Resolves at the first progress event of `stage` with something done. */
function firstProgress(services: AppServices, stage: 'read'): Promise<void> {
  return new Promise((resolve) => {
    const off = services.events.on('datasets.onDidImportProgress', (p) => {
      if (p.stage === stage && p.done > 0) { off(); resolve(); }
    });
  });
}

/** Folders left in <data>/datasets by unfinished imports (their names start with a dot). */
function stagingLeft(dir: string): string[] {
  const root = path.join(dir, 'datasets');
  return fs.existsSync(root) ? fs.readdirSync(root).filter((n) => n.startsWith('.')) : [];
}

describe('a large image-folder import', () => {
  it('leaves the server answering while its 5,000 PNGs are decoded, and holds every image with its label', async () => {
    const order: string[] = [];
    const reading = firstProgress(s, 'read');
    const decoding = decodeWindow(s);
    const importing = api.ok<DatasetInfo>('datasets.import', { name: 'Many digits', kind: 'image-folder', path: manyDigits.root, testFraction: 0.25, seed: 5 })
      .then((info) => { order.push('import done'); return info; });
    await reading;
    const system = await api.ok<SystemInfo>('system.info', {});
    order.push('system.info answered');
    const info = await importing;
    const busy = await decoding;
    const onMain = await decodingOnMainThread(manyDigits.root);
    console.log(`main thread busy while the worker decoded ${IMAGES} PNGs: ${busy.toFixed(0)} ms; decoding them on the main thread: ${onMain.toFixed(0)} ms busy`);

    expect(system.dataDir).toBe(dataDir);
    expect(order).toEqual(['system.info answered', 'import done']);
    // Decoding on the main thread would keep it busy about as long as onMain; with the worker it only hears progress.
    expect(busy).toBeLessThan(onMain / 4);

    // Every digit is there once, under its class's name; each class gives round(n / 4) to the test split.
    expect(info.trainSize + info.testSize).toBe(IMAGES);
    const expectedTest = manyDigits.perClass.reduce((sum, n) => sum + Math.round(n * 0.25), 0);
    expect(info.testSize).toBe(expectedTest);
    expect(info.inputShape).toEqual([28, 28, 1]);
    expect([...info.classNames].sort()).toEqual([...digitNames].sort());
    const folder = s.datasets.folderOf(info.id);
    const perName = new Map<string, number>();
    for (const file of [importedDatasetFiles.trainLabels, importedDatasetFiles.testLabels]) {
      for (const label of readIdxFile(path.join(folder, file)).data) {
        const name = info.classNames[Number(label)]!;
        perName.set(name, (perName.get(name) ?? 0) + 1);
      }
    }
    for (const [digit, name] of digitNames.entries()) expect(perName.get(name)).toBe(manyDigits.perClass[digit]);
    expect(stagingLeft(dataDir)).toEqual([]);
  });
});

/** Event-loop active ms between two progress reports: the first image decoded, and the last. */
function busyWindow(): { progress: (done: number, total: number) => void; busy: Promise<number> } {
  let start: ReturnType<typeof performance.eventLoopUtilization> | undefined;
  let finish: (ms: number) => void = () => undefined;
  const busy = new Promise<number>((resolve) => { finish = resolve; });
  return {
    progress: (done, total) => {
      if (done > 0 && !start) start = performance.eventLoopUtilization();
      if (done === total && start) finish(performance.eventLoopUtilization(start).active);
    },
    busy,
  };
}

/** The main thread's busy ms while an import in `services` decodes (its read stage, from the first image to the last). */
function decodeWindow(services: AppServices): Promise<number> {
  const w = busyWindow();
  const off = services.events.on('datasets.onDidImportProgress', (p) => { if (p.stage === 'read') w.progress(p.done, p.total); });
  return w.busy.finally(off);
}

/** The main thread's busy ms decoding the same folder on itself (the same window), for comparison. */
async function decodingOnMainThread(source: string): Promise<number> {
  const w = busyWindow();
  await readImageFolder(source, { testFraction: 0.25, seed: 5 }, w.progress);
  return w.busy;
}

interface Measured { error: string; rssRise: number; heapRise: number }

/** Runs a refused import, sampling the process's RSS and the main thread's heap every 2 ms; the peak rises over the start. */
async function measuredRefusal(name: string, source: string, kind: 'idx' | 'image-folder'): Promise<Measured> {
  const before = process.memoryUsage();
  let rss = before.rss;
  let heap = before.heapUsed;
  const sample = (): void => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  const timer = setInterval(sample, 2);
  try {
    const r = await api.refused('datasets.import', { name, kind, path: source, testFraction: 0.5, seed: 1 });
    expect(r.status).toBe(400);
    return { error: r.error.message, rssRise: rss - before.rss, heapRise: heap - before.heapUsed };
  } finally {
    clearInterval(timer);
    sample();
  }
}

function report(what: string, m: Measured): void {
  console.log(`${what}: main-process RSS rise ${(m.rssRise / MiB).toFixed(1)} MiB, main-thread heap rise ${(m.heapRise / MiB).toFixed(1)} MiB`);
}

describe('bombs refused by the import worker, memory measured', () => {
  it('a gzip IDX file inflating to 512 MiB past its header\'s 7,856 bytes', async () => {
    const dir = temp('latent-gzip-bomb-');
    const files = writeIdxSet(dir, 10, 10, { gzip: true });
    const file = path.join(dir, files.trainImages);
    await writeGzipBomb(file, idxHeader([10, 28, 28]), 512);
    expect(fs.statSync(file).size).toBeLessThan(MiB);
    const m = await measuredRefusal('Gzip bomb', dir, 'idx');
    report('gzip bomb (512 MiB inflated, < 1 MiB stored)', m);
    // 4 + 3·4 header bytes + 10·28·28 one-byte values = 7856.
    expect(m.error).toBe(`Cannot import "Gzip bomb": ${file}: the gzip data decompresses to more than the 7856 bytes its IDX header declares; refused (a corrupt file or a decompression bomb)`);
    expect(m.rssRise).toBeLessThan(RISE_LIMIT);
    expect(m.heapRise).toBeLessThan(RISE_LIMIT);
  });

  it('an IDX header declaring 100000×1000×1000 bytes', async () => {
    const dir = temp('latent-header-bomb-');
    const files = writeIdxSet(dir, 10, 10, { gzip: true });
    const file = path.join(dir, files.trainImages);
    await writeGzipBomb(file, idxHeader([100000, 1000, 1000]), 4);
    const m = await measuredRefusal('Header bomb', dir, 'idx');
    report('IDX header declaring 95367 MiB', m);
    expect(m.error).toBe(`Cannot import "Header bomb": ${file}: its IDX header declares dimensions [100000, 1000, 1000], 95367.4 MiB; files of at most 2048.0 MiB are accepted (a corrupt header or a decompression bomb)`);
    expect(m.rssRise).toBeLessThan(RISE_LIMIT);
    expect(m.heapRise).toBeLessThan(RISE_LIMIT);
  });

  it('a PNG whose IHDR declares 100000×100000 pixels, among real digits', async () => {
    const root = temp('latent-png-bomb-');
    const d = mnistDigits(4);
    for (const cls of ['a', 'b']) fs.mkdirSync(path.join(root, cls));
    const bomb = path.join(root, 'a', '0.png');
    fs.writeFileSync(bomb, pngDeclaring(100000, 100000));
    fs.writeFileSync(path.join(root, 'a', '1.png'), digitPng(d, 1));
    fs.writeFileSync(path.join(root, 'b', '2.png'), digitPng(d, 2));
    fs.writeFileSync(path.join(root, 'b', '3.png'), digitPng(d, 3));
    const m = await measuredRefusal('PNG bomb', root, 'image-folder');
    report('PNG declaring 100000×100000 (40 GB as RGBA)', m);
    expect(m.error).toBe(`Cannot import "PNG bomb": ${bomb} is 100000×100000 (read from its PNG header): images of at most 1048576 pixels (1024×1024) are supported; resize the set first`);
    expect(m.rssRise).toBeLessThan(RISE_LIMIT);
    expect(m.heapRise).toBeLessThan(RISE_LIMIT);
  });

  it('records nothing and leaves no staging folder after the refusals', async () => {
    const names = (await api.ok<DatasetInfo[]>('datasets.list', {})).map((d) => d.name);
    expect(names.filter((n) => /bomb/i.test(n))).toEqual([]);
    expect(stagingLeft(dataDir)).toEqual([]);
  });
});

describe('closing the dataset service', () => {
  it('stops an import mid-way: its worker ends, its staging folder goes, nothing is recorded', async () => {
    const dir = temp('latent-closing-');
    const other = createServices({ dataDir: dir, env: { LATENT_BACKEND: 'wasm' } });
    try {
      const reading = firstProgress(other, 'read');
      const importing = other.datasets.import({ name: 'Stopped', kind: 'image-folder', path: manyDigits.root, testFraction: 0.25, seed: 5 });
      const settled = importing.then(() => 'imported', (e: unknown) => (e instanceof Error ? e.message : String(e)));
      await reading;
      expect(stagingLeft(dir)).toHaveLength(1);
      await other.datasets.close();
      // Settled and cleaned up by the time close() resolves: a shutdown that exits next leaves nothing behind.
      expect(stagingLeft(dir)).toEqual([]);
      expect(await settled).toBe('The app is closing: the import was stopped before it finished; nothing was recorded. Import the data again after the next start.');
      expect(stagingLeft(dir)).toEqual([]);
      expect(other.datasets.list().some((d) => d.name === 'Stopped')).toBe(false);
      await expect(other.datasets.import({ name: 'After', kind: 'image-folder', path: manyDigits.root, testFraction: 0.25, seed: 5 }))
        .rejects.toThrow('Cannot import "After": the app is closing');
    } finally {
      await other.close();
    }
  });
});
