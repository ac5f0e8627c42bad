import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { datasetCatalogue } from '../../../workers/common/datasets';
import { ganTemplate } from '../../../workers/common/families/gan/templates';
import { inferShapes } from '../../../workers/common/shapes';
import { checkGeneratorDiscriminator } from '../../../workers/common/families/gan/contract';
import { ganConfigSchema, ganLatentDim, runConfigSchema, type GanConfig } from '../../../workers/common/runConfig';
import { modeCoverage, sampleToy, toyMixture } from '../../../workers/data/toy2d';
import { loadImageDataset, type ImageDataset } from '../../../workers/data/mnist';
import { selectBackend } from '../../../workers/engine/backend';
import { compileGraph } from '../../../workers/engine/compileGraph';
import { RecordingSink } from '../../../workers/engine/sink';
import { registerWasmKernels } from '../../../workers/engine/wasmKernels';
import { runGan } from '../../../workers/families/gan/run';
import { buildGan, disposeGan, makeGanOptimizer } from '../../../workers/families/gan/model';
import { ganTrainStep } from '../../../workers/families/gan/step';

const tmp = mkdtempSync(join(tmpdir(), 'lw-gan-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function config(hyper: Partial<GanConfig['hyper']>, template: 'mlp' | 'dcgan' | 'toy-mlp' = 'toy-mlp'): GanConfig {
  return ganConfigSchema.parse({ family: 'gan', architecture: { template }, hyper });
}

beforeAll(async () => {
  registerWasmKernels();
  expect(await selectBackend('wasm')).toBe('wasm');
});

describe('GAN config and templates', () => {
  it('parses with defaults and joins the run config union', () => {
    const c = runConfigSchema.parse({ family: 'gan' });
    expect(c.family).toBe('gan');
    const g = config({});
    expect(g.hyper.loss).toBe('nonsaturating');
    expect(g.hyper.beta1).toBe(0.5);
    expect(g.hyper.learningRate).toBe(0.0002);
    expect(ganLatentDim(g.hyper)).toBe(64);
    expect(ganLatentDim(config({ toy: 'ring8' }).hyper)).toBe(2);
    expect(ganConfigSchema.safeParse({ family: 'gan', hyper: { labelSmoothing: 0 } }).success).toBe(false);
    expect(ganConfigSchema.safeParse({ family: 'gan', hyper: { loss: 'hinge' } }).success).toBe(false);
  });

  it.each([['mlp', [28, 28, 1], 64], ['dcgan', [28, 28, 1], 100], ['toy-mlp', [2], 2], ['mlp', [2], 8]] as const)('%s on %j satisfies the contract and compiles', (name, shape, latentDim) => {
    const doc = ganTemplate(name, [...shape], latentDim);
    expect(checkGeneratorDiscriminator(doc, { dataShape: [...shape], latentDim })).toEqual([]);
    expect(checkGeneratorDiscriminator(doc, { dataShape: [...shape], latentDim: latentDim + 1 })).not.toEqual([]);
    for (const part of ['generator', 'discriminator'] as const) {
      const m = compileGraph(doc.parts[part]!, { seed: 1 });
      expect(inferShapes(doc.parts[part]!).totalParams).toBe(m.countParams());
      m.dispose();
    }
  });

  it('the contract names missing and extra parts', () => {
    const doc = ganTemplate('toy-mlp', [2], 2);
    const errs = checkGeneratorDiscriminator({ ...doc, parts: { generator: doc.parts['generator']!, critic: doc.parts['discriminator']! } }, { dataShape: [2], latentDim: 2 });
    expect(errs.map((e) => e.message).join('\n')).toMatch(/no discriminator part[\s\S]*Unexpected part "critic"/);
  });

  it('toy mixtures and mode coverage', () => {
    const m = toyMixture('ring8');
    const pts = sampleToy(m, 2000, 1);
    const c = modeCoverage(m, pts, 20);
    expect(c.modesCovered).toBe(8);
    expect(c.modeDistance).toBeLessThan(0.05);
    expect(modeCoverage(m, new Float32Array(200), 20).modeDistance).toBeCloseTo(2, 5);
    expect(toyMixture('grid25').centres).toHaveLength(25);
  });
});

describe('GAN family (wasm, in-process)', () => {
  it.each(['minimax', 'nonsaturating', 'lsgan', 'wgan', 'wgan-gp'] as const)('the %s loss runs and records its metrics', async (loss) => {
    const sink = new RecordingSink();
    const r = await runGan({ config: config({ toy: 'grid25', loss, epochs: 1, toyStepsPerEpoch: 4, batchSize: 32, dSteps: loss.startsWith('wgan') ? 2 : 1 }), model: ganTemplate('toy-mlp', [2], 2), sink, isCancelled: () => false });
    expect(r.status).toBe('done');
    for (const k of ['d_loss', 'g_loss', 'd_real', 'd_fake'] as const) {
      expect(sink.values(k)).toHaveLength(4);
      expect(sink.values(k).every(Number.isFinite)).toBe(true);
    }
    if (loss === 'minimax' || loss === 'nonsaturating') expect(sink.values('d_real').every((v) => v > 0 && v < 1)).toBe(true);
    if (loss === 'wgan-gp') expect(sink.values('gradient_penalty')).toHaveLength(4);
  });

  it('WGAN-GP through LeakyReLU (second-order gradient) works on wasm', async () => {
    const sink = new RecordingSink();
    const r = await runGan({ config: config({ toy: 'ring8', loss: 'wgan-gp', epochs: 1, toyStepsPerEpoch: 2, batchSize: 16 }, 'mlp'), model: ganTemplate('mlp', [2], 2), sink, isCancelled: () => false });
    expect(r.status).toBe('done');
    expect(sink.values('gradient_penalty').every(Number.isFinite)).toBe(true);
  });

  it('label smoothing, smoothed negatives (with a warning) and dSteps > 1 run', async () => {
    const sink = new RecordingSink();
    const r = await runGan({ config: config({ toy: 'ring8', epochs: 1, toyStepsPerEpoch: 3, batchSize: 32, labelSmoothing: 0.9, smoothNegatives: true, dSteps: 3 }), model: ganTemplate('toy-mlp', [2], 2), sink, isCancelled: () => false });
    expect(r.status).toBe('done');
    expect(sink.logs.some((l) => l.level === 'warn' && /smoothNegatives/.test(l.message))).toBe(true);
    expect(sink.values('d_loss')).toHaveLength(3);
  });

  it('a NaN in the discriminator stops the run with a clear message', async () => {
    const sink = new RecordingSink();
    await expect(runGan({
      config: config({ toy: 'ring8', epochs: 1, toyStepsPerEpoch: 5, batchSize: 16 }), model: ganTemplate('toy-mlp', [2], 2), sink, isCancelled: () => false,
      onNetworksBuilt: (nets) => {
        const layer = nets.discriminator.getLayer('logit');
        const [kernel, bias] = layer.getWeights(); // the variables' own tensors: not disposed here
        const nan = tf.fill(kernel!.shape, NaN);
        layer.setWeights([nan, bias!]);
        nan.dispose();
      },
    })).rejects.toThrow(/^Discriminator loss became NaN at epoch 1, step 1/);
  });

  it('leaves no tensors behind per step', async () => {
    const nets = buildGan(ganTemplate('toy-mlp', [2], 2), [2], 2, 1);
    const optD = makeGanOptimizer({ optimizer: 'adam', momentum: 0.9, beta1: 0.5 }, 0.001);
    const optG = makeGanOptimizer({ optimizer: 'adam', momentum: 0.9, beta1: 0.5 }, 0.001);
    const m = toyMixture('ring8');
    const step = async (i: number, loss: 'nonsaturating' | 'wgan' | 'wgan-gp'): Promise<void> => {
      const real = [tf.tensor2d(sampleToy(m, 16, i), [16, 2]), tf.tensor2d(sampleToy(m, 16, i + 100), [16, 2])];
      await ganTrainStep(nets, optD, optG, real, { loss, targets: { real: 0.9, fake: 0 }, clipValue: 0.01, gpWeight: 10, seed: i });
      tf.dispose(real);
    };
    for (const loss of ['nonsaturating', 'wgan', 'wgan-gp'] as const) {
      await step(0, loss); // optimizer slots are created on the first step
      const before = tf.memory().numTensors;
      for (let i = 1; i <= 3; i++) await step(i, loss);
      expect(tf.memory().numTensors).toBe(before);
    }
    disposeGan(nets);
    optD.dispose();
    optG.dispose();
  });

  it('a DCGAN runs a couple of steps on a small MNIST subset and writes a samples PNG', async () => {
    const full = loadImageDataset(datasetCatalogue.mnist, { trainSize: 64, testSize: 10 });
    const data: ImageDataset = full;
    const sink = new RecordingSink();
    const runDir = join(tmp, 'dcgan');
    const r = await runGan({ config: config({ epochs: 1, batchSize: 32, latentDim: 16, evalSamples: 0 }, 'dcgan'), model: ganTemplate('dcgan', [28, 28, 1], 16), sink, isCancelled: () => false, dataset: data, runDir });
    expect(r.status).toBe('done');
    expect(sink.values('d_loss')).toHaveLength(2);
    const samples = sink.samples.filter((s) => s.kind === 'samples');
    // Step 0 (the untrained generator, the baseline) and the epoch end.
    expect(samples.map((s) => s.step)).toEqual([0, 2]);
    expect(samples[0]!.path.endsWith('.png')).toBe(true);
    expect(existsSync(samples[0]!.path)).toBe(true);
    expect((samples[0]!.meta as { z: number[][] }).z).toHaveLength(64);
    expect(sink.checkpoints).toHaveLength(1);
  });
});
