/**
 * A classifier run through the real services, worker thread and SQLite
 * (MNIST 500 train / 200 test, LeNet, 2 epochs of batch 50, seed 3): its
 * confusion matrix, misclassified grid and filters are recorded and readable
 * through the API, the matrix's counts sum to the test size, and the
 * feature-maps analysis returns one map set per conv layer of the right shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type AppServices } from '../../main/services/appServices';
import { parseConfusionMatrix, parseFeatureMaps } from '../../renderer/families/classifier/classifierPage';
import { imageGridMeta } from '../../renderer/lib/artifactMeta';
import { runConfigSchema } from '../../workers/common/runConfig';
import { requireBuilt, tempDir } from '../helpers/tempDir';

let s: AppServices;
let runId: number;
const json = (id: number): unknown => JSON.parse(Buffer.from(s.artifacts.read(id).base64, 'base64').toString('utf8'));

beforeAll(async () => {
  requireBuilt();
  s = createServices({ dataDir: tempDir(), env: { LATENT_BACKEND: 'wasm' } });
  const experimentId = s.experiments.create('explained', '').id;
  const config = runConfigSchema.parse({
    family: 'classifier', dataset: { id: 'mnist', trainSize: 500, testSize: 200 }, architecture: { template: 'lenet' },
    hyper: { epochs: 2, batchSize: 50, seed: 3, validationSplit: 0.1 },
  });
  runId = s.runs.start(experimentId, config).id;
  await expect(s.runs.waitForEnd(runId)).resolves.toBe('done');
});
afterAll(async () => { await s.close(); });

describe('a classifier run\'s page artifacts through the services', () => {
  it('records the confusion matrix, summing to the 200 test images, and agreeing with test_accuracy', () => {
    const [art] = s.artifacts.list(runId, 'confusion-matrix');
    const doc = parseConfusionMatrix(json(art!.id));
    expect(doc.matrix.flat().reduce((a, b) => a + b, 0)).toBe(200);
    expect(doc.perClass.reduce((a, c) => a + c.count, 0)).toBe(200);
    expect(doc.correct / doc.total).toBeCloseTo(s.runs.detail(runId).latest['test_accuracy']!, 10);
    expect(doc.bestValidation?.epoch).toBe(s.runs.detail(runId).chosenBy?.step);
  });

  it('records the most confident mistakes with a caption per cell, and the first layer\'s filters per epoch', () => {
    const [mis] = s.artifacts.list(runId, 'misclassified');
    const meta = imageGridMeta(mis!.meta)!;
    const doc = parseConfusionMatrix(json(s.artifacts.list(runId, 'confusion-matrix')[0]!.id));
    expect(meta.labels).toHaveLength(Math.min(36, doc.total - doc.correct));
    const captions = mis!.meta['cellLabels'];
    expect(Array.isArray(captions) ? captions.length : -1).toBe(meta.labels!.length);
    expect(s.artifacts.list(runId, 'filters')).toHaveLength(2);
  });

  it('computes the feature maps of test image 3 through a worker: 28×28×6 then 10×10×16', async () => {
    const art = await s.analysis.analyze(runId, { kind: 'feature-maps', index: 3 });
    const doc = parseFeatureMaps(json(art.id));
    expect(doc.layers.map((l) => [l.height, l.width, l.channels])).toEqual([[28, 28, 6], [10, 10, 16]]);
    expect(doc.epoch).toBe(2);
    await expect(s.analysis.analyze(runId, { kind: 'feature-maps', index: 10_000 })).rejects.toThrow(/out of range: the test split has 10000 images/);
  });
});
