import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { autoencoderTemplate } from '../../../workers/common/families/autoencoder/templates';
import type { ImageGridMeta, LatentScatterData } from '../../../workers/common/gallery';
import type { AutoencoderTemplate } from '../../../workers/common/runConfig';
import type { ImageDataset } from '../../../workers/data/mnist';
import { RecordingSink } from '../../../workers/engine/sink';
import { exactJacobianPenalty, jacobianPenalty } from '../../../workers/families/autoencoder/contractive';
import { corrupt, imageBatch } from '../../../workers/families/autoencoder/data';
import { buildAutoencoder, disposeAutoencoder } from '../../../workers/families/autoencoder/model';
import { runAutoencoder } from '../../../workers/families/autoencoder/run';
import { stackedLayerPairs } from '../../../workers/families/autoencoder/stacked';
import { trainStep } from '../../../workers/families/autoencoder/step';
import { makeOptimizer } from '../../../workers/engine/optimizer';
import { autoencoderConfig as config, metricSteps as steps, mnist, readPng, subset, tempFolder, useWasmBackend } from '../../helpers/inProcessTraining';

// That the denoising, plain, stacked and conv AEs learn is the training tier's (test/training/autoencoderLearns.test.ts).
let data: ImageDataset;
const tmp = tempFolder('lw-autoencoder-');

const tpl = (name: AutoencoderTemplate, latentDim: number): ReturnType<typeof autoencoderTemplate> => autoencoderTemplate(name, [28, 28, 1], latentDim);

describe('autoencoder family (wasm, in-process)', () => {
  useWasmBackend();
  beforeAll(() => { data = mnist(2000, 500); });

  it('a 2-D code is scattered as it is (identity); the plain grid has rows input and reconstruction', async () => {
    const sink = new RecordingSink();
    const runDir = join(tmp, 'plain2d');
    await runAutoencoder({ config: config({ latentDim: 2, epochs: 1, batchSize: 50, validationSplit: 0 }), model: tpl('mlp', 2), sink, isCancelled: () => false, dataset: subset(data, 200, 300), runDir });
    const grid = sink.samples.find((s) => s.kind === 'reconstructions')!;
    expect((grid.meta as ImageGridMeta).rowLabels).toEqual(['input', 'reconstruction']);
    const png = readPng(grid.path);
    expect([png.width, png.height]).toEqual([291, 2 * 28 + 3]);
    const scatter = sink.samples.find((s) => s.kind === 'latent-scatter')!;
    expect(scatter.meta).toEqual({ method: 'identity', latentDim: 2, count: 300 });
    expect(scatter.step).toBe(4);
    expect(scatter.path).toBe(join(runDir, 'gallery', 'latent-scatter', 'step-0000004.json'));
    const json = JSON.parse(readFileSync(scatter.path, 'utf8')) as LatentScatterData;
    expect(json.method).toBe('identity');
    expect(json.points).toHaveLength(300);
  });

  it('a contractive AE logs a positive, finite contractive_penalty every step', async () => {
    const sink = new RecordingSink();
    const r = await runAutoencoder({
      config: config({ variant: 'contractive', contractiveWeight: 0.1, latentDim: 16, epochs: 1, batchSize: 50, validationSplit: 0 }),
      model: tpl('mlp', 16), sink, isCancelled: () => false, dataset: subset(data, 500, 100),
    });
    expect(r.status).toBe('done');
    const pen = sink.values('contractive_penalty');
    console.log(`contractive penalty: first ${pen[0]?.toFixed(3)}, last ${pen.at(-1)?.toFixed(3)}`);
    expect(pen).toHaveLength(10);
    expect(steps(sink, 'contractive_penalty')).toEqual(steps(sink, 'loss'));
    for (const p of pen) {
      expect(Number.isFinite(p)).toBe(true);
      expect(p).toBeGreaterThan(0);
    }
  });

  it('the random-projection estimator agrees with the exact Jacobian norm', () => {
    const ae = buildAutoencoder(tpl('mlp', 6), [28, 28, 1], 6, 3);
    const idx = Int32Array.from({ length: 8 }, (_, i) => i);
    const x = imageBatch(data.trainImages, [28, 28, 1], idx, 0, 8);
    const exact = exactJacobianPenalty(ae.encoder, x);
    const est = jacobianPenalty(ae.encoder, x, 11, 200);
    const [e, s] = [exact.dataSync()[0]!, est.dataSync()[0]!];
    console.log(`||J||²_F exact ${e.toFixed(4)}, estimated (200 draws) ${s.toFixed(4)}`);
    expect(e).toBeGreaterThan(0);
    expect(Math.abs(s - e) / e).toBeLessThan(0.15);
    tf.dispose([x, exact, est]);
    disposeAutoencoder(ae);
  });

  it('stacked pre-training refuses architectures that are not dense chains, saying why', async () => {
    expect(() => stackedLayerPairs(tpl('conv', 8), 784)).toThrow(/chains of dense layers.*'conv1' is a conv2d.*variant 'plain'/s);
    expect(stackedLayerPairs(tpl('deep', 30), 784).map((p) => [p.encoder, p.decoder, p.inUnits, p.outUnits])).toEqual([
      ['enc1', 'output', 784, 1000], ['enc2', 'dec3', 1000, 500], ['enc3', 'dec2', 500, 250], ['latent', 'dec1', 250, 30],
    ]);
    await expect(runAutoencoder({ config: config({ variant: 'stacked', latentDim: 8 }), model: tpl('conv', 8), sink: new RecordingSink(), isCancelled: () => false, dataset: subset(data, 100, 20) }))
      .rejects.toThrow(/dense layers/);
  });

  it('leaks no tensor per training step (plain, denoising input, contractive on a conv encoder)', async () => {
    const ae = buildAutoencoder(tpl('conv', 8), [28, 28, 1], 8, 1);
    const opt = makeOptimizer({ optimizer: 'adam', learningRate: 0.001, momentum: 0.9 });
    const idx = Int32Array.from({ length: 16 }, (_, i) => i);
    const x = imageBatch(data.trainImages, [28, 28, 1], idx, 0, 16);
    const noisy = corrupt(x, { noise: 'gaussian', noiseLevel: 0.5 }, 3);
    await trainStep(ae, opt, x, x, { loss: 'bce' }); // creates the optimizer's slots
    const before = tf.memory().numTensors;
    await trainStep(ae, opt, x, x, { loss: 'bce' });
    await trainStep(ae, opt, noisy, x, { loss: 'mse' });
    const c = await trainStep(ae, opt, x, x, { loss: 'bce', contractiveWeight: 0.1, seed: 5 });
    expect(c.penalty).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, noisy]);
    disposeAutoencoder(ae);
    opt.dispose();
  });

  it('gaussian noise is seeded and clipped to [0, 1]', () => {
    const idx = Int32Array.from({ length: 4 }, (_, i) => i);
    const x = imageBatch(data.trainImages, [28, 28, 1], idx, 0, 4);
    const a = corrupt(x, { noise: 'gaussian', noiseLevel: 0.5 }, 9);
    const b = corrupt(x, { noise: 'gaussian', noiseLevel: 0.5 }, 9);
    const m = corrupt(x, { noise: 'masking', noiseLevel: 0.3 }, 9);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Math.min(...a.dataSync())).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a.dataSync())).toBeLessThanOrEqual(1);
    const xs = x.dataSync();
    const ms = m.dataSync();
    let lit = 0;
    let dropped = 0;
    xs.forEach((v, i) => { if (v > 0) { lit++; if (ms[i] === 0) dropped++; else expect(ms[i]).toBe(v); } });
    expect(dropped / lit).toBeGreaterThan(0.2);
    expect(dropped / lit).toBeLessThan(0.4);
    tf.dispose([x, a, b, m]);
  });

  it('stops with a clear error when the loss becomes NaN', async () => {
    const poisoned = subset(data, 100, 20);
    poisoned.trainImages.fill(Number.NaN, 0, 784 * 100);
    await expect(runAutoencoder({ config: config({ epochs: 1, batchSize: 20, latentDim: 4, validationSplit: 0 }), model: tpl('mlp', 4), sink: new RecordingSink(), isCancelled: () => false, dataset: poisoned }))
      .rejects.toThrow(/Loss became NaN at epoch 1, step 1/);
  });

  it('cancels within one batch', async () => {
    let batches = 0;
    const sink = new RecordingSink();
    const orig = sink.metric.bind(sink);
    sink.metric = (k, s, v) => { if (k === 'loss') batches++; orig(k, s, v); };
    const r = await runAutoencoder({ config: config({ epochs: 3, batchSize: 20, latentDim: 8 }), model: tpl('mlp', 8), sink, isCancelled: () => batches >= 3, dataset: subset(data, 200, 50) });
    expect(r.status).toBe('cancelled');
    expect(batches).toBe(3);
  });

  it('resuming from a checkpoint reproduces an uninterrupted run', async () => {
    const d = subset(data, 300, 50);
    const hyper = { variant: 'denoising' as const, noise: 'gaussian' as const, noiseLevel: 0.5, epochs: 2, batchSize: 50, latentDim: 8 };
    const model = tpl('mlp', 8);
    const full = new RecordingSink();
    await runAutoencoder({ config: config(hyper), model, sink: full, isCancelled: () => false, dataset: d });
    const runDir = join(tmp, 'resume');
    const first = new RecordingSink();
    await runAutoencoder({ config: config({ ...hyper, epochs: 1 }), model, sink: first, isCancelled: () => false, dataset: d, runDir });
    expect(first.checkpoints).toHaveLength(1);
    const second = new RecordingSink();
    const r = await runAutoencoder({ config: config(hyper), model, sink: second, isCancelled: () => false, dataset: d, runDir, resumeFrom: first.checkpoints[0]! });
    expect(r.status).toBe('done');
    const fullLoss = full.values('loss');
    const resumed = [...first.values('loss'), ...second.values('loss')];
    expect(resumed.length).toBe(fullLoss.length);
    resumed.forEach((v, i) => expect(v).toBeCloseTo(fullLoss[i]!, 3));
    expect(second.values('test_mse')[0]).toBeCloseTo(full.values('test_mse')[1]!, 3);
  });
});
