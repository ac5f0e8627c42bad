/**
 * A PCA run's components as a linear encoder/decoder for the latent tools
 * (workers/families/pca/latent.ts), on a tiny real subset (MNIST 300 train /
 * 100 test, k = 6; PCA has no randomness, the seed 0 is never read):
 * encoding then back-projecting the test images gives the run's recorded
 * test_mse, and the analyses (reconstruction, traversal, interpolation) run
 * from the run folder without a checkpoint.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageGridMeta } from '../../../renderer/lib/artifactMeta';
import { datasetCatalogue } from '../../../workers/common/datasets';
import { GRAPH_VERSION, MODEL_FORMAT } from '../../../workers/common/graph';
import type { AnalysisRequest } from '../../../workers/common/gallery';
import { pcaConfigSchema, type PcaConfig } from '../../../workers/common/runConfig';
import { loadImageDataset, type ImageDataset } from '../../../workers/data/mnist';
import type { TestSet } from '../../../workers/engine/analysis';
import { selectBackend } from '../../../workers/engine/backend';
import { RecordingSink } from '../../../workers/engine/sink';
import { registerWasmKernels } from '../../../workers/engine/wasmKernels';
import { pcaAxes, pcaCodec, pcaLatentModel, readComponentsFile } from '../../../workers/families/pca/latent';
import { runPca } from '../../../workers/families/pca/run';
import { analyzeRun } from '../../../workers/families/registry';

const K = 6;
const D = 784;
const tmp = mkdtempSync(join(tmpdir(), 'lw-pca-latent-'));
const runDir = join(tmp, 'run');
let data: ImageDataset;
let testSet: TestSet;
let config: PcaConfig;
let testMse: number;

/** A cell of a one-channel grid PNG as values in [0, 1] (1-px gaps, as imageGrid draws). */
function cell(png: PNG, row: number, col: number): number[] {
  const out: number[] = [];
  for (let y = 0; y < 28; y++) {
    for (let x = 0; x < 28; x++) out.push(png.data[4 * ((1 + row * 29 + y) * png.width + 1 + col * 29 + x)]! / 255);
  }
  return out;
}

/** A numeric array the analysis put in its meta beside the grid's fields ('errors', 'offsets'). */
function numbers(meta: Record<string, unknown>, key: string): number[] {
  const v = meta[key];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw new Error(`meta.${key} is not a list of numbers`);
  return v;
}

const analyze = (request: AnalysisRequest) => analyzeRun({
  config, architecture: { format: MODEL_FORMAT, version: GRAPH_VERSION, name: `pca-${K}`, parts: {} }, runDir, request, step: 1,
}, { testSet, now: () => 1_700_000_000_000 });

beforeAll(async () => {
  registerWasmKernels();
  expect(await selectBackend('wasm')).toBe('wasm');
  data = loadImageDataset(datasetCatalogue.mnist, { trainSize: 300, testSize: 100 });
  testSet = { images: data.testImages, labels: data.testLabels, inputShape: data.inputShape };
  config = pcaConfigSchema.parse({ family: 'pca', dataset: { id: 'mnist', trainSize: 300, testSize: 100 }, hyper: { components: K, seed: 0 } });
  const r = await runPca({ config, sink: new RecordingSink(), isCancelled: () => false, runDir, dataset: data });
  if (r.status !== 'done') throw new Error(`the fit ended ${r.status}`);
  testMse = r.final['test_mse']!;
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('PCA as a latent model', () => {
  it('encode then back-project reproduces the recorded test_mse within 1e-5, and codes are the direct projections', async () => {
    const file = await readComponentsFile(runDir);
    const codec = pcaCodec(file);
    const x = tf.tensor2d(data.testImages, [100, D]);
    const z = codec.encode(x);
    const xr = codec.backProject(z);
    const [codes, recon] = [await z.data(), await xr.data()];
    tf.dispose([x, z, xr]);
    codec.dispose();
    let sse = 0;
    for (let i = 0; i < 100 * D; i++) sse += (recon[i]! - data.testImages[i]!) ** 2;
    expect(Math.abs(sse / 100 - testMse)).toBeLessThan(1e-5);
    // Test image 7's code on component 3, by hand: Σⱼ v₃ⱼ (xⱼ − μⱼ).
    const direct = file.vectors[2]!.reduce((s, v, j) => s + v * (data.testImages[7 * D + j]! - file.mean[j]!), 0);
    expect(codes[7 * K + 2]).toBeCloseTo(direct, 4);
  });

  it('spreads each component by the square root of its eigenvalue, with its share of the variance', async () => {
    const file = await readComponentsFile(runDir);
    const axes = pcaAxes(file);
    const total = file.eigenvalues.reduce((a, v) => a + Math.max(0, v), 0);
    expect(axes.sigma).toHaveLength(K);
    expect(axes.sigma[0]).toBeCloseTo(Math.sqrt(file.eigenvalues[0]!), 12);
    expect(axes.share![1]).toBeCloseTo(file.eigenvalues[1]! / total, 12);
    expect(axes.centre).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('traverses component 1 at −2σ, 0 and +2σ: the cells are clip(μ + c·σ₁·v₁) and μ itself', async () => {
    const file = await readComponentsFile(runDir);
    const art = await analyze({ kind: 'traversal', components: [1], range: 2, steps: 3 });
    expect(art.kind).toBe('traversal');
    const meta = imageGridMeta(art.meta)!;
    expect(numbers(art.meta, 'offsets')).toEqual([-2, 0, 2]);
    const s1 = Math.sqrt(file.eigenvalues[0]!);
    expect(meta.z!.map((z) => z[0])).toEqual([-2, 0, 2].map((c) => Math.round(c * s1 * 1e4) / 1e4));
    expect(meta.rowLabels![0]).toMatch(/^component 1 \(σ = \d\.\d{3}, \d+\.\d % of the variance\)$/);
    const png = PNG.sync.read(readFileSync(art.path));
    expect([png.width, png.height]).toEqual([3 * 29 + 1, 29 + 1]);
    [-2, 0, 2].forEach((c, col) => {
      const expected = file.mean.map((m, j) => Math.min(1, Math.max(0, m + c * s1 * file.vectors[0]![j]!)));
      const got = cell(png, 0, col);
      // 8-bit PNG: within half a level, plus float32 round-off.
      expect(Math.max(...got.map((v, j) => Math.abs(v - expected[j]!)))).toBeLessThan(0.5 / 255 + 1e-4);
    });
    await expect(analyze({ kind: 'traversal', components: [7], range: 2, steps: 3 })).rejects.toThrow('There is no component 7: the run keeps 6');
  });

  it('reconstructs chosen test images: two rows, each error the squared error of the shown (clipped) reconstruction', async () => {
    const art = await analyze({ kind: 'reconstruction', indices: [3, 0, 42] });
    const meta = imageGridMeta(art.meta)!;
    expect(meta.rowLabels).toEqual(['input', 'reconstruction']);
    expect(meta.testIndices).toEqual([3, 0, 42]);
    expect(meta.labels).toEqual([3, 0, 42].map((i) => data.testLabels[i]));
    const loaded = await pcaLatentModel(runDir, data.inputShape, 0);
    const x = tf.tensor(data.testImages.slice(42 * D, 43 * D), [1, 28, 28, 1]);
    const z = loaded.model.encode(x);
    const xr = loaded.model.decode(z);
    expect(xr.shape).toEqual([1, 28, 28, 1]);
    const r = await xr.data();
    tf.dispose([x, z, xr]);
    loaded.dispose();
    let sse = 0;
    for (let j = 0; j < D; j++) sse += (r[j]! - data.testImages[42 * D + j]!) ** 2;
    expect(numbers(art.meta, 'errors')[2]).toBeCloseTo(sse, 3);
    await expect(analyze({ kind: 'reconstruction', indices: [100] })).rejects.toThrow('Test index 100 is out of range: the test split has 100 images');
  });

  it('interpolates between two test images along the line between their projections; refuses latent arithmetic', async () => {
    const art = await analyze({ kind: 'interpolation', a: 0, b: 1, steps: 5 });
    const meta = imageGridMeta(art.meta)!;
    expect(meta.z).toHaveLength(7);
    // Linear in the code: the middle cell's code is the mean of the ends'.
    meta.z![3]!.forEach((v, j) => expect(v).toBeCloseTo((meta.z![0]![j]! + meta.z![6]![j]!) / 2, 3));
    await expect(analyze({ kind: 'arithmetic', a: 0, b: 1, c: 2 })).rejects.toThrow(/Latent arithmetic needs an autoencoder or variational autoencoder run; this run is a pca/);
  });

  it('says what is missing when the run folder has no components file', async () => {
    await expect(pcaLatentModel(join(tmp, 'nothing'), data.inputShape, 0)).rejects.toThrow(/The PCA run has no components file \(.*components\.json\): it is written when the fit is done/);
  });
});
