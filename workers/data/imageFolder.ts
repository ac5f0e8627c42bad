/**
 * Import source (b): a folder of images, one sub-folder per class (the folder
 * name is the class name), PNG or JPEG, all of one size, grey or colour.
 * Either
 *   root/train/<class>/*.png and root/test/<class>/*.png   (the split is given), or
 *   root/<class>/*.png                                      (split here: a seeded
 *                                                            testFraction of each class).
 * The set is grey (1 channel) when every pixel of every image has R = G = B,
 * else RGB; alpha is dropped. Each split is written in a seeded shuffled order,
 * so "the first N examples" (trainSize) is a fair sample of every class.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { decode as decodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { deriveSeed, permutation } from '../engine/prng';
import { jpegSize, pngSize, type ImageSize } from './imageHeader';
import { DatasetFormatError, MAX_CLASSES, MAX_IDX_VALUES, type ImportedData, type ImportedSplit, type ReadProgress } from './importedDataset';

export interface ImageFolderOptions {
  /** Flat layout only: the fraction of each class that becomes the test split, in (0, 1). */
  testFraction: number;
  /** Seeds the flat layout's split and both splits' order. */
  seed: number;
}

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);
/** Largest image accepted, in pixels: 1024×1024 = 1,048,576 (a classifier set, not photographs to downscale). Checked from the header, before decoding. */
export const MAX_PIXELS = 1024 * 1024;
/** Largest image file read: 64 MiB (a 1024×1024 RGBA PNG stored uncompressed is about 4 MiB). */
export const MAX_IMAGE_FILE_BYTES = 64 * 1024 ** 2;

interface Listed { path: string; label: number }

/** One decoded image: RGBA bytes, and whether every pixel is grey. */
export interface DecodedImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

/** Refuses an image whose header declares more than MAX_PIXELS, or declares no size at all, before it is decoded. */
function checkDeclaredSize(size: ImageSize | null, format: string, path: string): void {
  if (!size) throw new DatasetFormatError(`${path}: not a valid ${format} image (no image size in its header)`);
  if (size.width * size.height > MAX_PIXELS) {
    throw new DatasetFormatError(`${path} is ${size.width}×${size.height} (read from its ${format} header): images of at most ${MAX_PIXELS} pixels (1024×1024) are supported; resize the set first`);
  }
}

/** Decodes a PNG or JPEG (told apart by their first bytes, not the file name), after checking the size its header declares. */
export function decodeImage(bytes: Uint8Array, path: string): DecodedImage {
  const isPng = PNG_MAGIC.every((b, i) => bytes[i] === b);
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  if (isPng) checkDeclaredSize(pngSize(bytes), 'PNG', path);
  if (isJpeg) checkDeclaredSize(jpegSize(bytes), 'JPEG', path);
  if (isPng) {
    try {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, rgba: png.data };
    } catch (e) {
      throw new DatasetFormatError(`${path}: not a valid PNG image (${(e as Error).message})`, { cause: e });
    }
  }
  if (isJpeg) {
    try {
      const jpg = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6 * 4, maxMemoryUsageInMB: 256 });
      return { width: jpg.width, height: jpg.height, rgba: jpg.data };
    } catch (e) {
      throw new DatasetFormatError(`${path}: not a valid JPEG image (${(e as Error).message})`, { cause: e });
    }
  }
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new DatasetFormatError(`${path}: not a PNG or JPEG image (it starts with ${head || 'nothing: the file is empty'})`);
}

async function list(dir: string): Promise<Dirent[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'ENOTDIR' ? 'it is not a folder' : (e as Error).message;
    throw new DatasetFormatError(`Cannot read the folder ${dir}: ${why}`, { cause: e });
  }
}

const byName = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

interface ClassFolders { names: string[]; ignored: string[] }

/** The class folders directly under `dir`; loose files are an error (they would belong to no class). */
async function classFolders(dir: string): Promise<ClassFolders> {
  const entries = await list(dir);
  const images = entries.filter((e) => e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()));
  if (images.length > 0) {
    throw new DatasetFormatError(`${dir} holds image files directly (e.g. ${images[0]!.name}): put each image in a sub-folder named after its class`);
  }
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort(byName);
  const ignored = entries.filter((e) => !e.isDirectory()).map((e) => join(dir, e.name));
  return { names, ignored };
}

interface ClassImages { files: string[]; ignored: string[] }

async function imagesOf(dir: string): Promise<ClassImages> {
  const entries = await list(dir);
  const files: string[] = [];
  const ignored: string[] = [];
  for (const e of entries) {
    if (e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())) files.push(join(dir, e.name));
    else ignored.push(join(dir, e.name));
  }
  if (files.length === 0) throw new DatasetFormatError(`The class folder ${dir} holds no PNG or JPEG images`);
  return { files, ignored };
}

function checkClassCount(n: number, where: string): void {
  if (n < 2) throw new DatasetFormatError(`${where} has ${n === 0 ? 'no class folders' : 'only one class folder'}: a classification set needs at least two (one sub-folder per class)`);
  if (n > MAX_CLASSES) throw new DatasetFormatError(`${where} has ${n} class folders; at most ${MAX_CLASSES} classes are supported`);
}

interface Layout { train: Listed[]; test: Listed[]; classNames: string[]; notes: string[]; ignored: string[]; split: ImportedData['split'] }

async function splitLayout(root: string, trainName: string, testName: string, others: string[]): Promise<Layout> {
  const trainDir = join(root, trainName);
  const testDir = join(root, testName);
  const trainClasses = await classFolders(trainDir);
  const testClasses = await classFolders(testDir);
  checkClassCount(trainClasses.names.length, trainDir);
  const classNames = trainClasses.names;
  const unknown = testClasses.names.filter((n) => !classNames.includes(n));
  if (unknown.length > 0) {
    throw new DatasetFormatError(`${testDir} has class folder${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')} that ${trainDir} does not: both splits must use the same classes`);
  }
  const ignored = [...trainClasses.ignored, ...testClasses.ignored, ...others.map((o) => join(root, o))];
  const train: Listed[] = [];
  const test: Listed[] = [];
  for (const [label, name] of classNames.entries()) {
    const t = await imagesOf(join(trainDir, name));
    ignored.push(...t.ignored);
    for (const f of t.files) train.push({ path: f, label });
    if (testClasses.names.includes(name)) {
      const s = await imagesOf(join(testDir, name));
      ignored.push(...s.ignored);
      for (const f of s.files) test.push({ path: f, label });
    }
  }
  const notes = ['train/ and test/ folders as given'];
  const missing = classNames.filter((n) => !testClasses.names.includes(n));
  if (missing.length > 0) notes.push(`no test images for class${missing.length > 1 ? 'es' : ''} ${missing.join(', ')}`);
  return { train, test, classNames, notes, ignored, split: null };
}

async function flatLayout(root: string, o: ImageFolderOptions): Promise<Layout> {
  const classes = await classFolders(root);
  checkClassCount(classes.names.length, root);
  const ignored = [...classes.ignored];
  const train: Listed[] = [];
  const test: Listed[] = [];
  for (const [label, name] of classes.names.entries()) {
    const { files, ignored: skipped } = await imagesOf(join(root, name));
    ignored.push(...skipped);
    // Each class on its own: the test split has the classes' proportions.
    const order = permutation(files.length, deriveSeed(o.seed, label, 0x5971));
    const nTest = files.length < 2 ? 0 : Math.min(files.length - 1, Math.max(1, Math.round(files.length * o.testFraction)));
    order.forEach((fileIndex, k) => (k < nTest ? test : train).push({ path: files[fileIndex]!, label }));
  }
  if (test.length === 0) throw new DatasetFormatError(`${root}: every class folder holds a single image, so there is nothing to put in the test split`);
  return { train, test, classNames: classes.names, notes: [`split by class: ${+(o.testFraction * 100).toFixed(2)} % for test, seed ${o.seed}`], ignored, split: { testFraction: o.testFraction, seed: o.seed } };
}

/** Decodes every listed image into one buffer, in a seeded shuffled order. */
class SplitBuilder {
  height = 0;
  width = 0;
  channels: 1 | 3 = 1;
  /** The first image decoded: the size every other must have. */
  private first = '';
  readonly splits: { listed: Listed[]; images: Uint8Array; labels: Uint8Array }[] = [];

  add(listed: Listed[], seed: number): number {
    const order = permutation(listed.length, seed);
    this.splits.push({ listed: Array.from(order, (i) => listed[i]!), images: new Uint8Array(0), labels: new Uint8Array(listed.length) });
    return this.splits.length - 1;
  }

  private allocate(channels: 1 | 3): void {
    const per = this.height * this.width;
    for (const s of this.splits) {
      const values = s.listed.length * per * channels;
      if (values > MAX_IDX_VALUES) {
        throw new DatasetFormatError(`${s.listed.length} images of ${this.height}×${this.width}×${channels} are ${values} values, more than one IDX file holds (${MAX_IDX_VALUES}); import fewer or smaller images`);
      }
      const next = new Uint8Array(values);
      if (channels === 3 && s.images.length > 0) {
        // Grey so far: expand what is decoded into RGB.
        for (let p = 0; p < s.images.length; p++) next[3 * p] = next[3 * p + 1] = next[3 * p + 2] = s.images[p]!;
      }
      s.images = next;
    }
    this.channels = channels;
  }

  async decodeAll(onProgress?: ReadProgress): Promise<void> {
    const total = this.splits.reduce((n, s) => n + s.listed.length, 0);
    let done = 0;
    onProgress?.(0, total, 'files');
    for (const s of this.splits) {
      for (const [k, item] of s.listed.entries()) {
        let bytes: Uint8Array;
        try {
          const { size } = await stat(item.path);
          if (size > MAX_IMAGE_FILE_BYTES) {
            throw new DatasetFormatError(`${item.path} is ${(size / 1024 ** 2).toFixed(1)} MiB: image files of at most ${MAX_IMAGE_FILE_BYTES / 1024 ** 2} MiB are read`);
          }
          bytes = await readFile(item.path);
        } catch (e) {
          if (e instanceof DatasetFormatError) throw e;
          throw new DatasetFormatError(`Cannot read ${item.path}: ${(e as Error).message}`, { cause: e });
        }
        const img = decodeImage(bytes, item.path);
        if (this.first === '') {
          this.first = item.path;
          this.height = img.height;
          this.width = img.width;
          this.allocate(1);
        } else if (img.width !== this.width || img.height !== this.height) {
          throw new DatasetFormatError(
            `Images must all have one size: ${item.path} is ${img.width}×${img.height} but ${this.first} is ${this.width}×${this.height} (width × height)`,
          );
        }
        this.put(s, k, img);
        s.labels[k] = item.label;
        onProgress?.(++done, total, 'files');
      }
    }
  }

  private put(s: { images: Uint8Array }, k: number, img: DecodedImage): void {
    const per = this.height * this.width;
    const px = img.rgba;
    if (this.channels === 1) {
      let grey = true;
      for (let p = 0; p < per; p++) {
        if (px[4 * p] !== px[4 * p + 1] || px[4 * p] !== px[4 * p + 2]) { grey = false; break; }
      }
      if (grey) {
        const at = k * per;
        for (let p = 0; p < per; p++) s.images[at + p] = px[4 * p]!;
        return;
      }
      // The first colour image: from now on the set is RGB (allocate replaces s.images too).
      this.allocate(3);
    }
    const at = k * per * 3;
    for (let p = 0; p < per; p++) {
      s.images[at + 3 * p] = px[4 * p]!;
      s.images[at + 3 * p + 1] = px[4 * p + 1]!;
      s.images[at + 3 * p + 2] = px[4 * p + 2]!;
    }
  }
}

/** Reads, checks and decodes an image-folder dataset under `root`; `onProgress` hears the images decoded of all listed. */
export async function readImageFolder(root: string, o: ImageFolderOptions, onProgress?: ReadProgress): Promise<ImportedData> {
  if (!(o.testFraction > 0 && o.testFraction < 1)) throw new DatasetFormatError(`testFraction must be between 0 and 1 (exclusive), not ${o.testFraction}`);
  const top = await list(root);
  const dirs = top.filter((e) => e.isDirectory()).map((e) => e.name);
  const trainName = dirs.find((d) => d.toLowerCase() === 'train');
  const testName = dirs.find((d) => d.toLowerCase() === 'test');
  if ((trainName === undefined) !== (testName === undefined)) {
    const has = trainName ?? testName;
    throw new DatasetFormatError(`${root} has a ${has}/ folder but no ${trainName ? 'test' : 'train'}/ folder: give both (each holding one folder per class), or neither (class folders directly in ${root})`);
  }
  const layout = trainName !== undefined && testName !== undefined
    ? await splitLayout(root, trainName, testName, top.filter((e) => e.name !== trainName && e.name !== testName).map((e) => e.name))
    : await flatLayout(root, o);

  const builder = new SplitBuilder();
  const trainIndex = builder.add(layout.train, deriveSeed(o.seed, 0x7a11));
  const testIndex = builder.add(layout.test, deriveSeed(o.seed, 0x7e57));
  await builder.decodeAll(onProgress);
  const asSplit = (i: number): ImportedSplit => {
    const s = builder.splits[i]!;
    return { images: s.images, labels: s.labels, count: s.listed.length };
  };
  const notes = [...layout.notes];
  const jpegs = [...layout.train, ...layout.test].filter((l) => /\.jpe?g$/i.test(l.path)).length;
  if (jpegs > 0) notes.push(`${jpegs} JPEG image${jpegs > 1 ? 's' : ''}`);
  if (layout.ignored.length > 0) {
    const shown = layout.ignored.slice(0, 3).join(', ');
    notes.push(`ignored ${layout.ignored.length} entr${layout.ignored.length > 1 ? 'ies' : 'y'} that are not class folders or PNG/JPEG images (${shown}${layout.ignored.length > 3 ? ', …' : ''})`);
  }
  return {
    train: asSplit(trainIndex),
    test: asSplit(testIndex),
    height: builder.height,
    width: builder.width,
    channels: builder.channels,
    classNames: layout.classNames,
    split: layout.split,
    notes,
  };
}
