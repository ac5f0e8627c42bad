/**
 * Generative families through the real services, worker and SQLite: their
 * gallery artifacts are recorded, on disk and readable through the API, and
 * the on-demand analyses of a trained VAE work (or fail clearly).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type AppServices } from '../../main/services/appServices';
import { ApiError } from '../../main/common/api';
import { runConfigSchema } from '../../workers/common/runConfig';
import type { ImageGridMeta, LatentScatterData } from '../../workers/common/gallery';
import { gridCellPixels } from '../../workers/engine/nearestNeighbours';
import { requireBuilt, tempDir } from '../helpers/tempDir';

let s: AppServices;
let experimentId: number;
let vaeRun: number;

beforeAll(async () => {
  requireBuilt();
  s = createServices({ dataDir: tempDir(), env: { LATENT_BACKEND: 'wasm' } });
  experimentId = s.experiments.create('generative', '').id;
  const config = runConfigSchema.parse({
    family: 'vae',
    dataset: { id: 'mnist', trainSize: 1000, testSize: 300 },
    architecture: { template: 'mlp' },
    hyper: { epochs: 2, batchSize: 50, latentDim: 2, seed: 3 },
  });
  vaeRun = s.runs.start(experimentId, config).id;
  await expect(s.runs.waitForEnd(vaeRun)).resolves.toBe('done');
});
afterAll(async () => { await s.close(); });

function png(base64: string): PNG {
  return PNG.sync.read(Buffer.from(base64, 'base64'));
}

describe('VAE gallery through the services', () => {
  it('records sample grids per epoch with the same z, on disk and readable as PNG', () => {
    const samples = s.artifacts.list(vaeRun, 'samples');
    expect(samples.length).toBeGreaterThanOrEqual(2);
    expect(samples.every((a) => a.mime === 'image/png')).toBe(true);
    const metas = samples.map((a) => a.meta as unknown as ImageGridMeta);
    expect(metas[0]!.z).toEqual(metas[metas.length - 1]!.z);
    const first = png(s.artifacts.read(samples[0]!.id).base64);
    const last = png(s.artifacts.read(samples[samples.length - 1]!.id).base64);
    expect(first.width).toBeGreaterThan(metas[0]!.cols * 28);
    expect(Buffer.compare(first.data, last.data)).not.toBe(0); // the model changed between epochs
    for (const kind of ['reconstructions', 'manifold', 'latent-scatter']) expect(s.artifacts.list(vaeRun, kind).length, kind).toBeGreaterThan(0);
    const d = s.runs.detail(vaeRun);
    expect(Object.keys(d.latest)).toEqual(expect.arrayContaining(['elbo', 'bits_per_dim', 'kl', 'reconstruction', 'active_units', 'kl_dim/0', 'kl_dim/1']));
  });

  it('interpolates between two chosen test images, and says clearly when an index is out of range', async () => {
    const art = await s.analysis.analyze(vaeRun, { kind: 'interpolation', a: 3, b: 10, steps: 8 });
    expect(art.kind).toBe('interpolation');
    const meta = art.meta as unknown as ImageGridMeta;
    expect(meta.cols).toBe(10);
    expect(meta.testIndices).toEqual([3, 10]);
    const image = png(s.artifacts.read(art.id).base64);
    expect(image.width).toBeGreaterThanOrEqual(10 * 28);
    expect(s.artifacts.list(vaeRun, 'interpolation').map((a) => a.id)).toContain(art.id);
    await expect(s.analysis.analyze(vaeRun, { kind: 'interpolation', a: 3, b: 999_999, steps: 8 })).rejects.toThrow(/out of range/);
  });

  it('computes latent arithmetic and a UMAP projection of the codes', async () => {
    const arith = await s.analysis.analyze(vaeRun, { kind: 'arithmetic', a: 1, b: 2, c: 3 });
    expect((arith.meta as unknown as ImageGridMeta).cols).toBe(4);
    const scatter = await s.analysis.analyze(vaeRun, { kind: 'latent-scatter', method: 'umap', count: 200 });
    const data = JSON.parse(Buffer.from(s.artifacts.read(scatter.id).base64, 'base64').toString('utf8')) as LatentScatterData;
    expect(data.method).toBe('umap');
    expect(data.points).toHaveLength(200);
    expect(new Set(data.labels).size).toBe(10);
  });

  it('serves dataset thumbnails for the pickers and refuses what is not an image', () => {
    const imgs = s.datasets.images('mnist', 'test', [0, 1]);
    expect(imgs.map((i) => i.label)).toEqual([7, 2]); // the first two MNIST test digits
    expect(png(imgs[0]!.pngBase64).width).toBe(28);
    expect(() => s.datasets.images('mnist', 'test', [10_000])).toThrow(/out of range/);
    const ckpt = s.artifacts.list(vaeRun, 'checkpoint')[0]!;
    expect(() => s.artifacts.read(ckpt.id)).toThrow(ApiError);
  });
});

describe('autoencoder and PCA runs through the services', () => {
  it('a denoising autoencoder and a PCA baseline record comparable test_mse and reconstructions', async () => {
    const ae = s.runs.start(experimentId, runConfigSchema.parse({
      family: 'autoencoder',
      dataset: { id: 'mnist', trainSize: 1000, testSize: 300 },
      hyper: { epochs: 2, batchSize: 50, variant: 'denoising', noise: 'gaussian', noiseLevel: 0.5, latentDim: 16 },
    }));
    const pca = s.runs.start(experimentId, runConfigSchema.parse({ family: 'pca', dataset: { id: 'mnist', trainSize: 1000, testSize: 300 }, hyper: { components: 16 } }));
    await expect(s.runs.waitForEnd(ae.id)).resolves.toBe('done');
    await expect(s.runs.waitForEnd(pca.id)).resolves.toBe('done');
    const aeLatest = s.runs.detail(ae.id).latest;
    expect(aeLatest['test_mse']).toBeLessThan(aeLatest['test_noisy_input_mse']!);
    expect(s.runs.detail(pca.id).latest['test_mse']).toBeGreaterThan(0);
    const rec = s.artifacts.list(ae.id, 'reconstructions');
    expect((rec[0]!.meta as unknown as ImageGridMeta).rowLabels).toEqual(['input', 'noisy', 'reconstruction']);
    for (const a of [...rec, ...s.artifacts.list(pca.id, 'reconstructions')]) {
      expect(fs.existsSync(path.join(s.dataDir, 'runs', String(a.runId)))).toBe(true);
      expect(s.artifacts.read(a.id).base64.length).toBeGreaterThan(100);
    }
  });
});

describe('GAN runs through the services', () => {
  it('an MNIST GAN records sample scores from a cached reference classifier, and finds a sample\'s nearest training images', async () => {
    const config = runConfigSchema.parse({
      family: 'gan',
      dataset: { id: 'mnist', trainSize: 512, testSize: 100 },
      architecture: { template: 'mlp' },
      hyper: { epochs: 1, batchSize: 64, latentDim: 16, evalSamples: 200, finalEvalSamples: 200, referenceTemplate: 'mlp', referenceEpochs: 1 },
    });
    const gan = s.runs.start(experimentId, config).id;
    await expect(s.runs.waitForEnd(gan)).resolves.toBe('done');
    const latest = s.runs.detail(gan).latest;
    expect(Object.keys(latest)).toEqual(expect.arrayContaining(['d_loss', 'g_loss', 'd_real', 'd_fake', 'classes_present', 'inception_score', 'frechet_distance', 'class_kl', 'reference_accuracy']));
    // The reference classifier trains on all 60,000 training images (one MLP epoch), not on the run's 512.
    expect(latest['reference_accuracy']).toBeGreaterThan(0.9);
    const cache = path.join(s.dataDir, 'cache', 'reference-classifiers');
    expect(fs.readdirSync(cache)).toEqual(['mnist-n60000-mlp-e1']);
    const hist = s.artifacts.list(gan, 'class-histogram');
    // Step 0, the epoch end, and the final evaluation of the finished run (200 samples here; 10,000 by default).
    expect(hist.map((a) => [a.step, a.meta['final'] === true])).toEqual([[0, false], [8, false], [8, true]]);
    expect(latest['final_kid']).toBeDefined();

    const samples = s.artifacts.list(gan, 'samples');
    const last = samples[samples.length - 1]!;
    const art = await s.analysis.analyze(gan, { kind: 'nearest-neighbours', step: last.step, cell: 3, count: 4 });
    expect(art.kind).toBe('neighbours');
    const meta = art.meta as unknown as ImageGridMeta;
    expect(meta.trainIndices).toHaveLength(4);
    expect(meta.trainIndices!.every((i) => i >= 0 && i < 512)).toBe(true); // among the images the run trained on
    expect(meta.distances).toHaveLength(4);
    expect(png(s.artifacts.read(art.id).base64).width).toBeGreaterThanOrEqual(5 * 28);
    await expect(s.analysis.analyze(gan, { kind: 'nearest-neighbours', step: 12345, cell: 3, count: 4 })).rejects.toThrow(/no samples grid at step 12345/);
    await expect(s.analysis.analyze(gan, { kind: 'interpolation', a: 1, b: 2, steps: 4 })).rejects.toThrow(/is for autoencoder, variational autoencoder or PCA baseline runs; run \d+ is a GAN run/);

    // Interpolation between two samples' noise, through the generator of the last checkpoint (written with the last grid):
    // its ends are exactly those two samples.
    const interp = await s.analysis.analyze(gan, { kind: 'latent-interpolation', a: 3, b: 12, steps: 6, path: 'slerp' });
    expect(interp.kind).toBe('interpolation');
    const im = interp.meta as unknown as ImageGridMeta;
    expect(im.cols).toBe(6);
    expect(im.z).toHaveLength(6);
    const gridMeta = last.meta as unknown as ImageGridMeta;
    expect(im.z![0]).toEqual(gridMeta.z![3]);
    const gridPng = png(s.artifacts.read(last.id).base64);
    const rowPng = png(s.artifacts.read(interp.id).base64);
    const geo = (m: ImageGridMeta) => ({ rows: m.rows, cols: m.cols, cellHeight: m.cellHeight, cellWidth: m.cellWidth, channels: m.channels });
    expect(Array.from(gridCellPixels(rowPng, geo(im), 0))).toEqual(Array.from(gridCellPixels(gridPng, geo(gridMeta), 3)));
    expect(Array.from(gridCellPixels(rowPng, geo(im), 5))).toEqual(Array.from(gridCellPixels(gridPng, geo(gridMeta), 12)));
    expect(Array.from(gridCellPixels(rowPng, geo(im), 2))).not.toEqual(Array.from(gridCellPixels(gridPng, geo(gridMeta), 3)));
    await expect(s.analysis.analyze(gan, { kind: 'latent-interpolation', a: 3, b: 64, steps: 6, path: 'linear' })).rejects.toThrow(/outside the samples grid, which has 64 cells/);
    await expect(s.analysis.analyze(vaeRun, { kind: 'latent-interpolation', a: 0, b: 1, steps: 4, path: 'slerp' })).rejects.toThrow(/for GAN runs/);
  });
});
