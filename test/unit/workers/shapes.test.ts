import { describe, expect, it } from 'vitest';
import type { GraphDocument, GraphErrorCode } from '../../../workers/common/graph';
import { checkClassifierOutput, inferShapes, validateGraph, windowOutputSize } from '../../../workers/common/shapes';
import { classifierTemplate, classifierTemplates } from '../../../workers/common/templates';

function doc(nodes: GraphDocument['nodes'], edges: [string, string][]): GraphDocument {
  return { format: 'latent-graph', version: 1, name: 't', nodes, edges: edges.map(([from, to]) => ({ from, to, toPort: 0 })) };
}
const n = (id: string, kind: string, params: Record<string, unknown> = {}): GraphDocument['nodes'][number] => ({ id, kind, params });
const codes = (d: GraphDocument): GraphErrorCode[] => inferShapes(d).errors.map((e) => e.code);

describe('shape inference', () => {
  it('infers the MLP template', () => {
    const r = inferShapes(classifierTemplates.mlp);
    expect(r.ok).toBe(true);
    expect(r.outputShape).toEqual([10]);
    expect(r.nodes.map((x) => x.outputShape)).toEqual([[28, 28, 1], [784], [128], [128], [10]]);
    expect(r.totalParams).toBe(784 * 128 + 128 + 128 * 10 + 10);
    expect(r.outputNodeId).toBe('output');
  });

  it('infers the LeNet template', () => {
    const r = inferShapes(classifierTemplates.lenet);
    expect(r.errors).toEqual([]);
    const byId = Object.fromEntries(r.nodes.map((x) => [x.nodeId, x]));
    expect(byId['conv1']!.outputShape).toEqual([28, 28, 6]);
    expect(byId['pool1']!.outputShape).toEqual([14, 14, 6]);
    expect(byId['conv2']!.outputShape).toEqual([10, 10, 16]);
    expect(byId['pool2']!.outputShape).toEqual([5, 5, 16]);
    expect(byId['flatten']!.outputShape).toEqual([400]);
    expect(byId['conv1']!.paramCount).toBe(5 * 5 * 1 * 6 + 6);
    expect(byId['conv2']!.paramCount).toBe(5 * 5 * 6 * 16 + 16);
    expect(r.totalParams).toBe(156 + 2416 + 48120 + 10164 + 850);
  });

  it('adapts templates to a dataset', () => {
    const d = classifierTemplate('lenet', [32, 32, 3], 7);
    const r = inferShapes(d);
    expect(r.ok).toBe(true);
    expect(r.outputShape).toEqual([7]);
    expect(r.nodes[0]!.outputShape).toEqual([32, 32, 3]);
    expect(classifierTemplates.lenet.nodes[0]!.params['shape']).toEqual([28, 28, 1]);
    expect(d.nodes.every((x) => x.position !== undefined)).toBe(true);
  });

  it('computes window sizes with the (N − F + 2P)/S + 1 rule', () => {
    expect(windowOutputSize(28, 5, 1, 'valid')).toBe(24);
    expect(windowOutputSize(28, 5, 2, 'valid')).toBe(12);
    expect(windowOutputSize(28, 5, 2, 'same')).toBe(14);
    expect(windowOutputSize(7, 3, 2, 'same')).toBe(4);
  });

  it('counts batchNorm as 4 × channels, and reshape element counts', () => {
    const r = inferShapes(doc([n('in', 'input', { shape: [8, 8, 3] }), n('bn', 'batchNorm'), n('r', 'reshape', { targetShape: [192] })], [['in', 'bn'], ['bn', 'r']]));
    expect(r.ok).toBe(true);
    expect(r.totalParams).toBe(12);
    expect(codes(doc([n('in', 'input', { shape: [8, 8, 3] }), n('r', 'reshape', { targetShape: [100] })], [['in', 'r']]))).toEqual(['shape-mismatch']);
  });

  it('reports each error kind with node id, message and hint', () => {
    const cases: [GraphDocument, GraphErrorCode][] = [
      [doc([n('in', 'input', { shape: [4] }), n('x', 'bogus')], [['in', 'x']]), 'unknown-kind'],
      [doc([n('in', 'input', { shape: [4] }), n('d', 'dense', { units: -1 })], [['in', 'd']]), 'bad-params'],
      [doc([n('in', 'input', { shape: [4] }), n('d', 'dense', { units: 2 }), n('d', 'dense', { units: 3 })], [['in', 'd']]), 'duplicate-id'],
      [doc([n('in', 'input', { shape: [4] }), n('d', 'dense', { units: 2 })], [['in', 'd'], ['d', 'ghost']]), 'dangling-edge'],
      [doc([n('d', 'dense', { units: 2 })], []), 'no-input'],
      [doc([n('in', 'input', { shape: [4] }), n('in2', 'input', { shape: [4] }), n('d', 'dense', { units: 2 })], [['in', 'd'], ['in2', 'd']]), 'multiple-inputs'],
      [doc([n('in', 'input', { shape: [4] }), n('a', 'dense', { units: 2 }), n('b', 'dense', { units: 2 })], [['in', 'a'], ['b', 'a']]), 'missing-input'],
      [doc([n('in', 'input', { shape: [4] }), n('a', 'dense', { units: 2 }), n('b', 'dense', { units: 2 }), n('c', 'dense', { units: 2 })], [['in', 'a'], ['in', 'b'], ['a', 'c'], ['b', 'c']]), 'too-many-inputs'],
      [doc([n('in', 'input', { shape: [4] }), n('a', 'dense', { units: 2 }), n('b', 'dense', { units: 2 }), n('c', 'dense', { units: 2 })], [['in', 'a'], ['b', 'c'], ['c', 'b']]), 'cycle'],
      [doc([n('in', 'input', { shape: [4] }), n('a', 'dense', { units: 2 }), n('b', 'dense', { units: 2 }), n('c', 'dense', { units: 2 })], [['in', 'a'], ['b', 'c'], ['c', 'b'], ['a', 'c']]), 'cycle'],
      [doc([n('in', 'input', { shape: [28, 28, 1] }), n('d', 'dense', { units: 2 })], [['in', 'd']]), 'shape-mismatch'],
      [doc([n('in', 'input', { shape: [784] }), n('c', 'conv2d', { filters: 2 })], [['in', 'c']]), 'shape-mismatch'],
      [doc([n('in', 'input', { shape: [3, 3, 1] }), n('c', 'conv2d', { filters: 2, kernelSize: 5 })], [['in', 'c']]), 'kernel-too-large'],
      [doc([n('in', 'input', { shape: [4] }), n('a', 'dense', { units: 2 }), n('b', 'dense', { units: 2 })], [['in', 'a'], ['in', 'b']]), 'bad-output'],
    ];
    for (const [d, code] of cases) {
      const r = inferShapes(d);
      expect(r.ok, code).toBe(false);
      const e = r.errors.find((x) => x.code === code);
      expect(e, `${code}: got ${JSON.stringify(r.errors)}`).toBeDefined();
      expect(e!.message.length).toBeGreaterThan(5);
      expect(e!.hint.length).toBeGreaterThan(5);
      if (code !== 'no-input') expect(e!.nodeId).toBeDefined();
    }
  });

  it('says to add a flatten layer before dense on an image', () => {
    const r = inferShapes(doc([n('in', 'input', { shape: [28, 28, 1] }), n('d', 'dense', { units: 2 })], [['in', 'd']]));
    expect(r.errors[0]!.hint).toMatch(/flatten/);
    expect(r.errors[0]!.nodeId).toBe('d');
  });

  it('reports unreachable nodes', () => {
    const r = inferShapes(doc([n('in', 'input', { shape: [4] }), n('a', 'dense', { units: 2 }), n('b', 'dense', { units: 2 }), n('c', 'dense', { units: 2 })], [['in', 'a'], ['b', 'c']]));
    expect(r.errors.map((e) => [e.code, e.nodeId])).toEqual(expect.arrayContaining([['missing-input', 'b'], ['unreachable', 'c'], ['bad-output', 'c']]));
  });

  it('validateGraph returns schema errors instead of throwing', () => {
    expect(validateGraph(null).report.ok).toBe(false);
    const v = validateGraph({ format: 'latent-graph', version: 1, name: 'x', nodes: [{ id: 'a b', kind: 'input' }], edges: [] });
    expect(v.doc).toBeUndefined();
    expect(v.report.errors[0]!.message).toMatch(/nodes\.0\.id/);
    expect(validateGraph(classifierTemplates.mlp).report.ok).toBe(true);
  });

  it('checkClassifierOutput', () => {
    const r = inferShapes(classifierTemplates.mlp);
    expect(checkClassifierOutput(r, 10)).toBeUndefined();
    expect(checkClassifierOutput(r, 5)?.code).toBe('bad-output');
  });
});
