import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function tempDir(prefix = 'latent-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export const repoRoot = path.resolve(__dirname, '..', '..');

/** Integration and e2e tests run the built app (workers are started from dist/). */
export function requireBuilt(): void {
  const entry = path.join(repoRoot, 'dist', 'workers', 'host', 'trainWorker.js');
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first (npm test does)`);
}
