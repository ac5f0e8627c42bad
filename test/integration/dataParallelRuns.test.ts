/**
 * Data-parallel classifier runs (hyper.parallelReplicas, issue 17) through
 * the real services: real SQLite, the run's worker thread, its replica
 * threads from dist/, the wasm backend, the first 600 MNIST training images
 * (validation split 0) and 100 test images, an MLP 784-128-10 without
 * dropout (dropout masks are drawn per shard, so only a mask-free model can
 * follow a one-thread run value for value), Adam at lr 0.001, batch 32,
 * seed 7: 19 steps per epoch.
 *
 * Tolerance: two threads sum each batch's gradient in another order than one
 * thread, a float32 rounding difference (~1e-7 relative) that Adam carries
 * through the steps; over these 57 steps the per-step losses of 1 and 2
 * threads stay within LOSS_TOLERANCE (the observed worst is logged).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type AppServices } from '../../main/services/appServices';
import { dispatch } from '../../main/services/dispatch';
import { checkParallelReplicas } from '../../main/services/parallelReplicasCheck';
import type { GraphDocument } from '../../workers/common/graph';
import { chain } from '../../workers/common/graphChain';
import { datasetCatalogue } from '../../workers/common/datasets';
import { classifierConfigSchema, type ClassifierConfig } from '../../workers/common/families/classifier/config';
import { loadImageDataset } from '../../workers/data/mnist';
import { prepareReplicaBackend } from '../../workers/engine/dataParallel/replicaBackend';
import { RecordingSink } from '../../workers/engine/sink';
import { runClassifier } from '../../workers/families/classifier/run';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

const LOSS_TOLERANCE = 1e-4;
const EPOCHS = 3;
const STEPS_PER_EPOCH = Math.ceil(600 / 32);

const mlpNoDropout: GraphDocument = chain('MLP 784-128-10 (no dropout)', [
  { id: 'input', kind: 'input', label: 'Input', params: { shape: [28, 28, 1] } },
  { id: 'flatten', kind: 'flatten', label: 'Flatten', params: {} },
  { id: 'hidden', kind: 'dense', label: 'Dense 128 ReLU', params: { units: 128, activation: 'relu' } },
  { id: 'output', kind: 'dense', label: 'Dense 10 softmax', params: { units: 10, activation: 'softmax' } },
]);

function config(parallelReplicas: number, epochs = EPOCHS): ClassifierConfig {
  return classifierConfigSchema.parse({
    family: 'classifier',
    dataset: { id: 'mnist', trainSize: 600, testSize: 100 },
    architecture: { graph: mlpNoDropout },
    hyper: { epochs, batchSize: 32, optimizer: 'adam', learningRate: 0.001, validationSplit: 0, seed: 7, parallelReplicas },
  });
}

let s: AppServices;
let experimentId: number;

beforeAll(() => {
  requireBuilt();
  s = createServices({ dataDir: tempDir(), env: { LATENT_BACKEND: 'wasm' } });
  experimentId = s.experiments.create('data-parallel', 'runs on two threads').id;
});
afterAll(async () => { await s.close(); });

function losses(runId: number): { steps: number[]; values: number[] } {
  const loss = s.runs.metrics(runId, ['loss'])[0]!;
  return { steps: loss.steps, values: loss.values };
}

/** The largest |Δ| between two loss curves over the same steps (which it checks). */
function worstDifference(a: { steps: number[]; values: number[] }, b: { steps: number[]; values: number[] }): number {
  expect(b.steps).toEqual(a.steps);
  return Math.max(...a.values.map((v, i) => Math.abs(v - b.values[i]!)));
}

async function finished(c: ClassifierConfig): Promise<number> {
  const run = s.runs.start(experimentId, c);
  await expect(s.runs.waitForEnd(run.id)).resolves.toBe('done');
  return run.id;
}

describe('a classifier run on two threads (wasm, MNIST 600, seed 7)', () => {
  let single: number;
  beforeAll(async () => { single = await finished(config(1)); });

  it('finishes, records its metrics and replica count, and follows the one-thread run', async () => {
    const two = await finished(config(2));
    const d = s.runs.detail(two);
    expect(d.params).toMatchObject({ parallelReplicas: 2, batchSize: 32, epochs: EPOCHS });
    expect(s.runs.detail(single).params).toMatchObject({ parallelReplicas: 1 });
    expect(s.runs.logs(two).map((l) => l.message).join('\n')).toContain('Training each batch on 2 threads (data-parallel, wasm)');
    expect(d.checkpoint).toEqual({ epoch: EPOCHS, step: EPOCHS * STEPS_PER_EPOCH });
    const curve = losses(two);
    expect(curve.steps.length).toBe(EPOCHS * STEPS_PER_EPOCH);
    const worst = worstDifference(losses(single), curve);
    console.log(`N=1 vs N=2 over ${curve.steps.length} steps: worst |Δloss| = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(LOSS_TOLERANCE);
    expect(Math.abs(d.latest['test_accuracy']! - s.runs.detail(single).latest['test_accuracy']!)).toBeLessThanOrEqual(0.01); // at most one of 100 test images
  });

  it('resumed from a checkpoint, continues as the uninterrupted one-thread run (the Adam state reaches the replicas)', async () => {
    const run = s.runs.start(experimentId, config(2, EPOCHS + 3));
    // Cancel once the first epoch's checkpoint is written; the run stops within a later epoch.
    await new Promise<void>((resolve) => {
      const off = s.events.on('runs.onDidLogMetrics', (m) => {
        if (m.runId === run.id && m.points.some((p) => p.key === 'test_accuracy')) { off(); s.runs.cancel(run.id); resolve(); }
      });
    });
    await expect(s.runs.waitForEnd(run.id)).resolves.toBe('cancelled');
    const checkpoint = s.runs.detail(run.id).checkpoint!;
    expect(checkpoint.epoch).toBeGreaterThanOrEqual(1);
    expect(checkpoint.epoch).toBeLessThan(EPOCHS);
    s.runs.resume(run.id);
    // Stop the resumed run after the reference's last epoch (the two are compared over those steps).
    const off = s.events.on('runs.onDidLogMetrics', (m) => {
      if (m.runId === run.id && m.points.some((p) => p.key === 'test_accuracy' && p.step === EPOCHS)) { off(); s.runs.cancel(run.id); }
    });
    const end = await s.runs.waitForEnd(run.id);
    off();
    // Not 'failed': each epoch end checks the replicas' weights equal the leader's bit for bit (a resumed replica
    // without the checkpoint's Adam products β₁ᵗ, β₂ᵗ differed by 6e-8 and failed the run here).
    expect(end, s.runs.detail(run.id).error ?? '').toBe('cancelled');
    const reference = losses(single);
    const resumed = losses(run.id);
    const common = { steps: reference.steps, values: resumed.values.slice(0, reference.steps.length) };
    expect(resumed.steps.slice(0, reference.steps.length)).toEqual(reference.steps);
    const after = reference.steps.findIndex((step) => step > checkpoint.step);
    const worst = worstDifference({ steps: reference.steps.slice(after), values: reference.values.slice(after) }, { steps: common.steps.slice(after), values: common.values.slice(after) });
    console.log(`resumed N=2 (from epoch ${checkpoint.epoch}) vs uninterrupted N=1 over ${reference.steps.length - after} steps after the checkpoint: worst |Δloss| = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(LOSS_TOLERANCE);
  });
});

describe('runs that cannot train on several threads are refused, saying why', () => {
  it('another family, through the API', async () => {
    const r = await dispatch(s.handlers, 'runs.start', { experimentId, config: { family: 'vae', hyper: { parallelReplicas: 2 } } });
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).toContain("parallelReplicas (data-parallel training on several threads) is for classifier runs only: its shared step computes the classifier's loss, and a vae run trains on one thread");
  });

  it('a native backend, or more threads than cores', () => {
    expect(() => checkParallelReplicas(config(2), 'tensorflow', 2)).toThrow('parallelReplicas 2 needs the wasm or cpu backend, but runs train on tensorflow here, which loads once per process and cannot run in replica threads (set parallelReplicas to 1, or choose wasm in Settings)');
    expect(() => checkParallelReplicas(config(4), 'wasm', 2)).toThrow("parallelReplicas 4 is more than this machine's 2 cores");
    expect(() => checkParallelReplicas(config(1), 'tensorflow', 1)).not.toThrow();
    expect(() => checkParallelReplicas(config(2), 'wasm', 2)).not.toThrow();
  });

  const tooMany = os.availableParallelism() + 1;
  it.skipIf(tooMany > 64)('more threads than this machine has cores, through the run service', () => {
    expect(() => s.runs.start(experimentId, config(tooMany))).toThrow(`parallelReplicas ${tooMany} is more than this machine's ${tooMany - 1} cores`);
  });
});

describe('the CLI: train --replicas N', () => {
  const cli = path.join(repoRoot, 'dist', 'main', 'cli', 'cliMain.js');
  const env = { ...process.env, LATENT_BACKEND: 'wasm' };
  const train = (dataDir: string, body: unknown, replicas: string) => {
    const file = path.join(dataDir, 'run.json');
    fs.writeFileSync(file, JSON.stringify(body));
    return spawnSync(process.execPath, [cli, 'train', '--config', file, '--replicas', replicas, '--data', dataDir, '--json'], { env, encoding: 'utf8' });
  };

  it('trains a classifier run on two threads and records the count', async () => {
    const dataDir = tempDir();
    const r = train(dataDir, { family: 'classifier', dataset: { id: 'mnist', trainSize: 100, testSize: 20 }, hyper: { epochs: 1, batchSize: 20, validationSplit: 0 } }, '2');
    expect(r.status, r.stderr).toBe(0);
    const again = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' } });
    try {
      const [run] = again.runs.list();
      expect(again.runs.detail(run!.id).params).toMatchObject({ parallelReplicas: 2 });
    } finally {
      await again.close();
    }
  });

  it('refuses a count that is not a whole number, and another family, saying why (exit 2)', () => {
    const dataDir = tempDir();
    const bad = train(dataDir, { family: 'classifier' }, 'two');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--replicas must be a whole number of threads ≥ 1 (1 trains on one thread), not "two"');
    const vae = train(dataDir, { family: 'vae' }, '2');
    expect(vae.status).toBe(2);
    expect(vae.stderr).toContain('parallelReplicas (data-parallel training on several threads) is for classifier runs only');
  });
});

describe('a replica thread that dies mid-run (in this process, the classifier family\'s run function)', () => {
  it('fails the run with its message, and keeps the losses recorded before', async () => {
    expect(await prepareReplicaBackend('wasm')).toBe('wasm');
    const sink = new RecordingSink();
    const before = tf.memory().numTensors;
    const run = runClassifier({
      config: config(2, 1), graph: mlpNoDropout, sink, isCancelled: () => false, dataset: loadImageDataset(datasetCatalogue.mnist, { trainSize: 600, testSize: 100 }),
      replicaWorkerEntry: path.join(repoRoot, 'test', 'helpers', 'dyingReplicaWorker.cjs'),
    });
    await expect(run).rejects.toThrow('Replica 1 exited with code 5');
    expect(sink.metrics.filter((m) => m.key === 'loss').map((m) => m.step)).toEqual([1, 2, 3]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
