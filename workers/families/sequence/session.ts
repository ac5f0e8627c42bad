/**
 * The sequence family's training session for the trainer: one network of
 * named variables, one optimiser; each step a batch of the epoch's seeded
 * order (windows of the corpus, or task examples) with clipped gradients;
 * each epoch end the objective's scores; each logged step the diagnostics
 * (gradient through time, attention maps, generated text) as artifacts.
 */
import type * as tf from '@tensorflow/tfjs';
import type { SequenceHyper } from '../../common/families/sequence/config';
import { deriveSeed } from '../../common/prng';
import { epochOrder } from '../../common/sequence/batches';
import { decode } from '../../common/sequence/vocabulary';
import { stepArtifactPath, writeJsonArtifact } from '../../engine/galleryFiles';
import type { MetricValues } from '../../engine/trainer';
import type { FamilyContext, FamilySession } from '../familyRun';
import { disposeBatch, lmBatchTensors, lmWindows, taskBatch, type Batch, type PreparedData } from './data';
import { attentionDocument, firstToLast, gradientDocument, gradientThroughTime, textSamples } from './diagnostics';
import { lmScores, taskScores, type SequenceMetricKey } from './evaluate';
import type { SequenceNetwork } from './network';
import { trainStep } from './objective';

/** Examples the diagnostics read (the validation set's first). */
const DIAGNOSTIC_EXAMPLES = 32;
/** Examples whose attention maps are stored. */
const ATTENTION_EXAMPLES = 4;
/** Tokens of a validation window used as the prompt when no seed text is given. */
const PROMPT_TOKENS = 32;

export interface SequenceSessionOptions {
  net: SequenceNetwork;
  optimizer: tf.Optimizer;
  data: PreparedData;
  hyper: SequenceHyper;
  ctx: FamilyContext<'sequence'>;
}

/** How an epoch's batches are cut: a count of items and a batch for a slice of the epoch's order. */
function batching(data: PreparedData): { items: number; batch(ids: Int32Array): Batch; diagnostic(): Batch } {
  if (data.objective === 'lm') {
    const windows = lmWindows(data.train, data.windowLength);
    const val = lmWindows(data.validation, data.windowLength);
    return {
      items: windows.length,
      batch: (ids) => lmBatchTensors(data.train, Array.from(ids, (i) => windows[i]!), data.windowLength),
      diagnostic: () => lmBatchTensors(data.validation, val.slice(0, DIAGNOSTIC_EXAMPLES), data.windowLength),
    };
  }
  return {
    items: data.train.length,
    batch: (ids) => taskBatch(data, Array.from(ids, (i) => data.train[i]!)),
    diagnostic: () => taskBatch(data, data.validation.slice(0, DIAGNOSTIC_EXAMPLES)),
  };
}

export function sequenceSession(o: SequenceSessionOptions): FamilySession<'sequence'> {
  const { net, data, hyper: h, ctx } = o;
  const cut = batching(data);
  const batchSize = Math.min(h.batchSize, cut.items);
  let order: Int32Array = new Int32Array(0);
  let totals = { nats: 0, tokens: 0, correct: 0 };
  let lastGradNorm = 0;

  async function writeDiagnostics(step: number, epoch: number): Promise<void> {
    if (ctx.runDir === undefined) return;
    const runDir = ctx.runDir;
    const batch = cut.diagnostic();
    try {
      const g = gradientThroughTime(net, batch, data.objective);
      if (g) {
        const ratio = firstToLast(g.layers[0]!.norms);
        const file = stepArtifactPath(runDir, 'gradient-through-time', step, 'json');
        await writeJsonArtifact(file, gradientDocument(step, epoch, g, lastGradNorm));
        ctx.sink.sample('gradient-through-time', step, file, { epoch, layers: g.layers.map((l) => l.id), firstToLastRatio: ratio });
        ctx.sink.metric('grad_first_to_last', step, ratio);
      }
      if (net.attentionLayers.length > 0) {
        const n = Math.min(ATTENTION_EXAMPLES, batch.size);
        const doc = await attentionDocument(net, batch, data.vocab, step, epoch, Array.from({ length: n }, (_, i) => i));
        const file = stepArtifactPath(runDir, 'attention', step, 'json');
        await writeJsonArtifact(file, doc);
        ctx.sink.sample('attention', step, file, { epoch, layers: net.attentionLayers.map((a) => a.id), examples: n });
      }
    } finally {
      disposeBatch(batch);
    }
    if (data.objective === 'lm') {
      const prompt = h.seedText !== '' ? h.seedText : decode(data.vocab, data.validation[0]!.subarray(0, PROMPT_TOKENS));
      const doc = await textSamples(net, data.vocab, prompt, h, data.windowLength, step, epoch);
      const file = stepArtifactPath(runDir, 'text-samples', step, 'json');
      await writeJsonArtifact(file, doc);
      ctx.sink.sample('text-samples', step, file, { epoch, temperature: h.temperature, topK: h.topK, seed: h.seed, seedText: prompt });
    }
  }

  return {
    parts: [{ name: 'sequence', weights: { variables: net.variables } }],
    optimizers: [o.optimizer],
    epochs: h.epochs,
    stepsPerEpoch: Math.ceil(cut.items / batchSize),
    sampleEverySteps: h.sampleEverySteps,
    galleryAtStart: true,
    startEpoch: (epoch) => {
      // The same order for an epoch whether or not the run was resumed.
      order = epochOrder(cut.items, h.seed, epoch);
      totals = { nats: 0, tokens: 0, correct: 0 };
    },
    step: async ({ batchIndex, step }) => {
      const start = batchIndex * batchSize;
      const batch = cut.batch(order.subarray(start, Math.min(start + batchSize, cut.items)));
      try {
        const r = await trainStep(net, o.optimizer, batch, h, deriveSeed(h.seed, step));
        totals.nats += r.loss * r.tokens; totals.tokens += r.tokens; totals.correct += r.correct;
        lastGradNorm = r.gradNorm;
        const values: MetricValues<SequenceMetricKey> = { loss: r.loss, grad_norm: r.gradNorm, grad_norm_clipped: r.appliedNorm };
        return { values, checked: [{ value: r.loss, learningRate: h.learningRate }] };
      } finally {
        disposeBatch(batch);
      }
    },
    endEpoch: async (epoch) => {
      const epochLoss = totals.nats / Math.max(1, totals.tokens);
      const metrics: MetricValues<SequenceMetricKey> = { epoch_loss: epochLoss };
      if (data.objective === 'lm') {
        metrics.epoch_bits_per_char = epochLoss / Math.LN2 / data.charsPerToken;
        Object.assign(metrics, await lmScores(net, data));
      } else {
        if (data.objective === 'classification') metrics.accuracy = totals.correct / Math.max(1, totals.tokens);
        Object.assign(metrics, await taskScores(net, data, h));
      }
      return { metrics, log: epochLog(epoch, h.epochs, metrics) };
    },
    galleries: writeDiagnostics,
    dispose: () => {
      net.dispose();
      o.optimizer.dispose();
    },
  };
}

function epochLog(epoch: number, epochs: number, m: MetricValues<SequenceMetricKey>): string {
  const parts = [`loss ${m.epoch_loss?.toFixed(4)} nats/token`];
  if (m.val_bits_per_char !== undefined) parts.push(`validation ${m.val_bits_per_char.toFixed(3)} bits/char, perplexity ${m.val_perplexity?.toFixed(2)}`);
  if (m.val_accuracy !== undefined) parts.push(`validation accuracy ${m.val_accuracy.toFixed(4)}, test ${m.test_accuracy?.toFixed(4)}`);
  if (m.val_sequence_accuracy !== undefined) parts.push(`validation sequence accuracy ${m.val_sequence_accuracy.toFixed(4)}, test ${m.test_sequence_accuracy?.toFixed(4)}`);
  return `Epoch ${epoch}/${epochs}: ${parts.join('; ')}`;
}
