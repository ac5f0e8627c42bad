/**
 * Owner-only files on a shared machine (POSIX only; Windows has no such
 * modes): with the umask at 000 (the worst case: files would be 0666 and
 * folders 0777), a fresh data folder is 0700 and the database with its -wal
 * and -shm files 0600; a tiny VAE run (seed 3, 200 MNIST images, one epoch,
 * wasm) writes its checkpoint and gallery files 0600. And serve started with
 * LATENT_TOKEN in its environment uses that token, not a random one, and does
 * not warn; a token file (trimmed) works the same way.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type AppServices } from '../../main/services/appServices';
import { appRoot } from '../../main/services/appInfo';
import { runConfigSchema } from '../../workers/common/runConfig';
import { serveApi, startServe } from '../helpers/serveProcess';
import { requireBuilt, tempDir } from '../helpers/tempDir';

const posix = process.platform !== 'win32';
const mode = (p: string): string => (fs.statSync(p).mode & 0o777).toString(8);

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

const parent = tempDir('latent-perms-');
afterAll(() => fs.rmSync(parent, { recursive: true, force: true }));

describe.runIf(posix)('data folder, database and run files are owner-only whatever the umask', () => {
  const dataDir = path.join(parent, 'fresh', 'data');
  let s: AppServices;
  let oldUmask: number;
  beforeAll(() => {
    requireBuilt();
    oldUmask = process.umask(0o000);
    s = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' }, watchOtherProcesses: false });
  });
  afterAll(async () => {
    await s.close();
    process.umask(oldUmask);
  });

  it('creates the data folder 0700 and the database, WAL and SHM 0600', () => {
    s.experiments.create('perms', '');
    expect(mode(dataDir)).toBe('700');
    const db = path.join(dataDir, 'workbench.sqlite');
    expect([mode(db), mode(`${db}-wal`), mode(`${db}-shm`)]).toEqual(['600', '600', '600']);
  });

  it('a tiny run writes its checkpoint and gallery files 0600', async () => {
    const experimentId = s.experiments.create('tiny', '').id;
    const config = runConfigSchema.parse({
      family: 'vae',
      dataset: { id: 'mnist', trainSize: 200, testSize: 100 },
      architecture: { template: 'mlp' },
      hyper: { epochs: 1, batchSize: 50, latentDim: 2, seed: 3 },
    });
    const id = s.runs.start(experimentId, config).id;
    await expect(s.runs.waitForEnd(id)).resolves.toBe('done');
    const checkpoint = s.store.latestCheckpoint(id);
    expect(checkpoint).toBeDefined();
    const runDir = path.join(dataDir, 'runs', String(id));
    const files = filesUnder(runDir);
    const checkpointFiles = files.filter((f) => /manifest\.json$|weights\.bin$/.test(f));
    const galleryFiles = files.filter((f) => f.includes(`${path.sep}gallery${path.sep}`));
    expect(checkpointFiles.length).toBeGreaterThanOrEqual(2);
    expect(galleryFiles.length).toBeGreaterThan(0);
    expect([...checkpointFiles, ...galleryFiles].filter((f) => mode(f) !== '600')).toEqual([]);
  });
});

describe('serve\'s token from the environment or a file', () => {
  it('uses LATENT_TOKEN and says nothing about the command line', async () => {
    requireBuilt();
    const token = 'env-token-7f3a9c';
    const serve = await startServe(path.join(parent, 'serve-env'), { LATENT_TOKEN: token });
    try {
      expect(serve.token).toBe(token);
      expect(await serveApi<unknown[]>(serve, 'experiments.list', {})).toEqual([]);
      expect(serve.output()).not.toMatch(/--token is visible/);
    } finally {
      await serve.stop();
    }
  });

  it('reads --token-file (trimmed); --token still works but warns on stderr', async () => {
    requireBuilt();
    const file = path.join(parent, 'token.txt');
    fs.writeFileSync(file, '  file-token-12ab\n', { mode: 0o600 });
    const fromFile = await firstLines(['--token-file', file]);
    expect(fromFile.stdout).toMatch(/\?token=file-token-12ab\b/);
    expect(fromFile.stderr).toBe('');
    const fromFlag = await firstLines(['--token', 'flag-token-99']);
    expect(fromFlag.stdout).toMatch(/\?token=flag-token-99\b/);
    expect(fromFlag.stderr).toMatch(/^latent serve: warning: --token is visible to other users of this machine in the process list; pass it in LATENT_TOKEN or a file \(--token-file PATH\) instead\n$/);
  });
});

/** Starts serve with `args`, waits for its URL, stops it, and returns what it printed. */
async function firstLines(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(appRoot, 'dist', 'main', 'server', 'serveMain.js'), '--port', '0', '--data', path.join(parent, 'serve-args'), ...args], {
    env: { ...process.env, LATENT_TOKEN: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (/Open http/.test(stdout)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${String(code)}: ${stdout}${stderr}`)));
  });
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  return { stdout, stderr };
}
