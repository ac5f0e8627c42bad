import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetCatalogue } from '../../../workers/common/datasets';
import type { ImageGridMeta, LatentScatterData } from '../../../workers/common/gallery';
import type { MainToWorker, SampleMessage, WorkerToMain } from '../../../workers/common/protocol';
import { pcaConfigSchema, type PcaConfig } from '../../../workers/common/runConfig';
import { loadImageDataset, type ImageDataset } from '../../../workers/data/mnist';
import { selectBackend } from '../../../workers/engine/backend';
import { RecordingSink } from '../../../workers/engine/sink';
import { registerWasmKernels } from '../../../workers/engine/wasmKernels';
import { fitPca, predictedTrainError, reconstructPca } from '../../../workers/families/pca/fit';
import { pcaComponentsPath, runPca, type PcaComponentsFile } from '../../../workers/families/pca/run';
import { runHost } from '../../../workers/host/runHost';
import type { HostTransport } from '../../../workers/host/transport';

let data: ImageDataset;
const tmp = mkdtempSync(join(tmpdir(), 'lw-pca-'));

function config(components: number, dataset: PcaConfig['dataset'] = { id: 'mnist' }): PcaConfig {
  return pcaConfigSchema.parse({ family: 'pca', dataset, hyper: { components } });
}

/** Mean over examples of Σ (x − x̂)², reconstructing from the file's components, in float64. */
function directTestError(file: PcaComponentsFile, images: Float32Array, count: number): number {
  const d = file.inputDim;
  let total = 0;
  const xc = new Float64Array(d);
  const recon = new Float64Array(d);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < d; j++) xc[j] = images[i * d + j]! - file.mean[j]!;
    recon.fill(0);
    for (const v of file.vectors) {
      let z = 0;
      for (let j = 0; j < d; j++) z += xc[j]! * v[j]!;
      for (let j = 0; j < d; j++) recon[j]! += z * v[j]!;
    }
    for (let j = 0; j < d; j++) total += (xc[j]! - recon[j]!) ** 2;
  }
  return total / count;
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('PCA baseline (wasm, in-process)', () => {
  beforeAll(async () => {
    registerWasmKernels();
    expect(await selectBackend('wasm')).toBe('wasm');
    data = loadImageDataset(datasetCatalogue.mnist, { trainSize: 2000, testSize: 500 });
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('records test_mse equal to a direct reconstruction, and train_mse equal to the discarded eigenvalues × (n−1)/n', async () => {
    const runDir = join(tmp, 'pca30');
    const sink = new RecordingSink();
    const t0 = Date.now();
    const r = await runPca({ config: config(30), sink, isCancelled: () => false, runDir, dataset: data });
    expect(r.status).toBe('done');
    const final = r.status === 'done' ? r.final : {};
    const file = JSON.parse(readFileSync(pcaComponentsPath(runDir), 'utf8')) as PcaComponentsFile;
    expect([file.format, file.n, file.inputDim, file.components, file.vectors.length, file.eigenvalues.length]).toEqual(['latent-pca', 2000, 784, 30, 30, 784]);

    const direct = directTestError(file, data.testImages, 500);
    let discarded = 0;
    for (let j = 30; j < 784; j++) discarded += file.eigenvalues[j]!;
    const identity = (discarded * (file.n - 1)) / file.n;
    const total = file.eigenvalues.reduce((a, b) => a + b, 0);
    console.log(`PCA-30 on 2000 MNIST images: ${Date.now() - t0} ms; test_mse ${final['test_mse']?.toFixed(4)} (direct ${direct.toFixed(4)}), train_mse ${final['train_mse']?.toFixed(4)} (eigenvalues ${identity.toFixed(4)}), explained ${final['explained_variance']?.toFixed(4)}`);
    expect(rel(final['test_mse']!, direct)).toBeLessThan(1e-3);
    expect(rel(final['train_mse']!, identity)).toBeLessThan(1e-3);
    expect(rel(final['explained_variance']!, 1 - discarded / total)).toBeLessThan(1e-6);
    for (const k of ['test_mse', 'train_mse', 'explained_variance']) expect(sink.metrics.filter((m) => m.key === k).map((m) => m.step)).toEqual([1]);
    // The scree curve: one point per component (step n = n components); at the kept 30 it is the explained variance, at all 784 it is 1.
    const scree = sink.metrics.filter((m) => m.key === 'scree_cumulative');
    expect(scree.map((m) => m.step)).toEqual(Array.from({ length: 784 }, (_, i) => i + 1));
    expect(rel(scree[29]!.value, final['explained_variance']!)).toBeLessThan(1e-9);
    expect(scree.at(-1)!.value).toBeCloseTo(1, 9);
    const share = sink.metrics.filter((m) => m.key === 'scree_share');
    expect(rel(share[0]!.value, Math.max(0, file.eigenvalues[0]!) / total)).toBeLessThan(1e-6);
    // Components are orthonormal and eigenvalues descend.
    const dot = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + v * b[i]!, 0);
    expect(dot(file.vectors[0]!, file.vectors[0]!)).toBeCloseTo(1, 6);
    expect(dot(file.vectors[0]!, file.vectors[7]!)).toBeCloseTo(0, 6);
    expect(file.eigenvalues.every((v, i) => i === 0 || v <= file.eigenvalues[i - 1]!)).toBe(true);
    expect(sink.progressEvents.at(-1)).toEqual({ epoch: 1, epochs: 1, step: 4, totalSteps: 4 });

    const grid = sink.samples.find((s) => s.kind === 'reconstructions')!;
    expect(grid.step).toBe(1);
    expect(existsSync(grid.path)).toBe(true);
    const png = PNG.sync.read(readFileSync(grid.path));
    expect([png.width, png.height]).toEqual([10 * 28 + 11, 2 * 28 + 3]);
    const meta = grid.meta as ImageGridMeta;
    expect(meta.rowLabels).toEqual(['input', 'reconstruction']);
    expect(meta.labels).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    meta.testIndices!.forEach((i, c) => expect(data.testLabels[i]).toBe(c));

    const scatter = sink.samples.find((s) => s.kind === 'latent-scatter')!;
    expect(scatter.meta).toEqual({ method: 'pca', latentDim: 30, count: 500 });
    const points = (JSON.parse(readFileSync(scatter.path, 'utf8')) as LatentScatterData).points;
    expect(points).toHaveLength(500);
    // The first coordinate is the projection on the first component.
    const x0 = data.testImages.subarray(0, 784);
    const z0 = file.vectors[0]!.reduce((s, v, j) => s + v * (x0[j]! - file.mean[j]!), 0);
    expect(points[0]![0]).toBeCloseTo(z0, 3);
  });

  it('keeping every component reconstructs exactly (constant pixels included)', async () => {
    const n = 300;
    const m = await fitPca(data.trainImages.subarray(0, n * 784), n, 784, 784);
    expect(predictedTrainError(m)).toBeLessThan(1e-9);
    const r = await reconstructPca(m, data.trainImages, n);
    expect(r.meanSse).toBeLessThan(1e-4);
    // Components (those of constant pixels too) are orthonormal.
    const row = (j: number): Float64Array => m.components.subarray(j * 784, (j + 1) * 784);
    const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i]!, 0);
    for (const [i, j] of [[0, 0], [783, 783], [0, 783], [5, 700]] as const) expect(dot(row(i), row(j))).toBeCloseTo(i === j ? 1 : 0, 6);
  });

  it('is cancellable before and between stages and refuses more components than features', async () => {
    const small = { ...data, trainImages: data.trainImages.slice(0, 300 * 784), trainLabels: data.trainLabels.slice(0, 300) };
    const atOnce = new RecordingSink();
    expect((await runPca({ config: config(10), sink: atOnce, isCancelled: () => true, dataset: small })).status).toBe('cancelled');
    expect(atOnce.progressEvents).toEqual([]);
    let calls = 0;
    const later = new RecordingSink();
    expect((await runPca({ config: config(10), sink: later, isCancelled: () => ++calls > 1, dataset: small })).status).toBe('cancelled');
    expect(later.progressEvents.map((p) => p.step)).toEqual([1]);
    expect(later.metrics).toEqual([]);
    await expect(runPca({ config: config(1000), sink: new RecordingSink(), isCancelled: () => false, dataset: small })).rejects.toThrow(/at most 784/);
  });

  it('runs through the host, which forwards its artifacts as sample messages', async () => {
    const sent: WorkerToMain[] = [];
    let handler: ((m: MainToWorker) => void) | undefined;
    let onClose: () => void = () => {};
    const closed = new Promise<void>((r) => { onClose = r; });
    const transport: HostTransport = { mode: 'none', send: (m) => { sent.push(structuredClone(m)); return Promise.resolve(); }, onMessage: (h) => { handler = h; }, close: () => onClose() };
    runHost(transport, { installProcessHandlers: false });
    const runDir = join(tmp, 'host');
    handler!({
      type: 'start', runId: 1, backend: 'wasm', runDir,
      config: config(8, { id: 'mnist', trainSize: 300, testSize: 100 }),
      architecture: { format: 'latent-model', version: 1, name: 'pca-8', parts: {} },
    });
    await closed;
    expect(sent.at(-1)!.type).toBe('done');
    const samples = sent.filter((m): m is SampleMessage => m.type === 'sample');
    expect(samples.map((s) => s.kind)).toEqual(['reconstructions', 'latent-scatter']);
    expect(samples[0]!.meta).toMatchObject({ rows: 2, cols: 10, rowLabels: ['input', 'reconstruction'] });
    const points = sent.flatMap((m) => (m.type === 'metrics' ? m.points : []));
    // One point of each headline metric, and the scree curve's 784 points each (one per component of 28×28 images).
    const counts = new Map<string, number>();
    for (const p of points) counts.set(p.key, (counts.get(p.key) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ explained_variance: 1, test_mse: 1, train_mse: 1, scree_share: 784, scree_cumulative: 784 });
  });
});
