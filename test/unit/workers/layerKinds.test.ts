/**
 * The layer kinds added for sequences, residual nets, PixelCNN and VAEs:
 * shape inference and parameter counts agree with the compiled tf model,
 * errors name the node and the fix, and the custom layers compute what they
 * say (masked convolution causality, attention weights, reparameterised
 * sampling). Plus the editor palette. That an LSTM learns a small sequence
 * task is the training tier's (test/training/lstmLearns.test.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { GraphDocument, GraphErrorCode } from '../../../workers/common/graph';
import { layerKinds, layerParamSchemas } from '../../../workers/common/layers';
import { layerPorts, paletteGroups } from '../../../renderer/lib/editor/palette';
import { inferShapes } from '../../../workers/common/shapes';
import { selectBackend } from '../../../workers/engine/backend';
import { compileGraph } from '../../../workers/engine/compileGraph';
import { causalMask2d, MaskedConv2d } from '../../../workers/engine/maskedConv2d';
import { mulberry32 } from '../../../workers/engine/prng';
import { reparameterise, Sampling } from '../../../workers/engine/sampling';
import { attend, attentionWeights, SequenceAttention } from '../../../workers/engine/sequenceAttention';

type Node = GraphDocument['nodes'][number];
const n = (id: string, kind: string, params: Record<string, unknown> = {}): Node => ({ id, kind, params });

/** A chain: each node feeds the next on port 0. */
function chainDoc(nodes: Node[]): GraphDocument {
  const edges = nodes.slice(1).map((x, i) => ({ from: nodes[i]!.id, to: x.id, toPort: 0 }));
  return { format: 'latent-graph', version: 1, name: 't', nodes, edges };
}

/** A DAG: edges [from, to, port]. */
function dagDoc(nodes: Node[], edges: [string, string, number?][]): GraphDocument {
  return { format: 'latent-graph', version: 1, name: 't', nodes, edges: edges.map(([from, to, toPort]) => ({ from, to, toPort: toPort ?? 0 })) };
}

function randomArray(count: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rnd = mulberry32(seed);
  return Float32Array.from({ length: count }, () => lo + (hi - lo) * rnd());
}

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/**
 * inferShapes agrees with the compiled model: no errors, totalParams =
 * countParams(), the output shape, every named layer's output shape; and a
 * real forward pass of a batch of 3 has the inferred shape.
 */
function expectAgrees(doc: GraphDocument, expected: { shape: number[]; params?: number }, feed?: (shape: number[], i: number) => tf.Tensor): void {
  const report = inferShapes(doc);
  expect(report.errors).toEqual([]);
  expect(report.outputShape).toEqual(expected.shape);
  if (expected.params !== undefined) expect(report.totalParams).toBe(expected.params);
  const model = compileGraph(doc, { seed: 5 });
  try {
    expect(model.countParams()).toBe(report.totalParams);
    expect(model.outputs[0]!.shape).toEqual([null, ...expected.shape]);
    for (const node of report.nodes) {
      if (node.kind === 'input' || node.kind === 'flatten') continue;
      expect(model.getLayer(node.nodeId).outputShape, node.nodeId).toEqual([null, ...node.outputShape]);
    }
    const xs = report.inputs.map((inp, i) => (feed ? feed(inp.shape, i) : tf.tensor(randomArray(3 * size(inp.shape), 10 + i), [3, ...inp.shape])));
    const y = model.predict(xs.length === 1 ? xs[0]! : xs) as tf.Tensor;
    expect(y.shape).toEqual([3, ...expected.shape]);
    expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([y, ...xs]);
  } finally {
    model.dispose();
  }
}

describe('new layer kinds: shapes and parameter counts equal tf\'s', () => {
  beforeAll(async () => { await selectBackend('cpu'); });

  it('add: two or three inputs of the same shape, and a residual connection', () => {
    expectAgrees(dagDoc(
      [n('a', 'input', { shape: [6] }), n('b', 'input', { shape: [5], name: 'b' }), n('da', 'dense', { units: 4 }), n('db', 'dense', { units: 4 }), n('sum', 'add')],
      [['a', 'da'], ['b', 'db'], ['da', 'sum', 0], ['db', 'sum', 1]],
    ), { shape: [4], params: 6 * 4 + 4 + 5 * 4 + 4 });
    expectAgrees(dagDoc(
      [n('x', 'input', { shape: [8] }), n('h', 'dense', { units: 8, activation: 'relu' }), n('h2', 'dense', { units: 8 }), n('res', 'add')],
      [['x', 'h'], ['h', 'h2'], ['x', 'res', 0], ['h', 'res', 1], ['h2', 'res', 2]],
    ), { shape: [8], params: 2 * (8 * 8 + 8) });
  });

  it('global average and max pooling: [h, w, c] → [c]', () => {
    for (const kind of ['globalAvgPool2d', 'globalMaxPool2d']) {
      expectAgrees(chainDoc([n('x', 'input', { shape: [6, 5, 3] }), n('c', 'conv2d', { filters: 4 }), n('g', kind)]), { shape: [4], params: 3 * 3 * 3 * 4 + 4 });
    }
  });

  it('layer norm: 2 × features, on vectors and sequences', () => {
    expectAgrees(chainDoc([n('x', 'input', { shape: [5] }), n('ln', 'layerNorm')]), { shape: [5], params: 10 });
    expectAgrees(chainDoc([n('x', 'input', { shape: [4, 6] }), n('ln', 'layerNorm', { epsilon: 1e-5 })]), { shape: [4, 6], params: 12 });
  });

  it('embedding: [T] ids → [T, outputDim], inputDim × outputDim weights', () => {
    const ids = (shape: number[]): tf.Tensor => tf.tensor(Float32Array.from({ length: 3 * size(shape) }, (_, i) => (i * 7) % 20), [3, ...shape]);
    expectAgrees(chainDoc([n('x', 'input', { shape: [7] }), n('e', 'embedding', { inputDim: 20, outputDim: 5 })]), { shape: [7, 5], params: 100 }, ids);
    expectAgrees(chainDoc([
      n('x', 'input', { shape: [7] }), n('e', 'embedding', { inputDim: 20, outputDim: 5 }), n('r', 'lstm', { units: 3 }), n('out', 'dense', { units: 2, activation: 'softmax' }),
    ]), { shape: [2], params: 100 + 4 * 3 * (5 + 3 + 1) + 3 * 2 + 2 }, ids);
  });

  it('dense on a [T, F] sequence applies per step', () => {
    expectAgrees(chainDoc([n('x', 'input', { shape: [5, 3] }), n('d', 'dense', { units: 6, activation: 'leakyRelu' })]), { shape: [5, 6], params: 3 * 6 + 6 });
    expectAgrees(chainDoc([n('x', 'input', { shape: [5, 3] }), n('d', 'dense', { units: 6, useBias: false })]), { shape: [5, 6], params: 18 });
  });

  const gates = { simpleRnn: 1, lstm: 4, gru: 3 } as const;
  const T = 5;
  const F = 3;
  const U = 4;
  for (const kind of ['simpleRnn', 'lstm', 'gru'] as const) {
    const perDirection = gates[kind] * U * (F + U + 1);
    it(`${kind}: ${gates[kind]}·units·(F + units + 1) weights, last state or every step`, () => {
      expectAgrees(chainDoc([n('x', 'input', { shape: [T, F] }), n('r', kind, { units: U })]), { shape: [U], params: perDirection });
      expectAgrees(chainDoc([n('x', 'input', { shape: [T, F] }), n('r', kind, { units: U, returnSequences: true, activation: 'relu' })]), { shape: [T, U], params: perDirection });
    });
    for (const mergeMode of ['concat', 'sum', 'mul', 'ave'] as const) {
      it(`bidirectional ${kind}, mergeMode ${mergeMode}: twice the weights${mergeMode === 'concat' ? ', twice the units' : ''}`, () => {
        const units = mergeMode === 'concat' ? 2 * U : U;
        expectAgrees(chainDoc([n('x', 'input', { shape: [T, F] }), n('r', kind, { units: U, bidirectional: true, mergeMode, returnSequences: true })]), { shape: [T, units], params: 2 * perDirection });
        expectAgrees(chainDoc([n('x', 'input', { shape: [T, F] }), n('r', kind, { units: U, bidirectional: true, mergeMode })]), { shape: [units], params: 2 * perDirection });
      });
    }
  }

  it('stacked recurrent layers and a head', () => {
    expectAgrees(chainDoc([
      n('x', 'input', { shape: [T, F] }),
      n('r1', 'gru', { units: U, returnSequences: true, bidirectional: true }),
      n('r2', 'simpleRnn', { units: 2, returnSequences: true }),
      n('d', 'dense', { units: 3 }),
      n('f', 'flatten'),
    ]), { shape: [T * 3], params: 2 * 3 * U * (F + U + 1) + 2 * (2 * U + 2 + 1) + 2 * 3 + 3 });
  });

  it('recurrent layers are reproducible given a seed, and a bidirectional layer\'s backward copy starts from weights of its own', () => {
    const doc = chainDoc([n('x', 'input', { shape: [T, F] }), n('r', 'lstm', { units: U, bidirectional: true })]);
    const [a, b, c] = [5, 5, 6].map((seed) => compileGraph(doc, { seed }));
    const w = (m: tf.LayersModel): number[][] => m.getWeights().map((t) => Array.from(t.dataSync()));
    expect(w(a!)).toEqual(w(b!));
    expect(w(a!)).not.toEqual(w(c!));
    const ws = w(a!);
    expect(ws).toHaveLength(6); // forward kernel, recurrent, bias; backward the same
    expect(ws[3]).not.toEqual(ws[0]);
    expect(ws[4]).not.toEqual(ws[1]);
    // unitForgetBias: the forget gate's bias starts at 1 (Keras' default), the others at 0.
    expect(ws[2]!.slice(U, 2 * U)).toEqual(Array(U).fill(1));
    expect(ws[2]!.slice(0, U)).toEqual(Array(U).fill(0));
    [a, b, c].forEach((m) => m!.dispose());
  });

  it('the recurrent activation is passed explicitly (sigmoid by default, not tf\'s hardSigmoid)', () => {
    const m = compileGraph(chainDoc([n('x', 'input', { shape: [T, F] }), n('r', 'gru', { units: U })]), { seed: 1 });
    const cfg = m.getLayer('r').getConfig();
    expect(cfg['recurrentActivation']).toBe('sigmoid');
    m.dispose();
    const h = compileGraph(chainDoc([n('x', 'input', { shape: [T, F] }), n('r', 'lstm', { units: U, recurrentActivation: 'hardSigmoid' })]), { seed: 1 });
    expect(h.getLayer('r').getConfig()['recurrentActivation']).toBe('hardSigmoid');
    h.dispose();
  });

  it('attention: dot, unscaled dot and additive; cross- and self-attention', () => {
    const qv = (score: string, scaled: boolean): GraphDocument => dagDoc(
      [n('q', 'input', { shape: [4, 6] }), n('v', 'input', { shape: [7, 6], name: 'v' }), n('att', 'attention', { score, scaled, units: 8 })],
      [['q', 'att', 0], ['v', 'att', 1]],
    );
    expectAgrees(qv('dot', true), { shape: [4, 6], params: 0 });
    expectAgrees(qv('dot', false), { shape: [4, 6], params: 0 });
    expectAgrees(qv('additive', true), { shape: [4, 6], params: 2 * 6 * 8 + 8 });
    expectAgrees(dagDoc(
      [n('x', 'input', { shape: [5, 3] }), n('h', 'lstm', { units: 6, returnSequences: true }), n('att', 'attention', { score: 'additive', units: 4 }), n('f', 'flatten'), n('out', 'dense', { units: 2 })],
      [['x', 'h'], ['h', 'att', 0], ['h', 'att', 1], ['att', 'f'], ['f', 'out']],
    ), { shape: [2], params: 4 * 6 * (3 + 6 + 1) + 2 * 6 * 4 + 4 + 30 * 2 + 2 });
  });

  it('maskedConv2d: same padding, stride 1, the mask is not a weight', () => {
    expectAgrees(chainDoc([
      n('x', 'input', { shape: [8, 7, 2] }),
      n('a', 'maskedConv2d', { filters: 5, kernelSize: 5, maskType: 'A', activation: 'relu' }),
      n('b', 'maskedConv2d', { filters: 3, maskType: 'B', useBias: false, activation: 'leakyRelu' }),
    ]), { shape: [8, 7, 3], params: 5 * 5 * 2 * 5 + 5 + 3 * 3 * 5 * 3 });
  });

  it('sampling: [2·d] → [d], no weights', () => {
    expectAgrees(chainDoc([n('x', 'input', { shape: [10] }), n('stats', 'dense', { units: 8 }), n('z', 'sampling')]), { shape: [4], params: 10 * 8 + 8 });
  });

  it('compiling, running and disposing the new kinds leaks no tensors', () => {
    const doc = dagDoc([
      n('x', 'input', { shape: [4, 4, 1] }),
      n('m', 'maskedConv2d', { filters: 2, maskType: 'A' }),
      n('r', 'reshape', { targetShape: [16, 2] }),
      n('l', 'gru', { units: 3, returnSequences: true, bidirectional: true }),
      n('att', 'attention', { score: 'additive', units: 3 }),
      n('f', 'flatten'),
      n('s', 'sampling'),
    ], [['x', 'm'], ['m', 'r'], ['r', 'l'], ['l', 'att', 0], ['l', 'att', 1], ['att', 'f'], ['f', 's']]);
    const before = tf.memory().numTensors;
    const model = compileGraph(doc, { seed: 2 });
    tf.tidy(() => { model.predict(tf.ones([2, 4, 4, 1])); });
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the custom layers round-trip through getConfig and the model JSON', async () => {
    const doc = dagDoc([
      n('x', 'input', { shape: [4, 4, 1] }),
      n('m', 'maskedConv2d', { filters: 2, maskType: 'A' }),
      n('r', 'reshape', { targetShape: [16, 2] }),
      n('att', 'attention', { score: 'additive', units: 3 }),
      n('f', 'flatten'),
      n('s', 'sampling'),
    ], [['x', 'm'], ['m', 'r'], ['r', 'att', 0], ['r', 'att', 1], ['att', 'f'], ['f', 's']]);
    const model = compileGraph(doc, { seed: 2 });
    for (const [id, cls] of [['m', MaskedConv2d], ['att', SequenceAttention], ['s', Sampling]] as const) {
      const layer = model.getLayer(id);
      expect(layer).toBeInstanceOf(cls);
      expect(tf.serialization.SerializationMap.getMap().classNameMap[cls.className]?.[0]).toBe(cls);
      const clone = tf.layers.Layer.fromConfig(cls as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>, layer.getConfig());
      expect(clone).toBeInstanceOf(cls);
      expect(clone.getConfig()).toEqual(layer.getConfig());
    }
    const restored = await tf.models.modelFromJSON({ modelTopology: model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'] });
    expect(restored.countParams()).toBe(model.countParams());
    expect(restored.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
    expect(restored.outputs[0]!.shape).toEqual([null, 16]);
    restored.dispose();
    model.dispose();
  });

  it("a masked conv keeps mask 'B' and leakyRelu through tf's JSON, which writes config strings snake_case", async () => {
    const doc = chainDoc([n('x', 'input', { shape: [4, 4, 1] }), n('m', 'maskedConv2d', { filters: 2, maskType: 'B', activation: 'leakyRelu' })]);
    const model = compileGraph(doc, { seed: 3 });
    const topology = model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'];
    const restored = await tf.models.modelFromJSON({ modelTopology: topology });
    const layer = restored.getLayer('m') as MaskedConv2d;
    expect([layer.maskType, layer.activation]).toEqual(['B', 'leakyRelu']);
    restored.setWeights(model.getWeights());
    const x = tf.tensor4d(randomArray(16, 9), [1, 4, 4, 1]);
    const a = model.predict(x) as tf.Tensor;
    const b = restored.predict(x) as tf.Tensor;
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
    restored.dispose();
    model.dispose();
  });
});

describe('new layer kinds: errors name the node and the fix', () => {
  const errorsOf = (doc: GraphDocument): [GraphErrorCode, string | undefined][] => inferShapes(doc).errors.map((e) => [e.code, e.nodeId]);
  const first = (doc: GraphDocument): { code: string; nodeId?: string; message: string; hint: string } => {
    const r = inferShapes(doc);
    expect(r.ok).toBe(false);
    return r.errors[0]!;
  };

  it('add with a mismatched input names the port', () => {
    const doc = dagDoc(
      [n('a', 'input', { shape: [6] }), n('da', 'dense', { units: 4 }), n('db', 'dense', { units: 5 }), n('sum', 'add')],
      [['a', 'da'], ['a', 'db'], ['da', 'sum', 0], ['db', 'sum', 1]],
    );
    expect(errorsOf(doc)).toEqual([['shape-mismatch', 'sum']]);
    const e = first(doc);
    expect(e.message).toBe("add 'sum': port 1 ('db') is [5] but port 0 ('da') is [4]; an add sums inputs of the same shape");
    expect(e.hint).toMatch(/4 units[\s\S]*concat/);
    const rank = dagDoc(
      [n('x', 'input', { shape: [4, 4, 1] }), n('f', 'flatten'), n('sum', 'add')],
      [['x', 'f'], ['x', 'sum', 1], ['f', 'sum', 0]],
    );
    expect(errorsOf(rank)).toEqual([['shape-mismatch', 'sum']]);
    expect(first(rank).message).toMatch(/port 1 \('x'\) is \[4, 4, 1\] but port 0 \('f'\) is \[16\]/);
  });

  it('add and attention arity messages say what the layer does', () => {
    const one = inferShapes(dagDoc([n('x', 'input', { shape: [4] }), n('sum', 'add')], [['x', 'sum']]));
    expect(one.errors.map((e) => [e.code, e.nodeId, e.message])).toEqual([['missing-input', 'sum', "add 'sum' has 1 input but sums 2 to 16"]]);
    const att = inferShapes(dagDoc([n('x', 'input', { shape: [4, 2] }), n('att', 'attention')], [['x', 'att']]));
    expect(att.errors.map((e) => [e.code, e.nodeId])).toEqual([['missing-input', 'att']]);
    expect(att.errors[0]!.message).toBe("attention 'att' has 1 input but takes two (the query on port 0, the value on port 1)");
    expect(att.errors[0]!.hint).toMatch(/port 1/);
    const three = inferShapes(dagDoc([n('x', 'input', { shape: [4, 2] }), n('att', 'attention')], [['x', 'att', 0], ['x', 'att', 1], ['x', 'att', 2]]));
    expect(three.errors.map((e) => [e.code, e.nodeId])).toEqual([['bad-port', 'att']]);
    expect(three.errors[0]!.message).toMatch(/takes two inputs \(port 0 the query, port 1 the value\), but the edge from 'x' goes to port 2/);
  });

  it('recurrent layers on a rank-1 input suggest an embedding or a reshape', () => {
    for (const kind of ['simpleRnn', 'lstm', 'gru']) {
      const doc = chainDoc([n('x', 'input', { shape: [10] }), n('r', kind, { units: 4 })]);
      expect(errorsOf(doc)).toEqual([['shape-mismatch', 'r']]);
      const e = first(doc);
      expect(e.message).toBe(`${kind} 'r' needs a rank-2 [steps, features] sequence input, got [10]`);
      expect(e.hint).toMatch(/embedding[\s\S]*reshape to \[10, 1\]/);
    }
    const img = first(chainDoc([n('x', 'input', { shape: [28, 28, 1] }), n('r', 'lstm', { units: 4 })]));
    expect(img.hint).toMatch(/\[28, 28\]/);
    const leaky = inferShapes(chainDoc([n('x', 'input', { shape: [3, 2] }), n('r', 'lstm', { units: 4, activation: 'leakyRelu' })]));
    expect(leaky.errors.map((e) => [e.code, e.nodeId])).toEqual([['bad-params', 'r']]);
  });

  it('an even masked kernel is refused with a hint', () => {
    const doc = chainDoc([n('x', 'input', { shape: [8, 8, 1] }), n('m', 'maskedConv2d', { filters: 2, kernelSize: 4 })]);
    expect(errorsOf(doc)).toEqual([['bad-params', 'm']]);
    const e = first(doc);
    expect(e.message).toMatch(/kernelSize 4 is even/);
    expect(e.hint).toBe('Use kernelSize 3 or 5');
    expect(errorsOf(chainDoc([n('x', 'input', { shape: [64] }), n('m', 'maskedConv2d', { filters: 2 })]))).toEqual([['shape-mismatch', 'm']]);
  });

  it('attention needs rank-2 query and value with the same feature size', () => {
    const doc = dagDoc(
      [n('q', 'input', { shape: [4, 6] }), n('v', 'input', { shape: [7, 5], name: 'v' }), n('att', 'attention')],
      [['q', 'att', 0], ['v', 'att', 1]],
    );
    expect(errorsOf(doc)).toEqual([['shape-mismatch', 'att']]);
    const e = first(doc);
    expect(e.message).toBe("attention 'att': the query (port 0, 'q') has 6 features but the value (port 1, 'v') has 5; both need the same feature size d");
    expect(e.hint).toMatch(/dense 5 units/);
    const flat = dagDoc([n('q', 'input', { shape: [6] }), n('v', 'input', { shape: [7, 6], name: 'v' }), n('att', 'attention')], [['q', 'att', 0], ['v', 'att', 1]]);
    expect(errorsOf(flat)).toEqual([['shape-mismatch', 'att']]);
    expect(first(flat).message).toMatch(/the query \(port 0, 'q'\) must be a rank-2 \[steps, d\] sequence, got \[6\]/);
  });

  it('sampling needs a rank-1 input of even length', () => {
    const odd = chainDoc([n('x', 'input', { shape: [4] }), n('d', 'dense', { units: 7 }), n('z', 'sampling')]);
    expect(errorsOf(odd)).toEqual([['shape-mismatch', 'z']]);
    expect(first(odd).message).toBe("sampling 'z' needs an input of even length [2·d] (μ then log σ²), got [7]");
    expect(first(odd).hint).toMatch(/even number of units/);
    expect(errorsOf(chainDoc([n('x', 'input', { shape: [2, 4] }), n('z', 'sampling')]))).toEqual([['shape-mismatch', 'z']]);
  });

  it('embedding needs [T], global pools need [h, w, c], dense refuses rank 3', () => {
    expect(errorsOf(chainDoc([n('x', 'input', { shape: [4, 2] }), n('e', 'embedding', { inputDim: 5, outputDim: 2 })]))).toEqual([['shape-mismatch', 'e']]);
    for (const kind of ['globalAvgPool2d', 'globalMaxPool2d']) {
      const doc = chainDoc([n('x', 'input', { shape: [16] }), n('g', kind)]);
      expect(errorsOf(doc)).toEqual([['shape-mismatch', 'g']]);
      expect(first(doc).hint).toMatch(/reshape/);
    }
    const e = first(chainDoc([n('x', 'input', { shape: [28, 28, 1] }), n('d', 'dense', { units: 2 })]));
    expect(e.message).toBe("dense 'd' needs a rank-1 input or a rank-2 [steps, features] sequence input, got [28, 28, 1]");
    expect(e.hint).toBe("Add a flatten layer before 'd'");
  });
});

describe('custom layers compute what they say', () => {
  beforeAll(async () => { await selectBackend('cpu'); });

  it('causal masks: A hides the centre, B shows it, nothing after it in raster order', () => {
    expect(Array.from(causalMask2d(3, 'A'))).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(Array.from(causalMask2d(3, 'B'))).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0]);
    expect(Array.from(causalMask2d(1, 'B'))).toEqual([1]);
    expect(() => causalMask2d(4, 'A')).toThrow(/odd/);
  });

  /**
   * For every pixel p of a 5×6 image: perturbing every pixel at or after p
   * (mask A; strictly after p for B) in raster order leaves the output at p
   * unchanged, and perturbing the pixel just before p (or p itself, for B)
   * changes it.
   */
  const H = 5;
  const W = 6;
  const C = 2;
  const causalityCases: [string, Node[], 'A' | 'B'][] = [
    ['one A layer', [n('m', 'maskedConv2d', { filters: 3, maskType: 'A' })], 'A'],
    ['one B layer (5×5)', [n('m', 'maskedConv2d', { filters: 3, kernelSize: 5, maskType: 'B', activation: 'tanh' })], 'B'],
    ['A then two B layers', [
      n('m1', 'maskedConv2d', { filters: 4, maskType: 'A', activation: 'relu' }),
      n('m2', 'maskedConv2d', { filters: 4, maskType: 'B', activation: 'relu' }),
      n('m3', 'maskedConv2d', { filters: 2, maskType: 'B' }),
    ], 'A'],
  ];
  for (const [name, layers, type] of causalityCases) {
    it(`${name}: the output at a pixel depends only on the pixels before it${type === 'B' ? ' and itself' : ''}`, () => {
      const model = compileGraph(chainDoc([n('x', 'input', { shape: [H, W, C] }), ...layers]), { seed: 3 });
      // Random bias-free signal: make the biases non-zero too, so a hidden pixel cannot hide behind a zero.
      model.setWeights(model.getWeights().map((w, i) => tf.tensor(randomArray(w.size, 100 + i), w.shape)));
      const base = randomArray(H * W * C, 7);
      const noise = randomArray(H * W * C, 8, -3, 3);
      const pixels = H * W;
      // Batch: the original, then for each pixel p the image perturbed from p (A) / after p (B) on, then perturbed at p − 1 (A) / p (B) only.
      const batch = new Float32Array((1 + 2 * pixels) * H * W * C);
      batch.set(base, 0);
      for (let p = 0; p < pixels; p++) {
        const hidden = batch.subarray((1 + p) * base.length, (2 + p) * base.length);
        hidden.set(base);
        for (let q = type === 'A' ? p : p + 1; q < pixels; q++) for (let c = 0; c < C; c++) hidden[q * C + c] = noise[q * C + c]!;
        const seen = batch.subarray((1 + pixels + p) * base.length, (2 + pixels + p) * base.length);
        seen.set(base);
        const q = type === 'A' ? p - 1 : p;
        if (q >= 0) for (let c = 0; c < C; c++) seen[q * C + c] = noise[q * C + c]!;
      }
      const y = tf.tidy(() => model.predict(tf.tensor(batch, [1 + 2 * pixels, H, W, C])) as tf.Tensor);
      const out = y.dataSync();
      const f = y.shape[3]!;
      const at = (b: number, p: number): number[] => Array.from(out.subarray((b * pixels + p) * f, (b * pixels + p + 1) * f));
      let changedWhenSeen = 0;
      for (let p = 0; p < pixels; p++) {
        const original = at(0, p);
        const perturbed = at(1 + p, p);
        for (let k = 0; k < f; k++) expect(Math.abs(perturbed[k]! - original[k]!), `pixel ${p}`).toBeLessThan(1e-6);
        if (type === 'A' && p === 0) continue;
        const seen = at(1 + pixels + p, p);
        if (seen.some((v, k) => Math.abs(v - original[k]!) > 1e-4)) changedWhenSeen++;
      }
      // The positive control: the visible neighbour (or the pixel itself, for B) does reach the output (ReLU may hide a few).
      expect(changedWhenSeen).toBeGreaterThanOrEqual(type === 'A' ? (pixels - 1) * 0.7 : pixels * 0.9);
      y.dispose();
      model.dispose();
    });
  }

  it('attention weights are a softmax over the values: each row sums to 1', () => {
    tf.tidy(() => {
      const q = tf.tensor(randomArray(2 * 3 * 4, 1, -2, 2), [2, 3, 4]);
      const v = tf.tensor(randomArray(2 * 5 * 4, 2, -2, 2), [2, 5, 4]);
      const additive = { wq: tf.tensor(randomArray(4 * 6, 3), [4, 6]), wk: tf.tensor(randomArray(4 * 6, 4), [4, 6]), v: tf.tensor(randomArray(6, 5), [6]) };
      const general = tf.tensor(randomArray(4 * 4, 6), [4, 4]);
      for (const [score, scaled] of [['dot', true], ['dot', false], ['general', false], ['additive', true]] as const) {
        const w = attentionWeights(q, v, score, scaled, { additive, general });
        expect(w.shape).toEqual([2, 3, 5]);
        const sums = tf.sum(w, -1).dataSync();
        for (const s of sums) expect(s).toBeCloseTo(1, 5);
        expect(Array.from(w.dataSync()).every((x) => x > 0)).toBe(true);
      }
    });
  });

  it('attention matches a hand computation (scaled dot) and returns the value when all values are the same', () => {
    tf.tidy(() => {
      // One query [1, 0], keys/values [1, 0] and [0, 1], d = 2: scores 1/√2 and 0.
      const w1 = Math.exp(1 / Math.SQRT2) / (Math.exp(1 / Math.SQRT2) + 1);
      const out = attend(tf.tensor([[[1, 0]]]), tf.tensor([[[1, 0], [0, 1]]]), 'dot', true).dataSync();
      expect(out[0]).toBeCloseTo(w1, 6);
      expect(out[1]).toBeCloseTo(1 - w1, 6);
      const unscaled = attend(tf.tensor([[[1, 0]]]), tf.tensor([[[1, 0], [0, 1]]]), 'dot', false).dataSync();
      expect(unscaled[0]).toBeCloseTo(Math.E / (Math.E + 1), 6);
    });
    for (const score of ['dot', 'additive']) {
      const model = compileGraph(dagDoc(
        [n('q', 'input', { shape: [3, 4] }), n('v', 'input', { shape: [6, 4], name: 'v' }), n('att', 'attention', { score, units: 5 })],
        [['q', 'att', 0], ['v', 'att', 1]],
      ), { seed: 4 });
      const row = [0.5, -1, 2, 0.25];
      const values = tf.tensor(Array.from({ length: 2 * 6 }, () => row).flat(), [2, 6, 4]);
      const query = tf.tensor(randomArray(2 * 3 * 4, 9, -3, 3), [2, 3, 4]);
      const y = model.predict([query, values]) as tf.Tensor;
      const got = y.dataSync();
      for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(row[i % 4]!, 5);
      tf.dispose([values, query, y]);
      model.dispose();
    }
  });

  it('sampling: the mean of the samples is μ, their spread σ, and z has a gradient wrt μ and log σ²', () => {
    const layer = new Sampling({ seed: 11 });
    const N = 4000;
    const mu = [1, -2];
    const logVar = [0, Math.log(4)];
    const stats = tf.tensor(Array.from({ length: N }, () => [...mu, ...logVar]).flat(), [N, 4]);
    const z = layer.apply(stats) as tf.Tensor;
    expect(z.shape).toEqual([N, 2]);
    const { mean, variance } = tf.moments(z, 0);
    const m = mean.dataSync();
    const sd = Array.from(variance.dataSync()).map(Math.sqrt);
    expect(m[0]).toBeCloseTo(1, 1);
    expect(m[1]).toBeCloseTo(-2, 1);
    expect(Math.abs(sd[0]! - 1)).toBeLessThan(0.06);
    expect(Math.abs(sd[1]! - 2)).toBeLessThan(0.12);
    // Gradient of sum(z): 1 wrt μ, ½·σ·ε wrt log σ² (with the same ε, via reparameterise).
    const eps = tf.tensor([[0.5, -1.5]]);
    const s = tf.tensor([[1, -2, 0, Math.log(4)]]);
    const g = tf.grad((x: tf.Tensor) => tf.sum(reparameterise(x, eps)))(s).dataSync();
    expect(Array.from(g).map((v) => Number(v.toFixed(5)))).toEqual([1, 1, 0.25, -1.5]);
    // Through the layer itself: the gradient wrt μ is exactly 1, wrt log σ² non-zero.
    const gl = tf.grad((x: tf.Tensor) => tf.sum(layer.apply(x) as tf.Tensor))(s).dataSync();
    expect([gl[0], gl[1]]).toEqual([1, 1]);
    expect(Math.abs(gl[2]!) + Math.abs(gl[3]!)).toBeGreaterThan(0);
    tf.dispose([stats, z, mean, variance, eps, s]);
  });

  it('sampling is reproducible given a seed, and each call draws new noise', () => {
    const stats = tf.zeros([3, 4]);
    const draw = (layer: Sampling): number[] => { const z = layer.apply(stats) as tf.Tensor; const v = Array.from(z.dataSync()); z.dispose(); return v; };
    const a = new Sampling({ seed: 1 });
    const b = new Sampling({ seed: 1 });
    const c = new Sampling({ seed: 2 });
    const a1 = draw(a);
    expect(draw(b)).toEqual(a1);
    expect(draw(c)).not.toEqual(a1);
    const state = a.getRngState();
    const a2 = draw(a);
    expect(a2).not.toEqual(a1);
    a.setRngState(state);
    expect(draw(a)).toEqual(a2);
    stats.dispose();
  });
});

describe('editor palette', () => {
  it('has the groups in order, and every layer kind in some group', () => {
    expect(paletteGroups.map((g) => g.id)).toEqual(['input', 'dense', 'convolution', 'pooling', 'normalisation', 'activation', 'shape', 'sequence', 'generative']);
    const kinds = new Set(paletteGroups.flatMap((g) => g.items.map((i) => i.kind)));
    for (const kind of layerKinds) expect(kinds.has(kind), kind).toBe(true);
    expect(paletteGroups.find((g) => g.id === 'sequence')!.items.map((i) => i.title)).toContain('Bidirectional LSTM');
    const heads = paletteGroups.find((g) => g.id === 'dense')!.items.filter((i) => i.preset);
    expect(heads.map((i) => [i.kind, i.defaults['activation']])).toEqual([['dense', 'softmax'], ['dense', 'sigmoid'], ['dense', 'linear']]);
    expect(heads[0]!.defaults['units']).toBe(10);
  });

  it('every item\'s defaults parse with its kind\'s schema, with one-line descriptions and unique titles', () => {
    const titles = new Set<string>();
    for (const g of paletteGroups) {
      for (const i of g.items) {
        const r = layerParamSchemas[i.kind].safeParse(i.defaults);
        expect(r.success, `${g.id}/${i.title}: ${r.success ? '' : r.error.message}`).toBe(true);
        expect(i.description.length).toBeGreaterThan(10);
        expect(i.description).not.toMatch(/\n/);
        expect(titles.has(i.title), i.title).toBe(false);
        titles.add(i.title);
      }
    }
  });

  it('a node dropped with each item\'s defaults validates on a fitting input', () => {
    const inputFor: Partial<Record<string, number[]>> = {
      conv2d: [8, 8, 2], conv2dTranspose: [8, 8, 2], maskedConv2d: [8, 8, 2], upSampling2d: [8, 8, 2], maxPool2d: [8, 8, 2], avgPool2d: [8, 8, 2],
      globalAvgPool2d: [8, 8, 2], globalMaxPool2d: [8, 8, 2], batchNorm: [8, 8, 2], virtualBatchNorm: [8, 8, 2], minibatchStddev: [8, 8, 2],
      reshape: [28, 28, 1], embedding: [12], oneHot: [12], simpleRnn: [12, 3], lstm: [12, 3], gru: [12, 3],
      positionalEncoding: [12, 8], selfAttention: [12, 8],
    };
    for (const i of paletteGroups.flatMap((g) => g.items)) {
      if (i.kind === 'input') continue;
      const shape = inputFor[i.kind] ?? [16];
      const ports = layerPorts(i.kind).count;
      const nodes = [n('x', 'input', { shape: i.kind === 'attention' ? [5, 4] : shape }), n('node', i.kind, i.defaults)];
      const r = inferShapes(dagDoc(nodes, Array.from({ length: ports }, (_, p) => ['x', 'node', p] as [string, string, number])));
      expect(r.errors, i.title).toEqual([]);
    }
  });

  it('layerPorts: none for inputs, two (labelled) for attention, two for concat and add, else one', () => {
    expect(layerPorts('input')).toEqual({ count: 0, labels: [] });
    expect(layerPorts('attention')).toEqual({ count: 2, labels: ['query', 'value'] });
    expect(layerPorts('concat').count).toBe(2);
    expect(layerPorts('add').count).toBe(2);
    for (const kind of layerKinds) {
      const p = layerPorts(kind);
      expect(p.labels).toHaveLength(p.count);
      if (!['input', 'attention', 'concat', 'add'].includes(kind)) expect(p.count).toBe(1);
    }
  });
});
