/**
 * "Download…" without the internet: a local HTTP server on 127.0.0.1 serves
 * Debian's real Fashion-MNIST .gz files (and broken copies of them), and the
 * real services download, check and import them. A known set's published
 * sha256 refuses Debian's recompressed files; a truncated or cut-off file and
 * an unreachable host give clear errors; none of the failures records anything.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiMethod, ApiRequest, ApiResponse } from '../../main/common/api';
import type { ImportProgress } from '../../main/common/domain';
import { idxDownloadFileNames } from '../../main/common/datasetDownloads';
import { createServices, type AppServices } from '../../main/services/appServices';
import { planDownload } from '../../main/services/datasetDownload';
import { dispatch } from '../../main/services/dispatch';
import { datasetsCommand } from '../../main/cli/datasetCommands';
import { CliError } from '../../main/cli/commands';
import { fashionMnistDir, requireFashionMnist } from '../helpers/datasetFixtures';
import { tempDir } from '../helpers/tempDir';

let server: http.Server;
let base = '';
let s: AppServices;
const events: ImportProgress[] = [];
const dataDir = tempDir();

/**
 * /fashion/<file>: the file as it is; /truncated/<file>: the training images
 * cut to half, with an honest Content-Length; /cutoff/<file>: the full
 * Content-Length promised, half sent, then the connection closed.
 */
function serveFiles(req: http.IncomingMessage, res: http.ServerResponse): void {
  const [, folder = '', name = ''] = /^\/([a-z]+)\/([^/]+)$/.exec(req.url ?? '') ?? [];
  const file = path.join(fashionMnistDir, name);
  if (!(idxDownloadFileNames as readonly string[]).includes(name) || !fs.existsSync(file)) {
    res.writeHead(404).end('not here');
    return;
  }
  const bytes = fs.readFileSync(file);
  const broken = name === 'train-images-idx3-ubyte.gz';
  if (folder === 'truncated' && broken) {
    const half = bytes.subarray(0, bytes.length >> 1);
    res.writeHead(200, { 'Content-Length': half.length }).end(half);
  } else if (folder === 'cutoff' && broken) {
    res.writeHead(200, { 'Content-Length': bytes.length });
    res.write(bytes.subarray(0, bytes.length >> 1), () => res.destroy());
  } else if (folder === 'fashion' || folder === 'truncated' || folder === 'cutoff') {
    res.writeHead(200, { 'Content-Length': bytes.length }).end(bytes);
  } else {
    res.writeHead(404).end('not here');
  }
}

beforeAll(async () => {
  requireFashionMnist();
  server = http.createServer(serveFiles);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  s = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' } });
  s.events.on('datasets.onDidImportProgress', (p) => events.push(p));
});
afterAll(async () => {
  await s.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

type Outcome<M extends ApiMethod> = { ok: true; result: ApiResponse<M> } | { ok: false; error: { code: string; message: string } };
async function call<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<Outcome<M>> {
  return await dispatch(s.handlers, method, req) as Outcome<M>;
}

/** Nothing recorded: no imported dataset and no folder (staging or final) left in <data>/datasets. */
function expectNothingRecorded(): void {
  expect(s.store.listDatasets()).toEqual([]);
  const root = path.join(dataDir, 'datasets');
  expect(fs.existsSync(root) ? fs.readdirSync(root) : []).toEqual([]);
}

const sha256Of = (name: string): string => crypto.createHash('sha256').update(fs.readFileSync(path.join(fashionMnistDir, name))).digest('hex');

describe('downloading a dataset, only on request', () => {
  it('says the machine appears offline when the host cannot be resolved, and records nothing', async () => {
    // .invalid never resolves (RFC 2606): the error a machine without DNS or network gets.
    const r = await call('datasets.download', { name: 'Offline', url: 'http://fashion-mnist.invalid/data/' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/^This machine appears to be offline: cannot reach fashion-mnist\.invalid \(ENOTFOUND\)\. Nothing was downloaded or recorded/);
    expectNothingRecorded();
  });

  it('refuses a set and a URL together, and a URL that is not http(s)', async () => {
    const both = await call('datasets.download', { name: 'Both', set: 'fashion-mnist', url: `${base}/fashion/` });
    expect(both.ok).toBe(false);
    if (!both.ok) expect(both.error.message).toContain('give either set (a known public set) or url');
    const ftp = await call('datasets.download', { name: 'Ftp', url: 'ftp://127.0.0.1/x/' });
    expect(ftp.ok).toBe(false);
    if (!ftp.ok) expect(ftp.error.message).toContain('url must start with http:// or https://');
  });

  it('refuses Debian\'s recompressed files as Fashion-MNIST: they are not the published bytes', async () => {
    const plan = planDownload({ set: 'fashion-mnist' }, `${base}/fashion/`);
    await expect(s.datasets.download('Fashion official', plan)).rejects.toThrow(
      `train-images-idx3-ubyte.gz from ${base}/fashion/train-images-idx3-ubyte.gz is not the published file: its sha256 is ${sha256Of('train-images-idx3-ubyte.gz')}, the published one 3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84 (26421856 bytes arrived)`,
    );
    expectNothingRecorded();
  });

  it('reports a truncated file and a connection cut short, and records nothing', async () => {
    const truncated = await call('datasets.download', { name: 'Truncated', url: `${base}/truncated/` });
    expect(truncated.ok).toBe(false);
    if (!truncated.ok) expect(truncated.error.message).toMatch(/train-images-idx3-ubyte\.gz: cannot decompress this gzip file: the compressed data ends early \(the file is truncated\)/);
    expectNothingRecorded();
    const cutoff = await call('datasets.download', { name: 'Cut off', url: `${base}/cutoff/` });
    expect(cutoff.ok).toBe(false);
    if (!cutoff.ok) expect(cutoff.error.message).toMatch(/^The download of .*\/cutoff\/train-images-idx3-ubyte\.gz (broke off after \d+ of 26421856 bytes|is incomplete: \d+ of 26421856 bytes arrived)/);
    expectNothingRecorded();
  });

  it('downloads the four files from a URL, records their sha256, and imports them like a folder', async () => {
    events.length = 0;
    const r = await call('datasets.download', { name: 'Fashion (mirror)', url: `${base}/fashion` });
    if (!r.ok) throw new Error(r.error.message);
    const info = r.result;
    expect([info.trainSize, info.testSize, info.numClasses]).toEqual([60_000, 10_000, 10]);
    expect(info.sourcePath).toBe(`downloaded from ${base}/fashion/`);
    for (const name of idxDownloadFileNames) expect(info.description).toContain(`${name} ${sha256Of(name)}`);
    // Each file's download rises to its size, file by file, before the import reads them.
    const download = events.filter((e) => e.stage === 'download');
    const firstFile = download.filter((e) => e.detail === 'train-images-idx3-ubyte.gz (1 of 4)');
    expect(firstFile[0]!.done).toBe(0);
    expect(firstFile.at(-1)).toMatchObject({ done: 26_421_856, total: 26_421_856, unit: 'bytes' });
    expect(download.at(-1)).toMatchObject({ detail: 't10k-labels-idx1-ubyte.gz (4 of 4)', done: 5_125, total: 5_125 });
    expect(events.findIndex((e) => e.stage === 'read')).toBeGreaterThan(events.lastIndexOf(download.at(-1)!));
    // The same files imported from the folder give the same content checksum.
    const other = createServices({ dataDir: tempDir(), env: { LATENT_BACKEND: 'wasm' } });
    try {
      const local = await other.datasets.import({ name: 'Fashion (folder)', kind: 'idx', path: fashionMnistDir, testFraction: 0.2, seed: 42 });
      expect(info.contentHash).toBe(local.contentHash);
    } finally {
      await other.close();
    }
    // The downloaded files are gone once imported: only the dataset's own folder stays.
    expect(fs.readdirSync(path.join(dataDir, 'datasets'))).toEqual([info.id]);
  });

  it('the CLI downloads only on `datasets download --from`: a URL folder imports, an unknown set is refused naming the known ones', async () => {
    // A workbench of its own: the same files are already imported in the shared one, which refuses duplicates.
    const c = createServices({ dataDir: tempDir(), env: { LATENT_BACKEND: 'wasm' } });
    let text = '';
    const out = { write: (chunk: string) => { text += chunk; return true; } } as unknown as NodeJS.WritableStream;
    await expect(datasetsCommand(c, ['download'], { json: false, from: 'kmnist', name: 'K' }, out, 'usage')).rejects.toThrow(CliError);
    await expect(datasetsCommand(c, ['download'], { json: false, from: 'kmnist', name: 'K' }, out, 'usage')).rejects.toThrow(/set must be one of fashion-mnist/);
    await expect(datasetsCommand(c, ['download'], { json: false, name: 'K' }, out, 'usage')).rejects.toThrow(/datasets download needs --from/);
    expect(await datasetsCommand(c, ['download'], { json: false, from: `${base}/fashion`, name: 'Fashion (CLI)' }, out, 'usage')).toBe(0);
    expect(text).toMatch(/^Downloaded and imported "Fashion \(CLI\)" as [a-z0-9-]+: 28×28×1, 10 classes, 60000 training and 10000 test images; checksum sha256:[0-9a-f]{64}\.\n$/);
    expect(c.datasets.list().some((d) => d.name === 'Fashion (CLI)')).toBe(true);
    await c.close();
  });
});
