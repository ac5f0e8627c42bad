import { describe, expect, it } from 'vitest';
import type { GraphDocument, GraphErrorCode } from '../../../workers/common/graph';
import { checkClassifierOutput, inferShapes, validateGraph, windowOutputSize } from '../../../workers/common/shapes';
import { classifierTemplate, classifierTemplates } from '../../../workers/common/families/classifier/templates';

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
      [doc([n('in', 'input', { shape: [4] }), n('in2', 'input', { shape: [4] }), n('c', 'concat'), n('d', 'dense', { units: 2 })], [['in', 'c'], ['in2', 'c'], ['c', 'd']]), 'duplicate-input-name'],
      [doc([n('in', 'input', { shape: [4] }), n('in2', 'input', { shape: [4], name: 'y' }), n('d', 'dense', { units: 2 })], [['in', 'd'], ['in2', 'd']]), 'too-many-inputs'],
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

describe('graphs with several inputs', () => {
  /** x [28,28,1] and a label y [10]: y → dense 784 → reshape [28,28,1], concat with x as a channel, then a conv. */
  const twoInputs = (over: { yPort?: number; xPort?: number; mapShape?: number[]; yName?: string } = {}): GraphDocument => ({
    format: 'latent-graph', version: 1, name: 'two',
    nodes: [
      n('x', 'input', { shape: [28, 28, 1], name: 'x' }),
      n('y', 'input', { shape: [10], name: over.yName ?? 'y' }),
      n('ymap', 'dense', { units: 784 }),
      n('yr', 'reshape', { targetShape: over.mapShape ?? [28, 28, 1] }),
      n('cat', 'concat'),
      n('conv', 'conv2d', { filters: 4, kernelSize: 3 }),
    ],
    edges: [
      { from: 'y', to: 'ymap', toPort: 0 }, { from: 'ymap', to: 'yr', toPort: 0 },
      { from: 'x', to: 'cat', toPort: over.xPort ?? 0 }, { from: 'yr', to: 'cat', toPort: over.yPort ?? 1 },
      { from: 'cat', to: 'conv', toPort: 0 },
    ],
  });

  it('infers a concat along the last axis, lists the inputs in document order with their names', () => {
    const r = inferShapes(twoInputs());
    expect(r.errors).toEqual([]);
    expect(r.inputs).toEqual([{ nodeId: 'x', name: 'x', shape: [28, 28, 1] }, { nodeId: 'y', name: 'y', shape: [10] }]);
    const byId = Object.fromEntries(r.nodes.map((x) => [x.nodeId, x]));
    expect(byId['cat']!.outputShape).toEqual([28, 28, 2]);
    expect(byId['cat']!.paramCount).toBe(0);
    expect(r.outputShape).toEqual([26, 26, 4]);
    expect(r.totalParams).toBe(10 * 784 + 784 + 3 * 3 * 2 * 4 + 4);
    // Flat vectors: [4] + [3] + [2] → [9]; an input without a name is 'x'.
    const flat = inferShapes({
      format: 'latent-graph', version: 1, name: 'flat',
      nodes: [n('a', 'input', { shape: [4] }), n('b', 'input', { shape: [3], name: 'b' }), n('c', 'input', { shape: [2], name: 'c' }), n('j', 'concat')],
      edges: [{ from: 'c', to: 'j', toPort: 2 }, { from: 'a', to: 'j', toPort: 0 }, { from: 'b', to: 'j', toPort: 1 }],
    });
    expect(flat.errors).toEqual([]);
    expect(flat.outputShape).toEqual([9]);
    expect(flat.inputs.map((i) => i.name)).toEqual(['x', 'b', 'c']);
  });

  it('says which port of a concat does not agree, and how to fix it', () => {
    const r = inferShapes(twoInputs({ mapShape: [14, 56, 1] }));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ code: 'shape-mismatch', nodeId: 'cat' });
    expect(r.errors[0]!.message).toBe("concat 'cat': port 1 ('yr') is [14, 56, 1] but port 0 ('x') is [28, 28, 1]; every axis but the last must agree (axis 0 differs)");
    const rank = inferShapes({
      format: 'latent-graph', version: 1, name: 'rank',
      nodes: [n('x', 'input', { shape: [28, 28, 1] }), n('y', 'input', { shape: [10], name: 'y' }), n('cat', 'concat')],
      edges: [{ from: 'x', to: 'cat', toPort: 0 }, { from: 'y', to: 'cat', toPort: 1 }],
    });
    expect(rank.errors[0]!.message).toMatch(/^concat 'cat': port 1 \('y'\) is \[10\] but port 0 \('x'\) is \[28, 28, 1\]; a concat joins inputs of the same rank/);
    expect(rank.errors[0]!.hint).toMatch(/dense to height·width units, then reshape/);
  });

  it('reports a missing port, a duplicate port, a port a layer does not have and duplicate input names', () => {
    const gap = inferShapes(twoInputs({ yPort: 2 }));
    expect(gap.errors.map((e) => [e.code, e.nodeId, e.message])).toEqual([['missing-input', 'cat', "concat 'cat' has inputs on ports 0, 2 but nothing on port 1"]]);
    const dup = inferShapes(twoInputs({ yPort: 0 }));
    expect(dup.errors.map((e) => [e.code, e.nodeId, e.message])).toEqual([['duplicate-port', 'cat', "concat 'cat' has 2 inputs on port 0 ('x', 'yr')"]]);
    const one = inferShapes(doc([n('in', 'input', { shape: [4] }), n('cat', 'concat'), n('d', 'dense', { units: 2 })], [['in', 'cat'], ['cat', 'd']]));
    expect(one.errors.map((e) => e.code)).toEqual(['missing-input']);
    expect(one.errors[0]!.message).toBe("concat 'cat' has 1 input but joins 2 to 16");
    const port = inferShapes({ ...doc([n('in', 'input', { shape: [4] }), n('d', 'dense', { units: 2 })], []), edges: [{ from: 'in', to: 'd', toPort: 1 }] });
    expect(port.errors.map((e) => [e.code, e.message])).toEqual([['bad-port', "dense 'd' takes one input, on port 0, but the edge from 'in' goes to port 1"]]);
    const names = inferShapes(twoInputs({ yName: 'x' }));
    expect(names.errors.map((e) => [e.code, e.nodeId, e.message])).toEqual([['duplicate-input-name', 'y', "Inputs 'x' and 'y' are both named 'x'"]]);
    expect(inferShapes(twoInputs({ yName: 'Bad name' })).errors[0]!.code).toBe('bad-params');
  });

  it('an input that feeds nothing is an error of its own, not a second output', () => {
    const r = inferShapes(doc([n('in', 'input', { shape: [4] }), n('y', 'input', { shape: [3], name: 'y' }), n('d', 'dense', { units: 2 })], [['in', 'd']]));
    expect(r.errors.map((e) => [e.code, e.nodeId, e.message])).toEqual([['unreachable', 'y', "Input 'y' feeds nothing"]]);
    expect(r.outputNodeId).toBe('d');
  });
});
