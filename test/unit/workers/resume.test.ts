/**
 * Resuming is exact, for every family that trains through the trainer: a run
 * cancelled right after its first checkpoint and resumed from it (every
 * model, optimiser and random layer rebuilt from scratch, as a new worker
 * would) records, bit for bit on the same backend (wasm), what the same
 * run with the same seed records uninterrupted: every metric, every gallery
 * file, and the final checkpoint's weights, optimiser state and random
 * states.
 *
 * The architectures put a seeded dropout and a sampling layer in every part,
 * under the same layer names in both parts of a two-part model, so a random
 * state keyed by the bare layer name would collide. The seed of each run is
 * in its test's name. The data are small real MNIST subsets.
 *
 * The RBM trains by its own rule (CD-k), with no optimiser and no layers:
 * its weights, momentum terms and persistent chains are the trainer's
 * variable parts, and its draws are seeded per step.
 *
 * PixelCNN trains its one part 'model' with Adam; its stochastic binarisation
 * is drawn per step from the seed.
 *
 * PCA is fitted in closed form (no epochs, no checkpoints), so it has no
 * resume to test.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetCatalogue } from '../../../workers/common/datasets';
import { autoencoderConfigSchema } from '../../../workers/common/families/autoencoder/config';
import { classifierConfigSchema } from '../../../workers/common/families/classifier/config';
import { ganConfigSchema } from '../../../workers/common/families/gan/config';
import { vaeConfigSchema } from '../../../workers/common/families/vae/config';
import { GRAPH_VERSION, MODEL_FORMAT, type GraphDocument, type ModelDocument } from '../../../workers/common/graph';
import { chain, type ChainLayer } from '../../../workers/common/graphChain';
import type { CheckpointRef } from '../../../workers/common/protocol';
import { loadImageDataset, type ImageDataset } from '../../../workers/data/mnist';
import { selectBackend } from '../../../workers/engine/backend';
import { readManifest } from '../../../workers/engine/checkpoint';
import { RecordingSink } from '../../../workers/engine/sink';
import { registerWasmKernels } from '../../../workers/engine/wasmKernels';
import { runAutoencoder } from '../../../workers/families/autoencoder/run';
import { runClassifier } from '../../../workers/families/classifier/run';
import type { FamilyRunResult } from '../../../workers/families/familyRun';
import { runGan } from '../../../workers/families/gan/run';
import { runVae } from '../../../workers/families/vae/run';
import { rbmConfigSchema } from '../../../workers/common/families/rbm/config';
import { runRbm } from '../../../workers/families/rbm/run';
import { pixelCnnConfigSchema } from '../../../workers/common/families/pixelcnn/config';
import { runPixelCnn } from '../../../workers/families/pixelcnn/run';
import { sequenceConfigSchema } from '../../../workers/common/families/sequence/config';
import { sequenceContract } from '../../../workers/common/families/sequence/index';
import { familyOf } from '../../../workers/common/families/registry';
import { prepareData } from '../../../workers/families/sequence/data';
import { runSequence } from '../../../workers/families/sequence/run';

const tmp = mkdtempSync(join(tmpdir(), 'lw-resume-'));
let data: ImageDataset;

beforeAll(async () => {
  registerWasmKernels();
  expect(await selectBackend('wasm')).toBe('wasm');
  data = loadImageDataset(datasetCatalogue.mnist, { trainSize: 200, testSize: 60 });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Layers ------------------------------------------------------------------

const input = (shape: number[], name?: string): ChainLayer => ({ id: name ?? 'input', kind: 'input', label: 'input', params: { shape, ...(name ? { name } : {}) } });
const dense = (id: string, units: number, activation = 'linear'): ChainLayer => ({ id, kind: 'dense', label: id, params: { units, activation } });
const drop: ChainLayer = { id: 'drop', kind: 'dropout', label: 'dropout', params: { rate: 0.3 } };
/** [n, 2·d] → [n, d], drawing ε from its own PRNG in training and inference alike. */
const sampler: ChainLayer = { id: 'sample', kind: 'sampling', label: 'sampling', params: {} };
const flatten: ChainLayer = { id: 'flatten', kind: 'flatten', label: 'flatten', params: {} };
const reshape = (shape: number[]): ChainLayer => ({ id: 'reshape', kind: 'reshape', label: 'reshape', params: { targetShape: shape } });
const model = (generator: [string, GraphDocument], other: [string, GraphDocument]): ModelDocument => ({
  format: MODEL_FORMAT, version: GRAPH_VERSION, name: 'random parts', parts: { [generator[0]]: generator[1], [other[0]]: other[1] },
});

/** An encoder and a decoder, each with a dropout 'drop' and a sampler 'sample'; the encoder outputs `codeOut` units. */
function encoderDecoder(latentDim: number, codeOut: number): ModelDocument {
  return model(
    ['encoder', chain('encoder', [input([28, 28, 1]), flatten, dense('hidden', 32, 'relu'), drop, dense('stats', 16), sampler, dense('code', codeOut)])],
    ['decoder', chain('decoder', [input([latentDim]), dense('hidden', 32, 'relu'), drop, dense('stats', 16), sampler, dense('out', 784, 'sigmoid'), reshape([28, 28, 1])])],
  );
}

/** A generator and a discriminator, each with a dropout 'drop' and a sampler 'sample'. */
function ganModel(latentDim: number, dataShape: number[]): ModelDocument {
  const d = dataShape.reduce((a, b) => a * b, 1);
  const image = dataShape.length > 1;
  return model(
    ['generator', chain('generator', [input([latentDim], 'z'), dense('hidden', 32, 'relu'), drop, dense('stats', 16), sampler, dense('out', d, image ? 'tanh' : 'linear'), ...(image ? [reshape(dataShape)] : [])])],
    ['discriminator', chain('discriminator', [input(dataShape, 'x'), ...(image ? [flatten] : []), dense('hidden', 32, 'leakyRelu'), drop, dense('stats', 16), sampler, dense('logit', 1)])],
  );
}

// The comparison ------------------------------------------------------------

interface RunArgs { sink: RecordingSink; runDir: string; isCancelled: () => boolean; resumeFrom?: CheckpointRef }
type Runner = (a: RunArgs) => Promise<FamilyRunResult>;

interface Runs {
  full: { sink: RecordingSink; result: FamilyRunResult };
  first: RecordingSink;
  resumed: { sink: RecordingSink; result: FamilyRunResult };
}

/** The run uninterrupted; then cancelled right after its first checkpoint; then resumed from it. */
async function interruptAndResume(name: string, run: Runner, edit?: (checkpoint: CheckpointRef) => void): Promise<Runs> {
  const full = new RecordingSink();
  const fullResult = await run({ sink: full, runDir: join(tmp, name, 'full'), isCancelled: () => false });
  expect(fullResult.status).toBe('done');
  const first = new RecordingSink();
  const partDir = join(tmp, name, 'interrupted');
  expect((await run({ sink: first, runDir: partDir, isCancelled: () => first.checkpoints.length > 0 })).status).toBe('cancelled');
  expect(first.checkpoints).toHaveLength(1);
  edit?.(first.checkpoints[0]!);
  const resumed = new RecordingSink();
  const result = await run({ sink: resumed, runDir: partDir, isCancelled: () => false, resumeFrom: first.checkpoints[0]! });
  expect(result.status).toBe('done');
  return { full: { sink: full, result: fullResult }, first, resumed: { sink: resumed, result } };
}

const fileBytes = (path: string): Buffer => readFileSync(path);

async function expectBitForBit(r: Runs): Promise<void> {
  const { full, first, resumed } = r;
  const resumedFrom = first.checkpoints[0]!.step;
  expect(resumed.sink.metrics.filter((m) => m.step > resumedFrom).length).toBeGreaterThan(0);
  // Every metric: the interrupted run's, then the resumed run's, are the uninterrupted run's (keys, steps, values: toEqual tells 0 from −0).
  expect([...first.metrics, ...resumed.sink.metrics]).toEqual(full.sink.metrics);
  expect(resumed.result).toEqual(full.result);
  // Every gallery and data file, byte for byte.
  const arts = [...first.samples, ...resumed.sink.samples];
  expect(arts.map((s) => [s.kind, s.step, s.meta])).toEqual(full.sink.samples.map((s) => [s.kind, s.step, s.meta]));
  arts.forEach((s, i) => expect(fileBytes(s.path).equals(fileBytes(full.sink.samples[i]!.path)), `${s.kind} at step ${s.step}`).toBe(true));
  // The last checkpoint: weights and optimiser state byte for byte, the same random states.
  const a = full.sink.checkpoints.at(-1)!;
  const b = resumed.sink.checkpoints.at(-1)!;
  expect([b.epoch, b.step]).toEqual([a.epoch, a.step]);
  expect(fileBytes(join(b.dir, 'weights.bin')).equals(fileBytes(join(a.dir, 'weights.bin')))).toBe(true);
  // (Optimiser slot names carry tfjs' process-wide variable names, which differ between runs in one process.)
  const comparable = async (dir: string): Promise<unknown> => {
    const m = await readManifest(dir);
    return { ...m, createdAt: '', optimizer: m.optimizer.map((e) => ({ ...e, name: e.name.replace(/_\d+(?=\/)/g, '') })) };
  };
  expect(await comparable(b.dir)).toEqual(await comparable(a.dir));
}

/** Rewrite a checkpoint's random states as a checkpoint written before the keys named the part. */
function toBareKeys(checkpoint: CheckpointRef): void {
  const file = join(checkpoint.dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as { rng: Record<string, number> };
  manifest.rng = Object.fromEntries(Object.entries(manifest.rng).map(([k, v]) => [k.slice(k.indexOf('/') + 1), v]));
  writeFileSync(file, JSON.stringify(manifest));
}

function dropRandomStates(checkpoint: CheckpointRef): void {
  const file = join(checkpoint.dir, 'manifest.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), rng: {} }));
}

// The families ---------------------------------------------------------------

describe('resuming reproduces the uninterrupted run bit for bit (wasm)', () => {
  const classifierGraph = chain('classifier', [input([28, 28, 1]), flatten, dense('hidden', 32, 'relu'), drop, dense('stats', 16), sampler, dense('out', 10, 'softmax')]);
  const classifier = (seed: number): Runner => (a) => runClassifier({
    config: classifierConfigSchema.parse({ family: 'classifier', hyper: { epochs: 2, batchSize: 40, validationSplit: 0.2, seed } }),
    graph: classifierGraph, dataset: data, ...a,
  });

  it('classifier (seed 7): dropout and a sampler in part "model"', async () => {
    const r = await interruptAndResume('classifier', classifier(7));
    expect(Object.keys((await readManifest(r.first.checkpoints[0]!.dir)).rng)).toEqual(['model/drop', 'model/sample']);
    await expectBitForBit(r);
  });

  it('classifier (seed 7): a checkpoint whose random states have bare layer names (written before the part keys) still resumes exactly', async () => {
    await expectBitForBit(await interruptAndResume('classifier-bare', classifier(7), toBareKeys));
  });

  it('classifier (seed 7): without its random states a resumed run draws other masks, so these comparisons can fail', async () => {
    const r = await interruptAndResume('classifier-no-rng', classifier(7), dropRandomStates);
    const after = (s: RecordingSink): number[] => s.metrics.filter((m) => m.key === 'loss' && m.step > r.first.checkpoints[0]!.step).map((m) => m.value);
    expect(after(r.resumed.sink)).not.toEqual(after(r.full.sink));
  });

  it('autoencoder (seed 11, denoising): encoder and decoder both with "drop" and "sample", galleries every 2 steps and the final scatter', async () => {
    const r = await interruptAndResume('autoencoder', (a) => runAutoencoder({
      config: autoencoderConfigSchema.parse({ family: 'autoencoder', hyper: { variant: 'denoising', noise: 'masking', noiseLevel: 0.3, latentDim: 4, epochs: 2, batchSize: 40, validationSplit: 0.2, sampleEverySteps: 2, seed: 11 } }),
      model: encoderDecoder(4, 4), dataset: data, ...a,
    }));
    expect(Object.keys((await readManifest(r.first.checkpoints[0]!.dir)).rng).sort()).toEqual(['decoder/drop', 'decoder/sample', 'encoder/drop', 'encoder/sample']);
    expect(r.full.sink.samples.map((s) => s.kind)).toContain('latent-scatter');
    await expectBitForBit(r);
  });

  const vae: Runner = (a) => runVae({
    config: vaeConfigSchema.parse({ family: 'vae', hyper: { latentDim: 2, epochs: 2, batchSize: 40, validationSplit: 0.2, binarize: 'stochastic', klWarmupEpochs: 1, sampleEverySteps: 3, seed: 13 } }),
    model: encoderDecoder(2, 4), dataset: data, ...a,
  });

  it('VAE (seed 13, stochastic binarisation, KL warm-up): encoder and decoder both with "drop" and "sample"', async () => {
    const r = await interruptAndResume('vae', vae);
    expect(Object.keys((await readManifest(r.first.checkpoints[0]!.dir)).rng).sort()).toEqual(['decoder/drop', 'decoder/sample', 'encoder/drop', 'encoder/sample']);
    await expectBitForBit(r);
  });

  it('VAE (seed 13): keyed by bare layer names, the two parts\' "drop" (and "sample") states collide and the resumed run diverges — why the keys name the part', async () => {
    const r = await interruptAndResume('vae-bare', vae, toBareKeys);
    const after = (s: RecordingSink): number[] => s.metrics.filter((m) => m.key === 'loss' && m.step > r.first.checkpoints[0]!.step).map((m) => m.value);
    expect(after(r.resumed.sink)).not.toEqual(after(r.full.sink));
  });

  it('GAN on MNIST images (seed 17): generator and discriminator both with "drop" and "sample", galleries at step 0 and every 2 steps', async () => {
    const r = await interruptAndResume('gan-images', (a) => runGan({
      config: ganConfigSchema.parse({ family: 'gan', architecture: { template: 'mlp' }, hyper: { latentDim: 8, epochs: 2, batchSize: 40, evalSamples: 0, sampleEverySteps: 2, seed: 17 } }),
      model: ganModel(8, [28, 28, 1]), dataset: data, ...a,
    }));
    expect(Object.keys((await readManifest(r.first.checkpoints[0]!.dir)).rng).sort()).toEqual(['discriminator/drop', 'discriminator/sample', 'generator/drop', 'generator/sample']);
    expect(r.full.sink.samples.filter((s) => s.kind === 'samples')[0]!.step).toBe(0);
    await expectBitForBit(r);
  });

  it('GAN on the ring8 toy (seed 19, 2 D steps, unrolled discriminator): both networks with "drop" and "sample"', async () => {
    const r = await interruptAndResume('gan-toy', (a) => runGan({
      config: ganConfigSchema.parse({ family: 'gan', architecture: { template: 'toy-mlp' }, hyper: { toy: 'ring8', epochs: 2, toyStepsPerEpoch: 4, batchSize: 32, dSteps: 2, unrollSteps: 1, sampleEverySteps: 3, seed: 19 } }),
      model: ganModel(2, [2]), ...a,
    }));
    expect(r.full.sink.values('modes_covered')).toHaveLength(5); // steps 0, 3, 4, 6, 8
    await expectBitForBit(r);
  });

  it('RBM (seed 23, persistent CD-2, stochastic binarisation): weights, momentum and the persistent chains resume exactly, with no optimiser', async () => {
    const r = await interruptAndResume('rbm', (a) => runRbm({
      config: rbmConfigSchema.parse({ family: 'rbm', hyper: { numHidden: 16, epochs: 2, batchSize: 30, cdK: 2, persistent: true, binarize: 'stochastic', gibbsSteps: 5, sampleEverySteps: 3, seed: 23 } }),
      dataset: data, ...a,
    }));
    expect((await readManifest(r.first.checkpoints[0]!.dir)).model.map((e) => e.name)).toEqual(
      ['weights', 'visible_bias', 'hidden_bias', 'weights_velocity', 'visible_bias_velocity', 'hidden_bias_velocity', 'pcd_chain']);
    // 10 % of the images held out for validation: 3 batches an epoch, galleries every 3 steps and at the epoch ends.
    expect(r.full.sink.samples.filter((x) => x.kind === 'filters').map((x) => x.step)).toEqual([0, 3, 6, 9, 12]);
    await expectBitForBit(r);
  });

  it('Gaussian–Bernoulli RBM (seed 37, persistent CD-1, learned σ, sparsity target 0.1): weights, log σ, the standardisation, momentum, chains and the sparsity estimate resume exactly', async () => {
    const r = await interruptAndResume('rbm-gaussian', (a) => runRbm({
      config: rbmConfigSchema.parse({ family: 'rbm', hyper: { visible: 'gaussian', learnVariance: true, sparsityTarget: 0.1, sparsityCost: 1, numHidden: 16, epochs: 2, batchSize: 30, persistent: true, gibbsSteps: 5, sampleEverySteps: 3, seed: 37 } }),
      dataset: data, ...a,
    }));
    const manifest = await readManifest(r.first.checkpoints[0]!.dir);
    expect(manifest.model.map((e) => e.name)).toEqual([
      'weights', 'visible_bias', 'hidden_bias', 'log_sigma', 'input_mean', 'input_std',
      'weights_velocity', 'visible_bias_velocity', 'hidden_bias_velocity', 'log_sigma_velocity', 'pcd_chain', 'sparsity_estimate']);
    expect(r.full.sink.values('mean_hidden_activation')).toHaveLength(2);
    await expectBitForBit(r);
  });

  it('PixelCNN (seed 31, stochastic binarisation drawn per step, 8 filters, 1 residual block): weights and Adam resume exactly', async () => {
    const r = await interruptAndResume('pixelcnn', (a) => runPixelCnn({
      config: pixelCnnConfigSchema.parse({ family: 'pixelcnn', hyper: { filters: 8, residualBlocks: 1, epochs: 2, batchSize: 30, binarize: 'stochastic', seed: 31 } }),
      dataset: data, ...a,
    }));
    expect(r.full.sink.values('test_nll_nats')).toHaveLength(2);
    await expectBitForBit(r);
  });

  it('sequence (seed 29, a 2-layer LSTM language model with dropout between layers): weights, Adam and the step-seeded dropout resume exactly, with text samples and the gradient through time', async () => {
    const text = 'in the beginning god created the heaven and the earth.\n'.repeat(12);
    const config = sequenceConfigSchema.parse({
      family: 'sequence', architecture: { template: 'rnn-lm' },
      data: { source: 'text', corpus: 'test', sequenceLength: 16, validationFraction: 0.25 },
      hyper: { units: 8, embeddingDim: 4, layers: 2, dropout: 0.3, epochs: 2, batchSize: 8, seed: 29, sampleEverySteps: 2, sampleLength: 10 },
    });
    const prepared = prepareData(config.data, config.hyper.seed, text);
    const graph = familyOf('sequence').network.template('rnn-lm', sequenceContract(config, prepared.vocab.tokens.length), config) as GraphDocument;
    const r = await interruptAndResume('sequence', (a) => runSequence({ config, graph, text, ...a }));
    expect(r.full.sink.samples.some((x) => x.kind === 'text-samples')).toBe(true);
    expect(r.full.sink.samples.some((x) => x.kind === 'gradient-through-time')).toBe(true);
    await expectBitForBit(r);
  });
});
