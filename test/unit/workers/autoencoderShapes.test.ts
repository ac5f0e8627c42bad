import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { autoencoderTemplate } from '../../../workers/common/families/autoencoder/templates';
import type { GraphDocument } from '../../../workers/common/graph';
import { checkEncoderDecoder } from '../../../workers/common/partContracts';
import { inferShapes, transposeOutputSize } from '../../../workers/common/shapes';
import { selectBackend } from '../../../workers/engine/backend';
import { compileGraph } from '../../../workers/engine/compileGraph';

function chainDoc(nodes: GraphDocument['nodes']): GraphDocument {
  const edges = nodes.slice(1).map((n, i) => ({ from: nodes[i]!.id, to: n.id, toPort: 0 }));
  return { format: 'latent-graph', version: 1, name: 't', nodes, edges };
}

describe('conv2dTranspose and upSampling2d shapes', () => {
  beforeAll(async () => { await selectBackend('cpu'); });

  it('follows tf\'s output-size rule', () => {
    expect(transposeOutputSize(7, 3, 2, 'same')).toBe(14);
    expect(transposeOutputSize(7, 3, 2, 'valid')).toBe(15); // (N−1)·S + F
    expect(transposeOutputSize(5, 5, 1, 'valid')).toBe(9);
    expect(transposeOutputSize(4, 1, 3, 'valid')).toBe(12); // F < S: tf gives N·S
  });

  const cases: [string, Record<string, unknown>, number[]][] = [
    ['same s2', { filters: 8, kernelSize: 3, strides: 2, padding: 'same' }, [14, 14, 8]],
    ['valid s2', { filters: 4, kernelSize: 3, strides: 2, padding: 'valid' }, [15, 15, 4]],
    ['valid s1 5×3', { filters: 2, kernelSize: [5, 3], strides: 1, padding: 'valid', useBias: false }, [11, 9, 2]],
    ['valid s3 k1', { filters: 3, kernelSize: 1, strides: 3, padding: 'valid' }, [21, 21, 3]],
  ];
  for (const [name, params, shape] of cases) {
    it(`conv2dTranspose ${name}: shape and params equal tf's`, () => {
      const doc = chainDoc([
        { id: 'in', kind: 'input', params: { shape: [7, 7, 5] } },
        { id: 'ct', kind: 'conv2dTranspose', params },
      ]);
      const r = inferShapes(doc);
      expect(r.errors).toEqual([]);
      expect(r.outputShape).toEqual(shape);
      const model = compileGraph(doc, { seed: 1 });
      expect(model.outputs[0]!.shape).toEqual([null, ...shape]);
      expect(model.countParams()).toBe(r.totalParams);
      const [kh, kw] = Array.isArray(params['kernelSize']) ? params['kernelSize'] as number[] : [params['kernelSize'] as number, params['kernelSize'] as number];
      const filters = params['filters'] as number;
      expect(r.totalParams).toBe(kh! * kw! * filters * 5 + (params['useBias'] === false ? 0 : filters));
      const y = model.predict(tf.zeros([2, 7, 7, 5])) as tf.Tensor;
      expect(y.shape).toEqual([2, ...shape]);
      tf.dispose([y]);
      model.dispose();
    });
  }

  it('upSampling2d multiplies height and width, no parameters', () => {
    const doc = chainDoc([
      { id: 'in', kind: 'input', params: { shape: [7, 5, 3] } },
      { id: 'up', kind: 'upSampling2d', params: { size: [2, 3] } },
    ]);
    const r = inferShapes(doc);
    expect(r.outputShape).toEqual([14, 15, 3]);
    const model = compileGraph(doc, { seed: 1 });
    expect(model.outputs[0]!.shape).toEqual([null, 14, 15, 3]);
    expect(model.countParams()).toBe(0);
    model.dispose();
  });

  it('names rank errors for the new kinds', () => {
    for (const kind of ['conv2dTranspose', 'upSampling2d']) {
      const params = kind === 'conv2dTranspose' ? { filters: 2 } : {};
      const r = inferShapes(chainDoc([{ id: 'in', kind: 'input', params: { shape: [49] } }, { id: 'x', kind, params }]));
      expect(r.errors.map((e) => [e.code, e.nodeId])).toEqual([['shape-mismatch', 'x']]);
      expect(r.errors[0]!.hint).toMatch(/reshape/);
    }
  });
});

describe('autoencoder templates', () => {
  beforeAll(async () => { await selectBackend('cpu'); });

  for (const name of ['mlp', 'deep', 'conv'] as const) {
    for (const latentDim of [2, 30]) {
      it(`${name} (latentDim ${latentDim}) meets the encoder/decoder contract and compiles with tf's parameter counts`, () => {
        const model = autoencoderTemplate(name, [28, 28, 1], latentDim);
        expect(Object.keys(model.parts).sort()).toEqual(['decoder', 'encoder']);
        expect(checkEncoderDecoder(model, { inputShape: [28, 28, 1], latentDim, encoderOutputDim: latentDim })).toEqual([]);
        for (const part of ['encoder', 'decoder'] as const) {
          const doc = model.parts[part]!;
          for (const n of doc.nodes) {
            expect(n.position).toBeDefined();
            expect(n.label).toBeTruthy();
          }
          const r = inferShapes(doc);
          const m = compileGraph(doc, { seed: 2 });
          expect(m.countParams()).toBe(r.totalParams);
          expect(m.outputs[0]!.shape).toEqual([null, ...r.outputShape!]);
          m.dispose();
        }
        expect(inferShapes(model.parts['encoder']!).outputShape).toEqual([latentDim]);
        expect(inferShapes(model.parts['decoder']!).outputShape).toEqual([28, 28, 1]);
      });
    }
  }

  it('deep is 784-1000-500-250-30 with a linear code and a sigmoid output', () => {
    const m = autoencoderTemplate('deep', [28, 28, 1], 30);
    const units = (d: GraphDocument): [number, string][] => d.nodes.filter((n) => n.kind === 'dense').map((n) => [n.params['units'] as number, n.params['activation'] as string]);
    expect(units(m.parts['encoder']!)).toEqual([[1000, 'relu'], [500, 'relu'], [250, 'relu'], [30, 'linear']]);
    expect(units(m.parts['decoder']!)).toEqual([[250, 'relu'], [500, 'relu'], [1000, 'relu'], [784, 'sigmoid']]);
  });

  it('the contract check reports a conv template that cannot come back to the image size', () => {
    const m = autoencoderTemplate('conv', [30, 30, 1], 8);
    const errors = checkEncoderDecoder(m, { inputShape: [30, 30, 1], latentDim: 8, encoderOutputDim: 8 });
    expect(errors.map((e) => e.message).join('\n')).toMatch(/decoder: outputs \[32, 32, 1\]/);
  });
});
