/**
 * Decompression and image bombs, built here as real files: a gzip IDX file
 * whose header declares 10 images of 28×28 (7,856 bytes) but which inflates to
 * 512 MiB of zeros (about 0.5 MiB compressed); one whose header declares
 * 100000×1000×1000 bytes; a PNG whose IHDR says 100000×100000 and a JPEG whose
 * SOF0 says 5000×5000. Each is refused with a message naming the file and the
 * limit, and the process's resident memory rises by less than 200 MiB while
 * reading it (the old code inflated the whole 512 MiB, then copied it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../db/openStore';
import { DatasetService } from '../../../main/services/datasetService';
import { inProcessImport } from '../../../main/services/importWorkerHost';
import { MAX_IDX_FILE_BYTES } from '../../../workers/data/idxCollector';
import { readIdxSource } from '../../../workers/data/idxSource';
import { decodeImage, MAX_PIXELS, readImageFolder } from '../../../workers/data/imageFolder';
import { jpegSize, pngSize } from '../../../workers/data/imageHeader';
import { DatasetFormatError } from '../../../workers/data/importedDataset';
import { idxHeader, MiB, pngDeclaring, writeGzipBomb } from '../../helpers/bombFixtures';
import { digitJpeg, digitPng, mnistDigits, writeIdxSet } from '../../helpers/datasetFixtures';
import { tempDir } from '../../helpers/tempDir';

const made: string[] = [];
afterAll(() => { for (const d of made) fs.rmSync(d, { recursive: true, force: true }); });
function temp(): string {
  const d = tempDir('latent-bomb-');
  made.push(d);
  return d;
}

/** A generous bound: the bomb is 512 MiB inflated; reading it must not come near. */
const RSS_RISE_LIMIT = 200 * MiB;

async function refusal(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a refusal');
}

/** An IDX set whose training images are replaced by `bomb`. */
async function bombSet(header: Buffer, zeroMiB: number): Promise<{ dir: string; file: string }> {
  const dir = temp();
  const files = writeIdxSet(dir, 10, 10, { gzip: true });
  const file = path.join(dir, files.trainImages);
  await writeGzipBomb(file, header, zeroMiB);
  return { dir, file };
}

describe('gzip bombs in IDX imports', () => {
  it('refuses a gzip file inflating past its header\'s declared size, with a bounded memory rise', async () => {
    const { dir, file } = await bombSet(idxHeader([10, 28, 28]), 512);
    expect(fs.statSync(file).size).toBeLessThan(MiB);
    global.gc?.();
    const before = process.memoryUsage().rss;
    const e = await refusal(readIdxSource(dir));
    const rise = process.memoryUsage().rss - before;
    expect(e).toBeInstanceOf(DatasetFormatError);
    // 4 + 3·4 header bytes + 10·28·28 values of one byte = 7856.
    expect(e.message).toBe(`${file}: the gzip data decompresses to more than the 7856 bytes its IDX header declares; refused (a corrupt file or a decompression bomb)`);
    expect(rise).toBeLessThan(RSS_RISE_LIMIT);
  });

  it('refuses a header declaring more than 2 GiB before inflating its data', async () => {
    const { dir, file } = await bombSet(idxHeader([100000, 1000, 1000]), 4);
    const e = await refusal(readIdxSource(dir));
    // 16 + 10^11 bytes = 95367.4 MiB; the limit 2 GiB = 2048.0 MiB.
    expect(e.message).toBe(`${file}: its IDX header declares dimensions [100000, 1000, 1000], 95367.4 MiB; files of at most 2048.0 MiB are accepted (a corrupt header or a decompression bomb)`);
    expect(MAX_IDX_FILE_BYTES).toBe(2 ** 31);
  });

  it('the import through the dataset service names the dataset and records nothing', async () => {
    const { dir } = await bombSet(idxHeader([10, 28, 28]), 64);
    const data = temp();
    const store = openStore(path.join(data, 'workbench.sqlite'));
    try {
      const service = new DatasetService(store, data, undefined, { runImport: inProcessImport });
      const e = await refusal(service.import({ name: 'Bomb', kind: 'idx', path: dir, testFraction: 0.2, seed: 1 }));
      expect(e.message).toMatch(/^Cannot import "Bomb": .*train-images-idx3-ubyte\.gz: the gzip data decompresses to more than the 7856 bytes its IDX header declares/);
      expect(store.listDatasets()).toEqual([]);
    } finally {
      store.close();
    }
  });
});

describe('image bombs in image-folder imports', () => {
  it('reads sizes from PNG and JPEG headers (28×28 MNIST digits)', () => {
    const d = mnistDigits(1);
    expect(pngSize(digitPng(d, 0))).toEqual({ width: 28, height: 28 });
    expect(jpegSize(digitJpeg(d, 0))).toEqual({ width: 28, height: 28 });
    expect(pngSize(pngDeclaring(100000, 3))).toEqual({ width: 100000, height: 3 });
  });

  it('refuses a PNG whose IHDR says 100000×100000 before decoding it', () => {
    const before = process.memoryUsage().rss;
    expect(() => decodeImage(pngDeclaring(100000, 100000), 'huge.png'))
      .toThrow(`huge.png is 100000×100000 (read from its PNG header): images of at most ${MAX_PIXELS} pixels (1024×1024) are supported; resize the set first`);
    expect(process.memoryUsage().rss - before).toBeLessThan(RSS_RISE_LIMIT);
  });

  it('refuses a JPEG whose SOF0 says 5000×5000 before decoding it', () => {
    const jpeg = Buffer.from(digitJpeg(mnistDigits(1), 0));
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    expect(sof).toBeGreaterThan(0);
    jpeg.writeUInt16BE(5000, sof + 5);
    jpeg.writeUInt16BE(5000, sof + 7);
    expect(() => decodeImage(jpeg, 'huge.jpg')).toThrow(/^huge\.jpg is 5000×5000 \(read from its JPEG header\): images of at most 1048576 pixels/);
  });

  it('a folder holding one such PNG is refused, naming it', async () => {
    const root = temp();
    const d = mnistDigits(4);
    for (const cls of ['a', 'b']) fs.mkdirSync(path.join(root, cls));
    fs.writeFileSync(path.join(root, 'a', '0.png'), pngDeclaring(100000, 100000));
    fs.writeFileSync(path.join(root, 'a', '1.png'), digitPng(d, 1));
    fs.writeFileSync(path.join(root, 'b', '2.png'), digitPng(d, 2));
    fs.writeFileSync(path.join(root, 'b', '3.png'), digitPng(d, 3));
    const e = await refusal(readImageFolder(root, { testFraction: 0.5, seed: 1 }));
    expect(e.message).toBe(`${path.join(root, 'a', '0.png')} is 100000×100000 (read from its PNG header): images of at most 1048576 pixels (1024×1024) are supported; resize the set first`);
  });
});
