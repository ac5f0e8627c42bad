import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { inferShapes } from '../../../workers/common/shapes';
import { classifierTemplates } from '../../../workers/common/families/classifier/templates';
import type { GraphDocument } from '../../../workers/common/graph';
import { compileGraph, modelInputOrder } from '../../../workers/engine/compileGraph';
import { selectBackend } from '../../../workers/engine/backend';

describe('compileGraph', () => {
  beforeAll(async () => { await selectBackend('cpu'); });

  for (const name of ['mlp', 'lenet'] as const) {
    it(`${name}: countParams and output shape match inferShapes`, () => {
      const doc = classifierTemplates[name];
      const report = inferShapes(doc);
      const model = compileGraph(doc, { seed: 1 });
      expect(model.countParams()).toBe(report.totalParams);
      expect(model.outputs[0]!.shape).toEqual([null, ...report.outputShape!]);
      model.dispose();
    });
  }

  it('handles batchNorm, reshape, leakyRelu and avg pooling with matching counts', () => {
    const doc: GraphDocument = {
      format: 'latent-graph', version: 1, name: 'mixed',
      nodes: [
        { id: 'in', kind: 'input', params: { shape: [784] } },
        { id: 'r', kind: 'reshape', params: { targetShape: [28, 28, 1] } },
        { id: 'c', kind: 'conv2d', params: { filters: 4, kernelSize: [3, 5], strides: 2, padding: 'same', activation: 'leakyRelu' } },
        { id: 'bn', kind: 'batchNorm', params: {} },
        { id: 'p', kind: 'avgPool2d', params: { poolSize: 2, strides: 1 } },
        { id: 'f', kind: 'flatten', params: {} },
        { id: 'act', kind: 'activation', params: { activation: 'tanh' } },
        { id: 'out', kind: 'dense', params: { units: 3, activation: 'softmax', useBias: false } },
      ],
      edges: [['in', 'r'], ['r', 'c'], ['c', 'bn'], ['bn', 'p'], ['p', 'f'], ['f', 'act'], ['act', 'out']].map(([from, to]) => ({ from: from!, to: to!, toPort: 0 })),
    };
    const report = inferShapes(doc);
    expect(report.errors).toEqual([]);
    const model = compileGraph(doc, { seed: 3 });
    expect(model.countParams()).toBe(report.totalParams);
    const nodeShapes = Object.fromEntries(report.nodes.map((n) => [n.nodeId, n.outputShape]));
    for (const id of ['c', 'bn', 'p', 'f']) expect(model.getLayer(id).outputShape).toEqual([null, ...nodeShapes[id]!]);
    model.dispose();
  });

  it('is deterministic given a seed', () => {
    const a = compileGraph(classifierTemplates.mlp, { seed: 7 });
    const b = compileGraph(classifierTemplates.mlp, { seed: 7 });
    const c = compileGraph(classifierTemplates.mlp, { seed: 8 });
    const w = (m: tf.LayersModel): Float32Array => m.getWeights()[0]!.dataSync() as Float32Array;
    expect(Array.from(w(a).slice(0, 20))).toEqual(Array.from(w(b).slice(0, 20)));
    expect(Array.from(w(a).slice(0, 20))).not.toEqual(Array.from(w(c).slice(0, 20)));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('throws listing the graph errors', () => {
    const bad = structuredClone(classifierTemplates.mlp);
    bad.edges = bad.edges.filter((e) => e.to !== 'hidden');
    expect(() => compileGraph(bad, { seed: 1 })).toThrow(/invalid:[\s\S]*'hidden' has no input/);
  });

  it('compiles several inputs in document order and a concat, with the inferred shapes and parameter counts', () => {
    // The label input comes FIRST in the document: the model takes [y, x].
    const doc: GraphDocument = {
      format: 'latent-graph', version: 1, name: 'two inputs',
      nodes: [
        { id: 'label', kind: 'input', params: { shape: [3], name: 'y' } },
        { id: 'image', kind: 'input', params: { shape: [4, 4, 1], name: 'x' } },
        { id: 'ymap', kind: 'dense', params: { units: 16 } },
        { id: 'yr', kind: 'reshape', params: { targetShape: [4, 4, 1] } },
        { id: 'cat', kind: 'concat', params: {} },
        { id: 'conv', kind: 'conv2d', params: { filters: 2, kernelSize: 3, padding: 'same' } },
        { id: 'f', kind: 'flatten', params: {} },
        { id: 'flaty', kind: 'concat', params: {} },
        { id: 'out', kind: 'dense', params: { units: 1 } },
      ],
      edges: [
        { from: 'label', to: 'ymap', toPort: 0 }, { from: 'ymap', to: 'yr', toPort: 0 },
        { from: 'yr', to: 'cat', toPort: 1 }, { from: 'image', to: 'cat', toPort: 0 },
        { from: 'cat', to: 'conv', toPort: 0 }, { from: 'conv', to: 'f', toPort: 0 },
        { from: 'f', to: 'flaty', toPort: 0 }, { from: 'label', to: 'flaty', toPort: 1 },
        { from: 'flaty', to: 'out', toPort: 0 },
      ],
    };
    const report = inferShapes(doc);
    expect(report.errors).toEqual([]);
    const model = compileGraph(doc, { seed: 2 });
    expect(model.countParams()).toBe(report.totalParams);
    expect(model.inputs.map((i) => i.shape)).toEqual([[null, 3], [null, 4, 4, 1]]);
    expect(modelInputOrder(doc)).toEqual(['y', 'x']);
    const shapes = Object.fromEntries(report.nodes.map((n) => [n.nodeId, n.outputShape]));
    for (const id of ['ymap', 'yr', 'cat', 'conv', 'flaty', 'out']) expect(model.getLayer(id).outputShape).toEqual([null, ...shapes[id]!]);
    // The concat puts port 0 (the image) first: zero the label map's weights and the image alone reaches channel 0.
    const y = tf.tensor2d([[1, 0, 0], [0, 0, 1]]);
    const x = tf.randomNormal([2, 4, 4, 1], 0, 1, 'float32', 5);
    const out = model.predict([y, x]) as tf.Tensor;
    expect(out.shape).toEqual([2, 1]);
    const probe = tf.model({ inputs: model.inputs, outputs: model.getLayer('cat').output as tf.SymbolicTensor });
    const joined = probe.predict([y, x]) as tf.Tensor;
    const first = tf.tidy(() => tf.slice(joined, [0, 0, 0, 0], [-1, -1, -1, 1]));
    expect(Array.from(first.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([y, x, out, joined, first]);
    model.dispose();
  });
});
