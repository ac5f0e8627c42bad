/**
 * Where the end-to-end tests write their screenshots: test-results/screenshots/,
 * which git ignores, so a test run never modifies the tracked docs/ images.
 * `npm run docs:screenshots` copies them over the README's images in docs/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './tempDir';

export const screenshotDir = path.join(repoRoot, 'test-results', 'screenshots');

/** The path for screenshot `name` (e.g. 'screenshot-run.png'), its folder created. */
export function screenshotPath(name: string): string {
  fs.mkdirSync(screenshotDir, { recursive: true });
  return path.join(screenshotDir, name);
}
