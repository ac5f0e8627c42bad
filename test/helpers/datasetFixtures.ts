/**
 * Real files to import, made from MNIST: digits written as PNG (or JPEG) into
 * class folders, and IDX sets (plain or gzip). Nothing here is mocked: the
 * importers read these exactly as a user's folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { datasetCatalogue } from '../../workers/common/datasets';
import { encodeIdxUint8 } from '../../workers/data/idx';
import { readIdxFile, resolveDatasetDir } from '../../workers/data/mnist';

export const digitNames = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

export interface Digits {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

/** The first `count` MNIST training (or test) digits as bytes. */
export function mnistDigits(count: number, split: 'train' | 'test' = 'train'): Digits {
  const e = datasetCatalogue.mnist;
  const dir = resolveDatasetDir(e);
  const images = readIdxFile(path.join(dir, split === 'train' ? e.files.trainImages : e.files.testImages), count);
  const labels = readIdxFile(path.join(dir, split === 'train' ? e.files.trainLabels : e.files.testLabels), count);
  return { images: images.data as Uint8Array, labels: labels.data as Uint8Array, count };
}

/** A 28×28 grey digit as PNG bytes: grey colour type, or RGB with the same value in each channel, or tinted (real colour). */
export function digitPng(d: Digits, i: number, mode: 'grey' | 'rgb' | 'tinted' = 'grey', size = 28): Buffer {
  const png = new PNG({ width: size, height: size, colorType: mode === 'grey' ? 0 : 2, inputColorType: 6, inputHasAlpha: true });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = y < 28 && x < 28 ? d.images[i * 784 + y * 28 + x]! : 0;
      const o = 4 * (y * size + x);
      png.data[o] = v;
      png.data[o + 1] = mode === 'tinted' ? v >> 1 : v;
      png.data[o + 2] = mode === 'tinted' ? 255 - v : v;
      png.data[o + 3] = 255;
    }
  }
  return PNG.sync.write(png, { colorType: mode === 'grey' ? 0 : 2 });
}

export function digitJpeg(d: Digits, i: number): Buffer {
  const data = Buffer.alloc(28 * 28 * 4);
  for (let p = 0; p < 784; p++) {
    const v = d.images[i * 784 + p]!;
    data[4 * p] = v; data[4 * p + 1] = v; data[4 * p + 2] = v; data[4 * p + 3] = 255;
  }
  return encodeJpeg({ data, width: 28, height: 28 }, 95).data;
}

export interface FolderOptions {
  /** digits 0..classes-1 only. */
  classes?: number;
  mode?: 'grey' | 'rgb' | 'tinted';
  /** Write every `jpegEvery`-th image as JPEG instead of PNG. */
  jpegEvery?: number;
}

/** Writes digits into root/<class name>/<i>.png; returns how many per class. */
export function writeClassFolders(root: string, d: Digits, o: FolderOptions = {}): number[] {
  const classes = o.classes ?? 10;
  const perClass = new Array<number>(classes).fill(0);
  for (let c = 0; c < classes; c++) fs.mkdirSync(path.join(root, digitNames[c]!), { recursive: true });
  for (let i = 0; i < d.count; i++) {
    const label = d.labels[i]!;
    if (label >= classes) continue;
    const jpeg = o.jpegEvery !== undefined && i % o.jpegEvery === 0;
    const file = path.join(root, digitNames[label]!, `${String(i).padStart(5, '0')}.${jpeg ? 'jpg' : 'png'}`);
    fs.writeFileSync(file, jpeg ? digitJpeg(d, i) : digitPng(d, i, o.mode ?? 'grey'));
    perClass[label]!++;
  }
  return perClass;
}

/** A flat image folder of the first `count` MNIST training digits. */
export function writeFlatFolder(root: string, count: number, o: FolderOptions = {}): number[] {
  return writeClassFolders(root, mnistDigits(count), o);
}

/** root/train/<class>/ and root/test/<class>/ from MNIST's training and test digits. */
export function writeSplitFolder(root: string, trainCount: number, testCount: number, o: FolderOptions = {}): void {
  writeClassFolders(path.join(root, 'train'), mnistDigits(trainCount, 'train'), o);
  writeClassFolders(path.join(root, 'test'), mnistDigits(testCount, 'test'), o);
}

export interface IdxSetOptions {
  gzip?: boolean;
  /** File names (default: MNIST's). */
  names?: { trainImages: string; trainLabels: string; testImages: string; testLabels: string };
}

/** Writes an IDX set of the first MNIST digits (images [n, 28, 28], labels [n]). */
export function writeIdxSet(dir: string, trainCount: number, testCount: number, o: IdxSetOptions = {}): Record<'trainImages' | 'trainLabels' | 'testImages' | 'testLabels', string> {
  fs.mkdirSync(dir, { recursive: true });
  const train = mnistDigits(trainCount, 'train');
  const test = mnistDigits(testCount, 'test');
  const base = o.names ?? { trainImages: 'train-images-idx3-ubyte', trainLabels: 'train-labels-idx1-ubyte', testImages: 't10k-images-idx3-ubyte', testLabels: 't10k-labels-idx1-ubyte' };
  const ext = o.gzip ? '.gz' : '';
  const files = {
    trainImages: `${base.trainImages}${ext}`, trainLabels: `${base.trainLabels}${ext}`,
    testImages: `${base.testImages}${ext}`, testLabels: `${base.testLabels}${ext}`,
  };
  const write = (name: string, bytes: Uint8Array): void => fs.writeFileSync(path.join(dir, name), o.gzip ? gzipSync(bytes) : bytes);
  write(files.trainImages, encodeIdxUint8([train.count, 28, 28], train.images));
  write(files.trainLabels, encodeIdxUint8([train.count], train.labels));
  write(files.testImages, encodeIdxUint8([test.count, 28, 28], test.images));
  write(files.testLabels, encodeIdxUint8([test.count], test.labels));
  return files;
}

/** Where Debian's dataset-fashion-mnist package puts its files. */
export const fashionMnistDir = '/usr/share/datasets/fashion-mnist';

/** Fails (never skips) when the package is missing: npm test installs it (scripts/ensureChromium.cjs). */
export function requireFashionMnist(): string {
  const f = path.join(fashionMnistDir, 'train-images-idx3-ubyte.gz');
  if (!fs.existsSync(f)) throw new Error(`${f} is missing: apt-get install dataset-fashion-mnist (npm test installs it)`);
  return fashionMnistDir;
}
