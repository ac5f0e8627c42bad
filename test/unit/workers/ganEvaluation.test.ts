/**
 * An image GAN's sample scores during training (reference classifier from the
 * cache, mode coverage, Inception-style score, Fréchet distance) and the
 * nearest-training-neighbour analysis, on a small real MNIST subset (wasm).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { datasetCatalogue } from '../../../workers/common/datasets';
import type { ClassHistogramData, ImageGridMeta } from '../../../workers/common/gallery';
import { ganTemplate } from '../../../workers/common/families/gan/templates';
import { ganConfigSchema, type GanConfig } from '../../../workers/common/runConfig';
import { loadImageDataset, type ImageDataset } from '../../../workers/data/mnist';
import { analyzeRun } from '../../../workers/families/registry';
import { selectBackend } from '../../../workers/engine/backend';
import { encodeGridPng } from '../../../workers/engine/imageGrid';
import { gridCellPixels, nearestNeighbours } from '../../../workers/engine/nearestNeighbours';
import { RecordingSink } from '../../../workers/engine/sink';
import { registerWasmKernels } from '../../../workers/engine/wasmKernels';
import { runGan } from '../../../workers/families/gan/run';
import { latentPath } from '../../../workers/engine/latentPath';

const tmp = mkdtempSync(join(tmpdir(), 'lw-gan-eval-'));
const PER = 784;
let reference: ImageDataset;
let train: ImageDataset;

beforeAll(async () => {
  registerWasmKernels();
  expect(await selectBackend('wasm')).toBe('wasm');
  reference = loadImageDataset(datasetCatalogue.mnist, { trainSize: 5000, testSize: 1000 });
  train = loadImageDataset(datasetCatalogue.mnist, { trainSize: 2000, testSize: 100 });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function config(hyper: Partial<GanConfig['hyper']>): GanConfig {
  return ganConfigSchema.parse({ family: 'gan', architecture: { template: 'mlp' }, hyper });
}

describe('GAN sample scores from the reference classifier', () => {
  let first: RecordingSink;
  const runDir = join(tmp, 'run1');

  it('trains and caches the reference once, records the scores at logged steps, and the FID falls as G learns', async () => {
    first = new RecordingSink();
    const hyper = { epochs: 12, batchSize: 64, latentDim: 32, learningRate: 0.0005, sampleEverySteps: 0, evalSamples: 500, referenceTemplate: 'mlp' as const, referenceEpochs: 2 };
    const r = await runGan({ config: config(hyper), model: ganTemplate('mlp', [28, 28, 1], 32), sink: first, isCancelled: () => false, dataset: train, referenceDataset: reference, cacheDir: join(tmp, 'cache'), runDir });
    expect(r.status).toBe('done');
    const acc = first.values('reference_accuracy');
    expect(acc).toHaveLength(1);
    expect(acc[0]).toBeGreaterThan(0.85);
    expect(first.logs.some((l) => /Training the reference classifier/.test(l.message))).toBe(true);
    const steps = first.metrics.filter((m) => m.key === 'frechet_distance').map((m) => m.step);
    // 2000 images / 64 = 32 steps per epoch: step 0, then each epoch end.
    expect(steps).toEqual(Array.from({ length: 13 }, (_, i) => 32 * i));
    const fid = first.values('frechet_distance');
    const is = first.values('inception_score');
    const classes = first.values('classes_present');
    console.log(`MLP GAN on 2000 MNIST images: FID ${fid.map((v) => v.toFixed(1)).join(' → ')}; IS ${is.map((v) => v.toFixed(2)).join(' → ')}; classes ${classes.join(' → ')}; real IS ${first.values('real_inception_score')[0]?.toFixed(2)}`);
    expect(fid[fid.length - 1]!).toBeLessThan(fid[0]! * 0.6);
    for (const v of is) expect(v).toBeGreaterThanOrEqual(1);
    for (const c of classes) expect(c).toBeGreaterThanOrEqual(0);
    expect(first.values('real_inception_score')[0]!).toBeGreaterThan(6);
    const hist = first.samples.filter((s) => s.kind === 'class-histogram');
    expect(hist.map((h) => h.step)).toEqual(steps);
    const data = JSON.parse(readFileSync(hist[hist.length - 1]!.path, 'utf8')) as ClassHistogramData;
    expect(data.numClasses).toBe(10);
    expect(data.histogram.reduce((a, b) => a + b, 0)).toBe(500);
    expect(data.classesPresent).toBe(classes[classes.length - 1]);
    expect(data.referenceAccuracy).toBe(acc[0]);
    expect(r.status === 'done' && r.final['frechet_distance']).toBe(fid[fid.length - 1]);
  });

  it('a second run loads the reference from the cache, with the same accuracy', async () => {
    const sink = new RecordingSink();
    const r = await runGan({
      config: config({ epochs: 1, batchSize: 64, latentDim: 32, evalSamples: 200, referenceTemplate: 'mlp', referenceEpochs: 2 }),
      model: ganTemplate('mlp', [28, 28, 1], 32), sink, isCancelled: () => false, dataset: train, referenceDataset: reference, cacheDir: join(tmp, 'cache'),
    });
    expect(r.status).toBe('done');
    expect(sink.logs.some((l) => /from the cache/.test(l.message))).toBe(true);
    expect(sink.logs.some((l) => /Training the reference classifier/.test(l.message))).toBe(false);
    expect(sink.values('reference_accuracy')).toEqual(first.values('reference_accuracy'));
  });

  it('evalSamples 0 turns the scores off', async () => {
    const sink = new RecordingSink();
    await runGan({ config: config({ epochs: 1, batchSize: 256, latentDim: 8, evalSamples: 0 }), model: ganTemplate('mlp', [28, 28, 1], 8), sink, isCancelled: () => false, dataset: train });
    expect(sink.values('frechet_distance')).toHaveLength(0);
    expect(sink.values('reference_accuracy')).toHaveLength(0);
  });

  it('nearest neighbours of a sample cell: exact on a training image, and from a logged grid', async () => {
    // A grid whose cell 5 is training image 123: its nearest neighbour is itself at distance ≈ 0.
    const pixels = new Float32Array(8 * PER);
    pixels.set(train.trainImages.subarray(123 * PER, 124 * PER), 5 * PER);
    const png = PNG.sync.read(encodeGridPng({ pixels, count: 8, height: 28, width: 28, channels: 1 }, { rows: 2, cols: 4 }));
    const g = { rows: 2, cols: 4, cellHeight: 28, cellWidth: 28, channels: 1 };
    const cell = gridCellPixels(png, g, 5);
    const nn = nearestNeighbours(cell, train.trainImages, PER, 3);
    expect(nn.indices[0]).toBe(123);
    expect(nn.distances[0]).toBeLessThan(0.05);
    expect(nn.distances[1]!).toBeGreaterThan(nn.distances[0]!);
    expect(() => gridCellPixels(png, g, 8)).toThrow(/outside the 2×4 grid/);

    const grid = first.samples.find((s) => s.kind === 'samples' && s.step === 32)!;
    const art = await analyzeRun({
      config: config({}), architecture: ganTemplate('mlp', [28, 28, 1], 32), runDir, step: 32,
      request: { kind: 'nearest-neighbours', step: 32, cell: 7, count: 5 }, source: { path: grid.path, meta: grid.meta as Record<string, unknown> },
    }, { trainSet: { images: train.trainImages, labels: train.trainLabels, inputShape: [28, 28, 1] } });
    expect(art.kind).toBe('neighbours');
    expect(existsSync(art.path)).toBe(true);
    const meta = art.meta as unknown as ImageGridMeta;
    expect(meta.cols).toBe(6);
    expect(meta.trainIndices).toHaveLength(5);
    expect(meta.labels).toEqual(meta.trainIndices!.map((i) => train.trainLabels[i]));
    const d = meta.distances!;
    for (let i = 1; i < d.length; i++) expect(d[i]!).toBeGreaterThanOrEqual(d[i - 1]!);
    await expect(analyzeRun({
      config: config({}), architecture: ganTemplate('mlp', [28, 28, 1], 32), runDir, step: 32, request: { kind: 'nearest-neighbours', step: 32, cell: 0, count: 5 },
    })).rejects.toThrow(/no samples grid/);
  });
});

describe('GAN latent paths', () => {
  it('slerp keeps equal-norm endpoints on their sphere and ends exactly at them; linear cuts through the middle', () => {
    const a = [3, 0, 4];
    const b = [0, 5, 0];
    const s = latentPath(a, b, 5, 'slerp');
    const l = latentPath(a, b, 5, 'linear');
    expect(s[0]).toEqual(a);
    expect(s[4]!.map((v) => Number(v.toFixed(12)))).toEqual(b);
    for (const p of s) expect(Math.hypot(...p)).toBeCloseTo(5, 10);
    expect(Math.hypot(...l[2]!)).toBeLessThan(4);
    expect(l[2]).toEqual([1.5, 2.5, 2]);
    // Parallel vectors: slerp is the straight line (no division by sin 0).
    expect(latentPath([1, 1], [2, 2], 3, 'slerp')[1]).toEqual([1.5, 1.5]);
    expect(() => latentPath([1], [1, 2], 3, 'slerp')).toThrow(/differ in size/);
  });
});
