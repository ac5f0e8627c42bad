/**
 * The CLI as a researcher pipes and scripts it (real processes through the
 * launcher, bin/latent.cjs, on a temp data folder): pipeable JSON from the
 * documented commands, strict options, the --set messages, and the commands
 * of issue 15: experiments, export (metrics, samples, checkpoint as a TF.js
 * model), delete, cancel and resume. Training is tiny (MNIST subsets, one
 * epoch, seeds stated).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type AppServices } from '../../main/services/appServices';
import { runConfigSchema } from '../../workers/common/families/registry';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

const launcher = path.join(repoRoot, 'bin', 'latent.cjs');
const dataDir = tempDir('latent-cli15-');
const env = { ...process.env, LATENT_BACKEND: 'wasm' };
let services: AppServices | undefined;
afterAll(async () => { await services?.close(); });

function latent(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [launcher, ...args, '--data', dataDir], { env, encoding: 'utf8', cwd: repoRoot });
}

function configFile(name: string, body: unknown): string {
  const file = path.join(dataDir, name);
  fs.writeFileSync(file, JSON.stringify(body));
  return file;
}

const classifier = configFile('classifier.json', {
  family: 'classifier', dataset: { id: 'mnist', trainSize: 200, testSize: 100 }, architecture: { template: 'mlp' },
  hyper: { epochs: 1, batchSize: 32, learningRate: 0.002, seed: 3 },
});
let classifierRun = 0;

beforeAll(() => {
  requireBuilt();
  expect(latent('experiments', 'create', 'lr sweep', '--description', 'learning rates').status).toBe(0);
  const r = latent('train', '--config', classifier, '--experiment', 'lr sweep', '--json');
  expect(r.status, r.stderr).toBe(0);
  classifierRun = (JSON.parse(r.stdout.trim().split('\n').pop()!) as { runId: number }).runId;
});

describe('pipeable JSON', () => {
  it('npx latent runs --json prints only the JSON on stdout', () => {
    const r = spawnSync('npx', ['--no', 'latent', 'runs', '--json', '--data', dataDir], { env, encoding: 'utf8', cwd: repoRoot });
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { id: number }[]).map((x) => x.id)).toEqual([classifierRun]);
  });

  it('npm run -s cli -- runs --json does too', () => {
    const r = spawnSync('npm', ['run', '-s', 'cli', '--', 'runs', '--json', '--data', dataDir], { env, encoding: 'utf8', cwd: repoRoot });
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { id: number }[]).map((x) => x.id)).toEqual([classifierRun]);
  });
});

describe('runs --experiment and strict options', () => {
  it('lists one experiment\'s runs, by name or id', () => {
    const ids = (args: string[]): number[] => (JSON.parse(latent('runs', ...args, '--json').stdout) as { id: number }[]).map((x) => x.id);
    expect(ids(['--experiment', 'lr sweep'])).toEqual([classifierRun]);
    // A fresh data folder has no experiment but the one made here (id 1).
    expect(ids(['--experiment', '1'])).toEqual([classifierRun]);
    const none = latent('runs', '--experiment', 'nope');
    expect(none.status).toBe(1);
    expect(none.stderr).toBe('latent: No experiment is named "nope"\n');
  });

  it('refuses an option the command does not take, or that no command takes, naming it', () => {
    const r = latent('runs', '--config', 'x.json');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^latent: runs list does not take --config; it takes --experiment, /);
    const u = latent('runs', '--experimnt', 'x');
    expect(u.status).toBe(2);
    expect(u.stderr).toBe("latent: Unknown option '--experimnt' (no command takes it; npx latent --help lists them)\n");
  });

  it('blames a bad --set value on that --set, and suggests the key a typo meant', () => {
    const r = latent('train', '--config', classifier, '--set', 'hyper.epochs=abc', '--set', 'hyper.lr=0.01');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('latent: Invalid --set:\n  --set hyper.epochs=abc: epochs must be a number\n  --set hyper.lr=0.01: hyper has no setting "lr"; did you mean hyper.learningRate?\n');
  });
});

describe('experiments', () => {
  it('lists them and refuses a second of the same name', () => {
    const list = JSON.parse(latent('experiments', 'list', '--json').stdout) as { name: string; description: string }[];
    expect(list.map((e) => [e.name, e.description])).toEqual([['lr sweep', 'learning rates']]);
    const again = latent('experiments', 'create', 'lr sweep');
    expect(again.status).toBe(1);
    expect(again.stderr).toBe('latent: An experiment named "lr sweep" already exists\n');
  });
});

describe('export', () => {
  it('--metrics csv and json carry the same points', () => {
    const json = JSON.parse(latent('export', String(classifierRun), '--metrics', 'json').stdout) as { metrics: { key: string; steps: number[] }[] };
    const points = json.metrics.reduce((n, m) => n + m.steps.length, 0);
    const out = path.join(dataDir, 'metrics.csv');
    const r = latent('export', String(classifierRun), '--metrics', 'csv', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const lines = fs.readFileSync(out, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('run_id,run_name,key,step,wall_time,value');
    expect(lines).toHaveLength(points + 1);
    // 200 examples, 10 % held out for validation, batches of 32: ceil(180 / 32) = 6 logged steps of loss.
    expect(json.metrics.find((m) => m.key === 'loss')?.steps).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('--checkpoint writes a TF.js layers model that loads with the checkpoint\'s weights', async () => {
    const dir = path.join(dataDir, 'model');
    const r = latent('export', String(classifierRun), '--checkpoint', dir);
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'README.md'), 'utf8')).toContain('tf.loadLayersModel');
    const modelJson = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
    const bytes = fs.readFileSync(path.join(dir, 'weights.bin'));
    const model = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0]!.weights, weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    }));
    // The first kernel equals the checkpoint's tensor of that name, byte for byte.
    const ckptDir = path.join(dataDir, 'runs', String(classifierRun), 'checkpoints', 'epoch-0001');
    const manifest = JSON.parse(fs.readFileSync(path.join(ckptDir, 'manifest.json'), 'utf8')) as { model: { name: string; offset: number; byteLength: number }[] };
    const first = model.weights[0]!;
    const entry = manifest.model.find((m) => m.name === first.originalName)!;
    const saved = new Float32Array(new Uint8Array(fs.readFileSync(path.join(ckptDir, 'weights.bin')).subarray(entry.offset, entry.offset + entry.byteLength)).buffer);
    expect(Array.from(first.read().dataSync())).toEqual(Array.from(saved));
    const p = model.predict(tf.zeros([1, 28, 28, 1])) as tf.Tensor;
    expect(p.shape).toEqual([1, 10]);
    expect(p.sum().dataSync()[0]).toBeCloseTo(1, 5);
  });

  it('--samples copies the run\'s images with an index, and a run without images says so', () => {
    const ae = configFile('ae.json', { family: 'autoencoder', dataset: { id: 'mnist', trainSize: 200, testSize: 100 }, hyper: { epochs: 1, batchSize: 32, seed: 4 } });
    const t = latent('train', '--config', ae, '--json');
    expect(t.status, t.stderr).toBe(0);
    const aeRun = (JSON.parse(t.stdout.trim().split('\n').pop()!) as { runId: number }).runId;
    const dir = path.join(dataDir, 'samples');
    const r = latent('export', String(aeRun), '--samples', dir, '--json');
    expect(r.status, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout) as { images: string[] }).images;
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(fs.readFileSync(path.join(dir, f)).subarray(1, 4).toString()).toBe('PNG');
    // A character model's samples are text, not images. Seed 5, one epoch of a 4-unit RNN on 2,000 characters of Genesis.
    const text = configFile('text.json', {
      family: 'sequence', architecture: { template: 'rnn-lm' }, data: { source: 'text', maxCharacters: 2000, sequenceLength: 16 },
      hyper: { units: 4, embeddingDim: 4, layers: 1, epochs: 1, batchSize: 16, seed: 5 },
    });
    const seq = latent('train', '--config', text, '--json');
    expect(seq.status, seq.stderr).toBe(0);
    const textRun = (JSON.parse(seq.stdout.trim().split('\n').pop()!) as { runId: number }).runId;
    expect(latent('export', String(textRun), '--samples', dir).stderr).toBe(`latent: Run ${textRun} has no images to export\n`);
    // delete is runs delete: asks unless --yes, and there is no terminal here.
    expect(latent('delete', String(aeRun)).status).toBe(2);
    expect(latent('delete', String(aeRun), '--yes').status).toBe(0);
    expect(latent('show', String(aeRun)).stderr).toBe(`latent: Run ${aeRun} does not exist\n`);
  });

  it('needs exactly one of its three kinds', () => {
    expect(latent('export', String(classifierRun)).stderr).toMatch(/^latent: export needs one of --metrics csv\|json, --samples DIR, --checkpoint DIR\n/);
    expect(latent('export', String(classifierRun), '--metrics', 'xml').stderr).toBe('latent: --metrics takes csv or json, not "xml"\n');
  });
});

describe('cancel and resume', () => {
  it('refuses to cancel another process\'s run, resumes a cancelled one here, and cannot cancel a finished one', async () => {
    services = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' } });
    const exp = services.store.ensureExperiment('lr sweep');
    const run = services.runs.start(exp.id, runConfigSchema.parse({
      family: 'classifier', dataset: { id: 'mnist', trainSize: 2000, testSize: 100 }, architecture: { template: 'mlp' },
      hyper: { epochs: 3, batchSize: 16, learningRate: 0.002, seed: 5 },
    }));
    // Until the first epoch's checkpoint is recorded (resume starts from it).
    for (let i = 0; i < 600 && !services.store.latestCheckpoint(run.id); i++) await new Promise((r) => setTimeout(r, 100));
    expect(services.store.latestCheckpoint(run.id)?.epoch).toBe(1);
    // This test's process trains it: a latent command may not pretend to cancel it.
    const c = latent('cancel', String(run.id));
    expect(c.status).toBe(1);
    expect(c.stderr).toMatch(new RegExp(`^latent: Cannot cancel: run ${run.id} (is being trained|was marked running when this command started).*another process`));
    services.runs.cancel(run.id);
    expect(await services.runs.waitForEnd(run.id)).toBe('cancelled');
    await services.close();
    services = undefined;
    const resumed = latent('resume', String(run.id), '--json');
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout.trim().split('\n').pop()!)).toMatchObject({ runId: run.id, status: 'done' });
    // It went on from the checkpoint's epoch to the last (the steps of the test metric are epochs).
    const acc = (JSON.parse(latent('export', String(run.id), '--metrics', 'json').stdout) as { metrics: { key: string; steps: number[] }[] }).metrics.find((m) => m.key === 'test_accuracy');
    expect(acc?.steps.at(-1)).toBe(3);
    const done = latent('cancel', String(classifierRun));
    expect(done.status).toBe(1);
    expect(done.stderr).toBe(`latent: Run ${classifierRun} is done; only queued or running runs can be cancelled\n`);
  });
});
