/**
 * The training tier: an MLP GAN learns 2000 real MNIST images, in process on
 * wasm, with its seed in the test's name (the schema's default, 42). Its
 * sample scores come from a reference classifier trained once (seed 1234) and
 * cached: they are recorded at the logged steps, and the Fréchet distance
 * falls clearly as the generator learns. This tiny generator (384
 * steps) stays unrecognisable to the classifier (no sample classified with
 * p ≥ 0.9), so the confident count is checked here against the real images'
 * floor; ganConditionalLearns.test.ts shows an untrained generator covering
 * fewer confident classes than a trained one. The tests after the first read what
 * its run wrote (the cached reference, the logged samples grid).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClassHistogramData, ImageGridMeta } from '../../workers/common/gallery';
import { ganTemplate } from '../../workers/common/families/gan/templates';
import { analyzeRun } from '../../workers/families/registry';
import { RecordingSink } from '../../workers/engine/sink';
import { runGan } from '../../workers/families/gan/run';
import { ganConfig, metricSteps, mnist, tempFolder, useWasmBackend } from '../helpers/inProcessTraining';

const tmp = tempFolder('lw-gan-eval-learns-');
/** 2,000 images for the GAN to learn; 5,000 (and 1,000 held out) for its reference classifier. */
const train = mnist(2000, 100);
const reference = mnist(5000, 1000);

useWasmBackend();

describe('an MLP GAN learns: its sample scores from the reference classifier (wasm, in process)', () => {
  let first: RecordingSink;
  const runDir = join(tmp, 'run1');

  it('an MLP GAN, seed 42 (its reference classifier seed 1234), wasm, 12 epochs on 2,000 MNIST images (200 held out for model selection): trains and caches the reference once, records the scores at logged steps, and the FID falls below 0.6 of its start as G learns', async () => {
    first = new RecordingSink();
    const hyper = { epochs: 12, batchSize: 64, latentDim: 32, learningRate: 0.0005, sampleEverySteps: 0, evalSamples: 500, finalEvalSamples: 1000, referenceTemplate: 'mlp' as const, referenceEpochs: 2 };
    const r = await runGan({ config: ganConfig(hyper, 'mlp'), model: ganTemplate('mlp', [28, 28, 1], 32), sink: first, isCancelled: () => false, dataset: train, referenceDataset: reference, cacheDir: join(tmp, 'cache'), runDir });
    expect(r.status).toBe('done');
    const acc = first.values('reference_accuracy');
    expect(acc).toHaveLength(1);
    expect(acc[0]).toBeGreaterThan(0.85);
    expect(first.logs.some((l) => /Training the reference classifier/.test(l.message))).toBe(true);
    const steps = first.metrics.filter((m) => m.key === 'frechet_distance').map((m) => m.step);
    // 200 of the 2,000 images held out (validationSplit 0.1): 1,800 / 64 = 29 steps per epoch; step 0, then each epoch end.
    expect(steps).toEqual(Array.from({ length: 13 }, (_, i) => 29 * i));
    // Model selection: the samples' distance to the held-out images at every scored step, falling as G learns.
    const valFd = first.values('val_frechet_distance');
    expect(metricSteps(first, 'val_frechet_distance')).toEqual(steps);
    expect(valFd[valFd.length - 1]!).toBeLessThan(0.6 * valFd[0]!);
    expect(first.logs.some((l) => /Model selection: val_frechet_distance of the same samples against 200 held-out training images/.test(l.message))).toBe(true);
    const fid = first.values('frechet_distance');
    const is = first.values('inception_score');
    const classes = first.values('classes_present');
    const f3 = (k: Parameters<typeof first.values>[0]): string => first.values(k).map((v) => v.toFixed(3)).join(' → ');
    console.log(`MLP GAN on 2000 MNIST images: FID ${fid.map((v) => v.toFixed(1)).join(' → ')}; IS ${is.map((v) => v.toFixed(2)).join(' → ')}; confident classes ${classes.join(' → ')}; confident share ${f3('confident_share')}; KID ${f3('kid')} ± ${f3('kid_se')}; precision ${f3('precision')}; recall ${f3('recall')}; real IS ${first.values('real_inception_score')[0]?.toFixed(2)}, real FD ${f3('real_frechet_distance')}, real KID ${f3('real_kid')} ± ${f3('real_kid_se')}, real classes ${f3('real_classes_present')}`);
    console.log(`final (1000 samples): ${['final_frechet_distance', 'final_frechet_distance_lo', 'final_frechet_distance_hi', 'final_kid', 'final_kid_se', 'final_inception_score', 'final_inception_score_sd', 'final_classes_present', 'final_precision', 'final_recall', 'final_real_frechet_distance', 'final_real_kid'].map((k) => `${k} ${r.status === 'done' ? r.final[k]?.toFixed(3) : ''}`).join(', ')}`);
    expect(fid[fid.length - 1]!).toBeLessThan(fid[0]! * 0.6);
    // The Inception score and the classes present are scored with the FID, at the same logged steps.
    for (const k of ['inception_score', 'classes_present'] as const) expect(metricSteps(first, k), k).toEqual(steps);
    expect(first.values('real_inception_score')[0]!).toBeGreaterThan(6);
    const hist = first.samples.filter((s) => s.kind === 'class-histogram' && (s.meta as { final?: boolean }).final !== true);
    expect(hist.map((h) => h.step)).toEqual(steps);
    const data = JSON.parse(readFileSync(hist[hist.length - 1]!.path, 'utf8')) as ClassHistogramData;
    expect(data.numClasses).toBe(10);
    expect(data.argmaxHistogram!.reduce((a, b) => a + b, 0)).toBe(500);
    expect(data.histogram.reduce((a, b) => a + b, 0)).toBe(data.confidentSamples);
    expect(data.classesPresent).toBe(classes[classes.length - 1]);
    expect([data.confidenceThreshold, data.samples, data.realSamples, data.inceptionScoreSplits, data.kidSubsets, data.precisionRecallK]).toEqual([0.9, 500, 500, 10, 10, 3]);
    expect(data.frechetDistanceLo!).toBeLessThan(data.frechetDistanceHi!);
    // The confident count (p ≥ 0.9): the untrained generator (step 0) fills no class; the real test images at the
    // same size, scored the same way, cover most (this 2-epoch MLP reference is unsure of some real digits: 8 here).
    const start = JSON.parse(readFileSync(hist[0]!.path, 'utf8')) as ClassHistogramData;
    expect(start.confidentSamples).toBeLessThan(25);
    expect(classes[0]).toBe(0);
    expect(first.values('real_classes_present')[0]!).toBeGreaterThanOrEqual(7);
    // The real-vs-real floor sits far below the generator: KID ≈ 0 within a few standard errors, FD a fraction of the samples'.
    const [realKid, realKidSe] = [first.values('real_kid')[0]!, first.values('real_kid_se')[0]!];
    expect(realKidSe).toBeGreaterThan(0);
    expect(Math.abs(realKid)).toBeLessThan(4 * realKidSe);
    expect(first.values('real_frechet_distance')[0]!).toBeLessThan(fid[fid.length - 1]! / 5);
    // The final evaluation (1000 samples against the 1000 test images), once, at the last step, with its own class histogram.
    const final = first.samples.filter((s) => s.kind === 'class-histogram' && (s.meta as { final?: boolean }).final === true);
    expect(final.map((h) => [h.step, (h.meta as { samples?: number }).samples])).toEqual([[348, 1000]]);
    expect(first.logs.some((l) => /Final evaluation at step 348: 1000 generated images \(fixed noise\) against 1000 real test images/.test(l.message))).toBe(true);
    for (const k of ['final_frechet_distance', 'final_kid', 'final_kid_se', 'final_inception_score_sd', 'final_precision', 'final_recall', 'final_real_kid'] as const) expect(metricSteps(first, k), k).toEqual([348]);
    expect(data.referenceAccuracy).toBe(acc[0]);
    expect(r.status === 'done' && r.final['frechet_distance']).toBe(fid[fid.length - 1]);
  });

  it('a second run (seed 42, wasm) loads the reference the first cached, with the same accuracy', async () => {
    const sink = new RecordingSink();
    const r = await runGan({
      config: ganConfig({ epochs: 1, batchSize: 64, latentDim: 32, evalSamples: 200, finalEvalSamples: 0, referenceTemplate: 'mlp', referenceEpochs: 2 }, 'mlp'),
      model: ganTemplate('mlp', [28, 28, 1], 32), sink, isCancelled: () => false, dataset: train, referenceDataset: reference, cacheDir: join(tmp, 'cache'),
    });
    expect(r.status).toBe('done');
    expect(sink.logs.some((l) => /from the cache/.test(l.message))).toBe(true);
    expect(sink.logs.some((l) => /Training the reference classifier/.test(l.message))).toBe(false);
    expect(sink.values('reference_accuracy')).toEqual(first.values('reference_accuracy'));
  });

  it('nearest training neighbours of a cell of the grid the first run (seed 42, wasm) logged at step 29', async () => {
    const grid = first.samples.find((s) => s.kind === 'samples' && s.step === 29)!;
    const art = await analyzeRun({
      config: ganConfig({}, 'mlp'), architecture: ganTemplate('mlp', [28, 28, 1], 32), runDir, step: 29,
      request: { kind: 'nearest-neighbours', step: 29, cell: 7, count: 5 }, source: { path: grid.path, meta: grid.meta as Record<string, unknown> },
    }, { trainSet: { images: train.trainImages, labels: train.trainLabels, inputShape: [28, 28, 1] } });
    expect(art.kind).toBe('neighbours');
    expect(existsSync(art.path)).toBe(true);
    const meta = art.meta as unknown as ImageGridMeta;
    expect(meta.cols).toBe(6);
    expect(meta.trainIndices).toHaveLength(5);
    expect(meta.labels).toEqual(meta.trainIndices!.map((i) => train.trainLabels[i]));
    const d = meta.distances!;
    for (let i = 1; i < d.length; i++) expect(d[i]!).toBeGreaterThanOrEqual(d[i - 1]!);
  });
});
