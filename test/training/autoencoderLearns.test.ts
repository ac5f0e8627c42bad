/**
 * The training tier: autoencoders learn MNIST, in process on wasm, each test
 * with its seed in its name (the schema's default, 42). A denoising AE must
 * reconstruct the clean test images far better than its noisy input is; a
 * plain, a stacked and a conv AE must lower their errors as they train.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { autoencoderTemplate } from '../../workers/common/families/autoencoder/templates';
import type { ImageGridMeta, LatentScatterData } from '../../workers/common/gallery';
import type { AutoencoderTemplate } from '../../workers/common/families/autoencoder/config';
import { RecordingSink } from '../../workers/engine/sink';
import { runAutoencoder } from '../../workers/families/autoencoder/run';
import { autoencoderConfig, metricSteps, mnist, readPng, subset, tempFolder, useWasmBackend } from '../helpers/inProcessTraining';

const tmp = tempFolder('lw-autoencoder-learns-');
const data = mnist(2000, 500);

const tpl = (name: AutoencoderTemplate, latentDim: number): ReturnType<typeof autoencoderTemplate> => autoencoderTemplate(name, [28, 28, 1], latentDim);

describe('an autoencoder learns (wasm, in process)', () => {
  useWasmBackend();

  it('a denoising MLP AE (gaussian 0.5), seed 42, wasm, 2 epochs on 1,800 MNIST images: reconstructs the clean test images far better than the noisy input is, and draws its galleries', async () => {
    const runDir = join(tmp, 'denoising');
    const sink = new RecordingSink();
    const t0 = Date.now();
    const r = await runAutoencoder({
      config: autoencoderConfig({ variant: 'denoising', noise: 'gaussian', noiseLevel: 0.5, latentDim: 32, epochs: 2, batchSize: 64, learningRate: 0.005, validationSplit: 0.1, sampleEverySteps: 20 }),
      model: tpl('mlp', 32), sink, isCancelled: () => false, dataset: data, runDir,
    });
    expect(r.status).toBe('done');
    const final = r.status === 'done' ? r.final : {};
    console.log(`denoising mlp AE, 2 epochs on 1800 images: ${Date.now() - t0} ms; test_mse ${final['test_mse']?.toFixed(2)} vs noisy input ${final['test_noisy_input_mse']?.toFixed(2)}, clean input ${final['test_mse_clean_input']?.toFixed(2)}`);
    expect(final['test_mse']!).toBeLessThan(0.5 * final['test_noisy_input_mse']!);
    expect(final['test_mse_clean_input']!).toBeGreaterThan(0);
    for (const k of ['epoch_loss', 'val_loss', 'test_mse', 'test_bce', 'test_noisy_input_mse', 'test_mse_clean_input'] as const) expect(metricSteps(sink, k)).toEqual([1, 2]);
    expect(sink.values('loss')).toHaveLength(2 * Math.ceil(1800 / 64));
    // The noisy input error is the same at every evaluation (fixed test noise).
    const noisy = sink.values('test_noisy_input_mse');
    expect(noisy[0]).toBe(noisy[1]);

    const recon = sink.samples.filter((s) => s.kind === 'reconstructions');
    // Every 20 steps (20, 40) and at the epoch ends (29 batches per epoch: 29, 58).
    expect(recon.map((s) => s.step)).toEqual([20, 29, 40, 58]);
    for (const s of recon) {
      expect(existsSync(s.path)).toBe(true);
      expect(s.path).toBe(join(runDir, 'gallery', 'reconstructions', `step-${String(s.step).padStart(7, '0')}.png`));
      const png = readPng(s.path);
      expect([png.width, png.height]).toEqual([10 * 28 + 11, 3 * 28 + 4]);
      const meta = s.meta as ImageGridMeta;
      expect(meta.rowLabels).toEqual(['input', 'noisy', 'reconstruction']);
      expect(meta.labels).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(meta.testIndices).toEqual((recon[0]!.meta as ImageGridMeta).testIndices);
      expect([meta.rows, meta.cols, meta.cellHeight, meta.cellWidth, meta.channels]).toEqual([3, 10, 28, 28, 1]);
    }
    expect(recon.map((s) => (s.meta as ImageGridMeta).epoch)).toEqual([1, 1, 2, 2]);
    const idx = (recon[0]!.meta as ImageGridMeta).testIndices!;
    idx.forEach((i, c) => expect(data.testLabels[i]).toBe(c));

    const scatter = sink.samples.filter((s) => s.kind === 'latent-scatter');
    expect(scatter).toHaveLength(1);
    expect(scatter[0]!.meta).toEqual({ method: 'pca', latentDim: 32, count: 500 });
    const json = JSON.parse(readFileSync(scatter[0]!.path, 'utf8')) as LatentScatterData;
    expect(json.points).toHaveLength(500);
    expect(json.labels).toEqual(Array.from(data.testLabels));
    expect(json.points.every(([x, y]) => Number.isFinite(x) && Number.isFinite(y))).toBe(true);
    expect(sink.checkpoints.map((c) => c.epoch)).toEqual([1, 2]);
    expect(existsSync(join(runDir, 'checkpoints', 'epoch-0002', 'manifest.json'))).toBe(true);
  });

  it('a plain MLP AE (code 16), seed 42, wasm, 3 epochs on 1,000 MNIST images: its test error falls clearly over training', async () => {
    const sink = new RecordingSink();
    const r = await runAutoencoder({
      config: autoencoderConfig({ latentDim: 16, epochs: 3, batchSize: 32, validationSplit: 0, learningRate: 0.005 }),
      model: tpl('mlp', 16), sink, isCancelled: () => false, dataset: subset(data, 1000, 300),
    });
    expect(r.status).toBe('done');
    const mse = sink.values('test_mse');
    console.log(`plain mlp AE (code 16), test_mse by epoch: ${mse.map((v) => v.toFixed(2)).join(', ')}`);
    expect(mse).toHaveLength(3);
    expect(mse[2]!).toBeLessThan(0.8 * mse[0]!);
    expect(sink.values('val_loss')).toEqual([]);
    expect(sink.values('test_noisy_input_mse')).toEqual([]);
    expect(sink.samples).toEqual([]); // no runDir: no files
  });

  it('a stacked MLP AE, seed 42, wasm, on 500 MNIST images: pre-trains layer by layer (the first layer\'s loss falls), then fine-tunes end to end', async () => {
    const sink = new RecordingSink();
    const r = await runAutoencoder({
      config: autoencoderConfig({ variant: 'stacked', pretrainEpochs: 2, latentDim: 16, epochs: 1, batchSize: 50, validationSplit: 0 }),
      model: tpl('mlp', 16), sink, isCancelled: () => false, dataset: subset(data, 500, 100),
    });
    expect(r.status).toBe('done');
    const l1 = sink.values('pretrain_loss/layer1');
    const l2 = sink.values('pretrain_loss/layer2');
    console.log(`stacked: layer1 ${l1.map((v) => v.toFixed(1)).join(', ')}; layer2 ${l2.map((v) => v.toFixed(2)).join(', ')}; fine-tuned test_mse ${sink.values('test_mse')[0]?.toFixed(2)}`);
    expect(metricSteps(sink, 'pretrain_loss/layer1')).toEqual([1, 2]);
    expect(metricSteps(sink, 'pretrain_loss/layer2')).toEqual([1, 2]);
    expect(l1[1]!).toBeLessThan(l1[0]!);
    // Fine-tuning steps come after the 2 layers × 2 epochs × 10 batches of pre-training.
    expect(metricSteps(sink, 'loss')[0]).toBe(41);
    expect(sink.progressEvents.at(-1)).toEqual({ epoch: 1, epochs: 1, step: 50, totalSteps: 50 });
    const order = sink.logs.map((l) => l.message);
    expect(order.findIndex((m) => m.startsWith('Pre-training layer 2'))).toBeLessThan(order.findIndex((m) => m.startsWith('Epoch 1/1')));
  });

  it('a conv AE (transposed convolutions), seed 42, wasm, 2 epochs on 600 MNIST images: its test error falls', async () => {
    const sink = new RecordingSink();
    const t0 = Date.now();
    const r = await runAutoencoder({
      config: autoencoderConfig({ latentDim: 16, epochs: 2, batchSize: 32, validationSplit: 0, learningRate: 0.003 }),
      model: tpl('conv', 16), sink, isCancelled: () => false, dataset: subset(data, 600, 100),
    });
    expect(r.status).toBe('done');
    const mse = sink.values('test_mse');
    console.log(`conv AE 2 epochs on 600 images: ${Date.now() - t0} ms, test_mse ${mse.map((v) => v.toFixed(2)).join(', ')}`);
    expect(mse[1]!).toBeLessThan(mse[0]!);
  });
});
