import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { datasetCatalogue } from '../../../workers/common/datasets';
import { collapseThreshold, isCollapsed, type ImageGridMeta, type LatentScatterData } from '../../../workers/common/gallery';
import { checkEncoderDecoder } from '../../../workers/common/partContracts';
import { vaeConfigSchema, type VaeConfig } from '../../../workers/common/runConfig';
import { vaeTemplate } from '../../../workers/common/families/vae/templates';
import { loadImageDataset, type ImageDataset } from '../../../workers/data/mnist';
import { selectBackend } from '../../../workers/engine/backend';
import { inverseNormalCdf } from '../../../workers/engine/normal';
import { RecordingSink } from '../../../workers/engine/sink';
import { registerWasmKernels } from '../../../workers/engine/wasmKernels';
import { makeVaeBatch } from '../../../workers/families/vae/data';
import { buildVae, disposeVae } from '../../../workers/families/vae/model';
import { betaAt, negLogLikelihood } from '../../../workers/families/vae/objective';
import { runVae } from '../../../workers/families/vae/run';
import { vaeTrainStep } from '../../../workers/families/vae/step';
import { makeOptimizer } from '../../../workers/engine/optimizer';

let data: ImageDataset;
const tmp = mkdtempSync(join(tmpdir(), 'lw-vae-'));

function config(hyper: Partial<VaeConfig['hyper']>): VaeConfig {
  return vaeConfigSchema.parse({ family: 'vae', hyper });
}

function subset(d: ImageDataset, nTrain: number, nTest: number): ImageDataset {
  return { ...d, trainImages: d.trainImages.slice(0, nTrain * 784), trainLabels: d.trainLabels.slice(0, nTrain), testImages: d.testImages.slice(0, nTest * 784), testLabels: d.testLabels.slice(0, nTest) };
}

beforeAll(async () => {
  registerWasmKernels();
  expect(await selectBackend('wasm')).toBe('wasm');
});

describe('VAE templates', () => {
  it.each(['mlp', 'conv'] as const)('the %s template satisfies the encoder/decoder contract', (name) => {
    for (const latentDim of [2, 20]) {
      const doc = vaeTemplate(name, [28, 28, 1], latentDim);
      expect(checkEncoderDecoder(doc, { inputShape: [28, 28, 1], latentDim, encoderOutputDim: 2 * latentDim })).toEqual([]);
      // …and not the autoencoder's (code = latentDim).
      expect(checkEncoderDecoder(doc, { inputShape: [28, 28, 1], latentDim, encoderOutputDim: latentDim })).not.toEqual([]);
    }
  });

  it('rejects a conv template for sizes not divisible by 4', () => {
    expect(() => vaeTemplate('conv', [30, 30, 1], 2)).toThrow(/divisible by 4/);
  });
});

describe('VAE objective', () => {
  it('the Bernoulli term is stable sigmoid cross-entropy from logits', () => {
    const x = tf.tensor2d([[1, 0, 1, 0]]);
    const l = tf.tensor2d([[80, -80, -3, 0.5]]);
    const nll = negLogLikelihood(x, l, { kind: 'bernoulli' });
    const sig = (v: number): number => 1 / (1 + Math.exp(-v));
    const expected = -Math.log(sig(80)) - Math.log(1 - sig(-80)) - Math.log(sig(-3)) - Math.log(1 - sig(0.5));
    expect(nll.dataSync()[0]).toBeCloseTo(expected, 4);
    const big = negLogLikelihood(tf.tensor2d([[0]]), tf.tensor2d([[200]]), { kind: 'bernoulli' });
    expect(big.dataSync()[0]).toBeCloseTo(200, 3);
    tf.dispose([x, l, nll, big]);
  });

  it('the Gaussian term includes the ½ log(2πσ²) constants', () => {
    const nll = negLogLikelihood(tf.tensor2d([[0.5, 0.5]]), tf.tensor2d([[0, 0]]), { kind: 'gaussian', variance: 0.1 });
    expect(nll.dataSync()[0]).toBeCloseTo(2 * 0.5 * Math.log(2 * Math.PI * 0.1), 4);
    nll.dispose();
  });

  it('β warms up linearly per step', () => {
    expect(betaAt(1, 2, 10)).toBe(0);
    expect(betaAt(6, 2, 10)).toBeCloseTo(1);
    expect(betaAt(11, 2, 10)).toBe(2);
    expect(betaAt(50, 2, 10)).toBe(2);
    expect(betaAt(1, 2, 0)).toBe(2);
  });

  it('inverse normal CDF', () => {
    expect(inverseNormalCdf(0.5)).toBeCloseTo(0, 8);
    expect(inverseNormalCdf(0.975)).toBeCloseTo(1.959964, 5);
    expect(inverseNormalCdf(0.01)).toBeCloseTo(-2.326348, 5);
  });

  it('posterior collapse threshold', () => {
    expect(collapseThreshold(2)).toBe(1);
    expect(isCollapsed(2, 0)).toBe(true);
    expect(isCollapsed(20, 4)).toBe(true);
    expect(isCollapsed(20, 5)).toBe(false);
  });
});

describe('VAE family (wasm, in-process)', () => {
  beforeAll(() => {
    data = loadImageDataset(datasetCatalogue.mnist, { trainSize: 3000, testSize: 1000 });
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('a 2-D latent MLP VAE learns: held-out ELBO improves, galleries, KL per dimension', async () => {
    const sink = new RecordingSink();
    const runDir = join(tmp, 'vae2d');
    const t0 = Date.now();
    const r = await runVae({
      config: config({ latentDim: 2, epochs: 3, batchSize: 50, learningRate: 0.002, validationSplit: 0.1, klWarmupEpochs: 1 }),
      model: vaeTemplate('mlp', [28, 28, 1], 2), sink, isCancelled: () => false, dataset: subset(data, 2000, 1000), runDir,
    });
    expect(r.status).toBe('done');
    const elbo = sink.values('elbo');
    console.log(`VAE 2-D wasm 3 epochs on 1800 images: ${Date.now() - t0} ms, test ELBO per epoch ${elbo.map((v) => v.toFixed(1)).join(', ')}; active ${sink.values('active_units').join(',')}`);
    expect(elbo).toHaveLength(3);
    // Measured (wasm, seed 42): −223.6, −198.0, −191.2 nats.
    expect(elbo[2]! - elbo[0]!).toBeGreaterThan(15);
    expect(elbo[2]!).toBeGreaterThan(-205);
    expect(elbo.every((v) => v < 0)).toBe(true);
    const bpd = sink.values('bits_per_dim');
    expect(bpd[2]).toBeCloseTo(-elbo[2]! / (784 * Math.LN2), 6);
    for (const k of ['elbo', 'bits_per_dim', 'kl_dim/0', 'kl_dim/1', 'active_units', 'val_loss', 'test_reconstruction', 'test_kl']) {
      expect(sink.metrics.filter((m) => m.key === k).map((m) => m.step)).toEqual([1, 2, 3]);
    }
    expect(sink.values('kl_dim/2')).toEqual([]);
    expect(sink.values('test_reconstruction')[2]! + sink.values('test_kl')[2]!).toBeCloseTo(-elbo[2]!, 3);
    expect(sink.values('kl_dim/0')[2]! + sink.values('kl_dim/1')[2]!).toBeCloseTo(sink.values('test_kl')[2]!, 3);
    for (const k of ['loss', 'reconstruction', 'kl', 'beta'] as const) expect(sink.values(k)).toHaveLength(108);
    expect(sink.values('active_units')).toEqual([2, 2, 2]);

    // KL warm-up: β goes 0 → 1 over the first epoch (36 steps of 50), then stays at 1.
    const beta = sink.values('beta');
    expect(beta).toHaveLength(108);
    expect(beta[0]).toBe(0);
    expect(beta[18]).toBeCloseTo(0.5, 6);
    expect(beta[35]).toBeCloseTo(35 / 36, 6);
    expect(beta.slice(36).every((b) => b === 1)).toBe(true);
    for (let i = 1; i < beta.length; i++) expect(beta[i]!).toBeGreaterThanOrEqual(beta[i - 1]!);

    // Galleries: one of each per epoch end, samples from the same z every time.
    const samples = sink.samples.filter((s) => s.kind === 'samples');
    expect(samples).toHaveLength(3);
    expect(samples.map((s) => s.step)).toEqual([36, 72, 108]);
    for (const s of samples) expect(existsSync(s.path)).toBe(true);
    expect(samples[0]!.path).toBe(join(runDir, 'gallery', 'samples', 'step-0000036.png'));
    const z0 = (samples[0]!.meta as ImageGridMeta).z;
    expect(z0).toHaveLength(64);
    expect(z0![0]).toHaveLength(2);
    expect((samples[2]!.meta as ImageGridMeta).z).toEqual(z0);
    expect(samples[0]!.meta).toMatchObject({ rows: 8, cols: 8, cellHeight: 28, cellWidth: 28, channels: 1, epoch: 1 });

    const manifold = sink.samples.filter((s) => s.kind === 'manifold');
    expect(manifold).toHaveLength(3);
    expect(manifold[0]!.meta).toMatchObject({ rows: 15, cols: 15 });
    expect((manifold[0]!.meta as ImageGridMeta).z).toHaveLength(225);

    const recon = sink.samples.filter((s) => s.kind === 'reconstructions');
    expect(recon).toHaveLength(3);
    const rm = recon[0]!.meta as ImageGridMeta;
    expect(rm.rowLabels).toEqual(['input', 'reconstruction']);
    expect(rm.labels).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(rm.testIndices!.map((i) => data.testLabels[i])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

    const scatter = sink.samples.filter((s) => s.kind === 'latent-scatter');
    expect(scatter).toHaveLength(1);
    const sd = JSON.parse(readFileSync(scatter[0]!.path, 'utf8')) as LatentScatterData;
    expect(sd.method).toBe('identity');
    expect(sd.points).toHaveLength(1000);
    expect(sd.labels).toHaveLength(1000);

    expect(sink.checkpoints.map((c) => c.epoch)).toEqual([1, 2, 3]);
  });

  it('a Gaussian decoder gives a finite ELBO in nats; sampleEverySteps adds galleries', async () => {
    const sink = new RecordingSink();
    const r = await runVae({
      config: config({ latentDim: 4, epochs: 1, batchSize: 50, decoder: 'gaussian', decoderVariance: 0.05, validationSplit: 0, sampleEverySteps: 4 }),
      model: vaeTemplate('mlp', [28, 28, 1], 4), sink, isCancelled: () => false, dataset: subset(data, 500, 200), runDir: join(tmp, 'gauss'),
    });
    expect(r.status).toBe('done');
    const elbo = sink.values('elbo');
    console.log(`Gaussian decoder ELBO ${elbo[0]}`);
    expect(elbo).toHaveLength(1);
    expect(Number.isFinite(elbo[0])).toBe(true);
    expect(sink.values('val_loss')).toEqual([]);
    expect(sink.samples.filter((s) => s.kind === 'samples').map((s) => s.step)).toEqual([4, 8, 10]);
    expect(sink.samples.filter((s) => s.kind === 'manifold')).toEqual([]);
  });

  it('stochastic binarisation trains and evaluates on a fixed binarisation', async () => {
    const sink = new RecordingSink();
    const r = await runVae({
      config: config({ latentDim: 4, epochs: 1, batchSize: 50, binarize: 'stochastic', validationSplit: 0 }),
      model: vaeTemplate('mlp', [28, 28, 1], 4), sink, isCancelled: () => false, dataset: subset(data, 300, 100),
    });
    expect(r.status).toBe('done');
    expect(Number.isFinite(sink.values('elbo')[0])).toBe(true);
  });

  it('warns about posterior collapse when β is huge', async () => {
    const sink = new RecordingSink();
    await runVae({
      config: config({ latentDim: 8, epochs: 2, batchSize: 50, beta: 50, learningRate: 0.005, validationSplit: 0 }),
      model: vaeTemplate('mlp', [28, 28, 1], 8), sink, isCancelled: () => false, dataset: subset(data, 1000, 200),
    });
    console.log(`β = 50: active units per epoch ${sink.values('active_units').join(', ')}, KL ${sink.values('kl').slice(-1)}`);
    const active = sink.values('active_units').at(-1)!;
    expect(active).toBeLessThan(collapseThreshold(8));
    const warn = sink.logs.filter((l) => l.level === 'warn');
    expect(warn).toHaveLength(1);
    expect(warn[0]!.message).toMatch(new RegExp(`^Posterior collapse: only ${active} of 8 latent units are active`));
  });

  it('leaks no tensor per training step', async () => {
    const vae = buildVae(vaeTemplate('mlp', [28, 28, 1], 3), [28, 28, 1], 3, 1);
    const opt = makeOptimizer({ optimizer: 'adam', learningRate: 0.001, momentum: 0.9 });
    const idx = Int32Array.from({ length: 16 }, (_, i) => i);
    const x = makeVaeBatch(data.trainImages, [28, 28, 1], idx, 0, 16, 'threshold', 1, { kind: 'step', step: 1 });
    await vaeTrainStep(vae, opt, x, { kind: 'bernoulli' }, 1, 7);
    const before = tf.memory().numTensors;
    await vaeTrainStep(vae, opt, x, { kind: 'bernoulli' }, 1, 8);
    await vaeTrainStep(vae, opt, x, { kind: 'gaussian', variance: 0.1 }, 0.5, 9);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    disposeVae(vae);
    opt.dispose();
  });

  it('resuming from a checkpoint reproduces an uninterrupted run', async () => {
    const d = subset(data, 300, 100);
    const hyper = { latentDim: 3, epochs: 2, batchSize: 50, validationSplit: 0, binarize: 'stochastic' as const, klWarmupEpochs: 1 };
    const model = vaeTemplate('mlp', [28, 28, 1], 3);
    const full = new RecordingSink();
    await runVae({ config: config(hyper), model, sink: full, isCancelled: () => false, dataset: d });
    const runDir = join(tmp, 'resume');
    const first = new RecordingSink();
    await runVae({ config: config({ ...hyper, epochs: 1 }), model, sink: first, isCancelled: () => false, dataset: d, runDir });
    const second = new RecordingSink();
    await runVae({ config: config(hyper), model, sink: second, isCancelled: () => false, dataset: d, resumeFrom: first.checkpoints[0]! });
    expect(second.values('loss')).toHaveLength(6);
    const fullLoss = full.values('loss').slice(6);
    second.values('loss').forEach((v, i) => expect(v).toBeCloseTo(fullLoss[i]!, 3));
    expect(second.values('elbo')[0]).toBeCloseTo(full.values('elbo')[1]!, 2);
  });

  it('cancels within one batch', async () => {
    let batches = 0;
    const sink = new RecordingSink();
    const orig = sink.metric.bind(sink);
    sink.metric = (k, s, v) => { if (k === 'loss') batches++; orig(k, s, v); };
    const r = await runVae({ config: config({ latentDim: 2, epochs: 3, batchSize: 20 }), model: vaeTemplate('mlp', [28, 28, 1], 2), sink, isCancelled: () => batches >= 3, dataset: subset(data, 200, 50) });
    expect(r.status).toBe('cancelled');
    expect(batches).toBe(3);
  });
});
