/**
 * The dataset registry seen from the main side: what can be trained on, where
 * its files are, and the content hash each run records.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DatasetInfo } from '../common/domain';
import { ApiError } from '../common/api';
import { datasetCatalogue, type DatasetEntry } from '../../workers/common/datasets';

export class DatasetService {
  private readonly hashes = new Map<string, string>();

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
