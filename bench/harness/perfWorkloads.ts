/**
 * The reference training workloads of the performance bench, defined once:
 * each builds its networks with the app's own family builders and templates
 * (the layers users train) and steps with the family's own train step, Adam,
 * batch 64, on 28×28×1 inputs. The data are seeded random images — a speed
 * test needs the shapes, not MNIST — so the workloads build in milliseconds.
 * The seventh, the char-LSTM, is the sequence bench's (charLstm.ts: the
 * family's rnn-lm template, network builder and trainStep on windows of the
 * built-in corpus). bench/harness/perfTorch.py holds the PyTorch twins; the
 * FLOPs per step are counted from the built models' layers (perfFlops.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { classifierTemplate } from '../../workers/common/families/classifier/templates';
import { autoencoderTemplate } from '../../workers/common/families/autoencoder/templates';
import { vaeTemplate } from '../../workers/common/families/vae/templates';
import { ganTemplate } from '../../workers/common/families/gan/templates';
import { makeOptimizer } from '../../workers/engine/optimizer';
import { buildClassifier } from '../../workers/families/classifier/model';
import { trainStep as classifierStep } from '../../workers/families/classifier/step';
import { buildAutoencoder, disposeAutoencoder } from '../../workers/families/autoencoder/model';
import { trainStep as autoencoderStep } from '../../workers/families/autoencoder/step';
import { buildVae, disposeVae } from '../../workers/families/vae/model';
import { vaeTrainStep } from '../../workers/families/vae/step';
import { buildGan, disposeGan, makeGanOptimizer } from '../../workers/families/gan/model';
import { ganTrainStep } from '../../workers/families/gan/step';
import { charLstmFlopLayers, ganStepFlops, trainingStepFlops, type FlopLayer } from './perfFlops';
import { CHAR_LSTM, charLstmData, charLstmEngine } from './charLstm';

export const PERF_BATCH = 64;
const IMAGE: [number, number, number] = [28, 28, 1];
const CLASSES = 10;
/** Distinct batches a workload cycles through (made once, outside the timed steps). */
const POOL = 4;

export const WORKLOAD_IDS = ['mlp', 'lenet', 'ae_mlp', 'vae_mlp', 'deep_ae', 'dcgan', 'char_lstm'] as const;
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

/** A built workload: one training step per call, its FLOPs per step, and its disposer. */
export interface Workload {
  id: WorkloadId;
  label: string;
  /** Counted FLOPs of one step (perfFlops.ts). */
  flopsPerStep: number;
  /** Examples one step trains on (a GAN step: one real batch). */
  samplesPerStep: number;
  step(): Promise<void>;
  dispose(): void;
  /** Arguments the PyTorch twin needs to match this workload (perfTorch.py), if any. */
  torchArgs?: readonly string[];
}

export const WORKLOAD_LABELS: Readonly<Record<WorkloadId, string>> = {
  mlp: 'MLP classifier 784-128-10', lenet: 'LeNet-5', ae_mlp: 'AE mlp 784-256-32', vae_mlp: 'VAE mlp 784-400-20',
  deep_ae: 'deep AE 784-1000-500-250-30', dcgan: 'DCGAN step (D then G)', char_lstm: 'char-LSTM 256, seq 64',
};

/** The dense and convolution layers of a compiled model, in order, as the FLOP counter describes them. */
export function flopLayers(model: tf.LayersModel): FlopLayer[] {
  const out: FlopLayer[] = [];
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    const cfg = layer.getConfig();
    const inShape = layer.inputSpec?.[0]?.shape ?? (layer.input as tf.SymbolicTensor).shape;
    const outShape = (layer.output as tf.SymbolicTensor).shape;
    const k = cfg['kernelSize'] as number[] | undefined;
    if (cls === 'Dense') out.push({ kind: 'dense', inputs: inShape.at(-1)!, units: outShape.at(-1)! });
    else if (cls === 'Conv2D') out.push({ kind: 'conv2d', outH: outShape[1]!, outW: outShape[2]!, kernelH: k![0]!, kernelW: k![1]!, inChannels: inShape[3]!, filters: outShape[3]! });
    else if (cls === 'Conv2DTranspose') out.push({ kind: 'conv2dTranspose', inH: inShape[1]!, inW: inShape[2]!, kernelH: k![0]!, kernelW: k![1]!, inChannels: inShape[3]!, filters: outShape[3]! });
    else if (layer.trainableWeights.some((w) => w.shape.length >= 2)) throw new Error(`The FLOP counter has no formula for the layer '${layer.name}' (${cls})`);
  }
  return out;
}

/** A pool of seeded random batches [64, 28, 28, 1] in [lo, hi). */
function imagePool(seed: number, lo = 0, hi = 1): tf.Tensor[] {
  return Array.from({ length: POOL }, (_, i) => tf.randomUniform([PERF_BATCH, ...IMAGE], lo, hi, 'float32', seed + i));
}

function cycle<T>(items: readonly T[]): () => T {
  let k = 0;
  return () => items[k++ % items.length]!;
}

const adam = (): tf.Optimizer => makeOptimizer({ optimizer: 'adam', learningRate: 0.001, momentum: 0.9 });

function classifier(id: 'mlp' | 'lenet', seed: number): Workload {
  const cm = buildClassifier(classifierTemplate(id, IMAGE, CLASSES), IMAGE, CLASSES, seed);
  const opt = adam();
  const batches = imagePool(seed).map((xs, i) => {
    const labels = tf.tensor1d(Array.from({ length: PERF_BATCH }, (_, j) => (j * 7 + i) % CLASSES), 'int32');
    return { xs, labels, ys: tf.tidy(() => tf.cast(tf.oneHot(labels, CLASSES, 1, 0, 'int32'), 'float32') as tf.Tensor2D) };
  });
  const next = cycle(batches);
  return {
    id, label: WORKLOAD_LABELS[id], samplesPerStep: PERF_BATCH, flopsPerStep: trainingStepFlops(flopLayers(cm.model), PERF_BATCH),
    step: async () => { await classifierStep(cm, opt, next()); },
    dispose: () => { cm.model.dispose(); opt.dispose(); for (const b of batches) tf.dispose([b.xs, b.ys, b.labels]); },
  };
}

function autoencoder(id: 'ae_mlp' | 'deep_ae', seed: number): Workload {
  const latent = id === 'ae_mlp' ? 32 : 30;
  const ae = buildAutoencoder(autoencoderTemplate(id === 'ae_mlp' ? 'mlp' : 'deep', IMAGE, latent), IMAGE, latent, seed);
  const opt = adam();
  const pool = imagePool(seed);
  const next = cycle(pool);
  return {
    id, label: WORKLOAD_LABELS[id], samplesPerStep: PERF_BATCH,
    flopsPerStep: trainingStepFlops([...flopLayers(ae.encoder), ...flopLayers(ae.decoder)], PERF_BATCH),
    step: async () => { const x = next(); await autoencoderStep(ae, opt, x, x, { loss: 'bce' }); },
    dispose: () => { disposeAutoencoder(ae); opt.dispose(); tf.dispose(pool); },
  };
}

function vae(seed: number): Workload {
  const v = buildVae(vaeTemplate('mlp', IMAGE, 20), IMAGE, 20, seed);
  const opt = adam();
  const pool = imagePool(seed);
  const next = cycle(pool);
  let k = 0;
  return {
    id: 'vae_mlp', label: WORKLOAD_LABELS.vae_mlp, samplesPerStep: PERF_BATCH,
    flopsPerStep: trainingStepFlops([...flopLayers(v.encoder), ...flopLayers(v.decoder)], PERF_BATCH),
    step: async () => { await vaeTrainStep(v, opt, next(), { kind: 'bernoulli' }, 1, seed + k++); },
    dispose: () => { disposeVae(v); opt.dispose(); tf.dispose(pool); },
  };
}

function dcgan(seed: number): Workload {
  const nets = buildGan(ganTemplate('dcgan', IMAGE, 64), IMAGE, 64, seed);
  const hyper = { optimizer: 'adam', momentum: 0.9, beta1: 0.5 } as const;
  const optD = makeGanOptimizer(hyper, 0.0002);
  const optG = makeGanOptimizer(hyper, 0.0002);
  const pool = imagePool(seed, -1, 1);
  const next = cycle(pool);
  let k = 0;
  return {
    id: 'dcgan', label: WORKLOAD_LABELS.dcgan, samplesPerStep: PERF_BATCH,
    flopsPerStep: ganStepFlops(flopLayers(nets.generator), flopLayers(nets.discriminator), PERF_BATCH),
    step: async () => {
      await ganTrainStep(nets, optD, optG, [next()], { loss: 'nonsaturating', targets: { real: 1, fake: 0 }, clipValue: 0.01, gpWeight: 10, seed: seed + k++ });
    },
    dispose: () => { disposeGan(nets); optD.dispose(); optG.dispose(); tf.dispose(pool); },
  };
}

/** The char-LSTM (charLstm.ts; its own seed, as in the sequence bench), sized by the corpus's vocabulary. */
function charLstm(): Workload {
  const data = charLstmData();
  const vocabulary = data.vocab.tokens.length;
  const engine = charLstmEngine(data);
  const layers = charLstmFlopLayers({ vocabulary, embedding: CHAR_LSTM.embeddingDim, units: CHAR_LSTM.units, length: CHAR_LSTM.sequenceLength });
  return {
    id: 'char_lstm', label: WORKLOAD_LABELS.char_lstm, samplesPerStep: CHAR_LSTM.batchSize,
    flopsPerStep: trainingStepFlops(layers, CHAR_LSTM.batchSize),
    step: () => engine.step(), dispose: () => engine.dispose(),
    torchArgs: ['--char-vocabulary', String(vocabulary)],
  };
}

/** Build workload `id` on the active backend (seeded). */
export function buildWorkload(id: WorkloadId, seed = 1): Workload {
  switch (id) {
    case 'mlp': case 'lenet': return classifier(id, seed);
    case 'ae_mlp': case 'deep_ae': return autoencoder(id, seed);
    case 'vae_mlp': return vae(seed);
    case 'dcgan': return dcgan(seed);
    case 'char_lstm': return charLstm();
  }
}
