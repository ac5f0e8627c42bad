/**
 * A PCA run through the real services, worker thread and SQLite (MNIST 500
 * train / 100 test, k = 5; a closed-form fit, the seed 0 is never read), then
 * its latent tools through `runs.analyze`: no checkpoint, the model read from
 * the run folder; each analysis writes a grid of 28×28 cells of the right
 * count, recorded at the fit's step 1.
 */
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type AppServices } from '../../main/services/appServices';
import { imageGridMeta } from '../../renderer/lib/artifactMeta';
import { runConfigSchema } from '../../workers/common/runConfig';
import { requireBuilt, tempDir } from '../helpers/tempDir';

let s: AppServices;
let runId: number;
const png = (id: number): PNG => PNG.sync.read(Buffer.from(s.artifacts.read(id).base64, 'base64'));

beforeAll(async () => {
  requireBuilt();
  s = createServices({ dataDir: tempDir(), env: { LATENT_BACKEND: 'wasm' } });
  const experimentId = s.experiments.create('linear code', '').id;
  const config = runConfigSchema.parse({ family: 'pca', dataset: { id: 'mnist', trainSize: 500, testSize: 100 }, hyper: { components: 5, seed: 0 } });
  runId = s.runs.start(experimentId, config).id;
  await expect(s.runs.waitForEnd(runId)).resolves.toBe('done');
});
afterAll(async () => { await s.close(); });

describe('a PCA run\'s latent tools through the services', () => {
  it('reconstructs three chosen test images: a 2 × 3 grid of 28×28 cells', async () => {
    const art = await s.analysis.analyze(runId, { kind: 'reconstruction', indices: [0, 5, 9] });
    expect([art.kind, art.step]).toEqual(['reconstruction', 1]);
    const meta = imageGridMeta(art.meta)!;
    expect([meta.rows, meta.cols, meta.cellHeight, meta.cellWidth, meta.channels]).toEqual([2, 3, 28, 28, 1]);
    const image = png(art.id);
    expect([image.width, image.height]).toEqual([3 * 29 + 1, 2 * 29 + 1]);
  });

  it('interpolates between two test images: the two ends and 6 decodings in one row', async () => {
    const art = await s.analysis.analyze(runId, { kind: 'interpolation', a: 1, b: 2, steps: 6 });
    const meta = imageGridMeta(art.meta)!;
    expect([meta.rows, meta.cols]).toEqual([1, 8]);
    expect(meta.z).toHaveLength(8);
    expect(meta.z![0]).toHaveLength(5);
  });

  it('traverses components 1–3 at 7 steps of ±2σ: a 3 × 7 grid, and refuses a component the run does not keep', async () => {
    const art = await s.analysis.analyze(runId, { kind: 'traversal', components: [1, 2, 3], range: 2, steps: 7 });
    const meta = imageGridMeta(art.meta)!;
    expect([meta.rows, meta.cols, meta.cellHeight]).toEqual([3, 7, 28]);
    expect(meta.rowLabels![2]).toMatch(/^component 3 \(σ = /);
    expect([png(art.id).width, png(art.id).height]).toEqual([7 * 29 + 1, 3 * 29 + 1]);
    expect(s.artifacts.list(runId, 'traversal').map((a) => a.id)).toEqual([art.id]);
    await expect(s.analysis.analyze(runId, { kind: 'traversal', components: [6], range: 2, steps: 3 })).rejects.toThrow('There is no component 6: the run keeps 5');
    await expect(s.analysis.analyze(runId, { kind: 'arithmetic', a: 0, b: 1, c: 2 })).rejects.toThrow(/^Latent arithmetic is for autoencoder or variational autoencoder runs; run \d+ is a PCA baseline run$/);
  });
});
