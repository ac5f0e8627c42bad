/**
 * Import source (a): a folder holding an IDX set — training and test images
 * and labels, four files, each optionally gzip-compressed (the layout of MNIST
 * and of Debian's Fashion-MNIST in /usr/share/datasets/fashion-mnist). Files
 * are recognised by name: "train" or "t10k"/"test", and "images" or "labels"
 * (e.g. train-images-idx3-ubyte.gz, t10k-labels.idx1-ubyte). An optional
 * classes.txt (one class name a line) names the classes; else they are 0…K-1.
 */
import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { parseIdx, type IdxTensor } from './idx';
import { IdxCollector } from './idxCollector';
import { DatasetFormatError, MAX_CLASSES, type ImportedData, type ImportedSplit, type ReadProgress } from './importedDataset';

type Role = 'trainImages' | 'trainLabels' | 'testImages' | 'testLabels';

const roleText: Record<Role, string> = {
  trainImages: 'training images',
  trainLabels: 'training labels',
  testImages: 'test images',
  testLabels: 'test labels',
};

/** Which of the four files a name is, or null when it is none of them. */
export function idxFileRole(fileName: string): Role | null {
  const name = fileName.toLowerCase().replace(/\.gz$/, '');
  if (!/idx\d|ubyte|\.idx$/.test(name)) return null;
  const words = name.split(/[^a-z0-9]+/);
  const has = (re: RegExp): boolean => words.some((w) => re.test(w));
  const train = has(/^train$/);
  const test = has(/^(t10k|test)$/);
  const images = has(/^images?$/);
  const labels = has(/^labels?$/);
  if (train === test || images === labels) return null;
  return train ? (images ? 'trainImages' : 'trainLabels') : (images ? 'testImages' : 'testLabels');
}

/** Whether the file starts with gzip's magic bytes (1f 8b), whatever its name. */
async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

function gunzipFailure(path: string, e: unknown): DatasetFormatError {
  const why = (e as { code?: string }).code === 'Z_BUF_ERROR' ? 'the compressed data ends early (the file is truncated)' : (e as Error).message;
  return new DatasetFormatError(`${path}: cannot decompress this gzip file: ${why}`, { cause: e });
}

/**
 * An IDX file's bytes, decompressed as they stream when it is gzip, never
 * more than its header declares (see idxCollector.ts): a gzip bomb is refused
 * after at most one chunk past that size, not inflated. `onBytes` hears the
 * bytes read as stored.
 */
async function readIdxBytes(path: string, onBytes?: (n: number) => void): Promise<Uint8Array> {
  let gz: boolean;
  try {
    gz = await isGzip(path);
  } catch (e) {
    throw new DatasetFormatError(`Cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  const collector = new IdxCollector(path, gz);
  const file = createReadStream(path);
  if (onBytes) file.on('data', (chunk) => onBytes(chunk.length));
  // A plain file stops at its declared size; a gzip stream is read to its end (stopping inside
  // zlib aborts it), each chunk past the declared size refused by the collector as it comes.
  // The collector's refusal is kept: a pipeline with zlib in it reports a sink's error as an AbortError.
  let refused: DatasetFormatError | undefined;
  const sink = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      try {
        if (!collector.push(chunk) && !gz) return;
      } catch (e) {
        refused = e instanceof DatasetFormatError ? e : undefined;
        throw e;
      }
    }
  };
  try {
    if (gz) await pipeline(file, createGunzip(), sink);
    else await pipeline(file, sink);
  } catch (e) {
    if (refused) throw refused;
    if (e instanceof DatasetFormatError) throw e;
    if (gz && /^Z_/.test(String((e as { code?: unknown }).code))) throw gunzipFailure(path, e);
    throw new DatasetFormatError(`Cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  return collector.bytes();
}

/** Reads one IDX file, decompressing it first when it is gzip (by its magic bytes, whatever its name). */
export async function readIdxSourceFile(path: string, onBytes?: (n: number) => void): Promise<IdxTensor> {
  const bytes = await readIdxBytes(path, onBytes);
  try {
    return parseIdx(bytes, path);
  } catch (e) {
    throw new DatasetFormatError((e as Error).message, { cause: e });
  }
}

async function findFiles(dir: string): Promise<Record<Role, string>> {
  let names: string[];
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    names = entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name).filter((n) => !n.startsWith('.')).sort();
  } catch (e) {
    throw new DatasetFormatError(`Cannot read the folder ${dir}: ${(e as Error).message}`, { cause: e });
  }
  const found: Partial<Record<Role, string>> = {};
  for (const n of names) {
    const role = idxFileRole(n);
    if (!role) continue;
    const already = found[role];
    if (already !== undefined) {
      throw new DatasetFormatError(`Two files in ${dir} look like the ${roleText[role]}: ${already} and ${n}. Keep one of them.`);
    }
    found[role] = n;
  }
  const missing = (Object.keys(roleText) as Role[]).filter((r) => found[r] === undefined);
  if (missing.length > 0) {
    throw new DatasetFormatError(
      `${dir} does not hold a complete IDX set: no file for the ${missing.map((r) => roleText[r]).join(', ')}. ` +
      'Expected four files named like train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each may end in .gz); ' +
      `found ${names.length === 0 ? 'no files' : names.join(', ')}.`,
    );
  }
  return found as Record<Role, string>;
}

interface ImageTensor { dims: number[]; data: Uint8Array }

function checkImages(t: IdxTensor, path: string): ImageTensor {
  if (t.dtype !== 'uint8') throw new DatasetFormatError(`${path}: images must be unsigned bytes (IDX type 0x08), found ${t.dtype}`);
  const d = t.dims;
  const ok = d.length === 3 || (d.length === 4 && (d[3] === 1 || d[3] === 3));
  if (!ok) {
    throw new DatasetFormatError(`${path}: images must have dimensions [count, height, width] or [count, height, width, 1 or 3 channels], found [${d.join(', ')}]`);
  }
  return { dims: d, data: t.data as Uint8Array };
}

function checkLabels(t: IdxTensor, path: string): Uint8Array {
  if (t.dims.length !== 1) throw new DatasetFormatError(`${path}: labels must have one dimension [count], found [${t.dims.join(', ')}]`);
  if (t.dtype === 'float32' || t.dtype === 'float64') throw new DatasetFormatError(`${path}: labels must be integers, found ${t.dtype}`);
  const out = new Uint8Array(t.data.length);
  for (let i = 0; i < t.data.length; i++) {
    const v = Number(t.data[i]);
    if (v < 0 || v >= MAX_CLASSES) throw new DatasetFormatError(`${path}: label ${v} at index ${i} is outside 0..${MAX_CLASSES - 1}`);
    out[i] = v;
  }
  return out;
}

async function readClassNames(dir: string, numClasses: number): Promise<string[] | null> {
  const file = join(dir, 'classes.txt');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  const names = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (names.length !== numClasses) {
    throw new DatasetFormatError(`${file} names ${names.length} classes but the labels use ${numClasses} (0..${numClasses - 1}): give one name a line, one line per class`);
  }
  return names;
}

/** Reads, checks and returns an IDX set from `dir`; `onProgress` hears the bytes read of the four files (as stored, compressed or not). */
export async function readIdxSource(dir: string, onProgress?: ReadProgress): Promise<ImportedData> {
  const files = await findFiles(dir);
  const path = (r: Role): string => join(dir, files[r]);
  let onBytes: ((n: number) => void) | undefined;
  if (onProgress) {
    const sizes = await Promise.all((Object.keys(roleText) as Role[]).map(async (r) => (await stat(path(r))).size));
    const total = sizes.reduce((a, b) => a + b, 0);
    let done = 0;
    onProgress(0, total, 'bytes');
    onBytes = (n) => { done += n; onProgress(done, total, 'bytes'); };
  }
  const trainImages = checkImages(await readIdxSourceFile(path('trainImages'), onBytes), path('trainImages'));
  const trainLabels = checkLabels(await readIdxSourceFile(path('trainLabels'), onBytes), path('trainLabels'));
  const testImages = checkImages(await readIdxSourceFile(path('testImages'), onBytes), path('testImages'));
  const testLabels = checkLabels(await readIdxSourceFile(path('testLabels'), onBytes), path('testLabels'));

  const [, h = 0, w = 0, c = 1] = trainImages.dims;
  const [, th, tw, tc = 1] = testImages.dims;
  if (th !== h || tw !== w || tc !== c) {
    throw new DatasetFormatError(`The training images (${files.trainImages}) are ${h}×${w}×${c} but the test images (${files.testImages}) are ${th}×${tw}×${tc}: both splits must have one image size`);
  }
  const split = (images: ImageTensor, labels: Uint8Array, imagesFile: string, labelsFile: string): ImportedSplit => {
    const n = images.dims[0]!;
    if (labels.length !== n) throw new DatasetFormatError(`${join(dir, imagesFile)} holds ${n} images but ${join(dir, labelsFile)} holds ${labels.length} labels: they must match`);
    return { images: images.data, labels, count: n };
  };
  const train = split(trainImages, trainLabels, files.trainImages, files.trainLabels);
  const test = split(testImages, testLabels, files.testImages, files.testLabels);
  let max = 0;
  for (const l of train.labels) if (l > max) max = l;
  for (const l of test.labels) if (l > max) max = l;
  const numClasses = max + 1;
  if (numClasses < 2) throw new DatasetFormatError(`${path('trainLabels')}: every label is 0; a classification set needs at least two classes`);
  const classNames = (await readClassNames(dir, numClasses)) ?? Array.from({ length: numClasses }, (_, i) => String(i));
  const notes = [`IDX files ${Object.values(files).join(', ')}`];
  return { train, test, height: h, width: w, channels: c === 3 ? 3 : 1, classNames, split: null, notes };
}
