/**
 * Importing the user's own datasets through the real services (every call
 * through the validated API dispatch), a real SQLite file and real worker
 * threads: a generated folder of MNIST PNGs and Debian's Fashion-MNIST IDX
 * files, trained on like MNIST; refused imports leave nothing behind; removal
 * keeps the runs; the imports survive a restart; the CLI does the same.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiMethod, ApiRequest, ApiResponse } from '../../main/common/api';
import type { DatasetInfo } from '../../main/common/domain';
import { createServices, type AppServices } from '../../main/services/appServices';
import { dispatch } from '../../main/services/dispatch';
import { importedDatasetFiles } from '../../workers/common/datasets';
import { mlpConfig } from '../helpers/configs';
import { digitNames, digitPng, mnistDigits, requireFashionMnist, writeFlatFolder, writeSplitFolder } from '../helpers/datasetFixtures';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

const dataDir = tempDir();
const sources = tempDir('latent-sources-');
let s: AppServices;
let experimentId: number;

beforeAll(() => {
  requireBuilt();
  s = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' } });
  experimentId = s.experiments.create('imports', 'runs on imported datasets').id;
});
afterAll(async () => {
  await s.close();
  fs.rmSync(sources, { recursive: true, force: true });
});

type Outcome<M extends ApiMethod> = { ok: true; result: ApiResponse<M> } | { ok: false; error: { code: string; message: string } };

/** One API call exactly as a transport makes it: validated, then handled. */
async function call<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<Outcome<M>> {
  return await dispatch(s.handlers, method, req) as Outcome<M>;
}

async function ok<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<ApiResponse<M>> {
  const r = await call(method, req);
  if (!r.ok) throw new Error(`${method} failed: ${r.error.message}`);
  return r.result;
}

async function refused<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<{ code: string; message: string }> {
  const r = await call(method, req);
  if (r.ok) throw new Error(`${method} should have been refused`);
  return r.error;
}

function datasetFolders(): string[] {
  const root = path.join(dataDir, 'datasets');
  return fs.existsSync(root) ? fs.readdirSync(root).sort() : [];
}

let digits: DatasetInfo;

describe('an image folder of MNIST PNGs', () => {
  it('is imported, listed beside MNIST, and shows its images', async () => {
    const folder = path.join(sources, 'digits');
    writeFlatFolder(folder, 800);
    const t0 = Date.now();
    digits = await ok('datasets.import', { name: 'Digit PNGs', kind: 'image-folder', path: folder, testFraction: 0.25, seed: 3 });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(digits).toMatchObject({
      id: 'digit-pngs', name: 'Digit PNGs', kind: 'image-folder', inputShape: [28, 28, 1], numClasses: 10,
      classNames: [...digitNames].sort(), sourcePath: folder, split: { testFraction: 0.25, seed: 3 },
    });
    expect(digits.trainSize + digits.testSize).toBe(800);
    expect(digits.testSize).toBeGreaterThan(180);
    expect(digits.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);

    const list = await ok('datasets.list', {});
    expect(list.map((d) => d.id)).toEqual(['mnist', 'digit-pngs']);
    expect(list[0]).toMatchObject({ kind: 'builtin', sourcePath: null });
    for (const f of Object.values(importedDatasetFiles)) expect(fs.existsSync(path.join(dataDir, 'datasets', 'digit-pngs', f))).toBe(true);

    const thumbs = await ok('datasets.images', { id: 'digit-pngs', split: 'train', indices: [0, 1, 2] });
    expect(thumbs).toHaveLength(3);
    expect(Buffer.from(thumbs[0]!.pngBase64, 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(thumbs.every((t) => t.label >= 0 && t.label < 10)).toBe(true);
  });

  it('trains a classifier past chance (test accuracy > 0.5 on its own test split) and records its hash', async () => {
    const config = mlpConfig({ epochs: 3, batchSize: 16, learningRate: 0.002, validationSplit: 0 }, { id: 'digit-pngs', trainSize: 500, testSize: 150 });
    const run = await ok('runs.start', { experimentId, config });
    await expect(s.runs.waitForEnd(run.id)).resolves.toBe('done');
    const d = s.runs.detail(run.id);
    expect(d.error).toBeNull();
    expect(d.datasetId).toBe('digit-pngs');
    expect(d.datasetHash).toBe(digits.contentHash);
    expect(d.latest['test_accuracy']).toBeGreaterThan(0.5);
    expect(s.runs.logs(run.id).map((l) => l.message).join('\n')).toContain('Queued classifier run on Digit PNGs');
  });

  it('trains a GAN on it, scored by a reference classifier trained on that set and cached under its id', async () => {
    const config = {
      family: 'gan', dataset: { id: 'digit-pngs' }, architecture: { template: 'mlp' },
      hyper: { epochs: 1, batchSize: 64, latentDim: 16, evalSamples: 100, finalEvalSamples: 100, referenceTemplate: 'mlp', referenceEpochs: 1 },
    } as const;
    const run = await ok('runs.start', { experimentId, config });
    await expect(s.runs.waitForEnd(run.id)).resolves.toBe('done');
    const d = s.runs.detail(run.id);
    expect(d.error).toBeNull();
    expect(Object.keys(d.latest)).toEqual(expect.arrayContaining(['d_real', 'd_fake', 'classes_present', 'inception_score', 'frechet_distance', 'reference_accuracy']));
    expect(fs.readdirSync(path.join(dataDir, 'cache', 'reference-classifiers'))).toContain(`digit-pngs-n${digits.trainSize}-mlp-e1`);
    const samples = s.artifacts.list(run.id, 'samples');
    expect(samples.length).toBe(2); // step 0 and the epoch end
  });

  it('refuses a run asking for more examples than the split has, before queueing', async () => {
    const err = await refused('runs.start', { experimentId, config: mlpConfig({}, { id: 'digit-pngs', trainSize: 5000, testSize: 100 }) });
    expect(err.code).toBe('bad-request');
    expect(err.message).toMatch(/dataset\.trainSize: Digit PNGs has \d+ training examples; trainSize must be at most that \(it is 5000\)/);
  });
});

describe('refused imports', () => {
  it('say what is wrong, name the file, and leave nothing half-imported', async () => {
    const before = datasetFolders();
    const mixed = path.join(sources, 'mixed');
    writeFlatFolder(mixed, 60, { classes: 3 });
    const odd = path.join(mixed, 'two', 'wide.png');
    fs.writeFileSync(odd, digitPng(mnistDigits(3), 2, 'grey', 30));
    const e1 = await refused('datasets.import', { name: 'Mixed', kind: 'image-folder', path: mixed });
    expect(e1.code).toBe('bad-request');
    expect(e1.message).toContain(odd);
    expect(e1.message).toMatch(/Cannot import "Mixed": Images must all have one size: .* is 30×30 but .* is 28×28/);

    const noIdx = await refused('datasets.import', { name: 'Not IDX', kind: 'idx', path: mixed });
    expect(noIdx.message).toMatch(/does not hold a complete IDX set: no file for the training images, training labels, test images, test labels/);

    const missing = await refused('datasets.import', { name: 'Nowhere', kind: 'idx', path: path.join(sources, 'no-such-folder') });
    expect(missing.message).toMatch(/the folder .*no-such-folder does not exist on this machine/);

    const dup = await refused('datasets.import', { name: 'digit pngs', kind: 'image-folder', path: path.join(sources, 'digits') });
    expect(dup).toMatchObject({ code: 'conflict' });
    expect(dup.message).toMatch(/A dataset named "Digit PNGs" already exists \(id digit-pngs\)/);

    const same = await refused('datasets.import', { name: 'Digits again', kind: 'image-folder', path: path.join(sources, 'digits'), testFraction: 0.25, seed: 3 });
    expect(same.message).toMatch(/The same data is already imported as "Digit PNGs" \(id digit-pngs\)/);

    const badSchema = await refused('datasets.import', { name: 'x', kind: 'image-folder', path: mixed, testFraction: 1.5 });
    expect(badSchema.message).toMatch(/testFraction: testFraction must be less than 1/);

    expect(datasetFolders()).toEqual(before);
    expect(s.store.listDatasets().map((d) => d.id)).toEqual(['digit-pngs']);
  });

  it('serve mode and the CLI have no folder dialog, and say to type the path', async () => {
    expect((await refused('system.pickFolder', {})).message).toMatch(/only in the desktop app: type the folder's path instead/);
  });

  it('an unknown dataset id is refused at run start, naming the ones there are', async () => {
    const err = await refused('runs.start', { experimentId, config: mlpConfig({}, { id: 'nope' }) });
    expect(err.message).toMatch(/Unknown dataset "nope"; available: mnist \(MNIST\), digit-pngs \(Digit PNGs\)/);
  });
});

describe("Debian's Fashion-MNIST (IDX, gzip)", () => {
  it('is imported from /usr/share/datasets/fashion-mnist and a classifier learns it', async () => {
    const dir = requireFashionMnist();
    const t0 = Date.now();
    const fashion = await ok('datasets.import', { name: 'Fashion-MNIST', kind: 'idx', path: dir });
    const importMs = Date.now() - t0;
    expect(importMs).toBeLessThan(20_000);
    expect(fashion).toMatchObject({ id: 'fashion-mnist', kind: 'idx', inputShape: [28, 28, 1], numClasses: 10, trainSize: 60_000, testSize: 10_000, split: null });

    const run = await ok('runs.start', { experimentId, config: mlpConfig({ epochs: 3, batchSize: 16, learningRate: 0.002, validationSplit: 0 }, { id: 'fashion-mnist', trainSize: 500, testSize: 500 }) });
    await expect(s.runs.waitForEnd(run.id)).resolves.toBe('done');
    expect(s.runs.detail(run.id).latest['test_accuracy']).toBeGreaterThan(0.5);
  });
});

describe('other families and colour images', () => {
  it('an autoencoder trains on an RGB train/test folder (a 3-channel input)', async () => {
    const folder = path.join(sources, 'tinted');
    writeSplitFolder(folder, 300, 100, { classes: 4, mode: 'tinted' });
    const tinted = await ok('datasets.import', { name: 'Tinted digits', kind: 'image-folder', path: folder });
    expect(tinted).toMatchObject({ inputShape: [28, 28, 3], numClasses: 4, split: null });
    const run = await ok('runs.start', {
      experimentId,
      config: { family: 'autoencoder', dataset: { id: tinted.id, trainSize: 100, testSize: 40 }, architecture: { template: 'mlp' }, hyper: { latentDim: 8, epochs: 1, batchSize: 20 } },
    });
    await expect(s.runs.waitForEnd(run.id)).resolves.toBe('done');
    const d = s.runs.detail(run.id);
    expect(d.error).toBeNull();
    expect(Number.isFinite(d.latest['test_mse'])).toBe(true);
  });

  it('a VAE trains on it, and an analysis worker (which learns the set from its message) interpolates its test images', async () => {
    const run = await ok('runs.start', {
      experimentId,
      config: { family: 'vae', dataset: { id: 'tinted-digits', trainSize: 100, testSize: 40 }, architecture: { template: 'mlp' }, hyper: { latentDim: 2, epochs: 1, batchSize: 20 } },
    });
    await expect(s.runs.waitForEnd(run.id)).resolves.toBe('done');
    expect(s.runs.detail(run.id).error).toBeNull();
    const artifact = await ok('runs.analyze', { id: run.id, request: { kind: 'interpolation', a: 0, b: 1, steps: 4 } });
    expect(artifact).toMatchObject({ runId: run.id, kind: 'interpolation', mime: 'image/png' });
    expect(fs.existsSync(path.join(dataDir, s.store.getArtifact(artifact.id)!.path))).toBe(true);
  });
});

describe('removal', () => {
  it('is refused while a run uses the set, then keeps the finished runs and says so', async () => {
    const run = await ok('runs.start', { experimentId, config: mlpConfig({ epochs: 2, batchSize: 8 }, { id: 'digit-pngs', trainSize: 500, testSize: 100 }) });
    const busy = await refused('datasets.remove', { id: 'digit-pngs' });
    expect(busy.code).toBe('conflict');
    expect(busy.message).toMatch(new RegExp(`"Digit PNGs" is in use by run ${run.id} \\(queued or running\\)`));
    s.runs.cancel(run.id);
    await s.runs.waitForEnd(run.id);

    const used = s.store.runsUsingDataset('digit-pngs').map((r) => r.id);
    const removal = await ok('datasets.remove', { id: 'digit-pngs' });
    expect(removal.runsKept).toEqual(used);
    expect(used).toHaveLength(3); // the classifier, the GAN and the cancelled run
    expect(removal.message).toBe(`Removed "Digit PNGs" and its files. The 3 runs that trained on it (${used.join(', ')}) keep their records, but can no longer be resumed or analysed.`);
    expect(datasetFolders()).not.toContain('digit-pngs');
    expect((await ok('datasets.list', {})).map((d) => d.id)).not.toContain('digit-pngs');
    // The runs are all still there, with their metrics.
    const first = s.runs.detail(used[0]!);
    expect(first.latest['test_accuracy']).toBeGreaterThan(0.5);
    const builtIn = await refused('datasets.remove', { id: 'mnist' });
    expect(builtIn.message).toMatch(/MNIST is built in and cannot be removed/);
    expect((await refused('datasets.remove', { id: 'digit-pngs' })).code).toBe('not-found');
  });

  it('a cancelled run on a removed set cannot resume, and says why', async () => {
    const cancelled = s.store.runsUsingDataset('digit-pngs').find((r) => r.status === 'cancelled');
    expect(cancelled).toBeDefined();
    // Give the cancelled run a checkpoint so only the missing dataset stands in the way.
    s.store.addArtifact(cancelled!.id, 'checkpoint', 1, path.join('runs', String(cancelled!.id), 'checkpoints', 'epoch-0001'), { epoch: 1, step: 1 });
    const err = await refused('runs.resume', { id: cancelled!.id });
    expect(err.message).toBe(`Run ${cancelled!.id} trained on dataset "digit-pngs", which has been removed: it cannot be resumed (its records are kept)`);
    // A new import of the same name gets a new id: old runs never point at other data.
    const again = await ok('datasets.import', { name: 'Digit PNGs', kind: 'image-folder', path: path.join(sources, 'digits'), testFraction: 0.25, seed: 3 });
    expect(again.id).toBe('digit-pngs-2');
  });
});

describe('persistence and the CLI', () => {
  it('imports survive a restart of the services, and train in a child-process host too', async () => {
    const before = (await ok('datasets.list', {})).map((d) => d.id);
    await s.close();
    s = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm', LATENT_HOST: 'process' } });
    expect((await ok('datasets.list', {})).map((d) => d.id)).toEqual(before);
    expect(before).toEqual(['mnist', 'fashion-mnist', 'tinted-digits', 'digit-pngs-2']);
    const run = await ok('runs.start', { experimentId, config: mlpConfig({ epochs: 1, validationSplit: 0 }, { id: 'digit-pngs-2', trainSize: 300, testSize: 100 }) });
    await expect(s.runs.waitForEnd(run.id)).resolves.toBe('done');
    expect(s.runs.logs(run.id).map((l) => l.message).join('\n')).toContain('child process');
  });

  it('npm run cli -- datasets import / list / remove', () => {
    const cli = path.join(repoRoot, 'dist', 'main', 'cli', 'cliMain.js');
    const cliData = tempDir();
    const folder = path.join(sources, 'cli-digits');
    writeFlatFolder(folder, 100, { classes: 2 });
    const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args, '--data', cliData], { encoding: 'utf8', env: { ...process.env, LATENT_BACKEND: 'wasm' } });
    const imp = run('datasets', 'import', '--kind', 'image-folder', '--dir', folder, '--name', 'CLI digits', '--test-fraction', '0.3');
    expect(imp.status, imp.stderr).toBe(0);
    expect(imp.stdout).toMatch(/Imported "CLI digits" as cli-digits: 28×28×1, 2 classes \(one, zero\)/);
    const list = run('datasets', 'list', '--json');
    expect((JSON.parse(list.stdout) as DatasetInfo[]).map((d) => d.id)).toEqual(['mnist', 'cli-digits']);
    const text = run('datasets', 'list');
    expect(text.stdout).toMatch(/cli-digits\s+CLI digits\s+image-folder\s+28×28×1\s+2/);
    const bad = run('datasets', 'import', '--kind', 'idx', '--dir', folder, '--name', 'Bad');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/latent: Cannot import "Bad": .* does not hold a complete IDX set/);
    const rm = run('datasets', 'remove', 'cli-digits');
    expect(rm.status, rm.stderr).toBe(0);
    expect(rm.stdout).toContain('Removed "CLI digits" and its files.');
    fs.rmSync(cliData, { recursive: true, force: true });
  });
});
