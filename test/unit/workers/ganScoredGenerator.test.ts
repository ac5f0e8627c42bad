/**
 * Auditable GAN scores (issue 13, point 7), in process on wasm: a tiny MLP GAN
 * (seed 7; 256 MNIST images, batch 64, so 4 steps per epoch, scored every 2
 * steps on 100 samples; its MLP reference classifier trained 1 epoch on
 * 1,000 images, seed 1234, and cached) keeps the generator's weights at each
 * scored step. Rescoring those weights with the same sample count reproduces
 * every recorded score exactly; the 're-evaluate' analysis on more samples
 * records a document with that sample count and finite scores.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReevaluationData, ScoredGeneratorMeta } from '../../../workers/common/gallery';
import { ganTemplate } from '../../../workers/common/families/gan/templates';
import { readManifest } from '../../../workers/engine/checkpoint';
import { RecordingSink } from '../../../workers/engine/sink';
import { runGan } from '../../../workers/families/gan/run';
import { analyzeRun } from '../../../workers/families/registry';
import { ganConfig, metricSteps, mnist, subset, tempFolder, useWasmBackend } from '../../helpers/inProcessTraining';

const tmp = tempFolder('lw-gan-scored-');
const reference = mnist(1000, 200);
const train = subset(reference, 256, 200);
const hyper = { epochs: 1, batchSize: 64, latentDim: 16, seed: 7, sampleEverySteps: 2, evalSamples: 100, referenceTemplate: 'mlp' as const, referenceEpochs: 1 };
const config = ganConfig(hyper, 'mlp');
const model = ganTemplate('mlp', [28, 28, 1], 16);
const runDir = join(tmp, 'run');
const cacheDir = join(tmp, 'cache');

useWasmBackend();

describe('a GAN keeps the generator it scored (seed 7, wasm)', () => {
  const sink = new RecordingSink();
  const kept = (): { step: number; path: string; meta: ScoredGeneratorMeta }[] => sink.samples.filter((s) => s.kind === 'scored-generator').map((s) => ({ step: s.step, path: s.path, meta: s.meta as ScoredGeneratorMeta }));

  it('one scored-generator checkpoint per scored step (0, 2, 4), generator weights only, with the scores recorded there', async () => {
    const r = await runGan({ config, model, sink, isCancelled: () => false, dataset: train, referenceDataset: reference, cacheDir, runDir });
    expect(r.status).toBe('done');
    const scoredSteps = metricSteps(sink, 'frechet_distance');
    expect(scoredSteps).toEqual([0, 2, 4]);
    expect(kept().map((k) => k.step)).toEqual(scoredSteps);
    for (const k of kept()) {
      expect(k.path).toBe(join(runDir, 'scored', `step-${String(k.step).padStart(7, '0')}`));
      const manifest = await readManifest(k.path);
      expect(manifest.optimizer).toEqual([]);
      // The MLP generator's 4 tensors (two dense layers' kernels and biases), nothing of the discriminator.
      expect(manifest.model).toHaveLength(4);
      const bytes = statSync(join(k.path, 'weights.bin')).size;
      expect(bytes).toBe(manifest.model.reduce((a, e) => a + e.byteLength, 0));
      expect(k.meta.samples).toBe(100);
      expect(k.meta.step).toBe(k.step);
      const recorded = sink.metrics.filter((m) => m.step === k.step && m.key === 'frechet_distance').map((m) => m.value);
      expect(k.meta.scores['frechet_distance']).toBe(recorded[0]);
    }
    expect(readdirSync(join(runDir, 'scored'))).toHaveLength(3);
  });

  it('rescoring each kept generator on the same 100 samples reproduces every recorded score exactly', async () => {
    for (const k of kept()) {
      const art = await analyzeRun({
        config, architecture: model, runDir, step: k.step, cacheDir,
        request: { kind: 're-evaluate', step: k.step, samples: 100 }, source: { path: k.path, meta: { ...k.meta } },
      }, { referenceDataset: reference });
      const data = JSON.parse(readFileSync(art.path, 'utf8')) as ReevaluationData;
      expect(data.reference.cached).toBe(true);
      for (const key of ['classes_present', 'class_kl', 'inception_score', 'frechet_distance'] as const) {
        const recorded = sink.metrics.find((m) => m.step === k.step && m.key === key)!.value;
        expect(data.scores[key], `${key} at step ${k.step}`).toBe(recorded);
      }
      expect(data.recorded.scores).toEqual(k.meta.scores);
    }
  });

  it('re-evaluating the last kept generator on 400 samples records them, with finite scores and the classifier used', async () => {
    const last = kept().at(-1)!;
    const art = await analyzeRun({
      config, architecture: model, runDir, step: last.step, cacheDir,
      request: { kind: 're-evaluate', samples: 400 }, source: { path: last.path, meta: { ...last.meta } },
    }, { referenceDataset: reference });
    expect(art.kind).toBe('re-evaluation');
    expect(existsSync(art.path)).toBe(true);
    const data = JSON.parse(readFileSync(art.path, 'utf8')) as ReevaluationData;
    expect(data.samples).toBe(400);
    expect(data.step).toBe(4);
    expect(data.recorded.samples).toBe(100);
    for (const key of ['classes_present', 'class_kl', 'inception_score', 'frechet_distance']) expect(Number.isFinite(data.scores[key]), key).toBe(true);
    // A different sample set than training's 100: the Fréchet distance moves.
    expect(data.scores['frechet_distance']).not.toBe(last.meta.scores['frechet_distance']);
    expect(data.reference.template).toBe('mlp');
    expect(data.reference.accuracy).toBeGreaterThan(0.5);
    expect(art.meta).toMatchObject({ sourceStep: 4, samples: 400 });
  });

  it('refuses a run on a 2-D toy, which has no images to score', async () => {
    const last = kept().at(-1)!;
    await expect(analyzeRun({
      config: ganConfig({ toy: 'ring8' }, 'toy-mlp'), architecture: model, runDir, step: last.step,
      request: { kind: 're-evaluate', samples: 100 }, source: { path: last.path, meta: { ...last.meta } },
    })).rejects.toThrow(/needs image data; this run trains on the 2-D toy mixture/);
  });
});
