/**
 * The import readers on real files made from MNIST in a temp folder: IDX sets
 * (plain and gzip, truncated, malformed, mismatched), image folders (flat and
 * train/test, PNG grey and RGB, JPEG, mixed sizes, corrupt files), the IDX
 * writer, and loading the written set back through the one reader runs use.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { getDatasetEntry, importedDatasetFiles, registerDatasetEntry, unregisterDatasetEntry, type ImageDatasetEntry } from '../../../workers/common/datasets';
import { encodeIdxUint8, parseIdx } from '../../../workers/data/idx';
import { decodeImage, readImageFolder } from '../../../workers/data/imageFolder';
import { DatasetFormatError, writeImportedDataset } from '../../../workers/data/importedDataset';
import { idxFileRole, readIdxSource } from '../../../workers/data/idxSource';
import { loadImageDataset } from '../../../workers/data/mnist';
import { digitNames, digitPng, mnistDigits, writeClassFolders, writeFlatFolder, writeIdxSet, writeSplitFolder } from '../../helpers/datasetFixtures';
import { tempDir } from '../../helpers/tempDir';

const made: string[] = [];
function temp(): string {
  const d = tempDir('latent-import-');
  made.push(d);
  return d;
}
afterAll(() => { for (const d of made) fs.rmSync(d, { recursive: true, force: true }); });

async function importError(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetFormatError);
    return (e as Error).message;
  }
  throw new Error('expected the import to fail');
}

describe('IDX sets', () => {
  it('recognises the usual file names and nothing else', () => {
    expect(idxFileRole('train-images-idx3-ubyte.gz')).toBe('trainImages');
    expect(idxFileRole('train-labels.idx1-ubyte')).toBe('trainLabels');
    expect(idxFileRole('t10k-images-idx3-ubyte')).toBe('testImages');
    expect(idxFileRole('emnist-letters-test-labels-idx1-ubyte.gz')).toBe('testLabels');
    expect(idxFileRole('README.md')).toBeNull();
    expect(idxFileRole('train-test-images-idx3-ubyte')).toBeNull();
  });

  it('reads a gzip set with the data intact', async () => {
    const dir = temp();
    writeIdxSet(dir, 300, 100, { gzip: true });
    const d = await readIdxSource(dir);
    const want = mnistDigits(300);
    expect([d.train.count, d.test.count, d.height, d.width, d.channels]).toEqual([300, 100, 28, 28, 1]);
    expect(Buffer.from(d.train.images).equals(Buffer.from(want.images))).toBe(true);
    expect(Array.from(d.train.labels.subarray(0, 5))).toEqual([5, 0, 4, 1, 9]);
    expect(d.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(d.split).toBeNull();
  });

  it('reads a plain set, and class names from classes.txt', async () => {
    const dir = temp();
    writeIdxSet(dir, 200, 50);
    fs.writeFileSync(path.join(dir, 'classes.txt'), `${digitNames.join('\n')}\n`);
    const d = await readIdxSource(dir);
    expect(d.classNames).toEqual(digitNames);
    fs.writeFileSync(path.join(dir, 'classes.txt'), 'a\nb\n');
    expect(await importError(readIdxSource(dir))).toMatch(/classes\.txt names 2 classes but the labels use 10/);
  });

  it('names the missing file, and two candidates for one role', async () => {
    const dir = temp();
    const files = writeIdxSet(dir, 50, 20);
    fs.rmSync(path.join(dir, files.testLabels));
    expect(await importError(readIdxSource(dir))).toMatch(/no file for the test labels.*found t10k-images-idx3-ubyte, train-images/);
    writeIdxSet(dir, 50, 20);
    fs.copyFileSync(path.join(dir, files.trainImages), path.join(dir, 'train-images-idx3-ubyte.gz'));
    expect(await importError(readIdxSource(dir))).toMatch(/Two files .* look like the training images: train-images-idx3-ubyte and train-images-idx3-ubyte\.gz/);
  });

  it('rejects a truncated plain file, naming it and the sizes', async () => {
    const dir = temp();
    const files = writeIdxSet(dir, 100, 20);
    const p = path.join(dir, files.trainImages);
    fs.truncateSync(p, 5000);
    expect(await importError(readIdxSource(dir))).toMatch(new RegExp(`${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: truncated IDX file: dimensions \\[100, 28, 28\\].*need 78416 bytes.*found 5000`));
  });

  it('rejects a truncated gzip file, naming it', async () => {
    const dir = temp();
    const files = writeIdxSet(dir, 100, 20, { gzip: true });
    const p = path.join(dir, files.testImages);
    const gz = fs.readFileSync(p);
    fs.writeFileSync(p, gz.subarray(0, Math.floor(gz.length / 2)));
    expect(await importError(readIdxSource(dir))).toMatch(/t10k-images-idx3-ubyte\.gz: cannot decompress this gzip file: the compressed data ends early/);
  });

  it('rejects wrong magic, count mismatches, odd shapes and labels', async () => {
    const dir = temp();
    const files = writeIdxSet(dir, 60, 20);
    fs.writeFileSync(path.join(dir, files.trainLabels), Buffer.from('hello, not idx'));
    expect(await importError(readIdxSource(dir))).toMatch(/train-labels-idx1-ubyte: not an IDX file: magic starts with 0x68 0x65/);

    fs.writeFileSync(path.join(dir, files.trainLabels), encodeIdxUint8([59], new Uint8Array(59)));
    expect(await importError(readIdxSource(dir))).toMatch(/holds 60 images but .*train-labels-idx1-ubyte holds 59 labels/);

    fs.writeFileSync(path.join(dir, files.trainLabels), encodeIdxUint8([60], new Uint8Array(60)));
    fs.writeFileSync(path.join(dir, files.testLabels), encodeIdxUint8([20], new Uint8Array(20)));
    expect(await importError(readIdxSource(dir))).toMatch(/every label is 0/);

    fs.writeFileSync(path.join(dir, files.testImages), encodeIdxUint8([20, 14, 56], new Uint8Array(20 * 784)));
    expect(await importError(readIdxSource(dir))).toMatch(/training images .* are 28×28×1 but the test images .* are 14×56×1/);

    fs.writeFileSync(path.join(dir, files.testImages), encodeIdxUint8([20, 28, 28, 2], new Uint8Array(20 * 784 * 2)));
    expect(await importError(readIdxSource(dir))).toMatch(/images must have dimensions \[count, height, width\].*found \[20, 28, 28, 2\]/);
  });
});

describe('image folders', () => {
  it('splits a flat folder of PNG digits by a seeded fraction of each class, shuffled', async () => {
    const root = temp();
    const perClass = writeFlatFolder(root, 200);
    fs.writeFileSync(path.join(root, 'zero', 'notes.txt'), 'ignore me');
    const a = await readImageFolder(root, { testFraction: 0.25, seed: 7 });
    expect(a.classNames).toEqual(digitNames.slice().sort((x, y) => x.localeCompare(y)));
    expect([a.height, a.width, a.channels]).toEqual([28, 28, 1]);
    expect(a.train.count + a.test.count).toBe(200);
    const expectedTest = perClass.reduce((s, n) => s + Math.min(n - 1, Math.max(1, Math.round(n * 0.25))), 0);
    expect(a.test.count).toBe(expectedTest);
    expect(a.split).toEqual({ testFraction: 0.25, seed: 7 });
    expect(a.notes.join(' ')).toMatch(/ignored 1 entry.*notes\.txt/);
    // Every class is in both splits; the first 20 training examples are not one class.
    for (let c = 0; c < 10; c++) {
      expect(a.test.labels.includes(c)).toBe(true);
      expect(a.train.labels.includes(c)).toBe(true);
    }
    expect(new Set(a.train.labels.subarray(0, 20)).size).toBeGreaterThan(3);
    // Each image lands with its own label: pixels of the image and its digit's PNG match.
    const digits = mnistDigits(200);
    const classOf = (label: number): string => a.classNames[label]!;
    const k = 3;
    const pixels = a.train.images.subarray(k * 784, (k + 1) * 784);
    const source = Array.from({ length: 200 }, (_, i) => i).find((i) => Buffer.from(digits.images.subarray(i * 784, (i + 1) * 784)).equals(Buffer.from(pixels)));
    expect(source).toBeDefined();
    expect(digitNames[digits.labels[source!]!]).toBe(classOf(a.train.labels[k]!));

    const again = await readImageFolder(root, { testFraction: 0.25, seed: 7 });
    expect(Buffer.from(again.train.images).equals(Buffer.from(a.train.images))).toBe(true);
    const other = await readImageFolder(root, { testFraction: 0.25, seed: 8 });
    expect(Buffer.from(other.train.images).equals(Buffer.from(a.train.images))).toBe(false);
  });

  it('reads train/ and test/ folders as given', async () => {
    const root = temp();
    writeSplitFolder(root, 150, 40, { classes: 3 });
    const d = await readImageFolder(root, { testFraction: 0.5, seed: 1 });
    expect(d.classNames).toEqual(['one', 'two', 'zero']);
    expect(d.split).toBeNull();
    const trainDigits = mnistDigits(150);
    const testDigits = mnistDigits(40, 'test');
    expect(d.train.count).toBe(Array.from(trainDigits.labels).filter((l) => l < 3).length);
    expect(d.test.count).toBe(Array.from(testDigits.labels).filter((l) => l < 3).length);
  });

  it('keeps RGB when the images have colour, grey when R = G = B, and reads JPEG', async () => {
    const tinted = temp();
    writeFlatFolder(tinted, 60, { classes: 2, mode: 'tinted' });
    const c = await readImageFolder(tinted, { testFraction: 0.3, seed: 1 });
    expect(c.channels).toBe(3);
    expect(c.train.images.length).toBe(c.train.count * 784 * 3);

    const rgbGrey = temp();
    writeFlatFolder(rgbGrey, 60, { classes: 2, mode: 'rgb', jpegEvery: 3 });
    const g = await readImageFolder(rgbGrey, { testFraction: 0.3, seed: 1 });
    expect(g.channels).toBe(1);
    expect(g.notes.join(' ')).toMatch(/JPEG image/);

    // One colour image among grey ones: the whole set becomes RGB, the grey ones expanded.
    const mixed = temp();
    const d = writeFlatFolder(mixed, 40, { classes: 2 });
    expect(d[0]).toBeGreaterThan(0);
    const digits = mnistDigits(40);
    const firstOne = Array.from(digits.labels).indexOf(1);
    fs.writeFileSync(path.join(mixed, 'one', 'zz-colour.png'), digitPng(digits, firstOne, 'tinted'));
    const m = await readImageFolder(mixed, { testFraction: 0.3, seed: 1 });
    expect(m.channels).toBe(3);
    for (const split of [m.train, m.test]) {
      for (let i = 0; i < split.count; i++) {
        const px = split.images.subarray(i * 784 * 3, (i + 1) * 784 * 3);
        const grey = px.every((_, p) => p % 3 !== 0 || (px[p] === px[p + 1] && px[p] === px[p + 2]));
        const bright = px.some((v) => v > 0);
        expect(bright).toBe(true);
        if (!grey) expect(split.labels[i]).toBe(m.classNames.indexOf('one'));
      }
    }
  });

  it('rejects mixed sizes, naming the odd file and the first', async () => {
    const root = temp();
    writeFlatFolder(root, 50, { classes: 2 });
    const digits = mnistDigits(50);
    const odd = path.join(root, 'zero', 'big.png');
    fs.writeFileSync(odd, digitPng(digits, 1, 'grey', 32));
    const msg = await importError(readImageFolder(root, { testFraction: 0.2, seed: 1 }));
    expect(msg).toContain(odd);
    expect(msg).toMatch(/is 32×32 but .* is 28×28/);
  });

  it('rejects corrupt images, loose files, empty classes and half a split, clearly', async () => {
    const root = temp();
    writeFlatFolder(root, 40, { classes: 2 });
    const bad = path.join(root, 'one', 'broken.png');
    fs.writeFileSync(bad, digitPng(mnistDigits(1), 0).subarray(0, 40));
    expect(await importError(readImageFolder(root, { testFraction: 0.2, seed: 1 }))).toMatch(new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a valid PNG image`));
    fs.writeFileSync(bad, 'GIF89a…');
    expect(await importError(readImageFolder(root, { testFraction: 0.2, seed: 1 }))).toMatch(/broken\.png: not a PNG or JPEG image \(it starts with 47 49 46 38\)/);
    fs.rmSync(bad);

    fs.mkdirSync(path.join(root, 'empty'));
    expect(await importError(readImageFolder(root, { testFraction: 0.2, seed: 1 }))).toMatch(/class folder .*empty holds no PNG or JPEG images/);
    fs.rmdirSync(path.join(root, 'empty'));

    fs.writeFileSync(path.join(root, 'stray.png'), digitPng(mnistDigits(1), 0));
    expect(await importError(readImageFolder(root, { testFraction: 0.2, seed: 1 }))).toMatch(/holds image files directly \(e\.g\. stray\.png\)/);
    fs.rmSync(path.join(root, 'stray.png'));

    const one = temp();
    writeClassFolders(one, mnistDigits(30), { classes: 1 });
    expect(await importError(readImageFolder(one, { testFraction: 0.2, seed: 1 }))).toMatch(/only one class folder/);

    const half = temp();
    writeClassFolders(path.join(half, 'train'), mnistDigits(30), { classes: 2 });
    expect(await importError(readImageFolder(half, { testFraction: 0.2, seed: 1 }))).toMatch(/has a train\/ folder but no test\/ folder/);

    expect(await importError(readImageFolder(path.join(half, 'nope'), { testFraction: 0.2, seed: 1 }))).toMatch(/Cannot read the folder .*nope: it does not exist/);
  });

  it('refuses a test class the training split lacks', async () => {
    const root = temp();
    writeClassFolders(path.join(root, 'train'), mnistDigits(40), { classes: 2 });
    writeClassFolders(path.join(root, 'test'), mnistDigits(40, 'test'), { classes: 3 });
    expect(await importError(readImageFolder(root, { testFraction: 0.2, seed: 1 }))).toMatch(/test has class folder "two" that .*train does not/);
  });

  it('decodes PNG and JPEG by their bytes', () => {
    const png = decodeImage(digitPng(mnistDigits(1), 0), 'a.jpg');
    expect([png.width, png.height, png.rgba.length]).toEqual([28, 28, 28 * 28 * 4]);
    expect(() => decodeImage(new Uint8Array([0xff, 0xd8, 0, 0]), 'x.jpg')).toThrow(/x\.jpg: not a valid JPEG image/);
    expect(() => decodeImage(new Uint8Array(0), 'e.png')).toThrow(/e\.png: not a PNG or JPEG image \(it starts with nothing: the file is empty\)/);
  });
});

describe('the converted set', () => {
  it('is written as IDX and read back by the loader runs use, through the worker registry', async () => {
    const root = temp();
    writeFlatFolder(root, 120, { classes: 3, mode: 'tinted' });
    const data = await readImageFolder(root, { testFraction: 0.25, seed: 3 });
    const out = temp();
    const files = await writeImportedDataset(out, data);
    expect(files).toEqual(importedDatasetFiles);
    const header = parseIdx(new Uint8Array(fs.readFileSync(path.join(out, files.trainImages))), 'x');
    expect(header.dims).toEqual([data.train.count, 28, 28, 3]);

    const entry: ImageDatasetEntry = {
      id: 'unit-tinted', name: 'Tinted', description: '', dir: out, files,
      inputShape: [28, 28, 3], numClasses: 3, classNames: data.classNames, trainSize: data.train.count, testSize: data.test.count,
    };
    expect(() => getDatasetEntry('unit-tinted')).toThrow(/Unknown dataset 'unit-tinted'/);
    registerDatasetEntry(entry);
    try {
      const loaded = loadImageDataset(getDatasetEntry('unit-tinted'), { trainSize: 20 });
      expect(loaded.inputShape).toEqual([28, 28, 3]);
      expect(loaded.trainImages.length).toBe(20 * 784 * 3);
      expect(loaded.testLabels.length).toBe(data.test.count);
      expect(loaded.trainImages[5]).toBeCloseTo(data.train.images[5]! / 255, 6);
      expect(Array.from(loaded.trainLabels)).toEqual(Array.from(data.train.labels.subarray(0, 20)));
      // A registered entry never shadows a built-in one.
      registerDatasetEntry({ ...entry, id: 'mnist' });
      expect(getDatasetEntry('mnist').dir).toBeUndefined();
    } finally {
      unregisterDatasetEntry('unit-tinted');
    }
  });

  it('round-trips a gzip IDX set byte for byte', async () => {
    const dir = temp();
    writeIdxSet(dir, 80, 30, { gzip: true });
    const data = await readIdxSource(dir);
    const out = temp();
    await writeImportedDataset(out, data);
    const same = (source: string, written: string): boolean =>
      gunzipSync(fs.readFileSync(path.join(dir, source))).equals(fs.readFileSync(path.join(out, written)));
    expect(same('train-images-idx3-ubyte.gz', importedDatasetFiles.trainImages)).toBe(true);
    expect(same('train-labels-idx1-ubyte.gz', importedDatasetFiles.trainLabels)).toBe(true);
    expect(same('t10k-images-idx3-ubyte.gz', importedDatasetFiles.testImages)).toBe(true);
    expect(same('t10k-labels-idx1-ubyte.gz', importedDatasetFiles.testLabels)).toBe(true);
    expect(parseIdx(new Uint8Array(fs.readFileSync(path.join(out, importedDatasetFiles.trainImages))), 'o').dims).toEqual([80, 28, 28]);
  });
});
