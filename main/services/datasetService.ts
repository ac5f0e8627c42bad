/**
 * The dataset registry seen from the main side: what can be trained on, where
 * its files are, and the content hash each run records.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DatasetImage, DatasetInfo } from '../common/domain';
import { readIdxFile } from '../../workers/data/mnist';
import type { IdxTensor } from '../../workers/data/idx';
import { encodeGridPng } from '../../workers/engine/imageGrid';
import { ApiError } from '../common/api';
import { datasetCatalogue, type DatasetEntry } from '../../workers/common/datasets';

export class DatasetService {
  private readonly hashes = new Map<string, string>();
  private readonly splits = new Map<string, { images: IdxTensor; labels: IdxTensor }>();

  /** Single images of a split as small PNGs (for the UI's pickers), by index. */
  images(id: string, split: 'train' | 'test', indices: readonly number[]): DatasetImage[] {
    const entry = this.get(id);
    const key = `${id}:${split}`;
    let data = this.splits.get(key);
    if (!data) {
      const dir = this.dir(entry);
      const f = entry.files;
      data = {
        images: readIdxFile(path.join(dir, split === 'train' ? f.trainImages : f.testImages)),
        labels: readIdxFile(path.join(dir, split === 'train' ? f.trainLabels : f.testLabels)),
      };
      this.splits.set(key, data);
    }
    const { images, labels } = data;
    const count = images.dims[0] ?? 0;
    const [h = 1, w = 1, c = 1] = images.dims.slice(1);
    const size = h * w * c;
    return indices.map((index) => {
      if (index >= count) throw new ApiError('bad-request', `Image ${index} is out of range: the ${split} split of ${entry.name} has ${count} images`);
      const pixels = Float32Array.from(images.data.subarray(index * size, (index + 1) * size), (v) => Number(v) / 255);
      const png = encodeGridPng({ pixels, count: 1, height: h, width: w, channels: c === 3 ? 3 : 1 }, { rows: 1, cols: 1, gap: 0 });
      return { index, label: Number(labels.data[index]), pngBase64: png.toString('base64') };
    });
  }

  list(): DatasetInfo[] {
    return Object.values(datasetCatalogue).map((e) => this.info(e));
  }

  get(id: string): DatasetEntry {
    const entry = (datasetCatalogue as Record<string, DatasetEntry | undefined>)[id];
    if (!entry) throw new ApiError('bad-request', `Unknown dataset "${id}"; available: ${Object.keys(datasetCatalogue).join(', ')}`);
    return entry;
  }

  dir(entry: DatasetEntry): string {
    const pkgJson = require.resolve(`${entry.packageName}/package.json`);
    return path.join(path.dirname(pkgJson), entry.subdir);
  }

  /** SHA-256 over the dataset's files (name, size and bytes), cached per file identity. */
  hash(entry: DatasetEntry): string {
    const dir = this.dir(entry);
    const files = Object.values(entry.files).map((f) => path.join(dir, f)).sort();
    const identity = files.map((f) => {
      const st = fs.statSync(f);
      return `${f}:${st.size}:${st.mtimeMs}`;
    }).join('|');
    const hit = this.hashes.get(identity);
    if (hit) return hit;
    const h = crypto.createHash('sha256');
    for (const f of files) {
      h.update(`${path.basename(f)}\0`);
      h.update(fs.readFileSync(f));
    }
    const digest = `sha256:${h.digest('hex')}`;
    this.hashes.set(identity, digest);
    return digest;
  }

  private info(e: DatasetEntry): DatasetInfo {
    return {
      id: e.id,
      name: e.name,
      description: e.description,
      trainSize: e.trainSize,
      testSize: e.testSize,
      inputShape: [...e.inputShape],
      numClasses: e.numClasses,
    };
  }
}
