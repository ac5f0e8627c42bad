/**
 * The training tier: GANs learn the 8-Gaussian ring (2-D toy data), in
 * process on wasm, each test with its seed in its name (the schema's
 * default, 42): a plain GAN's samples move onto the modes, and an unrolled
 * discriminator (Metz et al. 2016) gets them there faster than a plain one.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ganTemplate } from '../../workers/common/families/gan/templates';
import type { GanConfig } from '../../workers/common/families/gan/config';
import { RecordingSink } from '../../workers/engine/sink';
import { runGan } from '../../workers/families/gan/run';
import { ganConfig, tempFolder, useWasmBackend } from '../helpers/inProcessTraining';

const tmp = tempFolder('lw-gan-learns-');

describe('a GAN learns the ring (wasm, in process)', () => {
  useWasmBackend();

  it('a non-saturating toy GAN, seed 42, wasm, 300 steps on the 8-Gaussian ring: its samples move onto the modes (mode distance halves)', async () => {
    const sink = new RecordingSink();
    const runDir = join(tmp, 'ring');
    const r = await runGan({
      config: ganConfig({ toy: 'ring8', epochs: 3, toyStepsPerEpoch: 100, batchSize: 128, learningRate: 0.001, learningRateD: 0.001, sampleEverySteps: 100 }, 'toy-mlp'),
      model: ganTemplate('toy-mlp', [2], 2), sink, isCancelled: () => false, runDir,
    });
    expect(r.status).toBe('done');
    const dist = sink.values('mode_distance');
    const modes = sink.values('modes_covered');
    console.log('ring8 mode_distance', dist.map((v) => v.toFixed(3)).join(' → '), 'modes', modes.join(' → '));
    expect(dist[dist.length - 1]!).toBeLessThan(dist[0]! * 0.5);
    for (const k of ['d_loss', 'g_loss', 'd_real', 'd_fake', 'd_grad_norm', 'g_grad_norm'] as const) expect(sink.values(k)).toHaveLength(300);
    const scatter = sink.samples.filter((s) => s.kind === 'toy-scatter');
    expect(scatter.length).toBeGreaterThanOrEqual(4);
    expect(existsSync(scatter[scatter.length - 1]!.path)).toBe(true);
    expect(sink.checkpoints).toHaveLength(3);
  });

  it('an unrolled toy GAN (second order, 3 steps), seed 42, wasm, 200 steps on the 8-Gaussian ring: its samples reach the modes faster than the plain GAN\'s', async () => {
    // Batch 32, learning rates 2e-3, 200 steps, seed 42. Measured (wasm; seeds 1–3 alike):
    // mode distance at steps 0/50/100/150/200, plain 1.90 → 1.04 → 1.36 → 0.90 → 0.87, unrolled
    // 1.90 → 0.84 → 0.77 → 0.67 → 0.62 (seeds 1–3 at step 200: plain 0.99, 0.94, 0.86; unrolled
    // 0.53, 0.53, 0.52). Neither covers a mode by the 3σ = 0.06 test this early (σ = 0.02):
    // that takes more steps (plain: 1–6 modes by step 600 depending on the batch size).
    const hyper = { toy: 'ring8' as const, epochs: 1, toyStepsPerEpoch: 200, batchSize: 32, learningRate: 0.002, learningRateD: 0.002, sampleEverySteps: 50 };
    const curves = async (extra: Partial<GanConfig['hyper']>): Promise<{ dist: number[]; modes: number[] }> => {
      const sink = new RecordingSink();
      const t0 = Date.now();
      const r = await runGan({ config: ganConfig({ ...hyper, ...extra }, 'toy-mlp'), model: ganTemplate('toy-mlp', [2], 2), sink, isCancelled: () => false });
      expect(r.status).toBe('done');
      const out = { dist: sink.values('mode_distance'), modes: sink.values('modes_covered') };
      console.log(`ring8 ${JSON.stringify(extra)} (${((Date.now() - t0) / 1000).toFixed(1)} s): mode_distance ${out.dist.map((v) => v.toFixed(3)).join(' → ')}, modes covered ${out.modes.join(' → ')}`);
      return out;
    };
    const plain = await curves({});
    const unrolled = await curves({ unrollSteps: 3 });
    expect(unrolled.dist).toHaveLength(5);
    const last = (v: number[]): number => v[v.length - 1]!;
    expect(last(unrolled.dist)).toBeLessThan(0.4 * unrolled.dist[0]!);
    expect(last(unrolled.dist)).toBeLessThan(last(plain.dist) - 0.1);
    const meanAfterStart = (v: number[]): number => v.slice(1).reduce((a, b) => a + b, 0) / (v.length - 1);
    expect(meanAfterStart(unrolled.dist)).toBeLessThan(meanAfterStart(plain.dist) - 0.15); // measured 0.72 vs 1.04
  });
});
