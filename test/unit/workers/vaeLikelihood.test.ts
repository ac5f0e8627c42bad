/**
 * The VAE's likelihood numbers (issue 13): the discretised Gaussian against
 * hand computations and the Bernoulli; the IWAE bound against the ELBO; the
 * held-out binarisation fixed per dataset; the config upgrade that keeps old
 * runs' defaults.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { vaeConfigSchema } from '../../../workers/common/families/vae/config';
import { vaeFamily } from '../../../workers/common/families/vae';
import { likelihoodDescription } from '../../../workers/common/families/vae/likelihood';
import { vaeTemplate } from '../../../workers/common/families/vae/templates';
import { readStoredRunConfig } from '../../../workers/common/runConfigVersion';
import type { ImageDataset } from '../../../workers/data/mnist';
import { preparePixels } from '../../../workers/engine/pixels';
import { RecordingSink } from '../../../workers/engine/sink';
import { heldOutSeed } from '../../../workers/families/vae/data';
import { BIN_HALF_WIDTH, discretisedGaussianLogMass } from '../../../workers/families/vae/discretisedGaussian';
import { estimateIwae } from '../../../workers/families/vae/iwae';
import { buildVae, disposeVae, type VaeNetworks } from '../../../workers/families/vae/model';
import { negLogLikelihood } from '../../../workers/families/vae/objective';
import { planVaeRun, runVae, vaeHeldOut } from '../../../workers/families/vae/run';
import { evaluateVae, vaeTrainStep } from '../../../workers/families/vae/step';
import { makeOptimizer } from '../../../workers/engine/optimizer';
import { makeVaeBatch } from '../../../workers/families/vae/data';
import { mnist, subset, useWasmBackend, vaeConfig } from '../../helpers/inProcessTraining';

useWasmBackend();

/** log of ∫ N(t; μ, σ²) dt over [a, b], by Simpson's rule in float64, scaled at the point of highest density (a reference independent of erf). */
function logMassBySimpson(a: number, b: number, mu: number, sigma: number): number {
  const logPdf = (t: number): number => -0.5 * ((t - mu) / sigma) ** 2 - Math.log(sigma * Math.sqrt(2 * Math.PI));
  const peak = logPdf(Math.min(Math.max(mu, a), b));
  const n = 400;
  const h = (b - a) / n;
  let s = 0;
  for (let i = 0; i <= n; i++) s += (i === 0 || i === n ? 1 : i % 2 ? 4 : 2) * Math.exp(logPdf(a + i * h) - peak);
  return peak + Math.log((s * h) / 3);
}

const logMass = (x: number[], mean: number[], sigma: number): number[] =>
  tf.tidy(() => Array.from(discretisedGaussianLogMass(tf.tensor1d(x), tf.tensor1d(mean), sigma).dataSync()));

describe('discretised Gaussian likelihood on the 8-bit grid', () => {
  it('gives each interior bin the mass of [x − 1/510, x + 1/510] (Simpson reference), near and far in the tails', () => {
    const cases: [number, number, number][] = [[128 / 255, 0.5, 0.2236], [10 / 255, 0.6, 0.05], [250 / 255, 0.1, 0.05], [3 / 255, 0.01, 0.001]];
    const got = cases.map(([x, mu, sigma]) => logMass([x], [mu], sigma)[0]!);
    cases.forEach(([x, mu, sigma], i) => {
      const ref = logMassBySimpson(x - BIN_HALF_WIDTH, x + BIN_HALF_WIDTH, mu, sigma);
      expect(Number.isFinite(got[i]!)).toBe(true);
      // Relative error of the float32 log-space tail, far out (|x − μ| = 12σ): a log-mass of about −75.
      expect(Math.abs(got[i]! - ref)).toBeLessThan(1e-3 * Math.max(1, Math.abs(ref)));
    });
  });

  it('puts the tails beyond [0, 1] into the edge bins, so the 256 masses sum to 1', () => {
    for (const [mu, sigma] of [[0.5, 0.2236], [0.02, 0.05], [0.97, 0.3]] as const) {
      const grid = Array.from({ length: 256 }, (_, k) => k / 255);
      const masses = logMass(grid, grid.map(() => mu), sigma).map(Math.exp);
      expect(masses.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      // The bin of 0 is P(X < 1/510): Φ((1/510 − μ)/σ), by Simpson from far below.
      expect(Math.log(masses[0]!)).toBeCloseTo(logMassBySimpson(mu - 12 * sigma, BIN_HALF_WIDTH, mu, sigma), 3);
    }
  });

  it('on binary pixels, gives the bits/dim of a Bernoulli with the same probabilities: positive, within 1e-4', () => {
    // A hand-built decoder: pixel j is 1 with probability p_j. Bernoulli logits log(p/(1−p)); the Gaussian's
    // μ_j placed so that its edge bin holds p_j: P(X > 1 − 1/510) = p for x = 1, i.e. μ = 1 − 1/510 + σ·Φ⁻¹(p)
    // (and symmetrically for x = 0), with σ = 0.0005 so that σ·Φ⁻¹(p) keeps μ inside (0, 1).
    const sigma = 0.0005;
    const x = [1, 0, 1, 1, 0, 0, 1, 0];
    const p = [0.9, 0.8, 0.99, 0.6, 0.95, 0.7, 0.999, 0.5]; // probability of the observed value
    const probit: Record<number, number> = { 0.9: 1.2815516, 0.8: 0.8416212, 0.99: 2.3263479, 0.6: 0.2533471, 0.95: 1.6448536, 0.7: 0.5244005, 0.999: 3.0902323, 0.5: 0 };
    const mu = x.map((xi, j) => (xi === 1 ? 1 - BIN_HALF_WIDTH + sigma * probit[p[j]!]! : BIN_HALF_WIDTH - sigma * probit[p[j]!]!));
    const pOne = x.map((xi, j) => (xi === 1 ? p[j]! : 1 - p[j]!));
    const D = x.length;
    const [bern, gauss] = tf.tidy(() => {
      const xt = tf.tensor2d([x]);
      const b = negLogLikelihood(xt, tf.tensor2d([pOne.map((q) => Math.log(q / (1 - q)))]), { kind: 'bernoulli' });
      const logits = tf.tensor2d([mu.map((m) => Math.log(m / (1 - m)))]);
      const g = negLogLikelihood(xt, logits, { kind: 'gaussian', variance: sigma * sigma, discretised: true });
      return [b.dataSync()[0]!, g.dataSync()[0]!];
    });
    const bitsPerDim = (nll: number): number => nll / (D * Math.LN2);
    const expected = -p.reduce((a, q) => a + Math.log2(q), 0) / D;
    expect(bitsPerDim(bern)).toBeCloseTo(expected, 5);
    expect(bitsPerDim(gauss)).toBeGreaterThan(0);
    expect(Math.abs(bitsPerDim(gauss) - bitsPerDim(bern))).toBeLessThan(1e-4);
  });

  it('is differentiable without NaN, even for pixels many σ from μ', async () => {
    const grads = tf.tidy(() => {
      const x = tf.tensor1d([0, 1, 0.5, 3 / 255, 1]);
      const f = (l: tf.Tensor): tf.Scalar => tf.sum(discretisedGaussianLogMass(x, tf.sigmoid(l), 0.01));
      return tf.grad(f)(tf.tensor1d([-6, 6, 0, 4, -4]));
    });
    expect(Array.from(await grads.data()).every(Number.isFinite)).toBe(true);
    grads.dispose();
  });
});

describe('the labels of the likelihood numbers', () => {
  it('name the likelihood per decoder, and flag the old continuous density', () => {
    const h = vaeConfigSchema.parse({ family: 'vae' }).hyper;
    expect(likelihoodDescription(h)).toBe('Bernoulli on binarised pixels (stochastic binarisation, held-out images fixed per dataset)');
    expect(likelihoodDescription({ ...h, binarize: 'threshold' })).toBe('Bernoulli on binarised pixels (threshold 0.5)');
    expect(likelihoodDescription({ ...h, decoder: 'gaussian' })).toBe('discretised Gaussian on 8-bit pixels (σ² 0.05)');
    expect(likelihoodDescription({ ...h, decoder: 'gaussian', gaussianLikelihood: 'continuous' })).toMatch(/^continuous Gaussian density on \[0, 1\] pixels .*not comparable/);
  });
});

describe('config version 2: new defaults for new runs only', () => {
  it('new VAE runs binarise stochastically, discretise the Gaussian and measure the IWAE bound with K = 50 on 500 images', () => {
    expect(vaeConfigSchema.parse({ family: 'vae' }).hyper).toMatchObject({ binarize: 'stochastic', gaussianLikelihood: 'discretised', iwaeSamples: 50, iwaeImages: 500 });
  });

  it('a version-1 config keeps threshold binarisation and, for a Gaussian decoder, the continuous density', () => {
    expect(readStoredRunConfig({ family: 'vae', hyper: { latentDim: 4 } }, 1)).toMatchObject({ hyper: { binarize: 'threshold', gaussianLikelihood: 'discretised' } });
    expect(readStoredRunConfig({ family: 'vae' }, 1)).toMatchObject({ hyper: { binarize: 'threshold' } });
    expect(readStoredRunConfig({ family: 'vae', hyper: { decoder: 'gaussian', binarize: 'threshold' } }, 1)).toMatchObject({ hyper: { gaussianLikelihood: 'continuous' } });
    // What a version-1 run recorded explicitly stays.
    expect(readStoredRunConfig({ family: 'vae', hyper: { binarize: 'stochastic' } }, 1)).toMatchObject({ hyper: { binarize: 'stochastic' } });
    // A version-2 config is read as written.
    expect(readStoredRunConfig({ family: 'vae', hyper: { decoder: 'gaussian' } }, 2)).toMatchObject({ hyper: { binarize: 'stochastic', gaussianLikelihood: 'discretised' } });
    expect(readStoredRunConfig({ family: 'rbm', hyper: {} }, 1)).toMatchObject({ family: 'rbm', hyper: { binarize: 'threshold' } });
  });
});

describe('held-out binarisation is fixed per dataset (wasm)', () => {
  let data: ImageDataset;
  beforeAll(() => { data = subset(mnist(300, 100), 300, 100); });

  it('two runs with different seeds score the identical binary test and validation images', () => {
    const plan = (seed: number) => planVaeRun({ config: vaeConfig({ seed, validationSplit: 0.2 }), model: vaeTemplate('mlp', [28, 28, 1], 2), sink: new RecordingSink(), isCancelled: () => false, dataset: data });
    const pixels = (seed: number, which: 'test' | 'validation'): Float32Array => {
      const d = vaeHeldOut(plan(seed), which);
      return preparePixels(d.images, 784, d.indices, 0, d.indices.length, d.mode, d.seed, d.key);
    };
    for (const which of ['test', 'validation'] as const) {
      const a = pixels(1, which);
      expect(pixels(2, which)).toEqual(a);
      expect(a.every((v) => v === 0 || v === 1)).toBe(true);
      // A draw, not the 0.5 threshold: grey pixels go either way.
      expect(a).not.toEqual(Float32Array.from(preparePixels(data.testImages, 784, vaeHeldOut(plan(1), which).indices, 0, a.length / 784, 'threshold', 0, { kind: 'fixed', split: 'test' })));
    }
    expect(plan(1).heldOutSeed).toBe(heldOutSeed('mnist'));
    expect(heldOutSeed('mnist')).not.toBe(heldOutSeed('fashion-mnist'));
  });
});

describe('the IWAE bound (wasm)', () => {
  let data: ImageDataset;
  let vae: VaeNetworks;
  beforeAll(async () => {
    // A briefly trained model (20 steps of 50 images, seed 3), so q(z|x) is neither the prior nor exact.
    data = subset(mnist(1000, 200), 1000, 200);
    vae = buildVae(vaeTemplate('mlp', [28, 28, 1], 4), [28, 28, 1], 4, 3);
    const opt = makeOptimizer({ optimizer: 'adam', learningRate: 0.002, momentum: 0.9 });
    const idx = Int32Array.from({ length: 1000 }, (_, i) => i);
    for (let s = 0; s < 20; s++) {
      const x = makeVaeBatch(data.trainImages, [28, 28, 1], idx, s * 50, s * 50 + 50, 'stochastic', 3, { kind: 'step', step: s + 1 });
      await vaeTrainStep(vae, opt, x, { kind: 'bernoulli' }, 1, 100 + s);
      x.dispose();
    }
    opt.dispose();
    return () => disposeVae(vae);
  });

  const heldOut = () => ({ images: data.testImages, inputShape: [28, 28, 1], indices: Int32Array.from({ length: 200 }, (_, i) => i), mode: 'stochastic' as const, seed: heldOutSeed('mnist'), key: { kind: 'fixed', split: 'test' } as const });

  it('K = 1 is the ELBO; K = 64 is above it; the bound is ≥ the ELBO of its own samples', async () => {
    const lik = { kind: 'bernoulli' } as const;
    const one = await estimateIwae(vae, heldOut(), lik, 1, 11);
    const many = await estimateIwae(vae, heldOut(), lik, 64, 11);
    const elbo = await evaluateVae(vae, heldOut(), lik, 12);
    const evalElbo = -(elbo.reconstruction + elbo.kl);
    console.log(`IWAE on 200 test images: K=1 ${one.iwae.toFixed(2)} ± ${one.iwaeStandardError.toFixed(2)}, K=64 ${many.iwae.toFixed(2)} ± ${many.iwaeStandardError.toFixed(2)}; ELBO (evaluateVae) ${evalElbo.toFixed(2)}, ELBO of the 64 samples ${many.elbo.toFixed(2)}`);
    expect(one.count).toBe(200);
    expect(one.samples).toBe(1);
    expect(one.iwae).toBeCloseTo(one.elbo, 3);
    // Different noise from evaluateVae's: the same quantity within a few standard errors.
    expect(Math.abs(one.iwae - evalElbo)).toBeLessThan(3 * one.iwaeStandardError + 1);
    expect(Math.abs(many.elbo - evalElbo)).toBeLessThan(3 * many.elboStandardError + 1);
    expect(many.iwae).toBeGreaterThan(one.iwae);
    expect(many.iwae).toBeGreaterThanOrEqual(many.elbo);
    expect(many.iwae).toBeLessThan(0);
  });

  it('gives the same estimate whether K is split across decoder passes or not, and for the same seed twice', async () => {
    const lik = { kind: 'bernoulli' } as const;
    const d = { ...heldOut(), indices: Int32Array.from({ length: 5 }, (_, i) => i) };
    const a = await estimateIwae(vae, d, lik, 30, 5);
    expect(await estimateIwae(vae, d, lik, 30, 5)).toEqual(a);
    // 30 samples in passes of 7 (the noise is drawn per pass, so only close, not equal).
    const split = await estimateIwae(vae, d, lik, 30, 5, 7);
    expect(split.iwae).toBeCloseTo(a.iwae, 0);
    expect(split.iwae).toBeGreaterThanOrEqual(split.elbo);
  });
});

describe('a run records the IWAE bound with the ELBO (wasm)', () => {
  it('test_iwae ≥ test_iwae_elbo each epoch, both read at the val_loss-best epoch; iwaeSamples 0 records none', async () => {
    expect(vaeFamily.validation?.selects).toEqual(expect.arrayContaining(['test_iwae', 'test_iwae_elbo']));
    const data = subset(mnist(300, 60), 300, 60);
    const go = async (iwaeSamples: number) => {
      const sink = new RecordingSink();
      await runVae({ config: vaeConfig({ latentDim: 2, epochs: 1, batchSize: 50, iwaeSamples, iwaeImages: 40, seed: 5 }), model: vaeTemplate('mlp', [28, 28, 1], 2), sink, isCancelled: () => false, dataset: data });
      return sink;
    };
    const on = await go(20);
    expect(on.values('test_iwae')).toHaveLength(1);
    expect(on.values('test_iwae')[0]!).toBeGreaterThanOrEqual(on.values('test_iwae_elbo')[0]!);
    expect(on.logs.some((l) => l.message.includes('IWAE (K = 20, first 40 test images)'))).toBe(true);
    const off = await go(0);
    expect(off.values('test_iwae')).toEqual([]);
  });
});
