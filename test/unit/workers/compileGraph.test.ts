import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { inferShapes } from '../../../workers/common/shapes';
import { classifierTemplates } from '../../../workers/common/templates';
import type { GraphDocument } from '../../../workers/common/graph';
import { compileGraph } from '../../../workers/engine/compileGraph';
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
});
