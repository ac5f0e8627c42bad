import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoencoderTemplate } from '../../../workers/common/families/autoencoder/templates';
import { datasetCatalogue } from '../../../workers/common/datasets';
import type { AnalysisRequest, ImageGridMeta, LatentScatterData } from '../../../workers/common/gallery';
import type { AnalyzeMessage, CheckpointRef, MainToWorker, WorkerToMain } from '../../../workers/common/protocol';
import { autoencoderConfigSchema, classifierConfigSchema, vaeConfigSchema, type VaeConfig } from '../../../workers/common/runConfig';
import { classifierTemplates } from '../../../workers/common/families/classifier/templates';
import { vaeTemplate } from '../../../workers/common/families/vae/templates';
import { loadImageDataset, type ImageDataset } from '../../../workers/data/mnist';
import type { TestSet } from '../../../workers/engine/analysis';
import { analyzeRun } from '../../../workers/families/registry';
import { selectBackend } from '../../../workers/engine/backend';
import { saveCheckpoint } from '../../../workers/engine/checkpoint';
import { compileGraph } from '../../../workers/engine/compileGraph';
import { pca2d } from '../../../workers/engine/projection';
import { RecordingSink } from '../../../workers/engine/sink';
import { registerWasmKernels } from '../../../workers/engine/wasmKernels';
import { runVae } from '../../../workers/families/vae/run';
import { runHost } from '../../../workers/host/runHost';
import type { HostTransport } from '../../../workers/host/transport';

const tmp = mkdtempSync(join(tmpdir(), 'lw-analysis-'));
const runDir = join(tmp, 'run');
let data: ImageDataset;
let testSet: TestSet;
let checkpoint: CheckpointRef;
const model = vaeTemplate('mlp', [28, 28, 1], 4);
const config: VaeConfig = vaeConfigSchema.parse({ family: 'vae', dataset: { id: 'mnist', trainSize: 1000, testSize: 200 }, hyper: { latentDim: 4, epochs: 1, batchSize: 50, validationSplit: 0, seed: 3 } });

function fakeTransport(): { transport: HostTransport; sent: WorkerToMain[]; deliver: (m: MainToWorker) => void; closed: Promise<void> } {
  const sent: WorkerToMain[] = [];
  let handler: ((m: MainToWorker) => void) | undefined;
  let onClose: () => void = () => {};
  const closed = new Promise<void>((r) => { onClose = r; });
  const transport: HostTransport = {
    mode: 'none',
    send: (m) => { sent.push(structuredClone(m)); return Promise.resolve(); },
    onMessage: (h) => { handler = h; },
    close: () => onClose(),
  };
  return { transport, sent, deliver: (m) => handler!(m), closed };
}

function analyzeMessage(request: AnalysisRequest, extra: Partial<AnalyzeMessage> = {}): AnalyzeMessage {
  return { type: 'analyze', runId: 1, config, architecture: model, backend: 'wasm', runDir, checkpoint, request, step: checkpoint.step, ...extra };
}

async function host(m: AnalyzeMessage): Promise<WorkerToMain[]> {
  const t = fakeTransport();
  runHost(t.transport, { installProcessHandlers: false });
  t.deliver(m);
  await t.closed;
  return t.sent;
}

const input = (request: AnalysisRequest): Parameters<typeof analyzeRun>[0] => ({ config, architecture: model, runDir, checkpoint, request, step: checkpoint.step });

describe('analysis mode (wasm, in-process)', () => {
  beforeAll(async () => {
    registerWasmKernels();
    expect(await selectBackend('wasm')).toBe('wasm');
    data = loadImageDataset(datasetCatalogue.mnist, { trainSize: 1000 });
    testSet = { images: data.testImages, labels: data.testLabels, inputShape: data.inputShape };
    const sink = new RecordingSink();
    const sub = { ...data, testImages: data.testImages.slice(0, 200 * 784), testLabels: data.testLabels.slice(0, 200) };
    await runVae({ config, model, sink, isCancelled: () => false, dataset: sub, runDir });
    checkpoint = sink.checkpoints[0]!;
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('interpolation through the host: ready, one sample with the grid meta, done', async () => {
    const sent = await host(analyzeMessage({ kind: 'interpolation', a: 3, b: 9500, steps: 8 }));
    expect(sent.map((m) => m.type)).toEqual(['ready', 'sample', 'done']);
    expect(sent[2]).toEqual({ type: 'done', final: {} });
    const s = sent[1]!;
    if (s.type !== 'sample') throw new Error('expected a sample');
    expect(s.kind).toBe('interpolation');
    expect(s.step).toBe(checkpoint.step);
    expect(s.path).toMatch(new RegExp(`^${join(runDir, 'gallery', 'interpolation', 'analysis-')}\\d+\\.png$`));
    expect(existsSync(s.path)).toBe(true);
    const meta = s.meta as unknown as ImageGridMeta;
    expect(meta).toMatchObject({ rows: 1, cols: 10, cellHeight: 28, cellWidth: 28, channels: 1, testIndices: [3, 9500] });
    expect(meta.labels).toEqual([data.testLabels[3], data.testLabels[9500]]);
    expect(meta.z).toHaveLength(10);
    expect(meta.z![0]).toHaveLength(4);
    expect(meta.rowLabels).toHaveLength(1);
    // The path is a straight line from z(a) to z(b).
    const z = meta.z!;
    for (let j = 0; j < 4; j++) {
      expect(z[1]![j]).toBeCloseTo(z[0]![j]!, 3);
      expect(z[8]![j]).toBeCloseTo(z[9]![j]!, 3);
    }
  });

  it('latent arithmetic writes a, b, c and the result', async () => {
    const a = await analyzeRun(input({ kind: 'arithmetic', a: 0, b: 1, c: 2 }), { testSet });
    expect(a.kind).toBe('arithmetic');
    expect(existsSync(a.path)).toBe(true);
    expect(a.meta).toMatchObject({ rows: 1, cols: 4, testIndices: [0, 1, 2] });
    const z = (a.meta as unknown as ImageGridMeta).z!;
    for (let j = 0; j < 4; j++) expect(z[3]![j]).toBeCloseTo(z[0]![j]! - z[1]![j]! + z[2]![j]!, 3);
  });

  it.each(['pca', 'umap'] as const)('latent scatter by %s writes count points', async (method) => {
    const t0 = Date.now();
    const count = method === 'pca' ? 2000 : 1000;
    const sent = await host(analyzeMessage({ kind: 'latent-scatter', method, count }));
    console.log(`latent scatter ${method} of ${count} codes through the host: ${Date.now() - t0} ms`);
    expect(sent.map((m) => m.type)).toEqual(['ready', 'sample', 'done']);
    const s = sent[1]!;
    if (s.type !== 'sample') throw new Error('expected a sample');
    expect(s.kind).toBe('latent-scatter');
    expect(s.path).toMatch(/latent-scatter[/\\]analysis-\d+\.json$/);
    expect(s.meta).toEqual({ method, latentDim: 4, count });
    const d = JSON.parse(readFileSync(s.path, 'utf8')) as LatentScatterData;
    expect(d.method).toBe(method);
    expect(d.latentDim).toBe(4);
    expect(d.points).toHaveLength(count);
    expect(d.labels).toEqual(Array.from(data.testLabels.slice(0, count)));
    expect(d.testIndices[count - 1]).toBe(count - 1);
    expect(d.points.every(([x, y]) => Number.isFinite(x) && Number.isFinite(y))).toBe(true);
  });

  it('UMAP is deterministic for a seed', async () => {
    const a = await analyzeRun(input({ kind: 'latent-scatter', method: 'umap', count: 300 }), { testSet });
    const b = await analyzeRun(input({ kind: 'latent-scatter', method: 'umap', count: 300 }), { testSet });
    expect(a.path).not.toBe(b.path);
    expect(readFileSync(a.path, 'utf8')).toBe(readFileSync(b.path, 'utf8'));
  });

  it('fails with a clear message for an out-of-range index, a non-latent family or a missing checkpoint', async () => {
    const sent = await host(analyzeMessage({ kind: 'interpolation', a: 12000, b: 1, steps: 4 }));
    expect(sent.at(-1)).toEqual({ type: 'failed', error: 'Test index 12000 is out of range: the test split has 10000 images' });
    expect(sent.filter((m) => m.type === 'sample')).toEqual([]);

    const classifier = classifierConfigSchema.parse({ family: 'classifier' });
    const c = await host(analyzeMessage({ kind: 'latent-scatter', method: 'pca', count: 10 }, { config: classifier, architecture: classifierTemplates.mlp }));
    expect(c.at(-1)).toEqual({ type: 'failed', error: expect.stringMatching(/needs an autoencoder, variational autoencoder or PCA baseline run; this run is a classifier/) });

    const m = await host(analyzeMessage({ kind: 'latent-scatter', method: 'pca', count: 10 }, { checkpoint: { dir: join(tmp, 'nope'), epoch: 1, step: 1 } }));
    expect(m.at(-1)).toEqual({ type: 'failed', error: expect.stringMatching(/^No checkpoint in /) });
  });

  it('works for an autoencoder (code = encoder output, decoder already in [0, 1])', async () => {
    const ae = autoencoderTemplate('mlp', [28, 28, 1], 6);
    const aeConfig = autoencoderConfigSchema.parse({ family: 'autoencoder', hyper: { latentDim: 6 } });
    const enc = compileGraph(ae.parts['encoder']!, { seed: 1 });
    const dec = compileGraph(ae.parts['decoder']!, { seed: 2 });
    const dir = join(tmp, 'ae', 'checkpoints', 'epoch-0001');
    await saveCheckpoint(dir, [enc, dec], undefined, { epoch: 1, step: 10, rng: {} });
    enc.dispose();
    dec.dispose();
    const r = await analyzeRun({ config: aeConfig, architecture: ae, runDir: join(tmp, 'ae'), checkpoint: { dir, epoch: 1, step: 10 }, request: { kind: 'interpolation', a: 0, b: 1, steps: 3 }, step: 10 }, { testSet });
    expect(r.meta).toMatchObject({ cols: 5 });
    expect((r.meta as unknown as ImageGridMeta).z![0]).toHaveLength(6);
  });

  it('PCA projects onto the leading axes', () => {
    // Points along (1, 1) with a little spread along (1, −1).
    const values = new Float64Array([-2, -2, -1, -1.2, 0, 0.1, 1, 1, 2, 2.1, 3, 2.9]);
    const p = pca2d({ values, n: 6, dim: 2 });
    const xs = p.map((q) => q[0]);
    const ys = p.map((q) => q[1]);
    const spread = (v: number[]): number => Math.max(...v) - Math.min(...v);
    expect(spread(xs)).toBeGreaterThan(10 * spread(ys));
    expect(xs[5]! > xs[0]!).toBe(true);
  });
});
