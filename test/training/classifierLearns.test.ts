/**
 * The training tier: tests that train a model and assert that it learns, each with
 * its seed in its name (training is deterministic per seed and backend, so a seed
 * that passes keeps passing). This one goes through the public path a user's run
 * takes: the run service, a worker thread and real MNIST. It needs `npm run build`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type AppServices } from '../../main/services/appServices';
import { mlpConfig } from '../helpers/configs';
import { requireBuilt, tempDir } from '../helpers/tempDir';

let s: AppServices;

beforeAll(() => {
  requireBuilt();
  s = createServices({ dataDir: tempDir(), env: { LATENT_BACKEND: 'wasm' } });
});
afterAll(async () => { await s.close(); });

describe('a classifier learns', () => {
  it('an MLP, seed 7, one epoch on 1,000 MNIST images: ≥ 60 % of 500 test images right (chance is 10 %)', async () => {
    const experimentId = s.experiments.create('training tier', 'a classifier learns').id;
    const run = s.runs.start(experimentId, mlpConfig({ epochs: 1, batchSize: 32, learningRate: 0.003, validationSplit: 0, seed: 7 }, { trainSize: 1000, testSize: 500 }));
    await expect(s.runs.waitForEnd(run.id)).resolves.toBe('done');
    const d = s.runs.detail(run.id);
    expect(d.params).toMatchObject({ seed: 7, trainSize: 1000, testSize: 500 });
    console.log(`training tier: MLP seed 7, test accuracy ${d.latest['test_accuracy']}`);
    expect(d.latest['test_accuracy']).toBeGreaterThanOrEqual(0.6);
  });
});
