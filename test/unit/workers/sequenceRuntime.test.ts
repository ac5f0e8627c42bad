/**
 * The sequence runtime's pieces against references: the fused LSTM and GRU
 * equal tf.layers' cells with the same weights; the transposed-gradient
 * matrix product equals tf.matMul's gradient; the orthogonal kernels are
 * orthogonal; probes give ∂L/∂h_t through time; templates meet their
 * contract and the contract refuses what does not fit; decoding and the
 * stateful sampler agree with the windowed one.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sequenceConfigSchema, textDataSchema } from '../../../workers/common/families/sequence/config';
import { checkSequenceGraph } from '../../../workers/common/families/sequence/contract';
import { sequenceContract } from '../../../workers/common/families/sequence/index';
import { familyOf } from '../../../workers/common/families/registry';
import type { GraphDocument } from '../../../workers/common/graph';
import { inferShapes } from '../../../workers/common/shapes';
import { runCell, initialBias, stackSteps } from '../../../workers/families/sequence/cells';
import { buildSequenceNetwork } from '../../../workers/families/sequence/network';
import { beamDecode, greedyDecode, sampleTokens } from '../../../workers/families/sequence/decode';
import { prepareText } from '../../../workers/families/sequence/data';
import { clipGradients, globalNorm } from '../../../workers/families/sequence/objective';
import { mm, mmTransposed } from '../../../workers/families/sequence/ops';
import { orthogonalMatrix } from '../../../workers/families/sequence/weights';

beforeAll(async () => { await tf.setBackend('cpu'); });

const close = (a: tf.Tensor, b: tf.Tensor, tol = 1e-5): void => {
  const d = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;
  expect(d).toBeLessThan(tol);
};

describe('fused cells equal tf.layers cells', () => {
  for (const kind of ['lstm', 'gru', 'simpleRnn'] as const) {
    it(`${kind}: same outputs for the same weights (sigmoid gates), batch 3, 5 steps`, () => {
      const H = 4; const D = 3;
      const x = tf.randomNormal([3, 5, D], 0, 1, 'float32', 7) as tf.Tensor3D;
      const layer = kind === 'lstm' ? tf.layers.lstm({ units: H, returnSequences: true, recurrentActivation: 'sigmoid' })
        : kind === 'gru' ? tf.layers.gru({ units: H, returnSequences: true, recurrentActivation: 'sigmoid' })
          : tf.layers.simpleRNN({ units: H, returnSequences: true });
      const ref = layer.apply(x) as tf.Tensor;
      const [kernel, recurrent, bias] = layer.getWeights();
      const ours = tf.stack(runCell({ kind, units: H, activation: 'tanh', recurrentActivation: 'sigmoid' }, { kernel: kernel!, recurrent: recurrent!, bias: bias! }, x).outputs, 1);
      close(ours, ref);
    });
  }

  it('the LSTM forget gate starts at 1 with unitForgetBias, 0 without', () => {
    expect(Array.from(initialBias('lstm', 2, true))).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
    expect(Array.from(initialBias('lstm', 2, false))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(initialBias('gru', 2, true))).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('ops', () => {
  it('mm: value and gradients equal tf.matMul’s', () => {
    const a = tf.randomNormal([4, 3], 0, 1, 'float32', 1);
    const b = tf.randomNormal([3, 5], 0, 1, 'float32', 2);
    const f = (g: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor) => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(g(x, y))))([a, b]);
    close(mm(a, b), tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D));
    const [ga, gb] = f(mm);
    const [ra, rb] = f((x, y) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D));
    close(ga!, ra!, 1e-4); close(gb!, rb!, 1e-4);
  });

  it('mmTransposed (uᵀ hoisted out of the loop): value and gradients equal tf.matMul’s', () => {
    const a = tf.randomNormal([4, 3], 0, 1, 'float32', 3);
    const b = tf.randomNormal([3, 5], 0, 1, 'float32', 4);
    const f = (g: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor) => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(g(x, y))))([a, b]);
    const hoisted = (x: tf.Tensor, y: tf.Tensor) => mmTransposed(tf.transpose(y))(x, y);
    close(hoisted(a, b), tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D));
    const [ga, gb] = f(hoisted);
    const [ra, rb] = f((x, y) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D));
    close(ga!, ra!, 1e-4); close(gb!, rb!, 1e-4);
  });

  it('stackSteps: [B, H] × T → [B, T, H] with each step’s gradient its own slice of dy', () => {
    const steps = [0, 1, 2].map((t) => tf.tensor2d([t, 10 + t, 20 + t, 30 + t], [2, 2]));
    const stacked = stackSteps(steps as tf.Tensor2D[]);
    expect(stacked.shape).toEqual([2, 3, 2]);
    expect(stacked.arraySync()).toEqual([[[0, 10], [1, 11], [2, 12]], [[20, 30], [21, 31], [22, 32]]]);
    // L = Σ w ⊙ stacked with w[b, t, h] = 100b + 10t + h: ∂L/∂step_t[b, h] = 100b + 10t + h.
    const w = tf.tensor3d([0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121], [2, 3, 2]);
    const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(stackSteps(xs as tf.Tensor2D[]), w)))(steps);
    expect(grads.map((g) => g.arraySync())).toEqual([[[0, 1], [100, 101]], [[10, 11], [110, 111]], [[20, 21], [120, 121]]]);
  });

  it('orthogonal kernels: rows orthonormal for [8, 32], columns for [32, 8]; the same seed gives the same matrix', () => {
    for (const [r, c] of [[8, 32], [32, 8]] as const) {
      const m = tf.tensor2d(orthogonalMatrix(r, c, 9), [r, c]);
      const gram = r <= c ? tf.matMul(m, m, false, true) : tf.matMul(m, m, true, false);
      close(gram, tf.eye(Math.min(r, c)), 1e-5);
    }
    expect(orthogonalMatrix(4, 8, 3)).toEqual(orthogonalMatrix(4, 8, 3));
  });

  it('clipping: global norm rescales to the threshold and keeps directions; by value clips each element', () => {
    const grads = { a: tf.tensor1d([3, 0]), b: tf.tensor1d([0, 4]) };
    const norm = globalNorm(Object.values(grads));
    expect(norm.dataSync()[0]).toBeCloseTo(5, 5);
    const byNorm = clipGradients(grads, norm, { clip: 'global-norm', clipThreshold: 1 });
    expect(Array.from(byNorm['a']!.dataSync())).toEqual([expect.closeTo(0.6, 5), 0]);
    expect(globalNorm(Object.values(byNorm)).dataSync()[0]).toBeCloseTo(1, 5);
    const byValue = clipGradients(grads, norm, { clip: 'value', clipThreshold: 2 });
    expect(Array.from(byValue['b']!.dataSync())).toEqual([0, 2]);
    const below = clipGradients(grads, norm, { clip: 'global-norm', clipThreshold: 10 });
    expect(Array.from(below['b']!.dataSync())).toEqual([0, 4]);
  });
});

function templateFor(raw: unknown, vocabulary = 12): { doc: GraphDocument; config: ReturnType<typeof sequenceConfigSchema.parse> } {
  const config = sequenceConfigSchema.parse(raw);
  const contract = sequenceContract(config, vocabulary);
  const t = 'template' in config.architecture ? config.architecture.template : 'rnn-lm';
  return { doc: familyOf('sequence').network.template(t, contract, config) as GraphDocument, config };
}

describe('templates and the contract', () => {
  const cases = [
    { family: 'sequence', architecture: { template: 'rnn-lm' }, data: { source: 'text', sequenceLength: 16 }, hyper: { layers: 2, dropout: 0.1, cell: 'gru' } },
    { family: 'sequence', architecture: { template: 'transformer-lm' }, data: { source: 'text', sequenceLength: 16 } },
    { family: 'sequence', architecture: { template: 'rnn-classifier' }, data: { source: 'task', task: { task: 'parity', length: 7 } }, hyper: { bidirectional: true, inputEncoding: 'oneHot' } },
    { family: 'sequence', architecture: { template: 'seq2seq-attention' }, data: { source: 'task', task: { task: 'date' } }, hyper: { attention: 'additive' } },
  ];
  for (const raw of cases) {
    it(`${raw.architecture.template} for ${raw.data.source === 'text' ? 'text' : raw.data.task!.task} meets its contract`, () => {
      const { doc, config } = templateFor(raw);
      const errors = checkSequenceGraph(inferShapes(doc), sequenceContract(config, 12), doc);
      expect(errors).toEqual([]);
    });
  }

  it('refuses a template of another objective, a wrong input length, a too-small embedding and a missing token reader', () => {
    const lm = sequenceConfigSchema.parse(cases[0]);
    expect(() => familyOf('sequence').network.template('rnn-classifier', sequenceContract(lm, 12), lm)).toThrow("The template 'rnn-classifier' is for classification, but this run's data asks for lm");
    const { doc } = templateFor(cases[0]);
    const other = sequenceContract(sequenceConfigSchema.parse({ ...cases[0], data: { source: 'text', sequenceLength: 20 } }), 12);
    expect(checkSequenceGraph(inferShapes(doc), other, doc).map((e) => e.message)).toContain("The input 'x' takes [16] but this run's sequences are [20]");
    const bigger = sequenceContract(lm, 40);
    expect(checkSequenceGraph(inferShapes(doc), bigger, doc).map((e) => e.hint)).toContain('Set inputDim to 40');
  });
});

describe('the network', () => {
  it('probes: ∂L/∂h_t through time equals the finite difference of the loss in h_t’s direction (SimpleRNN, 4 steps)', () => {
    const { doc } = templateFor({ family: 'sequence', architecture: { template: 'rnn-classifier' }, data: { source: 'task', task: { task: 'parity', length: 4 } }, hyper: { cell: 'simpleRnn', units: 3 } }, 6);
    const net = buildSequenceNetwork(doc, 1);
    const x = tf.tensor2d([[4, 5, 5, 4], [5, 4, 4, 4]], [2, 4], 'int32');
    const loss = (probes: tf.Tensor[]) => tf.sum(net.forward({ x }, { training: false, probes: new Map([['rnn1', probes]]) }).logits);
    const zeros = Array.from({ length: 4 }, () => tf.zeros([2, 3]));
    const grads = tf.grads((...ps: tf.Tensor[]) => loss(ps))(zeros);
    // Nudge h_1 of the first example's first unit: later steps (and the loss) move through the recurrence.
    const eps = 1e-3;
    const nudged = zeros.map((z, t) => (t === 0 ? tf.tensor2d([[eps, 0, 0], [0, 0, 0]]) : z));
    const fd = (loss(nudged).dataSync()[0]! - loss(zeros).dataSync()[0]!) / eps;
    expect(grads[0]!.dataSync()[0]!).toBeCloseTo(fd, 2);
    expect(grads.every((g) => g.shape.join() === '2,3')).toBe(true);
    net.dispose();
  });

  it('sampling carries the LSTM state token by token exactly as re-reading the window does (same seed, same tokens)', async () => {
    const { doc } = templateFor({ family: 'sequence', architecture: { template: 'rnn-lm' }, data: { source: 'text', sequenceLength: 64 }, hyper: { units: 8, embeddingDim: 4 } }, 10);
    const net = buildSequenceNetwork(doc, 2);
    expect(net.stateful).toBe(true);
    const strategy = { kind: 'sample' as const, temperature: 1 };
    const stateful = await sampleTokens(net, [4, 5, 6], 12, 7, strategy, 64);
    const windowed = await sampleTokens({ ...net, stateful: false }, [4, 5, 6], 12, 7, strategy, 64);
    expect(stateful.tokens).toEqual(windowed.tokens);
    expect(stateful.meanBits).toBeCloseTo(windowed.meanBits, 3);
    net.dispose();
  });

  it('beam search: width 1 decodes as greedy does; width 4 finds a sequence at least as likely as greedy’s (untrained seq2seq, reverse-4)', async () => {
    const { doc } = templateFor({ family: 'sequence', architecture: { template: 'seq2seq-attention' }, data: { source: 'task', task: { task: 'reverse', length: 4, symbols: 4 } }, hyper: { units: 8, embeddingDim: 4 } }, 8);
    const net = buildSequenceNetwork(doc, 3);
    const D = 5;
    const logProb = (source: tf.Tensor, keyMask: tf.Tensor, tokens: number[]): number => tf.tidy(() => {
      const input = [2, ...tokens].concat(Array(D).fill(0)).slice(0, D);
      const target = [...tokens, 3].concat(Array(D).fill(0)).slice(0, D);
      const lp = tf.logSoftmax(net.forward({ source, target: tf.tensor2d([input], [1, D], 'int32') }, { training: false, keyMask }).logits).arraySync() as number[][][];
      return target.slice(0, tokens.length + 1).reduce((a, t, j) => a + lp[0]![j]![t]!, 0);
    });
    for (const row of [[4, 5, 6, 7], [7, 7, 4, 5], [5, 4, 6, 6]]) {
      const source = tf.tensor2d([row], [1, 4], 'int32');
      const keyMask = tf.ones([1, 4]);
      const greedy = (await greedyDecode(net, source, keyMask, D))[0]!;
      expect(await beamDecode(net, source, keyMask, D, 1)).toEqual(greedy);
      const beam = await beamDecode(net, source, keyMask, D, 4);
      expect(logProb(source, keyMask, beam)).toBeGreaterThanOrEqual(logProb(source, keyMask, greedy) - 1e-5);
    }
    net.dispose();
  });

  it('a word-level corpus: the cap keeps the most frequent words, the rest are <unk>; bits per character divide by the characters per token', () => {
    const text = 'the cat and the dog and the bird saw the cat.\n'.repeat(40);
    const d = prepareText(text, textDataSchema.parse({ source: 'text', corpus: 'x', level: 'word', vocabularyCap: 10, sequenceLength: 8, validationFraction: 0.2 }), 1);
    expect(d.vocab.tokens).toHaveLength(10);
    expect(d.vocab.tokens.slice(4, 7)).toEqual(['the', 'and', 'cat']);
    // 46 characters and 13 tokens (11 words, '.', '\n') per line.
    expect(d.charsPerToken).toBeCloseTo(46 / 13, 10);
  });

  it('refuses a layer it does not train, naming it', () => {
    const doc: GraphDocument = { format: 'latent-graph', version: 1, name: 'bad', nodes: [
      { id: 'x', kind: 'input', label: 'x', params: { shape: [4, 4, 1] }, position: { x: 0, y: 0 } },
      { id: 'c', kind: 'conv2d', label: 'c', params: { filters: 2, kernelSize: 3, padding: 'same' }, position: { x: 0, y: 0 } },
    ], edges: [{ from: 'x', to: 'c', toPort: 0 }] };
    expect(() => buildSequenceNetwork(doc, 1)).toThrow("The sequence runtime does not train conv2d layers ('c')");
    // The services refuse it before anything is queued: the contract names the layer.
    const c = sequenceContract(sequenceConfigSchema.parse({ family: 'sequence', data: { source: 'text', sequenceLength: 4 } }), 8);
    expect(checkSequenceGraph(inferShapes(doc), c, doc)[0]).toMatchObject({ code: 'unknown-kind', nodeId: 'c', message: "A sequence model does not train conv2d layers ('c')" });
  });
});
