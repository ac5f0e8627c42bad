/**
 * Settings → wasm threads (issue 17) through the real services: real SQLite,
 * the run's worker thread from dist/ with LATENT_WASM_THREADS in its own env,
 * the wasm backend and XNNPACK's pool. An MLP 784-64-10 classifier (the
 * default template at 64 units, no dropout: nothing random per step beyond
 * the seeded shuffle) on the first 256 MNIST training images and 64 test
 * images, Adam lr 0.001, batch 32, one epoch, seed 7: 8 steps.
 *
 * Tolerance: XNNPACK splits its GEMMs by output tiles, so a thread count
 * should not change any sum's order; LOSS_TOLERANCE (1e-6 absolute on losses
 * near 2) leaves room for a kernel that split a reduction, and a broken pool
 * (garbage, a stale buffer) would differ by far more. In session 25 the
 * losses of 1 and 2 threads came out bit for bit equal here too (the worst
 * difference is logged).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type AppServices } from '../../main/services/appServices';
import type { GraphDocument } from '../../workers/common/graph';
import { chain } from '../../workers/common/graphChain';
import { runConfigSchema, type RunConfig } from '../../workers/common/families/registry';
import { repoRoot, requireBuilt, tempDir } from '../helpers/tempDir';

const LOSS_TOLERANCE = 1e-6;
const STEPS = 256 / 32;
const cores = os.availableParallelism();

const mlp: GraphDocument = chain('MLP 784-64-10', [
  { id: 'input', kind: 'input', label: 'Input', params: { shape: [28, 28, 1] } },
  { id: 'flatten', kind: 'flatten', label: 'Flatten', params: {} },
  { id: 'hidden', kind: 'dense', label: 'Dense 64 ReLU', params: { units: 64, activation: 'relu' } },
  { id: 'output', kind: 'dense', label: 'Dense 10 softmax', params: { units: 10, activation: 'softmax' } },
]);

const config: RunConfig = runConfigSchema.parse({
  family: 'classifier',
  dataset: { id: 'mnist', trainSize: 256, testSize: 64 },
  architecture: { graph: mlp },
  hyper: { epochs: 1, batchSize: 32, optimizer: 'adam', learningRate: 0.001, validationSplit: 0, seed: 7 },
});

let s: AppServices;
let experimentId: number;

beforeAll(() => {
  requireBuilt();
  s = createServices({ dataDir: tempDir(), env: { LATENT_BACKEND: 'wasm' } });
  experimentId = s.experiments.create('wasm threads', 'one run on 1 and on 2 XNNPACK threads').id;
});
afterAll(async () => { await s.close(); });

async function trainWith(threads: number): Promise<number> {
  s.settings.update({ wasmThreads: threads });
  const run = s.runs.start(experimentId, config);
  const end = await s.runs.waitForEnd(run.id);
  expect(end, s.runs.detail(run.id).error ?? '').toBe('done');
  return run.id;
}

describe.skipIf(cores < 2)('a run with wasm threads 2 (MNIST 256, MLP, seed 7)', () => {
  it('trains, records 2 threads used, and its losses equal the 1-thread run\'s', async () => {
    const one = await trainWith(1);
    const two = await trainWith(2);
    expect(s.runs.detail(one)).toMatchObject({ backend: 'wasm', wasmThreads: 1 });
    expect(s.runs.detail(two)).toMatchObject({ backend: 'wasm', wasmThreads: 2 });
    expect(s.runs.logs(two).map((l) => l.message)).toContain('XNNPACK threads: 2');
    expect(s.runs.logs(two).map((l) => l.message)).toContain('Training on backend wasm (worker thread, 2 XNNPACK threads)');
    const [a] = s.runs.metrics(one, ['loss']);
    const [b] = s.runs.metrics(two, ['loss']);
    expect(a?.steps).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    expect(b?.steps).toEqual(a?.steps);
    const worst = Math.max(...a!.values.map((v, i) => Math.abs(v - b!.values[i]!)));
    console.log(`wasm threads 1 vs 2 over ${STEPS} steps: worst |Δloss| = ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(LOSS_TOLERANCE);
    // The server's own environment was not touched: the run's worker had the variable in its own copy.
    expect(process.env['LATENT_WASM_THREADS']).toBeUndefined();
  });
});

describe('the CLI: train --threads N', () => {
  const cli = path.join(repoRoot, 'dist', 'main', 'cli', 'cliMain.js');
  const env: NodeJS.ProcessEnv = { ...process.env, LATENT_BACKEND: 'wasm' };
  delete env['LATENT_WASM_THREADS'];
  const train = (dataDir: string, threads: string) => {
    const file = path.join(dataDir, 'run.json');
    fs.writeFileSync(file, JSON.stringify({ family: 'classifier', dataset: { id: 'mnist', trainSize: 64, testSize: 16 }, architecture: { graph: mlp }, hyper: { epochs: 1, batchSize: 32, validationSplit: 0 } }));
    return spawnSync(process.execPath, [cli, 'train', '--config', file, '--threads', threads, '--data', dataDir, '--json'], { env, encoding: 'utf8' });
  };

  it.skipIf(cores < 2)('trains on 2 XNNPACK threads and says so in its summary, without changing the stored setting', async () => {
    const dataDir = tempDir();
    const r = train(dataDir, '2');
    expect(r.status, r.stderr).toBe(0);
    const summary: unknown = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '');
    expect(summary).toMatchObject({ status: 'done', backend: 'wasm', wasmThreads: 2 });
    const again = createServices({ dataDir, env: { LATENT_BACKEND: 'wasm' } });
    try {
      expect(again.settings.get().wasmThreads).toBe(1);
      expect(again.runs.list()[0]?.wasmThreads).toBe(2);
    } finally {
      await again.close();
    }
  });

  it('refuses more threads than cores, and a count that is not a whole number (exit 2)', () => {
    const dataDir = tempDir();
    const many = train(dataDir, String(cores + 1));
    expect(many.status).toBe(2);
    expect(many.stderr).toContain(`--threads ${cores + 1} is more than this machine's ${cores} cores`);
    const bad = train(dataDir, '1.5');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--threads must be a whole number of XNNPACK threads ≥ 1 (1 is single-threaded), not "1.5"');
  });
});
