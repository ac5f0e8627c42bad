/**
 * The token and transformer kinds compiled with tf.js: a causal language
 * model graph (token ids → oneHot → dense → sinusoidal positions →
 * causal self-attention → softmax) has the inferred shape and parameter
 * count, never looks ahead, and its attention rows sum to 1; the sinusoidal
 * table matches a hand computation; the layers survive tf's JSON and our
 * checkpoints; an LSTM without unitForgetBias starts with a zero forget bias.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { GraphDocument } from '../../../workers/common/graph';
import { paletteGroups } from '../../../renderer/lib/editor/palette';
import { paramFields } from '../../../renderer/lib/editor/paramFields';
import { inferShapes } from '../../../workers/common/shapes';
import { defaultTemplateKnobs, sequenceTemplate } from '../../../workers/common/families/sequence/templates';
import { sequenceTemplateSchema } from '../../../workers/common/families/sequence/config';
import { selectBackend } from '../../../workers/engine/backend';
import { loadCheckpoint, saveCheckpoint } from '../../../workers/engine/checkpoint';
import { compileGraph } from '../../../workers/engine/compileGraph';
import { sinusoidalTable } from '../../../workers/engine/positionalEncoding';
import { randomLayers } from '../../../workers/engine/randomLayers';
import { SelfAttentionBlock } from '../../../workers/engine/selfAttentionLayer';

type Node = GraphDocument['nodes'][number];
const n = (id: string, kind: string, params: Record<string, unknown> = {}): Node => ({ id, kind, params });
function chainDoc(nodes: Node[]): GraphDocument {
  return { format: 'latent-graph', version: 1, name: 't', nodes, edges: nodes.slice(1).map((x, i) => ({ from: nodes[i]!.id, to: x.id, toPort: 0 })) };
}

const T = 6;
const VOCAB = 10;
const lm = chainDoc([
  n('x', 'input', { shape: [T] }),
  n('oh', 'oneHot', { depth: VOCAB }),
  n('proj', 'dense', { units: 8 }),
  n('pe', 'positionalEncoding', { encoding: 'sinusoidal', maxLength: 16 }),
  n('sa', 'selfAttention', { heads: 2, ffUnits: 16, causal: true, dropout: 0.1 }),
  n('out', 'dense', { units: VOCAB, activation: 'softmax' }),
]);
const TOKENS = [[3, 1, 4, 1, 5, 9], [2, 6, 5, 3, 5, 8]];

describe('token and transformer layers in tf.js', () => {
  let dir = '';
  beforeAll(async () => {
    await selectBackend('cpu');
    dir = mkdtempSync(join(tmpdir(), 'lw-transformer-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a causal LM graph: the inferred shape and parameter count, finite probabilities', () => {
    const report = inferShapes(lm);
    expect(report.errors).toEqual([]);
    // dense 10·8 + 8 = 88; block (d 8, f 16) 32 + 288 + 280 = 600; head 8·10 + 10 = 90.
    expect(report.totalParams).toBe(88 + 600 + 90);
    const model = compileGraph(lm, { seed: 4 });
    expect(model.countParams()).toBe(report.totalParams);
    expect(model.outputs[0]!.shape).toEqual([null, T, VOCAB]);
    tf.tidy(() => {
      const y = model.predict(tf.tensor2d(TOKENS)) as tf.Tensor;
      expect(y.shape).toEqual([2, T, VOCAB]);
      for (const s of tf.sum(y, -1).dataSync()) expect(s).toBeCloseTo(1, 5);
    });
    model.dispose();
  });

  it('is causal: changing token t+1 leaves the outputs at steps ≤ t unchanged', () => {
    const model = compileGraph(lm, { seed: 4 });
    const base = tf.tidy(() => (model.predict(tf.tensor2d([TOKENS[0]!])) as tf.Tensor).arraySync() as number[][][]);
    for (let t = 0; t < T - 1; t++) {
      const changed = [...TOKENS[0]!];
      changed[t + 1] = (changed[t + 1]! + 7) % VOCAB;
      const y = tf.tidy(() => (model.predict(tf.tensor2d([changed])) as tf.Tensor).arraySync() as number[][][]);
      for (let s = 0; s <= t; s++) for (let k = 0; k < VOCAB; k++) expect(Math.abs(y[0]![s]![k]! - base[0]![s]![k]!)).toBeLessThan(1e-5);
      // The positive control: the changed step itself does move.
      const moved = y[0]![t + 1]!.some((v, k) => Math.abs(v - base[0]![t + 1]![k]!) > 1e-4);
      expect(moved).toBe(true);
    }
    model.dispose();
  });

  it('attention rows sum to 1 and put no weight on later steps', () => {
    const model = compileGraph(lm, { seed: 4 });
    const block = model.getLayer('sa');
    expect(block).toBeInstanceOf(SelfAttentionBlock);
    const upTo = tf.model({ inputs: model.inputs, outputs: model.getLayer('pe').output as tf.SymbolicTensor });
    tf.tidy(() => {
      const x = upTo.predict(tf.tensor2d(TOKENS)) as tf.Tensor;
      const { output, attention } = (block as SelfAttentionBlock).attend(x);
      expect(attention.shape).toEqual([2, 2, T, T]);
      for (const s of tf.sum(attention, -1).dataSync()) expect(s).toBeCloseTo(1, 5);
      const a = attention.arraySync() as number[][][][];
      for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) expect(a[1]![0]![i]![j]).toBe(0);
      // attend() without dropout is the layer's inference output.
      const y = block.apply(x) as tf.Tensor;
      expect(tf.max(tf.abs(tf.sub(y, output))).dataSync()[0]).toBeLessThan(1e-6);
    });
    model.dispose();
  });

  it('sinusoidal positions: PE[pos, 2i] = sin(pos/10000^(2i/d)), PE[pos, 2i+1] = cos(…), added to the input', () => {
    const table = sinusoidalTable(3, 4);
    // pos 0: sin 0, cos 0, sin 0, cos 0; pos 2: sin 2, cos 2, sin(2/100), cos(2/100).
    expect(Array.from(table.slice(0, 4))).toEqual([0, 1, 0, 1]);
    const expected2 = [0.9092974, -0.4161468, 0.0199987, 0.9998000];
    table.slice(8, 12).forEach((v, j) => expect(v).toBeCloseTo(expected2[j]!, 6));
    const model = compileGraph(chainDoc([n('x', 'input', { shape: [3, 4] }), n('pe', 'positionalEncoding', { maxLength: 3 })]), { seed: 1 });
    expect(model.countParams()).toBe(0);
    tf.tidy(() => {
      const y = (model.predict(tf.ones([1, 3, 4])) as tf.Tensor).dataSync();
      expect(y[9]).toBeCloseTo(1 - 0.4161468, 6);
    });
    model.dispose();
  });

  it('a learned table is a [maxLength, d] weight, seeded small uniform', () => {
    const doc = chainDoc([n('x', 'input', { shape: [3, 4] }), n('pe', 'positionalEncoding', { encoding: 'learned', maxLength: 5 })]);
    const a = compileGraph(doc, { seed: 1 });
    const b = compileGraph(doc, { seed: 1 });
    expect(a.countParams()).toBe(inferShapes(doc).totalParams);
    const [wa] = a.getWeights();
    expect(wa!.shape).toEqual([5, 4]);
    const values = Array.from(wa!.dataSync());
    expect(values.every((v) => Math.abs(v) <= 0.05)).toBe(true);
    expect(values).toEqual(Array.from(b.getWeights()[0]!.dataSync()));
    a.dispose(); b.dispose();
  });

  it('trains (gradients reach every weight) and dropout is seeded and only on while training', () => {
    const model = compileGraph(lm, { seed: 4 });
    const block = model.getLayer('sa') as SelfAttentionBlock;
    expect(randomLayers(model)).toContain(block);
    const state = block.getRngState();
    const x = tf.tensor3d([[[1, 0, 0, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0, 0, 0]]]);
    const drawn = (): Float32Array => tf.tidy(() => (block.apply(x, { training: true }) as tf.Tensor).dataSync() as Float32Array);
    const first = drawn();
    const second = drawn();
    expect(Array.from(first)).not.toEqual(Array.from(second));
    block.setRngState(state);
    expect(Array.from(drawn())).toEqual(Array.from(first));
    const inference = tf.tidy(() => [(block.apply(x) as tf.Tensor).dataSync(), (block.apply(x) as tf.Tensor).dataSync()]);
    expect(Array.from(inference[0]!)).toEqual(Array.from(inference[1]!));
    const before = model.getWeights().map((w) => w.dataSync().slice());
    const optimizer = tf.train.adam(0.01);
    tf.tidy(() => {
      const ids = tf.tensor2d(TOKENS);
      const target = tf.oneHot(tf.tensor2d(TOKENS, undefined, 'int32'), VOCAB).toFloat();
      optimizer.minimize(() => tf.losses.softmaxCrossEntropy(target, model.apply(ids, { training: true }) as tf.Tensor));
    });
    const after = model.getWeights();
    // Every weight moved: kernels, biases and layer norms alike.
    const moved = after.map((w, i) => Array.from(w.dataSync()).some((v, k) => v !== before[i]![k]));
    expect(moved.filter((m) => !m)).toEqual([]);
    x.dispose(); optimizer.dispose(); model.dispose();
  });

  it('round-trips through tf JSON and our checkpoints', async () => {
    const model = compileGraph(lm, { seed: 4 });
    const restored = await tf.models.modelFromJSON({ modelTopology: model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'] });
    expect(restored.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'OneHot', 'Dense', 'PositionalEncoding', 'SelfAttentionBlock', 'Dense']);
    expect((restored.getLayer('sa') as SelfAttentionBlock).getConfig()).toMatchObject({ heads: 2, ffUnits: 16, causal: true, dropout: 0.1 });
    await saveCheckpoint(dir, model, undefined, { epoch: 1, step: 2, rng: {} });
    await loadCheckpoint(dir, restored);
    tf.tidy(() => {
      const ids = tf.tensor2d(TOKENS);
      const d = tf.max(tf.abs(tf.sub(model.predict(ids) as tf.Tensor, restored.predict(ids) as tf.Tensor))).dataSync()[0];
      expect(d).toBe(0);
    });
    model.dispose(); restored.dispose();
  });

  it('an LSTM starts with forget bias 1 only when unitForgetBias (tf orders the gates i, f, c, o)', () => {
    const units = 3;
    for (const unitForgetBias of [true, false]) {
      const model = compileGraph(chainDoc([n('x', 'input', { shape: [4, 2] }), n('l', 'lstm', { units, unitForgetBias })]), { seed: 1 });
      const bias = Array.from(model.getLayer('l').getWeights()[2]!.dataSync());
      expect(bias).toEqual([0, 0, 0, ...Array<number>(units).fill(unitForgetBias ? 1 : 0), 0, 0, 0, 0, 0, 0]);
      model.dispose();
    }
  });

  it("every sequence template (one-hot and embedding inputs, each attention score) compiles with the inferred parameter count", () => {
    const shape = { inputLength: 6, vocabularySize: 11, classes: 3, decoderLength: 5 };
    for (const template of sequenceTemplateSchema.options) {
      for (const knobs of [
        { ...defaultTemplateKnobs, units: 8, embeddingDim: 8, heads: 2, blocks: 1 },
        { ...defaultTemplateKnobs, units: 8, embeddingDim: 8, heads: 2, blocks: 1, inputEncoding: 'oneHot' as const, attention: 'additive' as const, unitForgetBias: false },
        { ...defaultTemplateKnobs, units: 8, embeddingDim: 8, heads: 2, blocks: 1, attention: 'dot' as const, cell: 'gru' as const },
      ]) {
        const doc = sequenceTemplate(template, shape, knobs);
        const report = inferShapes(doc);
        expect(report.errors, template).toEqual([]);
        const model = compileGraph(doc, { seed: 3 });
        expect(model.countParams(), template).toBe(report.totalParams);
        model.dispose();
      }
    }
  });

  it('the palette offers the causal self-attention block, and attention offers the general score', () => {
    const sequence = paletteGroups.find((g) => g.id === 'sequence')!.items;
    const causal = sequence.find((i) => i.title === 'Causal self-attention');
    expect(causal).toMatchObject({ kind: 'selfAttention', defaults: { causal: true } });
    expect(sequence.map((i) => i.kind)).toEqual(expect.arrayContaining(['oneHot', 'positionalEncoding', 'selfAttention']));
    const score = paramFields('attention').find((f) => f.key === 'score');
    expect(score?.options).toEqual(['dot', 'general', 'additive']);
  });
});
