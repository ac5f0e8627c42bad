/**
 * The training tier: a VAE learns MNIST, in process on wasm, with its seed in
 * its name (the schema's default, 42): its held-out ELBO must improve clearly
 * over three epochs, while it records its curves and draws its galleries.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImageGridMeta, LatentScatterData } from '../../workers/common/gallery';
import { vaeTemplate } from '../../workers/common/families/vae/templates';
import { RecordingSink } from '../../workers/engine/sink';
import { runVae } from '../../workers/families/vae/run';
import { metricSteps, mnist, tempFolder, useWasmBackend, vaeConfig } from '../helpers/inProcessTraining';

const tmp = tempFolder('lw-vae-learns-');
const data = mnist(2000, 1000);

describe('a VAE learns (wasm, in process)', () => {
  useWasmBackend();

  it('a 2-D latent MLP VAE, seed 42, wasm, 3 epochs on 1,800 MNIST images: its held-out ELBO improves by > 15 nats to > −205; galleries, KL per dimension', async () => {
    const sink = new RecordingSink();
    const runDir = join(tmp, 'vae2d');
    const t0 = Date.now();
    const r = await runVae({
      // Threshold binarisation (the default before config version 2), as the measured numbers below were.
      config: vaeConfig({ latentDim: 2, epochs: 3, batchSize: 50, learningRate: 0.002, validationSplit: 0.1, klWarmupEpochs: 1, binarize: 'threshold' }),
      model: vaeTemplate('mlp', [28, 28, 1], 2), sink, isCancelled: () => false, dataset: data, runDir,
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
    for (const k of ['elbo', 'bits_per_dim', 'kl_dim/0', 'kl_dim/1', 'active_units', 'val_loss', 'test_reconstruction', 'test_kl'] as const) {
      expect(metricSteps(sink, k)).toEqual([1, 2, 3]);
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
});
