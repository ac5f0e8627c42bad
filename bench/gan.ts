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
 *   npm run build:node && node dist/bench/gan.js [--epochs 1] [--eval 2000] [--final 10000] [--seeds 1,2,3] [--backend wasm] [--skip-dcgan] [--skip-ring] [--skip-second-order] [--ring-variants plain,first-order,second-order] [--ring-steps 3000]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { datasetCatalogue } from '../workers/common/datasets';
import { ganTemplate } from '../workers/common/families/gan/templates';
import { ganConfigSchema, ganHyperSchema } from '../workers/common/runConfig';
import { loadImageDataset, type ImageDataset } from '../workers/data/mnist';
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

/** The reference classifier that scores every sample here: its accuracy and the sha256 of its weights (scores compare only under the same hash). */
async function referenceIdentity(data: ImageDataset, cacheDir: string): Promise<Record<string, number | string>> {
  const { classifier, identity } = await obtainReferenceClassifier({ cacheDir, datasetId: 'mnist', template: 'lenet', epochs: 2, data, log: (m) => console.error(m) });
  classifier.dispose();
  return { 'reference.lenet.test_accuracy': round(identity.testAccuracy, 4), 'reference.lenet.sha256': identity.hash, 'reference.lenet.evaluated_on': identity.evaluatedOn };
}

/** The final evaluation's keys (on finalEvalSamples samples) as the bench names them: the model's under dcgan.<b>., the real-vs-real floor under mnist_real. */
const FINAL_KEYS = ['inception_score', 'inception_score_sd', 'classes_present', 'confident_share', 'frechet_distance', 'frechet_distance_lo', 'frechet_distance_hi', 'kid', 'kid_se', 'precision', 'recall'] as const;
const FLOOR_KEYS = ['inception_score', 'inception_score_sd', 'classes_present', 'frechet_distance', 'kid', 'kid_se'] as const;

async function dcgan(data: ImageDataset, cacheDir: string, epochs: number, evalSamples: number, finalSamples: number, seed: number, b: string): Promise<{ results: Record<string, number>; floor: Record<string, number>; curve: string }> {
  const config = ganConfigSchema.parse({
    family: 'gan', name: 'bench-dcgan', dataset: { id: 'mnist' }, architecture: { template: 'dcgan' },
    hyper: { epochs, batchSize: BATCH, latentDim: LATENT, loss: 'nonsaturating', learningRate: 0.0002, beta1: 0.5, seed, sampleEverySteps: 250, evalSamples, finalEvalSamples: finalSamples, referenceTemplate: 'lenet', referenceEpochs: 2 },
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
  const final = (k: string): number => r.final[`final_${k}`] ?? Number.NaN;
  const results: Record<string, number> = {};
  for (const k of FINAL_KEYS) results[`dcgan.${b}.${k}`] = round(final(k), 4);
  Object.assign(results, {
    [`dcgan.${b}.class_kl_nats`]: round(sink.values('class_kl').at(-1)!, 4),
    [`dcgan.${b}.d_real`]: round(sink.values('d_real').at(-1)!, 3),
    [`dcgan.${b}.d_fake`]: round(sink.values('d_fake').at(-1)!, 3),
    [`dcgan.${b}.steps`]: steps,
    [`dcgan.${b}.epochs`]: epochs,
    [`dcgan.${b}.eval_samples`]: finalSamples,
    [`dcgan.${b}.training_eval_samples`]: evalSamples,
    [`dcgan.${b}.wall_s`]: round(wallS, 1),
    // Real images the discriminator saw per second of the whole run (scoring and galleries included).
    [`dcgan.${b}.samples_per_s`]: Math.round((steps * BATCH) / wallS),
  });
  const floor: Record<string, number> = { 'mnist_real.samples': finalSamples };
  for (const k of FLOOR_KEYS) floor[`mnist_real.${k}`] = round(final(`real_${k}`), 4);
  return {
    results, floor,
    curve: fid.map((m, i) => `step ${m.step}: FD ${m.value.toFixed(1)}, IS ${is[i]!.toFixed(2)}, ${classes[i]} classes`).join('\n'),
  };
}

/** Metz et al.'s ring set-up, scaled to a CPU: noise 16, Adam 1e-4 (β₁ 0.5) for both, batch 512. */
const RING = { latentDim: 16, learningRate: 0.0001, batchSize: 512 };

function ringName(unrollSteps: number, gradient: 'first-order' | 'second-order'): string {
  return unrollSteps > 0 ? `ring8.unrolled_${unrollSteps}_${gradient.replace('-', '_')}` : 'ring8.plain';
}

async function ring(unrollSteps: number, gradient: 'first-order' | 'second-order', steps: number, seed: number, b: string): Promise<Record<string, number>> {
  const hyper: Record<string, unknown> = { toy: 'ring8', epochs: 1, toyStepsPerEpoch: steps, batchSize: RING.batchSize, latentDim: RING.latentDim, learningRate: RING.learningRate, learningRateD: RING.learningRate, seed, sampleEverySteps: 0 };
  if (unrollSteps > 0) { hyper['unrollSteps'] = unrollSteps; hyper['unrollGradient'] = gradient; }
  const config = ganConfigSchema.parse({ family: 'gan', architecture: { template: 'toy-mlp' }, hyper });
  const sink = loggingSink();
  const t0 = performance.now();
  const r = await runGan({ config, model: ganTemplate('toy-mlp', [2], RING.latentDim), sink, isCancelled: () => false });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 'done') throw new Error('The ring run was cancelled');
  const name = ringName(unrollSteps, gradient);
  return {
    [`${name}.${b}.modes_covered`]: r.final['modes_covered']!,
    [`${name}.${b}.mode_distance`]: round(r.final['mode_distance']!, 4),
    [`${name}.${b}.high_quality`]: round(r.final['high_quality']!, 4),
    [`${name}.${b}.steps`]: steps,
    [`${name}.${b}.wall_s`]: round(wallS, 1),
  };
}

/**
 * Per-seed results as one record: each key's mean over the seeds under the
 * key itself, its sample sd over the seeds as `<key>.seed_sd` (with two or
 * more seeds), and each seed's value as `<key>.seed<N>`. Counts and sizes
 * that do not vary are kept as they are.
 */
export function overSeeds(perSeed: ReadonlyMap<number, Record<string, number>>): Record<string, number> {
  const seeds = [...perSeed.keys()];
  const out: Record<string, number> = {};
  for (const key of Object.keys(perSeed.get(seeds[0]!) ?? {})) {
    const values = seeds.map((sd) => perSeed.get(sd)![key]!);
    const mean = values.reduce((a, v) => a + v, 0) / values.length;
    out[key] = Number(mean.toFixed(4));
    if (values.every((v) => v === values[0])) continue;
    if (values.length > 1) out[`${key}.seed_sd`] = Number(Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)).toFixed(4));
    seeds.forEach((sd, i) => { out[`${key}.seed${sd}`] = values[i]!; });
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    epochs: { type: 'string', default: '1' }, eval: { type: 'string', default: '2000' }, backend: { type: 'string', default: 'wasm' },
    'ring-steps': { type: 'string', default: '3000' }, 'skip-dcgan': { type: 'boolean', default: false }, 'skip-ring': { type: 'boolean', default: false },
    'skip-second-order': { type: 'boolean', default: false }, 'ring-variants': { type: 'string', default: 'plain,first-order,second-order' }, seeds: { type: 'string', default: '1,2,3' }, final: { type: 'string', default: '10000' },
  } });
  const seeds = values.seeds.split(',').map(Number);
  if (seeds.length === 0 || seeds.some((x) => !Number.isInteger(x) || x < 0)) throw new Error(`--seeds must list whole numbers, got ${values.seeds}`);
  const finalSamples = Number(values.final);
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
    Object.assign(results, await referenceIdentity(data, cacheDir));
    for (const k of Object.keys(results)) if (k.startsWith('dcgan.') || k.startsWith('mnist_real.')) delete results[k];
    const runs = new Map<number, Record<string, number>>();
    for (const seed of seeds) {
      const d = await dcgan(data, cacheDir, epochs, evalSamples, finalSamples, seed, b);
      runs.set(seed, { ...d.results, ...d.floor });
      console.log(`\nDCGAN seed ${seed}, scores over training (${evalSamples} samples):\n${d.curve}\n`);
    }
    Object.assign(results, overSeeds(runs));
    results[`dcgan.${b}.seeds`] = seeds.length;
  }
  const hasUnroll = 'unrollSteps' in ganHyperSchema.shape;
  if (!values['skip-ring']) {
    const wanted = values['ring-variants'].split(',');
    const known: Record<string, [number, 'first-order' | 'second-order']> = { plain: [0, 'first-order'], 'first-order': [5, 'first-order'], 'second-order': [5, 'second-order'] };
    const unknown = wanted.filter((v) => !(v in known));
    if (unknown.length > 0) throw new Error(`--ring-variants takes plain, first-order and second-order, got ${unknown.join(', ')}`);
    const variants = wanted.map((v) => known[v]!).filter(([unroll, gradient]) => unroll === 0 || (hasUnroll && (gradient === 'first-order' || !values['skip-second-order'])));
    for (const [unroll, gradient] of variants) {
      // Only this variant's keys are replaced: the others keep their last run.
      const prefix = `${ringName(unroll, gradient)}.`;
      for (const k of Object.keys(results)) if (k.startsWith(prefix)) delete results[k];
      const runs = new Map<number, Record<string, number>>();
      for (const seed of seeds) runs.set(seed, await ring(unroll, gradient, ringSteps, seed, b));
      Object.assign(results, overSeeds(runs));
      results[`${ringName(unroll, gradient)}.${b}.seeds`] = seeds.length;
    }
  }

  const out = {
    benchmark: 'gan',
    description: `dcgan.*: the DCGAN template (G: dense 7·7·128, BN, ReLU, ConvT 64@4×4 s2, BN, ReLU, ConvT 1@4×4 s2 tanh; D: conv 64@4×4 s2 LeakyReLU, conv 128@4×4 s2, BN, LeakyReLU, dense 1), non-saturating loss, Adam 2e-4 β₁ 0.5, batch ${BATCH}, noise ${LATENT}, on all 60,000 MNIST training images for the given epochs, in-process, once per seed (${seeds.join(', ')}): each key is the mean over the seeds, <key>.seed_sd the sd over the seeds, <key>.seed<N> each seed's. Scores of the finished generator's final evaluation on eval_samples fresh fixed-noise samples against as many test images, by the app's reference classifier (LeNet-5, 2 epochs on the 60,000 training images; its accuracy and the sha256 of its weights in reference.lenet.*): inception_score = mean over 10 splits of exp(E KL(p(y|x) ‖ p(y))) and inception_score_sd their sd; classes_present = classes whose confidently classified samples (top probability ≥ 0.9, confident_share of all) reach half the count the data's frequencies give; frechet_distance between Gaussians fitted to LeNet's 84-unit features, with frechet_distance_lo/_hi the 2.5/97.5 % percentiles of 50 bootstrap resamplings; kid = unbiased MMD² with the cubic kernel over 10 subsets, ± kid_se; precision/recall = k-NN (k = 3) manifolds (Kynkäänniemi et al. 2019). mnist_real.*: the same scores of real images (the test images against as many images from the end of the training split, at the same size): the floor a generator is measured against. ring8.*: the 8-Gaussian ring (σ 0.02, radius 2), toy-mlp template, noise ${RING.latentDim}, batch ${RING.batchSize}, Adam ${RING.learningRate} β₁ 0.5 for both, ${ringSteps} generator steps, per seed as above; unrolled_5_*: 5 unrolled discriminator steps, first- or second-order; a mode is covered when ≥ 20 of 2000 generated points fall within 3σ of it. Reference: unrolled GANs (Metz et al. 2016) cover all 8 ring modes where a plain GAN collapses.`,
    date: new Date().toISOString(),
    machine: machineInfo(),
    results,
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  const r = (k: string): string => (results[k] === undefined ? '–' : String(results[k]));
  const sd = (k: string): string => (results[`${k}.seed_sd`] === undefined ? r(k) : `${r(k)} ± ${r(`${k}.seed_sd`)}`);
  console.log(`GAN benchmarks, ${b}, ${out.machine.cpu_model}, ${out.machine.cores} cores, Node ${process.version}; mean ± sd over seeds ${seeds.join(', ')}\n`);
  console.log('| samples | IS (± split sd) | classes present | FD [95 % bootstrap] | KID ± SE | precision / recall |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const d = `dcgan.${b}`;
  console.log(`| DCGAN, ${r(`${d}.epochs`)} epoch(s), ${r(`${d}.eval_samples`)} samples | ${sd(`${d}.inception_score`)} (${r(`${d}.inception_score_sd`)}) | ${sd(`${d}.classes_present`)} / 10 | ${sd(`${d}.frechet_distance`)} [${r(`${d}.frechet_distance_lo`)}, ${r(`${d}.frechet_distance_hi`)}] | ${sd(`${d}.kid`)} ± ${r(`${d}.kid_se`)} | ${r(`${d}.precision`)} / ${r(`${d}.recall`)} |`);
  console.log(`| real MNIST (floor), ${r('mnist_real.samples')} images | ${r('mnist_real.inception_score')} (${r('mnist_real.inception_score_sd')}) | ${r('mnist_real.classes_present')} / 10 | ${r('mnist_real.frechet_distance')} | ${r('mnist_real.kid')} ± ${r('mnist_real.kid_se')} | – |`);
  console.log(`\nReference classifier ${r('reference.lenet.sha256')}, test accuracy ${r('reference.lenet.test_accuracy')}; DCGAN wall ${sd(`${d}.wall_s`)} s a seed.`);
  console.log('\n| ring8 | steps | modes covered | mode distance | high-quality fraction | wall s |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const name of ['ring8.plain', 'ring8.unrolled_5_first_order', 'ring8.unrolled_5_second_order']) {
    if (results[`${name}.${b}.modes_covered`] === undefined) continue;
    console.log(`| ${name} | ${r(`${name}.${b}.steps`)} | ${sd(`${name}.${b}.modes_covered`)} / 8 | ${sd(`${name}.${b}.mode_distance`)} | ${sd(`${name}.${b}.high_quality`)} | ${r(`${name}.${b}.wall_s`)} |`);
  }
  console.log(`\nWrote ${file}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
