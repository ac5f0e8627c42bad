/**
 * How well and how fast the RBM family does at full size: a Bernoulli RBM
 * (784 visible, 500 hidden units) on all 60,000 MNIST training images
 * binarised at 0.5, trained by CD-1 and by persistent CD-1 (learning rate
 * 0.1, momentum 0.5, weight decay 1e-4, batch 100, seed 1: the family's defaults), in-process,
 * through the family's own run (the one trainer, checkpoints and galleries
 * included). Held-out measures on all 10,000 test images: reconstruction
 * error, free energies (and their gap to the training images'), and the
 * stochastic pseudo-log-likelihood; and after training, the test
 * log-likelihood with log Z estimated by AIS (Salakhutdinov & Murray 2008:
 * 100 runs, 15,000 intermediate distributions) on the final weights, timed
 * apart from training. Writes bench/results/rbm.json.
 *
 *   npm run build:node && node dist/bench/rbm.js [--epochs 5] [--hidden 500] [--cdk 1] [--ais-runs 100] [--ais-steps 15000] [--train-size N] [--backend wasm]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { datasetCatalogue } from '../workers/common/datasets';
import { rbmConfigSchema } from '../workers/common/families/rbm/config';
import { loadImageDataset } from '../workers/data/mnist';
import { RecordingSink } from '../workers/engine/sink';
import { machineInfo, prepareBackend } from './harness/runtime';
import { runRbm } from '../workers/families/rbm/run';
import { rbmAisFromCheckpoint, thresholdPixelMeans } from './harness/rbmAis';
import { appRoot } from '../main/services/appInfo';

const BATCH = 100;

interface Variant { key: string; label: string; persistent: boolean }
const variantsFor = (k: number): readonly Variant[] => [
  { key: `cd${k}`, label: `CD-${k}`, persistent: false },
  { key: `pcd${k}`, label: `persistent CD-${k}`, persistent: true },
];

/** A whole-number argument ≥ 1, or a message naming it. */
function wholeArg(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    epochs: { type: 'string', default: '5' }, hidden: { type: 'string', default: '500' }, cdk: { type: 'string', default: '1' },
    'ais-runs': { type: 'string', default: '100' }, 'ais-steps': { type: 'string', default: '15000' }, 'train-size': { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
  } });
  const epochs = wholeArg('epochs', values.epochs);
  const hidden = wholeArg('hidden', values.hidden);
  const cdK = wholeArg('cdk', values.cdk);
  const ais = { runs: wholeArg('ais-runs', values['ais-runs']), steps: wholeArg('ais-steps', values['ais-steps']), seed: 1 };
  const trainSize = values['train-size'] === undefined ? undefined : wholeArg('train-size', values['train-size']);
  const b = await prepareBackend(values.backend);
  const data = loadImageDataset(datasetCatalogue.mnist, trainSize === undefined ? {} : { trainSize });
  const nTrain = data.trainLabels.length;
  const d = data.inputShape.reduce((x, y) => x * y, 1);
  const baseMeans = thresholdPixelMeans(data.trainImages, d);
  const variants = variantsFor(cdK);
  const results: Record<string, number> = {};
  const rows: string[] = [];
  for (const v of variants) {
    const config = rbmConfigSchema.parse({
      family: 'rbm', name: `bench-rbm-${v.key}`, dataset: { id: 'mnist' },
      hyper: { epochs, batchSize: BATCH, numHidden: hidden, cdK, persistent: v.persistent, learningRate: 0.1, momentum: 0.5, weightDecay: 0.0001, gibbsSteps: 1000, seed: 1, logLikelihood: 'off' },
    });
    const runDir = mkdtempSync(join(tmpdir(), `latent-bench-rbm-${v.key}-`));
    const sink = new RecordingSink();
    const log = sink.log.bind(sink);
    sink.log = (level, message) => { log(level, message); console.error(`[${v.key}] ${message}`); };
    const t0 = performance.now();
    const r = await runRbm({ config, dataset: data, sink, isCancelled: () => false, runDir });
    const wallS = (performance.now() - t0) / 1000;
    if (r.status !== 'done') throw new Error(`The ${v.label} run was cancelled`);
    const last = (key: Parameters<typeof sink.values>[0]): number => sink.values(key).at(-1)!;
    const finalCheckpoint = sink.checkpoints.at(-1);
    if (!finalCheckpoint) throw new Error(`The ${v.label} run wrote no checkpoint to read its final weights from`);
    const a = await rbmAisFromCheckpoint(finalCheckpoint.dir, { d, hidden, ...(v.persistent ? { chainRows: Math.min(BATCH, nTrain) } : {}) }, last('test_free_energy'), baseMeans, ais);
    rmSync(runDir, { recursive: true, force: true });
    console.error(`[${v.key}] AIS: test log-likelihood ${a.logLikelihood.toFixed(2)} ± ${a.estimate.se.toFixed(2)} nats (log Ẑ ${a.estimate.logZ.toFixed(2)}, ${ais.runs} runs × ${ais.steps} steps, effective sample size ${a.estimate.effectiveSampleSize.toFixed(1)}, ${a.seconds.toFixed(1)} s)`);
    const p = `rbm${hidden}.${v.key}.${b}`;
    Object.assign(results, {
      [`${p}.test_reconstruction_error`]: Number(last('test_reconstruction_error').toFixed(3)),
      [`${p}.test_pseudo_log_likelihood_nats`]: Number(last('test_pseudo_log_likelihood').toFixed(2)),
      [`${p}.train_free_energy`]: Number(last('train_free_energy').toFixed(2)),
      [`${p}.test_free_energy`]: Number(last('test_free_energy').toFixed(2)),
      [`${p}.free_energy_gap`]: Number(last('free_energy_gap').toFixed(3)),
      [`${p}.first_batch_reconstruction_error`]: Number(sink.values('reconstruction_error')[0]!.toFixed(3)),
      [`${p}.epochs`]: epochs,
      [`${p}.wall_s`]: Number(wallS.toFixed(1)),
      [`${p}.samples_per_s`]: Math.round((nTrain * epochs) / wallS),
      [`${p}.hidden`]: hidden,
      [`${p}.cd_k`]: cdK,
      [`${p}.train_images`]: nTrain,
      [`${p}.ais_log_likelihood_nats`]: Number(a.logLikelihood.toFixed(2)),
      [`${p}.ais_log_likelihood_nats_se`]: Number(a.estimate.se.toFixed(3)),
      [`${p}.ais_log_likelihood_nats_3sd_low`]: Number((-last('test_free_energy') - a.estimate.logZHigh3sd).toFixed(2)),
      [`${p}.ais_log_partition`]: Number(a.estimate.logZ.toFixed(2)),
      [`${p}.ais_effective_sample_size`]: Number(a.estimate.effectiveSampleSize.toFixed(1)),
      [`${p}.ais_runs`]: ais.runs,
      [`${p}.ais_steps`]: ais.steps,
      [`${p}.ais_wall_s`]: Number(a.seconds.toFixed(1)),
    });
    sink.values('test_reconstruction_error').forEach((x, i) => { results[`${p}.test_reconstruction_error.epoch_${i + 1}`] = Number(x.toFixed(3)); });
    sink.values('test_pseudo_log_likelihood').forEach((x, i) => { results[`${p}.test_pseudo_log_likelihood_nats.epoch_${i + 1}`] = Number(x.toFixed(2)); });
    rows.push(`| ${v.label} | ${hidden} | ${epochs} | ${results[`${p}.first_batch_reconstruction_error`]} | ${results[`${p}.test_reconstruction_error`]} | ${results[`${p}.test_pseudo_log_likelihood_nats`]} | ${results[`${p}.ais_log_likelihood_nats`]} ± ${results[`${p}.ais_log_likelihood_nats_se`]} | ${results[`${p}.free_energy_gap`]} | ${results[`${p}.wall_s`]} | ${results[`${p}.samples_per_s`]} | ${results[`${p}.ais_wall_s`]} |`);
  }
  // The issue's headline key: the plain CD-k variant, the setting the published −86 (CD-25) / −125 (CD-1) were measured with.
  const cd = variants.find((v) => !v.persistent);
  if (cd) {
    const p = `rbm${hidden}.${cd.key}.${b}`;
    results[`rbm.${b}.ais_log_likelihood_nats`] = results[`${p}.ais_log_likelihood_nats`]!;
    results[`rbm.${b}.ais_log_likelihood_nats_se`] = results[`${p}.ais_log_likelihood_nats_se`]!;
  }

  const out = {
    benchmark: 'rbm',
    description: `Bernoulli RBM, 784 visible and ${hidden} hidden units, on ${trainSize === undefined ? 'all' : 'the first'} ${nTrain} MNIST training images binarised at 0.5, ${epochs} epoch(s) of batches of ${BATCH}, CD-${cdK} and persistent CD-${cdK} (one chain per batch example), learning rate 0.1, momentum 0.5, weight decay 1e-4, seed 1, in-process through the family's run (trainer, checkpoints and galleries included in the wall time; the samples gallery runs 1000 Gibbs steps). test_reconstruction_error: squared error per test image of P(v | P(h | v)) against v, summed over the 784 pixels, mean over all 10,000 test images; first_batch_reconstruction_error is the untrained model's on the first batch (visible biases at the pixels' log-odds), the floor to beat. test_pseudo_log_likelihood_nats: the stochastic estimate 784 · log σ(F(ṽ) − F(v)) with one fixed flipped pixel per test image (one draw per image: compare runs on the same seed, not with published log-likelihoods). ais_log_likelihood_nats: the average test log-likelihood −mean F(v) − log Ẑ over all test images, log Ẑ by annealed importance sampling on the final weights (Salakhutdinov & Murray 2008: ${ais.runs} runs, ${ais.steps} intermediate distributions spread 1/15 on β ∈ [0, 0.5], 4/15 on [0.5, 0.9], 10/15 on [0.9, 1], seed 1, base model the training pixels' base rates); _se is the delta-method standard error of log Ẑ (F(v) is exact), _3sd_low the paper's lower bound log(mean w + 3 sd(w)/√M); log Ẑ is biased low, so the estimate errs optimistic, and an effective sample size far below the runs means more steps are needed. ais_wall_s is the AIS alone (not in wall_s). Published AIS values for 500 hidden units on MNIST: about −86 nats trained with CD-25 and −125 with CD-1 (Salakhutdinov & Murray 2008) — after far longer training than ${epochs} epoch(s), and on stochastically binarised images there, where these are binarised at 0.5 (easier to model: expect higher numbers), so place these against them, do not equate them. free_energy_gap: mean test minus mean training free energy (10,000 training images); growing means overfitting (Hinton 2010).`,
    date: new Date().toISOString(),
    machine: machineInfo(),
    results,
  };
  const dir = join(appRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'rbm.json'), `${JSON.stringify(out, null, 2)}\n`);
  console.log(`RBM on MNIST, ${b}, ${out.machine.cpu_model}, ${out.machine.cores} cores, Node ${process.version}\n`);
  console.log(`| training | hidden | epochs | untrained recon. error (first batch) | test recon. error | test pseudo-LL (nats) | test log-likelihood, AIS ± se (nats; ${ais.runs} runs × ${ais.steps} steps) | free-energy gap | wall s | samples/s | AIS s |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
  console.log(`Wrote ${join(dir, 'rbm.json')}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
