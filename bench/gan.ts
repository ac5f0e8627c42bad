/**
 * How well and how fast the GAN family does at full size.
 *
 * 1. DCGAN on all 60,000 MNIST training images (non-saturating loss, Adam
 *    2e-4 / β₁ 0.5, batch 64, noise 64) for a fixed budget of epochs,
 *    in-process; its samples scored by the app's reference classifier
 *    (LeNet-5, 2 epochs on the whole training split, evaluated on the 10,000
 *    test images): Inception-style score, classes present and Fréchet
 *    distance of `--eval` samples from fixed noise; the same scores of real
 *    test images are the ceiling (and real-vs-real FD the floor).
 * 2. The 8-Gaussian ring: modes covered by a plain GAN vs an unrolled one
 *    (when the family has the unrollSteps switch), same seed and steps.
 *
 * Writes bench/results/gan.json and prints tables.
 *
 *   npm run build:node && node dist/bench/gan.js [--epochs 1] [--eval 2000] [--backend wasm] [--skip-dcgan] [--skip-ring] [--skip-second-order] [--ring-steps 3000]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { datasetCatalogue } from '../workers/common/datasets';
import { ganTemplate } from '../workers/common/families/gan/templates';
import { ganConfigSchema, ganHyperSchema } from '../workers/common/runConfig';
import { loadImageDataset, type ImageDataset } from '../workers/data/mnist';
import { featureStats, frechetDistanceFromStats, inceptionScore, modeCoverage } from '../workers/engine/generativeMetrics';
import { obtainReferenceClassifier } from '../workers/families/classifier/referenceCache';
import { RecordingSink } from '../workers/engine/sink';
import { machineInfo, prepareBackend } from './harness/runtime';
import { runGan } from '../workers/families/gan/run';
import { appRoot } from '../main/services/appInfo';

const LATENT = 64;
const BATCH = 64;
const round = (v: number, d: number): number => Number(v.toFixed(d));

function loggingSink(): RecordingSink {
  const sink = new RecordingSink();
  const origLog = sink.log.bind(sink);
  sink.log = (level, message) => { origLog(level, message); console.error(`[${level}] ${message}`); };
  return sink;
}

/** Real MNIST through the same reference classifier: the ceiling of the scores and the floor of the distance. */
async function realScores(data: ImageDataset, cacheDir: string, n: number): Promise<Record<string, number>> {
  const { classifier } = await obtainReferenceClassifier({ cacheDir, datasetId: 'mnist', template: 'lenet', epochs: 2, data, log: (m) => console.error(m) });
  try {
    const per = 784;
    const test = data.testImages.subarray(0, n * per);
    const probs = await classifier.probabilities(test, n);
    const cov = modeCoverage(probs, n, 10);
    const fTest = featureStats(await classifier.features(test, n), n, classifier.featureDim);
    const fTrain = featureStats(await classifier.features(data.trainImages.subarray(0, n * per), n), n, classifier.featureDim);
    return {
      'mnist_real.inception_score': round(inceptionScore(probs, n, 10), 3),
      'mnist_real.classes_present': cov.classesPresent,
      'mnist_real.frechet_distance_test_vs_train': round(frechetDistanceFromStats(fTest, fTrain), 3),
      'reference.lenet.test_accuracy': round(classifier.accuracy, 4),
    };
  } finally {
    classifier.dispose();
  }
}

async function dcgan(data: ImageDataset, cacheDir: string, epochs: number, evalSamples: number, b: string): Promise<{ results: Record<string, number>; curve: string }> {
  const config = ganConfigSchema.parse({
    family: 'gan', name: 'bench-dcgan', dataset: { id: 'mnist' }, architecture: { template: 'dcgan' },
    hyper: { epochs, batchSize: BATCH, latentDim: LATENT, loss: 'nonsaturating', learningRate: 0.0002, beta1: 0.5, seed: 1, sampleEverySteps: 250, evalSamples, referenceTemplate: 'lenet', referenceEpochs: 2 },
  });
  const runDir = mkdtempSync(join(tmpdir(), 'latent-bench-dcgan-'));
  const sink = loggingSink();
  const t0 = performance.now();
  const r = await runGan({ config, model: ganTemplate('dcgan', data.inputShape, LATENT), sink, isCancelled: () => false, dataset: data, referenceDataset: data, cacheDir, runDir });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 'done') throw new Error('The DCGAN run was cancelled');
  rmSync(runDir, { recursive: true, force: true });
  const steps = sink.values('d_loss').length;
  const fid = sink.metrics.filter((m) => m.key === 'frechet_distance');
  const is = sink.values('inception_score');
  const classes = sink.values('classes_present');
  return {
    results: {
      [`dcgan.${b}.inception_score`]: round(is.at(-1)!, 3),
      [`dcgan.${b}.classes_present`]: classes.at(-1)!,
      [`dcgan.${b}.frechet_distance`]: round(fid.at(-1)!.value, 3),
      [`dcgan.${b}.class_kl_nats`]: round(sink.values('class_kl').at(-1)!, 4),
      [`dcgan.${b}.d_real`]: round(sink.values('d_real').at(-1)!, 3),
      [`dcgan.${b}.d_fake`]: round(sink.values('d_fake').at(-1)!, 3),
      [`dcgan.${b}.steps`]: steps,
      [`dcgan.${b}.epochs`]: epochs,
      [`dcgan.${b}.eval_samples`]: evalSamples,
      [`dcgan.${b}.wall_s`]: round(wallS, 1),
      // Real images the discriminator saw per second of the whole run (scoring and galleries included).
      [`dcgan.${b}.samples_per_s`]: Math.round((steps * BATCH) / wallS),
    },
    curve: fid.map((m, i) => `step ${m.step}: FD ${m.value.toFixed(1)}, IS ${is[i]!.toFixed(2)}, ${classes[i]} classes`).join('\n'),
  };
}

/** Metz et al.'s ring set-up, scaled to a CPU: noise 16, Adam 1e-4 (β₁ 0.5) for both, batch 512. */
const RING = { latentDim: 16, learningRate: 0.0001, batchSize: 512 };

async function ring(unrollSteps: number, gradient: 'first-order' | 'second-order', steps: number, b: string): Promise<Record<string, number>> {
  const hyper: Record<string, unknown> = { toy: 'ring8', epochs: 1, toyStepsPerEpoch: steps, batchSize: RING.batchSize, latentDim: RING.latentDim, learningRate: RING.learningRate, learningRateD: RING.learningRate, seed: 1, sampleEverySteps: 0 };
  if (unrollSteps > 0) { hyper['unrollSteps'] = unrollSteps; hyper['unrollGradient'] = gradient; }
  const config = ganConfigSchema.parse({ family: 'gan', architecture: { template: 'toy-mlp' }, hyper });
  const sink = loggingSink();
  const t0 = performance.now();
  const r = await runGan({ config, model: ganTemplate('toy-mlp', [2], RING.latentDim), sink, isCancelled: () => false });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 'done') throw new Error('The ring run was cancelled');
  const name = unrollSteps > 0 ? `ring8.unrolled_${unrollSteps}_${gradient.replace('-', '_')}` : 'ring8.plain';
  return {
    [`${name}.${b}.modes_covered`]: r.final['modes_covered']!,
    [`${name}.${b}.mode_distance`]: round(r.final['mode_distance']!, 4),
    [`${name}.${b}.high_quality`]: round(r.final['high_quality']!, 4),
    [`${name}.${b}.steps`]: steps,
    [`${name}.${b}.wall_s`]: round(wallS, 1),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    epochs: { type: 'string', default: '1' }, eval: { type: 'string', default: '2000' }, backend: { type: 'string', default: 'wasm' },
    'ring-steps': { type: 'string', default: '3000' }, 'skip-dcgan': { type: 'boolean', default: false }, 'skip-ring': { type: 'boolean', default: false },
    'skip-second-order': { type: 'boolean', default: false },
  } });
  const epochs = Number(values.epochs);
  const evalSamples = Number(values.eval);
  const ringSteps = Number(values['ring-steps']);
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`--epochs must be a whole number ≥ 1, got ${values.epochs}`);
  const b = await prepareBackend(values.backend);
  const dir = join(appRoot, 'bench', 'results');
  const file = join(dir, 'gan.json');
  let previous: Record<string, number> = {};
  try { previous = (JSON.parse(readFileSync(file, 'utf8')) as { results: Record<string, number> }).results; } catch { /* first run */ }
  const results: Record<string, number> = { ...previous };
  const cacheDir = join(appRoot, 'bench', '.cache');

  if (!values['skip-dcgan']) {
    const data = loadImageDataset(datasetCatalogue.mnist);
    Object.assign(results, await realScores(data, cacheDir, evalSamples));
    const d = await dcgan(data, cacheDir, epochs, evalSamples, b);
    Object.assign(results, d.results);
    console.log(`\nDCGAN scores over training:\n${d.curve}\n`);
  }
  const hasUnroll = 'unrollSteps' in ganHyperSchema.shape;
  if (!values['skip-ring']) {
    for (const k of Object.keys(results)) if (k.startsWith('ring8.')) delete results[k];
    Object.assign(results, await ring(0, 'first-order', ringSteps, b));
    if (hasUnroll) {
      Object.assign(results, await ring(5, 'first-order', ringSteps, b));
      if (!values['skip-second-order']) Object.assign(results, await ring(5, 'second-order', ringSteps, b));
    }
  }

  const out = {
    benchmark: 'gan',
    description: `dcgan.*: the DCGAN template (G: dense 7·7·128, BN, ReLU, ConvT 64@4×4 s2, BN, ReLU, ConvT 1@4×4 s2 tanh; D: conv 64@4×4 s2 LeakyReLU, conv 128@4×4 s2, BN, LeakyReLU, dense 1), non-saturating loss, Adam 2e-4 β₁ 0.5, batch ${BATCH}, noise ${LATENT}, seed 1, on all 60,000 MNIST training images for the given epochs, in-process. Scores of the last logged step on eval_samples samples from fixed noise, by the app's reference classifier (LeNet-5, 2 epochs on the 60,000 training images; accuracy in reference.lenet.test_accuracy): inception_score = exp(E KL(p(y|x) ‖ p(y))) in [1, 10]; classes_present = classes with ≥ 1 % of the samples; frechet_distance between Gaussians fitted to LeNet's 84-unit features of the samples and of as many test images. mnist_real.*: the same on real test images (the ceiling; the FD is test vs train images, the floor). samples_per_s = real images seen by D per wall second, scoring and galleries included. ring8.*: the 8-Gaussian ring (σ 0.02, radius 2), toy-mlp template, noise ${RING.latentDim}, batch ${RING.batchSize}, Adam ${RING.learningRate} β₁ 0.5 for both, seed 1, ${ringSteps} generator steps; unrolled_5_*: 5 unrolled discriminator steps, first- or second-order; a mode is covered when ≥ 20 of 2000 generated points fall within 3σ of it. Reference: a 10-class MNIST Inception-style score of real data is about 9.9; a DCGAN should pass 9 with all ten classes; unrolled GANs (Metz et al. 2016) cover all 8 ring modes where a plain GAN collapses.`,
    date: new Date().toISOString(),
    machine: machineInfo(),
    results,
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  const r = (k: string): string => (results[k] === undefined ? '–' : String(results[k]));
  console.log(`GAN benchmarks, ${b}, ${out.machine.cpu_model}, ${out.machine.cores} cores, Node ${process.version}\n`);
  console.log('| model | steps | Inception-style score | classes present | Fréchet distance | wall s | samples/s |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  console.log(`| DCGAN, ${r(`dcgan.${b}.epochs`)} epochs | ${r(`dcgan.${b}.steps`)} | ${r(`dcgan.${b}.inception_score`)} | ${r(`dcgan.${b}.classes_present`)} / 10 | ${r(`dcgan.${b}.frechet_distance`)} | ${r(`dcgan.${b}.wall_s`)} | ${r(`dcgan.${b}.samples_per_s`)} |`);
  console.log(`| real MNIST test images | – | ${r('mnist_real.inception_score')} | ${r('mnist_real.classes_present')} / 10 | ${r('mnist_real.frechet_distance_test_vs_train')} (test vs train) | – | – |`);
  console.log('\n| ring8 | steps | modes covered | mode distance | high-quality fraction | wall s |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const name of ['ring8.plain', 'ring8.unrolled_5_first_order', 'ring8.unrolled_5_second_order']) {
    if (results[`${name}.${b}.modes_covered`] === undefined) continue;
    console.log(`| ${name} | ${r(`${name}.${b}.steps`)} | ${r(`${name}.${b}.modes_covered`)} / 8 | ${r(`${name}.${b}.mode_distance`)} | ${r(`${name}.${b}.high_quality`)} | ${r(`${name}.${b}.wall_s`)} |`);
  }
  console.log(`\nWrote ${file}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
