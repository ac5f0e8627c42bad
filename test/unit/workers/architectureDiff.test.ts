/** architectureDiff: layers matched by id then by kind and order, parameter changes with defaults applied, edges, parts, counts. */
import { describe, expect, it } from 'vitest';
import { canonicalJson, diffArchitectures, formatArchitectureDiff } from '../../../workers/common/architectureDiff';
import type { GraphDocument, ModelDocument } from '../../../workers/common/graph';
import { chain, type ChainLayer } from '../../../workers/common/graphChain';
import { classifierTemplates } from '../../../workers/common/families/classifier/templates';
import { vaeTemplate } from '../../../workers/common/families/vae/templates';

const input: ChainLayer = { id: 'input', kind: 'input', label: 'in', params: { shape: [28, 28, 1] } };
const flatten: ChainLayer = { id: 'flatten', kind: 'flatten', label: 'flat', params: {} };
const dense = (id: string, units: number, activation = 'relu'): ChainLayer => ({ id, kind: 'dense', label: id, params: { units, activation } });

const mlp = (hidden: number, ids: [string, string] = ['hidden', 'output']): GraphDocument =>
  chain(`mlp-${hidden}`, [input, flatten, dense(ids[0], hidden), dense(ids[1], 10, 'softmax')]);

describe('diffArchitectures on one graph', () => {
  it('finds nothing between a graph and itself, whatever the labels, positions and spelt-out defaults', () => {
    const a = mlp(128);
    const b = structuredClone(a);
    b.name = 'renamed copy';
    b.nodes[2]!.label = 'another label';
    b.nodes[2]!.position = { x: 1, y: 2 };
    b.nodes[2]!.params = { units: 128, activation: 'relu', useBias: true };
    const d = diffArchitectures(a, b);
    expect(d.same).toBe(true);
    expect(d.parts).toMatchObject([{ part: 'model', status: 'same', added: [], removed: [], changed: [], edgesAdded: [], edgesRemoved: [] }]);
  });

  it('names the changed parameter of a layer matched by id, old → new, with both parameter counts', () => {
    const d = diffArchitectures(mlp(128), mlp(64));
    expect(d.same).toBe(false);
    const [part] = d.parts;
    expect(part?.status).toBe('changed');
    // The output layer's weights shrink with its input, but its own parameters did not change: not listed.
    expect(part?.changed).toEqual([{
      before: { id: 'hidden', kind: 'dense', paramCount: 784 * 128 + 128 },
      after: { id: 'hidden', kind: 'dense', paramCount: 784 * 64 + 64 },
      matchedBy: 'id',
      params: [{ key: 'units', before: 128, after: 64 }],
    }]);
    expect(part?.paramsBefore).toBe(784 * 128 + 128 + 1290);
    expect(part?.paramsAfter).toBe(784 * 64 + 64 + 650);
    expect(part?.edgesAdded).toEqual([]);
    expect(part?.edgesRemoved).toEqual([]);
  });

  it('falls back to kind and order when ids differ, and translates edges through that matching', () => {
    const d = diffArchitectures(mlp(128), mlp(128, ['h1', 'out']));
    const [part] = d.parts;
    expect(part).toMatchObject({ status: 'same', added: [], removed: [], changed: [], edgesAdded: [], edgesRemoved: [] });
    expect(part?.renamed).toEqual([{ before: 'hidden', after: 'h1' }, { before: 'output', after: 'out' }]);
    const changed = diffArchitectures(mlp(128), mlp(32, ['h1', 'out'])).parts[0]?.changed[0];
    expect(changed).toMatchObject({ before: { id: 'hidden' }, after: { id: 'h1' }, matchedBy: 'position', params: [{ key: 'units', before: 128, after: 32 }] });
  });

  it('lists added and removed layers and the edges that moved with them', () => {
    const before = mlp(128);
    const after = chain('deeper', [input, flatten, dense('hidden', 128), dense('hidden2', 64), dense('output', 10, 'softmax')]);
    const part = diffArchitectures(before, after).parts[0]!;
    expect(part.added).toEqual([{ id: 'hidden2', kind: 'dense', paramCount: 128 * 64 + 64 }]);
    expect(part.removed).toEqual([]);
    expect(part.edgesAdded).toEqual([{ from: 'hidden', to: 'hidden2', toPort: 0 }, { from: 'hidden2', to: 'output', toPort: 0 }]);
    expect(part.edgesRemoved).toEqual([{ from: 'hidden', to: 'output', toPort: 0 }]);
    const back = diffArchitectures(after, before).parts[0]!;
    expect(back.removed.map((l) => l.id)).toEqual(['hidden2']);
    expect(back.added).toEqual([]);
  });

  it('reports a changed kind under the same id with every parameter that differs', () => {
    const after = mlp(128);
    after.nodes[3] = { id: 'output', kind: 'dropout', params: { rate: 0.5 } };
    const c = diffArchitectures(mlp(128), after).parts[0]!.changed[0]!;
    expect(c.before.kind).toBe('dense');
    expect(c.after.kind).toBe('dropout');
    expect(c.params.map((p) => p.key)).toEqual(['activation', 'rate', 'units', 'useBias']);
    expect(c.params.find((p) => p.key === 'rate')).toEqual({ key: 'rate', before: undefined, after: 0.5 });
  });

  it('gives null counts when a graph cannot be shaped, and still diffs its layers', () => {
    const broken = mlp(128);
    broken.edges = broken.edges.filter((e) => e.to !== 'output');
    const part = diffArchitectures(mlp(128), broken).parts[0]!;
    expect(part.paramsAfter).toBeNull();
    expect(part.paramsBefore).toBe(784 * 128 + 128 + 1290);
    expect(part.edgesRemoved).toEqual([{ from: 'hidden', to: 'output', toPort: 0 }]);
  });

  it('compares the two classifier templates as different graphs', () => {
    const d = diffArchitectures(classifierTemplates.mlp, classifierTemplates.lenet);
    const part = d.parts[0]!;
    expect(part.added.map((l) => l.kind)).toEqual(expect.arrayContaining(['conv2d', 'maxPool2d']));
    expect(part.removed.map((l) => l.id)).toEqual(['dropout']);
  });
});

describe('diffArchitectures on latent-models', () => {
  const vae = (): ModelDocument => vaeTemplate('mlp', [28, 28, 1], 2);

  it('diffs each part and marks parts only one side has', () => {
    const a = vae();
    const b = structuredClone(a);
    const enc = b.parts['encoder']!;
    const firstDense = enc.nodes.find((n) => n.kind === 'dense')!;
    const units = firstDense.params['units'];
    firstDense.params = { ...firstDense.params, units: 7 };
    const d = diffArchitectures(a, b);
    expect(d.parts.map((p) => [p.part, p.status])).toEqual(Object.keys(a.parts).map((name) => [name, name === 'encoder' ? 'changed' : 'same']));
    expect(d.parts[0]?.changed[0]?.params).toEqual([{ key: 'units', before: units, after: 7 }]);

    const { decoder, ...onlyEncoder } = a.parts;
    expect(decoder).toBeDefined();
    const missing = diffArchitectures(a, { ...a, parts: onlyEncoder });
    const gone = missing.parts.find((p) => p.part === 'decoder')!;
    expect(gone.status).toBe('removed');
    expect(gone.removed.length).toBe(decoder!.nodes.length);
    expect(gone.paramsAfter).toBeNull();
  });
});

describe('formatArchitectureDiff and canonicalJson', () => {
  it('prints a changed layer with its parameter old → new and the counts', () => {
    const text = formatArchitectureDiff(diffArchitectures(mlp(128), mlp(64))).join('\n');
    expect(text).toContain('Architecture "mlp-128" → "mlp-64": differs');
    expect(text).toContain('model: changed, parameters 101,770 → 50,890');
    expect(text).toContain('~ changed hidden (dense): units 128 → 64');
  });

  it('orders keys at every level', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: 'x', u: undefined })).toBe('{"a":"x","b":[{"c":2,"d":1}]}');
  });
});
