/**
 * The start scripts: the build-freshness check (a touched source needs a build,
 * an unchanged tree does not; a stale part is rebuilt with its npm script) and
 * `npm start` without Electron (one message that points to serve mode, exit 1).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from '../../helpers/tempDir';
import * as freshness from '../../../scripts/buildFreshness.cjs';


const roots: string[] = [];
afterAll(() => { for (const r of roots) fs.rmSync(r, { recursive: true, force: true }); });

/** A tree with one node source and a built entry, all dated `atMs`; its package.json's build:node writes the entry. */
function fakeTree(atMs: number): string {
  const root = tempDir('latent-fresh-');
  roots.push(root);
  const files: Record<string, string> = {
    'main/cli/cliMain.ts': 'export {};\n',
    'workers/common/x.ts': 'export {};\n',
    'dist/main/cli/cliMain.js': '',
    'package.json': JSON.stringify({ name: 'fresh-test', private: true, scripts: { 'build:node': 'node -e "require(\'fs\').writeFileSync(\'built.txt\', \'yes\')"' } }),
  };
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    fs.utimesSync(file, atMs / 1000, atMs / 1000);
  }
  return root;
}

describe('the build-freshness check', () => {
  const hourAgo = Date.now() - 3_600_000;

  it('wants a first build, then nothing while the sources are unchanged', () => {
    const root = fakeTree(hourAgo);
    expect(freshness.staleReason(root, 'node')).toBe('no build yet');
    freshness.writeStamp(root, 'node', hourAgo + 1000);
    expect(freshness.staleReason(root, 'node')).toBeNull();
  });

  it('names the touched source, and only the parts built from it', () => {
    const root = fakeTree(hourAgo);
    freshness.writeStamp(root, 'node', hourAgo + 1000);
    const touched = path.join(root, 'workers', 'common', 'x.ts');
    fs.utimesSync(touched, (hourAgo + 2000) / 1000, (hourAgo + 2000) / 1000);
    expect(freshness.staleReason(root, 'node')).toBe('workers/common/x.ts changed since the last build');
    // The renderer is built from workers/common too, but has never been built here.
    expect(freshness.staleReason(root, 'renderer')).toBe('no build yet');
  });

  it('wants a build when the entry is gone though the stamp is there', () => {
    const root = fakeTree(hourAgo);
    freshness.writeStamp(root, 'node', hourAgo + 1000);
    fs.rmSync(path.join(root, 'dist', 'main', 'cli', 'cliMain.js'));
    expect(freshness.staleReason(root, 'node')).toBe('dist/main/cli/cliMain.js is missing');
  });

  it('rebuilds a stale part with its npm script, says so in one line, and is fresh afterwards', () => {
    const root = fakeTree(hourAgo);
    const said: string[] = [];
    expect(freshness.ensureBuilt('node', { root, log: (l) => said.push(l) })).toEqual(['node']);
    expect(said).toEqual(['latent: building the node part (no build yet)…']);
    expect(fs.readFileSync(path.join(root, 'built.txt'), 'utf8')).toBe('yes');
    expect(freshness.staleReason(root, 'node')).toBeNull();
    expect(freshness.ensureBuilt('node', { root, log: (l) => said.push(l) })).toEqual([]);
    expect(said).toHaveLength(1);
  });
});

describe('npm start without Electron', () => {
  it('stops before any build with one message that points to npm run serve, and exit code 1', () => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'startElectron.cjs')], {
      cwd: repoRoot,
      encoding: 'utf8',
      // No binary where electron's index.js looks, and no download attempt.
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: path.join(tempDir('latent-noelectron-'), 'absent'), ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('Electron is not installed here (ELECTRON_SKIP_BINARY_DOWNLOAD is set), so the desktop app cannot start.\nRun the same app in your browser instead: npm run serve\n');
  });
});
