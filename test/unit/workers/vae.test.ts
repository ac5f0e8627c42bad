import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { collapseThreshold, isCollapsed } from '../../../workers/common/gallery';
import { checkEncoderDecoder } from '../../../workers/common/partContracts';
import { vaeTemplate } from '../../../workers/common/families/vae/templates';
import type { ImageDataset } from '../../../workers/data/mnist';
import { inverseNormalCdf } from '../../../workers/engine/normal';
import { RecordingSink } from '../../../workers/engine/sink';
import { makeVaeBatch } from '../../../workers/families/vae/data';
import { buildVae, disposeVae } from '../../../workers/families/vae/model';
import { betaAt, negLogLikelihood } from '../../../workers/families/vae/objective';
import { runVae } from '../../../workers/families/vae/run';
import { vaeTrainStep } from '../../../workers/families/vae/step';
import { makeOptimizer } from '../../../workers/engine/optimizer';
import { mnist, subset, tempFolder, useWasmBackend, vaeConfig as config } from '../../helpers/inProcessTraining';

// That a VAE learns (its held-out ELBO improves) is the training tier's (test/training/vaeLearns.test.ts).
let data: ImageDataset;
const tmp = tempFolder('lw-vae-');

useWasmBackend();

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

  it('the continuous Gaussian term (runs before config version 2) includes the ½ log(2πσ²) constants', () => {
    const nll = negLogLikelihood(tf.tensor2d([[0.5, 0.5]]), tf.tensor2d([[0, 0]]), { kind: 'gaussian', variance: 0.1, discretised: false });
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
  beforeAll(() => { data = mnist(1000, 200); });

  it('a Gaussian decoder gives an ELBO ≤ 0 and positive bits/dim (discretised on the 8-bit grid), an IWAE bound above its ELBO; sampleEverySteps adds galleries', async () => {
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
    // A probability mass per pixel: log p ≤ 0, so the ELBO is ≤ 0 (the continuous density gave +93 nats here).
    expect(elbo[0]!).toBeLessThanOrEqual(0);
    expect(sink.values('bits_per_dim')[0]!).toBeGreaterThan(0);
    const [iwae] = sink.values('test_iwae');
    expect(iwae!).toBeLessThanOrEqual(0);
    expect(iwae!).toBeGreaterThanOrEqual(sink.values('test_iwae_elbo')[0]!);
    expect(sink.logs.some((l) => l.message.includes('likelihood: discretised Gaussian on 8-bit pixels (σ² 0.05)'))).toBe(true);
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
    await vaeTrainStep(vae, opt, x, { kind: 'gaussian', variance: 0.1, discretised: true }, 0.5, 9);
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
