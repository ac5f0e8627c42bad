/**
 * An image GAN's sample scores switched off, the nearest-training-neighbour
 * search and the latent paths, on a small real MNIST subset (wasm). That a
 * GAN's scores are recorded at its logged steps, from a reference classifier
 * trained once and cached, and that its Fréchet distance falls as it learns,
 * is the training tier's (test/training/ganEvaluationLearns.test.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { ganTemplate } from '../../../workers/common/families/gan/templates';
import type { ImageDataset } from '../../../workers/data/mnist';
import { analyzeRun } from '../../../workers/families/registry';
import { encodeGridPng } from '../../../workers/engine/imageGrid';
import { gridCellPixels, nearestNeighbours } from '../../../workers/engine/nearestNeighbours';
import { RecordingSink } from '../../../workers/engine/sink';
import { runGan } from '../../../workers/families/gan/run';
import { latentPath } from '../../../workers/engine/latentPath';
import { ganConfig, mnist, tempFolder, useWasmBackend } from '../../helpers/inProcessTraining';

const runDir = tempFolder('lw-gan-eval-');
const PER = 784;
let train: ImageDataset;

useWasmBackend();
beforeAll(() => { train = mnist(2000, 100); });

describe('GAN sample scores switched off, and nearest training neighbours', () => {
  it('evalSamples 0 turns the scores off', async () => {
    const sink = new RecordingSink();
    await runGan({ config: ganConfig({ epochs: 1, batchSize: 256, latentDim: 8, evalSamples: 0 }, 'mlp'), model: ganTemplate('mlp', [28, 28, 1], 8), sink, isCancelled: () => false, dataset: train });
    expect(sink.values('frechet_distance')).toHaveLength(0);
    expect(sink.values('reference_accuracy')).toHaveLength(0);
  });

  it('nearest neighbours of a sample cell: exact on a training image; refused without a samples grid', async () => {
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
    await expect(analyzeRun({
      config: ganConfig({}, 'mlp'), architecture: ganTemplate('mlp', [28, 28, 1], 32), runDir, step: 32, request: { kind: 'nearest-neighbours', step: 32, cell: 0, count: 5 },
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
