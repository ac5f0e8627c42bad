import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { GraphDocument } from '../../../workers/common/graph';
import { chain, dag } from '../../../workers/common/graphChain';
import { isLayerKind, layerParamSchemas, toPair } from '../../../workers/common/layers';
import { inferShapes } from '../../../workers/common/shapes';
import { classifierTemplate } from '../../../workers/common/families/classifier/templates';
import { vaeTemplate } from '../../../workers/common/families/vae/templates';
import { exportTfjsLayersModel } from '../../../workers/common/interchange/tfjsLayersExport';
import { exportKerasPython } from '../../../workers/common/interchange/kerasPython';
import { importLayersModel } from '../../../workers/common/interchange/kerasImport';
import { selectBackend } from '../../../workers/engine/backend';
// Registers our custom layer classes (MinibatchStddev, SequenceAttention, …) with tf.js.
import { compileGraph } from '../../../workers/engine/compileGraph';

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, '../../fixtures/keras', name), 'utf8')) as unknown;

const mlp = classifierTemplate('mlp', [28, 28, 1], 10);
const lenet = classifierTemplate('lenet', [28, 28, 1], 10);

/** Two inputs, a residual add, a concat, transposed conv, pools, norms and a standalone leaky ReLU. */
const branches: GraphDocument = dag('branches', [
  { id: 'img', kind: 'input', label: '', params: { shape: [8, 8, 3], name: 'img' } },
  { id: 'vec', kind: 'input', label: '', params: { shape: [5], name: 'vec' }, from: [] },
  { id: 'c1', kind: 'conv2d', label: '', params: { filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }, from: ['img'] },
  { id: 'c2', kind: 'conv2d', label: '', params: { filters: 8, kernelSize: [3, 1], strides: 1, padding: 'same' } },
  { id: 'res', kind: 'add', label: '', params: {}, from: ['c1', 'c2'] },
  { id: 'lrelu', kind: 'activation', label: '', params: { activation: 'leakyRelu' } },
  { id: 'bn', kind: 'batchNorm', label: '', params: { momentum: 0.9 } },
  { id: 'up', kind: 'upSampling2d', label: '', params: { size: 2 } },
  { id: 'pool', kind: 'avgPool2d', label: '', params: { poolSize: 2, strides: 1, padding: 'same' } },
  { id: 'dc', kind: 'conv2dTranspose', label: '', params: { filters: 4, kernelSize: 2, strides: 2, activation: 'tanh' } },
  { id: 'mp', kind: 'maxPool2d', label: '', params: { poolSize: 4 } },
  { id: 'gap', kind: 'globalAvgPool2d', label: '', params: {} },
  { id: 'cat', kind: 'concat', label: '', params: {}, from: ['gap', 'vec'] },
  { id: 'ln', kind: 'layerNorm', label: '', params: {} },
  { id: 'drop', kind: 'dropout', label: '', params: { rate: 0.1 } },
  { id: 'out', kind: 'dense', label: '', params: { units: 3, activation: 'softmax' } },
]);

/** Token ids → embedding → bidirectional LSTM → GRU → simple RNN → softmax. */
const sequence: GraphDocument = chain('seq-classifier', [
  { id: 'tokens', kind: 'input', label: '', params: { shape: [20] } },
  { id: 'emb', kind: 'embedding', label: '', params: { inputDim: 100, outputDim: 16 } },
  { id: 'bilstm', kind: 'lstm', label: '', params: { units: 12, returnSequences: true, bidirectional: true } },
  { id: 'gru', kind: 'gru', label: '', params: { units: 8, returnSequences: true, recurrentActivation: 'hardSigmoid' } },
  { id: 'rnn', kind: 'simpleRnn', label: '', params: { units: 6, bidirectional: true, mergeMode: 'ave', activation: 'relu' } },
  { id: 'gmp_free', kind: 'dense', label: '', params: { units: 4, activation: 'softmax' } },
]);

/** Every kind with no Keras built-in. */
const custom: GraphDocument = dag('customs', [
  { id: 'x', kind: 'input', label: '', params: { shape: [8, 8, 1] } },
  { id: 'mc', kind: 'maskedConv2d', label: '', params: { filters: 4, kernelSize: 3, maskType: 'A', activation: 'leakyRelu' } },
  { id: 'mbs', kind: 'minibatchStddev', label: '', params: { groupSize: 2 } },
  { id: 'vbn', kind: 'virtualBatchNorm', label: '', params: {} },
  { id: 'r', kind: 'reshape', label: '', params: { targetShape: [8, 40] } },
  { id: 'att', kind: 'attention', label: '', params: { score: 'additive', units: 6 }, from: ['r', 'r'] },
  { id: 'f', kind: 'flatten', label: '', params: {} },
  { id: 'd', kind: 'dense', label: '', params: { units: 8, activation: 'elu' } },
  { id: 's', kind: 'sampling', label: '', params: {} },
]);

/** The token and transformer kinds, Luong general attention and an LSTM without the forget-bias 1. */
const transformer: GraphDocument = dag('transformer', [
  { id: 'tokens', kind: 'input', label: '', params: { shape: [8] } },
  { id: 'oh', kind: 'oneHot', label: '', params: { depth: 20 } },
  { id: 'proj', kind: 'dense', label: '', params: { units: 8 } },
  { id: 'pe', kind: 'positionalEncoding', label: '', params: { encoding: 'learned', maxLength: 16 } },
  { id: 'sa', kind: 'selfAttention', label: '', params: { heads: 2, ffUnits: 16, causal: true, dropout: 0.1 } },
  { id: 'pe2', kind: 'positionalEncoding', label: '', params: {} },
  { id: 'lstm', kind: 'lstm', label: '', params: { units: 6, returnSequences: true, unitForgetBias: false } },
  { id: 'att', kind: 'attention', label: '', params: { score: 'general' }, from: ['lstm', 'lstm'] },
  { id: 'out', kind: 'dense', label: '', params: { units: 20, activation: 'softmax' } },
]);

const loadable = { mlp, lenet, branches, sequence };

/** A node's params with defaults applied and pairs spelled out, to compare across formats. */
function canon(kind: string, params: Record<string, unknown>): Record<string, unknown> {
  if (!isLayerKind(kind)) throw new Error(`unknown kind ${kind}`);
  const p = { ...(layerParamSchemas[kind].parse(params) as Record<string, unknown>) };
  for (const key of ['kernelSize', 'strides', 'poolSize', 'size']) {
    if (p[key] !== undefined && kind !== 'maskedConv2d') p[key] = toPair(p[key] as number | [number, number]);
  }
  if ((kind === 'maxPool2d' || kind === 'avgPool2d') && p.strides === undefined) p.strides = p.poolSize;
  return p;
}

function summary(doc: GraphDocument): { nodes: Record<string, { kind: string; params: Record<string, unknown> }>; edges: string[] } {
  return {
    nodes: Object.fromEntries(doc.nodes.map((n) => [n.id, { kind: n.kind, params: canon(n.kind, n.params) }])),
    edges: doc.edges.map((e) => `${e.from}->${e.to}:${e.toPort}`).sort(),
  };
}

describe('exportTfjsLayersModel', () => {
  beforeAll(async () => { await selectBackend('cpu'); });

  for (const [name, doc] of Object.entries(loadable)) {
    it(`${name}: loads with tf.loadLayersModel(fromMemory) and matches inferShapes`, async () => {
      const report = inferShapes(doc);
      expect(report.errors).toEqual([]);
      const { modelJson, warnings, errors } = exportTfjsLayersModel(doc);
      expect(errors).toEqual([]);
      expect(warnings).toEqual(name === 'sequence' ? [expect.stringContaining('hard_sigmoid')] : []);
      expect(modelJson.format).toBe('layers-model');
      expect(modelJson.modelTopology.class_name).toBe('Model');
      expect(modelJson.weightsManifest).toEqual([]);
      // A JSON round trip: the artifact is plain data.
      const model = await tf.loadLayersModel(tf.io.fromMemory(JSON.parse(JSON.stringify(modelJson)) as tf.io.ModelArtifacts));
      expect(model.countParams()).toBe(report.totalParams);
      expect(model.outputs[0]!.shape).toEqual([null, ...report.outputShape!]);
      expect(model.inputLayers.map((l) => l.name)).toEqual(report.inputs.map((i) => i.nodeId));
      model.dispose();
    });
  }

  it('writes tf.js layer configs: snake_case keys, inbound_nodes [[[name, 0, 0, {}]]], explicit recurrent_activation', () => {
    const { modelJson } = exportTfjsLayersModel(sequence);
    const layers = modelJson.modelTopology.config.layers;
    const bilstm = layers.find((l) => l.name === 'bilstm')!;
    expect(bilstm.class_name).toBe('Bidirectional');
    expect(bilstm.inbound_nodes).toEqual([[['emb', 0, 0, {}]]]);
    expect(bilstm.config).toMatchObject({ merge_mode: 'concat', layer: { class_name: 'LSTM', config: { units: 12, recurrent_activation: 'sigmoid', return_sequences: true } } });
    expect(layers.find((l) => l.name === 'gru')!.config).toMatchObject({ recurrent_activation: 'hard_sigmoid', reset_after: false });
    expect(modelJson.modelTopology.config.input_layers).toEqual([['tokens', 0, 0]]);
    expect(modelJson.modelTopology.config.output_layers).toEqual([['gmp_free', 0, 0]]);
  });

  it('splits a leaky dense into a linear Dense and a LeakyReLU named <id>_leaky, and skips a rank-1 flatten', async () => {
    const doc = chain('leaky', [
      { id: 'in', kind: 'input', label: '', params: { shape: [6] } },
      { id: 'flat', kind: 'flatten', label: '', params: {} },
      { id: 'h', kind: 'dense', label: '', params: { units: 4, activation: 'leakyRelu' } },
      { id: 'out', kind: 'dense', label: '', params: { units: 2 } },
    ]);
    const { modelJson } = exportTfjsLayersModel(doc);
    const layers = modelJson.modelTopology.config.layers;
    expect(layers.map((l) => [l.name, l.class_name])).toEqual([['in', 'InputLayer'], ['h', 'Dense'], ['h_leaky', 'LeakyReLU'], ['out', 'Dense']]);
    expect(layers[1]!.config.activation).toBe('linear');
    expect(layers[1]!.inbound_nodes).toEqual([[['in', 0, 0, {}]]]);
    expect(layers[3]!.inbound_nodes).toEqual([[['h_leaky', 0, 0, {}]]]);
    const model = await tf.loadLayersModel(tf.io.fromMemory(modelJson as unknown as tf.io.ModelArtifacts));
    expect(model.countParams()).toBe(inferShapes(doc).totalParams);
    model.dispose();
    // Imported back, the LeakyReLU stays a separate activation node; the skipped flatten is gone.
    const back = importLayersModel(modelJson).graph!;
    expect(back.nodes.map((n) => [n.id, n.kind, n.params.activation])).toEqual([['in', 'input', undefined], ['h', 'dense', 'linear'], ['h_leaky', 'activation', 'leakyRelu'], ['out', 'dense', 'linear']]);
  });

  it('with weights: "initial", writes a manifest and weight data that load strictly', async () => {
    for (const doc of [lenet, branches, sequence, transformer]) {
      const report = inferShapes(doc);
      const out = exportTfjsLayersModel(doc, { weights: 'initial', seed: 5 });
      expect(out.weightSpecs).toBeDefined();
      const floats = out.weightSpecs!.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);
      expect(floats).toBe(report.totalParams);
      expect(out.weightData!.byteLength).toBe(4 * floats);
      expect(out.modelJson.weightsManifest).toEqual([{ paths: ['weights.bin'], weights: out.weightSpecs }]);
      const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: out.modelJson.modelTopology, weightSpecs: out.weightSpecs!, weightData: out.weightData! }), { strict: true });
      expect(model.countParams()).toBe(report.totalParams);
      const xs = report.inputs.map((i) => tf.ones([2, ...i.shape]));
      const y = model.predict(xs.length === 1 ? xs[0]! : xs) as tf.Tensor;
      expect(y.shape).toEqual([2, ...report.outputShape!]);
      expect(Array.from(y.dataSync()).every(Number.isFinite)).toBe(true);
      tf.dispose([y, ...xs]);
      model.dispose();
    }
  });

  it('without weight data tf.js initialises the layers; an empty weight buffer would fail strict loading', async () => {
    const { modelJson } = exportTfjsLayersModel(mlp);
    await expect(tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: [], weightData: new ArrayBuffer(0) }))).rejects.toThrow(/weights are not set/);
  });

  it('exports custom kinds under our registered class names, one warning per layer (loads only with our classes registered)', async () => {
    const report = inferShapes(custom);
    expect(report.errors).toEqual([]);
    const { modelJson, warnings, errors } = exportTfjsLayersModel(custom);
    expect(errors).toEqual([]);
    const classOf = Object.fromEntries(modelJson.modelTopology.config.layers.map((l) => [l.name, l.class_name]));
    expect(classOf).toMatchObject({ mc: 'MaskedConv2d', mbs: 'MinibatchStddev', vbn: 'VirtualBatchNorm', att: 'SequenceAttention', s: 'Sampling' });
    expect(classOf.mc_leaky).toBeUndefined();
    for (const id of ['mc', 'mbs', 'vbn', 'att', 's']) expect(warnings.filter((w) => w.includes(`'${id}'`) && w.includes('registered'))).toHaveLength(1);
    expect(warnings).toHaveLength(5);
    // Not a stock-tf.js model: here our classes are registered (this test imports compileGraph), so it loads.
    const model = await tf.loadLayersModel(tf.io.fromMemory(modelJson as unknown as tf.io.ModelArtifacts));
    expect(model.countParams()).toBe(report.totalParams);
    expect(model.outputs[0]!.shape).toEqual([null, ...report.outputShape!]);
    model.dispose();
  });

  it('exports the token and transformer kinds as our classes, with unit_forget_bias and the general score', async () => {
    const report = inferShapes(transformer);
    expect(report.errors).toEqual([]);
    const { modelJson, warnings, errors } = exportTfjsLayersModel(transformer);
    expect(errors).toEqual([]);
    const byName = Object.fromEntries(modelJson.modelTopology.config.layers.map((l) => [l.name, l]));
    expect(Object.fromEntries(['oh', 'pe', 'sa', 'pe2', 'att'].map((id) => [id, byName[id]!.class_name])))
      .toEqual({ oh: 'OneHot', pe: 'PositionalEncoding', sa: 'SelfAttentionBlock', pe2: 'PositionalEncoding', att: 'SequenceAttention' });
    expect(byName.sa!.config).toMatchObject({ heads: 2, ff_units: 16, causal: true, dropout: 0.1 });
    expect(byName.pe!.config).toMatchObject({ encoding: 'learned', max_length: 16 });
    expect(byName.lstm!.config.unit_forget_bias).toBe(false);
    expect(warnings).toHaveLength(5);
    const model = await tf.loadLayersModel(tf.io.fromMemory(modelJson as unknown as tf.io.ModelArtifacts));
    expect(model.countParams()).toBe(report.totalParams);
    model.dispose();
  });

  it('reports an invalid graph in errors instead of throwing', () => {
    const bad = structuredClone(mlp);
    bad.edges.push({ from: 'output', to: 'flatten', toPort: 0 });
    const out = exportTfjsLayersModel(bad);
    expect(out.errors.some((e) => /cycle/.test(e))).toBe(true);
  });
});

describe('round trip: importLayersModel(exportTfjsLayersModel(doc).modelJson)', () => {
  for (const [name, doc] of Object.entries({ ...loadable, custom, transformer })) {
    it(`${name}: same kinds, params and connections`, () => {
      const result = importLayersModel(exportTfjsLayersModel(doc).modelJson);
      expect(result.errors).toEqual([]);
      expect(result.unsupported).toEqual([]);
      expect(result.graph).toBeDefined();
      expect(summary(result.graph!)).toEqual(summary(doc));
      expect(result.graph!.name).toBe(doc.name.replace(/[^A-Za-z0-9_.-]/g, '_'));
      expect(inferShapes(result.graph!).totalParams).toBe(inferShapes(doc).totalParams);
    });
  }

  for (const [name, doc] of Object.entries({ ...loadable, custom, transformer })) {
    it(`${name}: tf.js's own toJSON() of the compiled model imports to the same graph`, () => {
      const model = compileGraph(doc, { seed: 1 });
      const result = importLayersModel(model.toJSON(null, false));
      model.dispose();
      expect(result.errors).toEqual([]);
      expect(result.unsupported).toEqual([]);
      expect(summary(result.graph!)).toEqual(summary(doc));
    });
  }

  it('lays nodes out by depth (x = 220·depth, y = 120·row)', () => {
    const g = importLayersModel(exportTfjsLayersModel(branches).modelJson).graph!;
    const pos = Object.fromEntries(g.nodes.map((n) => [n.id, n.position]));
    expect(pos.img).toEqual({ x: 0, y: 0 });
    expect(pos.vec).toEqual({ x: 0, y: 120 });
    expect(pos.c1).toEqual({ x: 220, y: 0 });
    expect(pos.res).toEqual({ x: 660, y: 0 });
    expect(pos.cat!.x).toBe(220 * 11);
  });
});

describe('importLayersModel: Keras fixtures', () => {
  it('imports a Keras 2 Sequential CNN', () => {
    const r = importLayersModel(fixture('sequential_cnn_keras2.json'));
    expect(r.errors).toEqual([]);
    expect(r.unsupported).toEqual([]);
    const g = r.graph!;
    expect(g.name).toBe('mnist_cnn');
    expect(g.nodes.map((n) => [n.id, n.kind])).toEqual([
      ['conv2d_input', 'input'], ['conv2d', 'conv2d'], ['max_pooling2d', 'maxPool2d'], ['conv2d_1', 'conv2d'], ['batch_normalization', 'batchNorm'],
      ['leaky_re_lu', 'activation'], ['dropout', 'dropout'], ['flatten', 'flatten'], ['dense', 'dense'], ['dense_1', 'dense'],
    ]);
    const p = Object.fromEntries(g.nodes.map((n) => [n.id, n.params]));
    expect(p.conv2d_input).toEqual({ shape: [28, 28, 1] });
    expect(p.conv2d).toEqual({ filters: 32, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu', useBias: true });
    expect(p.max_pooling2d).toEqual({ poolSize: 2, padding: 'valid' });
    expect(p.conv2d_1).toEqual({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'linear', useBias: false });
    expect(p.batch_normalization).toEqual({ momentum: 0.9, epsilon: 0.001 });
    expect(p.leaky_re_lu).toEqual({ activation: 'leakyRelu' });
    expect(p.dense).toEqual({ units: 128, activation: 'relu', useBias: true });
    expect(g.edges.map((e) => `${e.from}->${e.to}`)).toEqual([
      'conv2d_input->conv2d', 'conv2d->max_pooling2d', 'max_pooling2d->conv2d_1', 'conv2d_1->batch_normalization', 'batch_normalization->leaky_re_lu',
      'leaky_re_lu->dropout', 'dropout->flatten', 'flatten->dense', 'dense->dense_1',
    ]);
    const report = inferShapes(g);
    expect(report.errors).toEqual([]);
    expect(report.totalParams).toBe(320 + 18432 + 256 + (3136 * 128 + 128) + 1290);
    // The L2 regulariser and the He initialiser are dropped with a warning.
    expect(r.warnings).toEqual([expect.stringMatching(/'dense'.*dropped.*kernel_initializer henormal.*kernel_regularizer L2/)]);
  });

  it('imports a Keras 3 functional model, listing a Conv1D branch and a Lambda as unsupported', () => {
    const r = importLayersModel(fixture('functional_keras3.json'));
    expect(r.errors).toEqual([]);
    expect(r.unsupported).toEqual([
      { layer: 'conv1d', className: 'Conv1D', reason: expect.stringContaining('Conv1D') },
      { layer: 'global_max_pooling1d', className: 'GlobalMaxPooling1D', reason: "its input 'conv1d' is unsupported" },
      { layer: 'aux', className: 'Dense', reason: "its input 'global_max_pooling1d' is unsupported" },
      { layer: 'probs', className: 'Lambda', reason: expect.stringContaining('Lambda') },
    ]);
    const g = r.graph!;
    expect(g.name).toBe('sensor_classifier');
    const byId = Object.fromEntries(g.nodes.map((n) => [n.id, n]));
    expect(Object.keys(byId)).toEqual(['series', 'meta', 'bidirectional', 'concatenate', 'dense', 'leaky_re_lu', 'dropout', 'logits']);
    expect(byId.series!.params).toEqual({ shape: [64, 3], name: 'series' });
    expect(byId.meta!.params).toEqual({ shape: [4], name: 'meta' });
    expect(byId.bidirectional!.kind).toBe('lstm');
    expect(byId.bidirectional!.params).toEqual({ units: 32, activation: 'tanh', recurrentActivation: 'sigmoid', returnSequences: false, bidirectional: true, mergeMode: 'concat' });
    expect(byId.concatenate!.kind).toBe('concat');
    expect(byId.leaky_re_lu!.params).toEqual({ activation: 'leakyRelu' });
    expect(g.edges.filter((e) => e.to === 'concatenate')).toEqual([{ from: 'bidirectional', to: 'concatenate', toPort: 0 }, { from: 'meta', to: 'concatenate', toPort: 1 }]);
    const report = inferShapes(g);
    expect(report.errors).toEqual([]);
    expect(report.outputNodeId).toBe('logits');
    expect(report.totalParams).toBe(2 * 4 * 32 * (3 + 32 + 1) + (68 * 64 + 64) + (64 * 5 + 5));
    expect(r.warnings.some((w) => /'dense'.*kernel_regularizer L2/.test(w))).toBe(true);
    expect(r.warnings.some((w) => /slope 0\.2/.test(w))).toBe(true);
    expect(r.warnings.some((w) => /'probs', 'aux'.*not imported/.test(w))).toBe(true);
  });

  it('imports a Keras 3 Sequential with a batch_shape InputLayer and a Keras 2 Sequential without one', () => {
    const k3 = importLayersModel({
      class_name: 'Sequential',
      config: {
        name: 'seq', layers: [
          { class_name: 'InputLayer', config: { batch_shape: [null, 10], dtype: 'float32', name: 'input_layer' } },
          { class_name: 'Dense', config: { name: 'dense', units: 4, activation: 'relu' } },
          { class_name: 'Reshape', config: { name: 'reshape', target_shape: [2, -1] } },
          { class_name: 'GRU', config: { name: 'gru', units: 3, activation: 'tanh', recurrent_activation: 'sigmoid', reset_after: true } },
        ],
      },
    });
    expect(k3.errors).toEqual([]);
    expect(k3.unsupported).toEqual([]);
    expect(k3.graph!.nodes.map((n) => n.kind)).toEqual(['input', 'dense', 'reshape', 'gru']);
    expect(k3.graph!.nodes[2]!.params).toEqual({ targetShape: [2, 2] });
    expect(k3.warnings.some((w) => /reset_after/.test(w))).toBe(true);
    const k2 = importLayersModel(JSON.stringify({
      class_name: 'Sequential',
      config: { name: 'old', layers: [{ class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, 3], activation: 'sigmoid' } }] },
    }));
    expect(k2.errors).toEqual([]);
    expect(k2.graph!.nodes.map((n) => [n.id, n.kind])).toEqual([['d_input', 'input'], ['d', 'dense']]);
  });

  it('lists settings that change the math as unsupported', () => {
    const r = importLayersModel({
      class_name: 'Sequential',
      config: {
        name: 'bad', layers: [
          { class_name: 'InputLayer', config: { batch_input_shape: [null, 8, 8, 3], name: 'in' } },
          { class_name: 'Conv2D', config: { name: 'c', filters: 2, kernel_size: 3, data_format: 'channels_first' } },
        ],
      },
    });
    expect(r.unsupported).toEqual([{ layer: 'c', className: 'Conv2D', reason: expect.stringContaining('channels_first') }]);
    expect(r.graph!.nodes.map((n) => n.id)).toEqual(['in']);
  });
});

describe('importLayersModel: malformed input gives errors, never throws', () => {
  const cases: [string, unknown, RegExp][] = [
    ['not JSON', '{nope', /not JSON/],
    ['a number', 42, /JSON object/],
    ['an array', [1, 2], /JSON object/],
    ['no model', { foo: 1 }, /No model found/],
    ['no layers', { class_name: 'Functional', config: { name: 'm' } }, /no layer list/],
    ['empty layers', { modelTopology: { class_name: 'Sequential', config: { layers: [] } } }, /no layers/],
    ['a layer that is not an object', { class_name: 'Sequential', config: { layers: [3] } }, /Layer 0/],
    ['a cycle', {
      class_name: 'Functional', config: {
        name: 'loop', layers: [
          { class_name: 'InputLayer', name: 'in', config: { name: 'in', batch_input_shape: [null, 2] }, inbound_nodes: [] },
          { class_name: 'Add', name: 'a', config: { name: 'a' }, inbound_nodes: [[['in', 0, 0, {}], ['b', 0, 0, {}]]] },
          { class_name: 'Dense', name: 'b', config: { name: 'b', units: 2 }, inbound_nodes: [[['a', 0, 0, {}]]] },
        ], input_layers: [['in', 0, 0]], output_layers: [['b', 0, 0]],
      },
    }, /cycle through 'a', 'b'/],
    ['an unknown inbound layer', {
      class_name: 'Model', config: {
        name: 'm', layers: [
          { class_name: 'InputLayer', name: 'in', config: { name: 'in', batch_input_shape: [null, 2] }, inbound_nodes: [] },
          { class_name: 'Dense', name: 'd', config: { name: 'd', units: 2 }, inbound_nodes: [[['ghost', 0, 0, {}]]] },
        ], input_layers: [['in', 0, 0]], output_layers: [['d', 0, 0]],
      },
    }, /'d' takes its input from 'ghost'/],
    ['an unknown model class', { class_name: 'Spaghetti', config: { layers: [] } }, /Unsupported model class|no layers/],
    ['a Sequential with no input shape', { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { name: 'd', units: 2 } }] } }, /no input shape/],
  ];
  for (const [what, input, message] of cases) {
    it(what, () => {
      let r: ReturnType<typeof importLayersModel> | undefined;
      expect(() => { r = importLayersModel(input); }).not.toThrow();
      expect(r!.graph).toBeUndefined();
      expect(r!.errors.join('\n')).toMatch(message);
    });
  }
});

describe('exportKerasPython', () => {
  const python = spawnSync('python3', ['--version']).status === 0;
  const parses = (code: string): void => {
    if (!python) return;
    const r = spawnSync('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: code, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  };

  it('writes LeNet as one line per layer with shape and parameter comments', () => {
    const code = exportKerasPython(lenet);
    const lines = code.split('\n');
    expect(lines).toContain('import keras');
    expect(lines).toContain('from keras import layers');
    expect(lines).toContain('def build_lenet_5():');
    const body = lines.filter((l) => /^ {4}h\d+ = /.test(l)).map((l) => l.trim());
    expect(body).toEqual([
      'h0 = keras.Input(shape=(28, 28, 1), name="input")  # [28, 28, 1]',
      'h1 = layers.Conv2D(6, 5, padding="same", activation="relu", name="conv1")(h0)  # [28, 28, 6] · 156 params',
      'h2 = layers.MaxPooling2D(2, name="pool1")(h1)  # [14, 14, 6]',
      'h3 = layers.Conv2D(16, 5, activation="relu", name="conv2")(h2)  # [10, 10, 16] · 2,416 params',
      'h4 = layers.MaxPooling2D(2, name="pool2")(h3)  # [5, 5, 16]',
      'h5 = layers.Flatten(name="flatten")(h4)  # [400]',
      'h6 = layers.Dense(120, activation="relu", name="fc1")(h5)  # [120] · 48,120 params',
      'h7 = layers.Dense(84, activation="relu", name="fc2")(h6)  # [84] · 10,164 params',
      'h8 = layers.Dense(10, activation="softmax", name="output")(h7)  # [10] · 850 params',
    ]);
    expect(lines).toContain('    # total: 61,706 params');
    expect(lines).toContain('    model = keras.Model(inputs=h0, outputs=h8, name="LeNet-5")');
    expect(lines.slice(-3)).toEqual(['model = build_lenet_5()', 'model.summary()', '']);
    parses(code);
  });

  it('writes multi-input graphs, merges, recurrent layers and leaky activations', () => {
    const code = exportKerasPython(branches);
    expect(code).toContain('layers.Add(name="res")([h2, h3])');
    expect(code).toContain('layers.Concatenate(axis=-1, name="cat")([');
    expect(code).toContain('layers.Conv2D(8, (3, 1), padding="same", name="c2")(h2)');
    expect(code).toContain('layers.LeakyReLU(negative_slope=0.3, name="lrelu")');
    expect(code).toContain('model = keras.Model(inputs=[h0, h1], outputs=');
    parses(code);
    const seq = exportKerasPython(sequence);
    expect(seq).toContain('layers.Bidirectional(layers.LSTM(12, recurrent_activation="sigmoid", return_sequences=True), merge_mode="concat", name="bilstm")(h1)');
    expect(seq).toContain('layers.GRU(8, recurrent_activation="hard_sigmoid", return_sequences=True, reset_after=False, name="gru")');
    expect(seq).toContain("# note: Keras 3's hard_sigmoid");
    expect(seq).toContain('layers.Embedding(100, 16, name="emb")(h0)');
    parses(seq);
  });

  it('defines layer classes for custom kinds and splits leaky layers', () => {
    const code = exportKerasPython(custom);
    for (const cls of ['MinibatchStddev', 'VirtualBatchNorm', 'SequenceAttention', 'MaskedConv2d', 'Sampling']) {
      expect(code).toContain(`class ${cls}(`);
      expect(code).toMatch(new RegExp(`= ${cls}\\(`));
    }
    expect(code).toContain('from keras import layers, ops');
    expect(code).toContain('SequenceAttention(score="additive", scaled=True, units=6, name="att")([h5, h5])');
    expect(code).toContain('layers.LeakyReLU(negative_slope=0.3, name="mc_leaky")');
    parses(code);
  });

  it('defines the token and transformer classes, the general score and unit_forget_bias=False', () => {
    const code = exportKerasPython(transformer);
    for (const cls of ['OneHot', 'PositionalEncoding', 'SelfAttentionBlock', 'SequenceAttention']) expect(code).toContain(`class ${cls}(`);
    expect(code).toContain('OneHot(depth=20, name="oh")(h0)');
    expect(code).toContain('PositionalEncoding(encoding="learned", max_length=16, name="pe")');
    expect(code).toContain('SelfAttentionBlock(heads=2, ff_units=16, causal=True, dropout=0.1, name="sa")');
    expect(code).toContain('layers.LSTM(6, recurrent_activation="sigmoid", unit_forget_bias=False, return_sequences=True, name="lstm")');
    expect(code).toContain('SequenceAttention(score="general", scaled=True, units=64, name="att")');
    expect(code).toContain('import numpy as np');
    expect(code).toContain('import math');
    parses(code);
  });

  it('writes one build function per part of a model document', () => {
    const vae = vaeTemplate('mlp', [28, 28, 1], 2);
    const code = exportKerasPython(vae);
    for (const part of Object.keys(vae.parts)) {
      expect(code).toContain(`def build_${part}():`);
      expect(code).toContain(`${part} = build_${part}()`);
      expect(code).toContain(`${part}.summary()`);
    }
    parses(code);
  });
});
