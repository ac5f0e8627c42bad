/**
 * The content hash a dataset is recorded with and every run on it records:
 * SHA-256 over its files (base name, a NUL, then the bytes), in path order.
 * Here, not in the dataset service, so the import worker computes it beside
 * the files it wrote (hashing a large set would otherwise hold the main
 * thread), and the service the same way for built-in sets.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** SHA-256 over files (base name, a NUL, then the bytes), in path order: what runs record as the dataset hash. */
export function hashFiles(files: readonly string[]): string {
  const h = crypto.createHash('sha256');
  for (const f of [...files].sort()) {
    h.update(`${path.basename(f)}\0`);
    h.update(fs.readFileSync(f));
  }
  return `sha256:${h.digest('hex')}`;
}
