/**
 * The editor's pure parts: graph edits, undo/redo, auto-layout, the
 * property fields read off the layer schemas, the family contracts and the
 * canvas elements — against the shared shape inference, on real templates.
 */
import { describe, expect, it } from 'vitest';
import { classifierTemplate } from '../../../workers/common/families/classifier/templates';
import { inferShapes } from '../../../workers/common/shapes';
import { layerKinds, layerParamSchemas } from '../../../workers/common/layers';
import { addNode, connect, copyFragment, edgeKey, moveNodes, parseEdgeKey, pasteFragment, removeElements, setNodeLabel } from '../../../renderer/lib/editor/graphEdits';
import { EditHistory } from '../../../renderer/lib/editor/editHistory';
import { autoLayout, NODE_HEIGHT } from '../../../renderer/lib/editor/autoLayout';
import { paramFields, parseParamText, withParam } from '../../../renderer/lib/editor/paramFields';
import {
  checkArchitecture, choicesFromQuery, contractChoices, contractLines, defaultContract, defaultContractFor, editorFamilies, familyParts, familyTemplates,
  fitsFamily, guessFamily, inferContract, templateArchitecture, toArchitecture, toEditorArchitecture,
} from '../../../renderer/lib/editor/editorFamilies';
import { checkEncoderDecoder } from '../../../workers/common/partContracts';
import { checkGeneratorDiscriminator } from '../../../workers/common/families/gan/contract';
import { familyOf } from '../../../workers/common/families/registry';
import { defaultSequenceContract } from '../../../workers/common/families/sequence/index';
import { templateObjectives, type SequenceTemplate } from '../../../workers/common/families/sequence/config';
import { flowElements, memoFlowElements, nodePorts, portOfHandle } from '../../../renderer/lib/editor/flowElements';
import { shapeTable } from '../../../renderer/lib/editor/shapeSummary';
import type { GraphDocument } from '../../../workers/common/graph';

const lenet = (): GraphDocument => classifierTemplate('lenet', [28, 28, 1], 10);

describe('graph edits', () => {
  it('adds nodes with fresh ids and connects them, one edge per port', () => {
    let g: GraphDocument = { format: 'latent-graph', version: 1, name: 'g', nodes: [], edges: [] };
    const a = addNode(g, 'input', { shape: [4] }, { x: 0, y: 0 });
    g = a.doc;
    const b = addNode(g, 'dense', { units: 3 }, { x: 200, y: 0 });
    g = b.doc;
    const c = addNode(g, 'dense', { units: 2 }, { x: 200, y: 100 });
    g = c.doc;
    expect([a.id, b.id, c.id]).toEqual(['input1', 'dense1', 'dense2']);
    g = connect(g, a.id, b.id, 0);
    g = connect(g, c.id, b.id, 0);
    // The port held one edge: the second connection replaced the first.
    expect(g.edges).toEqual([{ from: c.id, to: b.id, toPort: 0 }]);
    expect(connect(g, b.id, b.id, 0)).toBe(g);
  });

  it('removes nodes with their edges, and edges by key', () => {
    const g = lenet();
    const first = g.edges[0]!;
    const without = removeElements(g, [], [edgeKey(first)]);
    expect(without.edges).toHaveLength(g.edges.length - 1);
    expect(inferShapes(without).errors.some((e) => e.code === 'missing-input')).toBe(true);
    const id = g.nodes[2]!.id;
    const cut = removeElements(g, [id]);
    expect(cut.nodes.some((n) => n.id === id)).toBe(false);
    expect(cut.edges.some((e) => e.from === id || e.to === id)).toBe(false);
    expect(parseEdgeKey(edgeKey(first))).toEqual(first);
  });

  it('copies and pastes a fragment with fresh ids and its inner edges', () => {
    const g = lenet();
    const ids = g.nodes.slice(1, 4).map((n) => n.id);
    const frag = copyFragment(g, ids);
    expect(frag.edges).toHaveLength(2);
    const { doc, ids: pasted } = pasteFragment(g, frag, { x: 40, y: 40 });
    expect(pasted).toHaveLength(3);
    expect(new Set(doc.nodes.map((n) => n.id)).size).toBe(doc.nodes.length);
    expect(doc.edges.filter((e) => pasted.includes(e.from) && pasted.includes(e.to))).toHaveLength(2);
    const orig = g.nodes[1]!.position!;
    const copy = doc.nodes.find((n) => n.id === pasted[0])!.position!;
    expect(copy).toEqual({ x: orig.x + 40, y: orig.y + 40 });
  });

  it('leaves its input alone (the undo history keeps old documents)', () => {
    const g = lenet();
    const before = JSON.stringify(g);
    moveNodes(g, new Map([[g.nodes[0]!.id, { x: 999, y: 1 }]]));
    setNodeLabel(g, g.nodes[0]!.id, 'renamed');
    removeElements(g, [g.nodes[1]!.id]);
    expect(JSON.stringify(g)).toBe(before);
  });
});

describe('edit history', () => {
  it('undoes and redoes, and a new edit drops the redo branch', () => {
    const h = new EditHistory(0);
    h.push(1);
    h.push(2);
    expect(h.undo()).toBe(1);
    expect(h.undo()).toBe(0);
    expect(h.canUndo).toBe(false);
    expect(h.redo()).toBe(1);
    h.push(5);
    expect(h.canRedo).toBe(false);
    expect(h.undo()).toBe(1);
  });

  it('keeps at most its limit of steps', () => {
    const h = new EditHistory(0, 3);
    for (let i = 1; i <= 10; i++) h.push(i);
    let steps = 0;
    while (h.canUndo) { h.undo(); steps++; }
    expect(steps).toBe(3);
    expect(h.current).toBe(7);
  });
});

describe('auto-layout', () => {
  it('puts every layer below the layers feeding it', () => {
    const g = autoLayout({ ...lenet(), nodes: lenet().nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } })) });
    const y = new Map(g.nodes.map((n) => [n.id, n.position!.y]));
    for (const e of g.edges) expect(y.get(e.to)!).toBeGreaterThanOrEqual(y.get(e.from)! + NODE_HEIGHT);
  });
});

describe('property fields', () => {
  it('has a typed field for every parameter of every kind', () => {
    for (const kind of layerKinds) {
      const keys = Object.keys(layerParamSchemas[kind].shape);
      expect(paramFields(kind).map((f) => f.key)).toEqual(keys);
    }
    const conv = paramFields('conv2d');
    expect(conv.find((f) => f.key === 'filters')).toMatchObject({ control: 'integer', required: true, min: 1 });
    expect(conv.find((f) => f.key === 'padding')).toMatchObject({ control: 'choice', options: ['valid', 'same'], defaultValue: 'valid' });
    expect(conv.find((f) => f.key === 'kernelSize')).toMatchObject({ control: 'pair', defaultValue: 3 });
    expect(paramFields('input').find((f) => f.key === 'shape')).toMatchObject({ control: 'list', required: true });
  });

  it('turns typed text into values the schema accepts, or keeps bad text for the schema to refuse', () => {
    const conv = paramFields('conv2d');
    const kernel = conv.find((f) => f.key === 'kernelSize')!;
    expect(parseParamText(kernel, '5')).toBe(5);
    expect(parseParamText(kernel, '3, 5')).toEqual([3, 5]);
    expect(parseParamText(kernel, '')).toBeUndefined();
    const filters = conv.find((f) => f.key === 'filters')!;
    expect(parseParamText(filters, 'lots')).toBe('lots');
    const bad = withParam({ filters: 8 }, 'filters', parseParamText(filters, 'lots'));
    expect(layerParamSchemas.conv2d.safeParse(bad).success).toBe(false);
    expect(withParam({ filters: 8, padding: 'same' }, 'padding', undefined)).toEqual({ filters: 8 });
  });
});

describe('family contracts', () => {
  it('gives a sequence architecture the contract of its objective (the built-in corpus, parity 10, the date task)', () => {
    expect(defaultContractFor('sequence')).toMatchObject({ inputShape: [64], numClasses: 64, choices: { objective: 'lm' } });
    expect(defaultSequenceContract({ objective: 'classification' })).toMatchObject({ inputShape: [10], numClasses: 2, choices: { objective: 'classification', vocabulary: '6' } });
    expect(defaultSequenceContract({ objective: 'seq2seq' })).toMatchObject({ inputShape: [12], choices: { objective: 'seq2seq', decoderLength: '11' } });
  });

  it('every template of every family is ready to train under the contract it infers', () => {
    expect(editorFamilies).toEqual(['classifier', 'autoencoder', 'vae', 'gan', 'sequence']);
    for (const family of editorFamilies) {
      for (const template of familyTemplates(family)) {
        // A sequence template is for one objective: the editor's contract follows the objective chosen.
        const c = family === 'sequence' ? defaultSequenceContract({ objective: templateObjectives[template as SequenceTemplate][0]! }) : defaultContractFor(family);
        expect(c.latentDim).toBe(family === 'gan' ? 64 : family === 'sequence' ? 0 : 20);
        const arch = templateArchitecture(family, template, c);
        expect(Object.keys(arch.parts)).toEqual([...familyParts(family)]);
        expect(checkArchitecture(arch, c).ok, `${family}/${template}`).toBe(true);
        if (family === 'sequence') expect(inferContract(arch)).toMatchObject({ inputShape: c.inputShape, numClasses: c.numClasses, choices: c.choices });
        else expect(inferContract(arch)).toMatchObject({ inputShape: [28, 28, 1], latentDim: family === 'classifier' ? defaultContract.latentDim : c.latentDim });
        // The stored document reads back to the same parts.
        expect(toEditorArchitecture(family, toArchitecture(arch)).parts).toEqual(arch.parts);
        // A stored template goes back to its own family (an autoencoder's and a VAE's parts are named alike: the contract tells them apart).
        expect(guessFamily(toArchitecture(arch)), `${family}/${template}`).toBe(family);
        expect(fitsFamily(family, toArchitecture(arch))).toBe(true);
      }
    }
    expect(familyTemplates('gan')).not.toContain('toy-mlp');
  });

  it('names the part and the fix when a part breaks its contract', () => {
    const c = defaultContractFor('gan');
    const gan = templateArchitecture('gan', 'mlp', c);
    const d = gan.parts['discriminator']!;
    const last = d.nodes.find((n) => n.id === inferShapes(d).outputNodeId)!;
    const broken = { ...gan, parts: { ...gan.parts, discriminator: { ...d, nodes: d.nodes.map((n) => (n === last ? { ...n, params: { ...n.params, units: 2 } } : n)) } } };
    const check = checkArchitecture(broken, c);
    expect(check.ok).toBe(false);
    expect(check.byPart['discriminator']![0]!.message).toMatch(/outputs \[2\] but must output one logit/);
    expect(check.byPart['discriminator']![0]!.nodeId).toBe(last.id);
    expect(contractLines('gan', c)['discriminator']).toMatch(/one logit/);
  });

  it('reads a conditional GAN\'s conditioning off its inputs', () => {
    const c = { ...defaultContract, latentDim: 32, choices: { conditioning: 'cgan' } };
    expect(inferContract(templateArchitecture('gan', 'mlp', c))).toMatchObject({ choices: { conditioning: 'cgan' }, latentDim: 32, numClasses: 10 });
    expect(inferContract(templateArchitecture('gan', 'mlp', { ...c, choices: { conditioning: 'acgan' } }))).toMatchObject({ choices: { conditioning: 'acgan' } });
    expect(defaultContractFor('gan').choices).toEqual({ conditioning: 'none' });
    expect(defaultContractFor('vae').choices).toEqual({});
  });

  it('offers a select per contract choice, and reads the choices off a route query', () => {
    expect(contractChoices('gan').map((c) => [c.key, c.options.map((o) => o.value)])).toEqual([['conditioning', ['none', 'cgan', 'acgan']]]);
    expect(contractChoices('classifier')).toEqual([]);
    expect(choicesFromQuery('gan', { conditioning: 'acgan', family: 'gan' })).toEqual({ conditioning: 'acgan' });
    expect(choicesFromQuery('gan', { conditioning: 'infogan' })).toEqual({});
    expect(choicesFromQuery('vae', { conditioning: 'acgan' })).toEqual({});
    // The latent field shows for the families whose contract has a latent size.
    expect(editorFamilies.filter((f) => familyOf(f).network.hasLatent)).toEqual(['autoencoder', 'vae', 'gan']);
  });

  it('reads each error\'s part off the error, not its message', () => {
    const vae = templateArchitecture('vae', 'mlp', defaultContract);
    const doc = toArchitecture(vae);
    const errors = checkEncoderDecoder(doc as Parameters<typeof checkEncoderDecoder>[0], { inputShape: [28, 28, 1], latentDim: 8, encoderOutputDim: 16 });
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e.part).toBeDefined();
      expect(e.message.startsWith(`${e.part!}: `)).toBe(true);
    }
    const gan = toArchitecture(templateArchitecture('gan', 'mlp', defaultContractFor('gan')));
    const ganErrors = checkGeneratorDiscriminator(gan as Parameters<typeof checkGeneratorDiscriminator>[0], { dataShape: [28, 28, 1], latentDim: 3 });
    expect(ganErrors.map((e) => e.part)).toEqual(['generator']);
    // The editor files an error under its part and drops the prefix; a renamed part's errors are the model's.
    const check = checkArchitecture(vae, { ...defaultContract, latentDim: 8 });
    expect(check.byPart['encoder']!.map((e) => e.message)).toEqual(['outputs [40] but must output μ and log σ² ([16] = 2 × latentDim 8)']);
    expect(check.byPart['decoder']!.map((e) => e.message)).toEqual(['input is [20] but the code is [8]']);
    expect(check.byPart['']).toEqual([]);
  });

  it('refuses a classifier whose output does not match the classes', () => {
    const arch = templateArchitecture('classifier', 'mlp', defaultContract);
    const check = checkArchitecture(arch, { ...defaultContract, numClasses: 5 });
    expect(check.byPart['model']!.map((e) => e.code)).toContain('bad-output');
  });
});

describe('canvas elements', () => {
  it('labels every edge with its tensor shape and marks errors on the node', () => {
    const g = lenet();
    const conv = g.nodes.find((n) => n.kind === 'conv2d')!;
    const broken = { ...g, nodes: g.nodes.map((n) => (n === conv ? { ...n, params: { ...n.params, kernelSize: 40, padding: 'valid' } } : n)) };
    const report = inferShapes(broken);
    const errors = new Map<string, typeof report.errors>();
    for (const e of report.errors) if (e.nodeId) errors.set(e.nodeId, [...(errors.get(e.nodeId) ?? []), e]);
    const { nodes, edges } = flowElements(broken, report, errors);
    const node = nodes.find((n) => n.id === conv.id)!;
    expect(node.data.errors[0]).toMatch(/kernel 40×40 is larger than its 28×28 input/);
    const intoConv = edges.find((e) => e.target === conv.id)!;
    expect(intoConv.label).toBe('28×28×1');
    expect(intoConv.targetHandle).toBe('p0');
    const ok = flowElements(g, inferShapes(g), new Map());
    expect(ok.nodes.every((n) => n.data.errors.length === 0 && n.data.outputShape !== '?')).toBe(true);
  });

  it('keeps the element objects of layers an edit did not touch, and the lists when none changed', () => {
    const g = lenet();
    const elementsOf = memoFlowElements();
    const a = elementsOf(g, inferShapes(g), new Map());
    const again = elementsOf(structuredClone(g), inferShapes(g), new Map());
    expect(again.nodes).toBe(a.nodes);
    expect(again.edges).toBe(a.edges);
    const last = g.nodes.at(-1)!;
    const edited = { ...g, nodes: g.nodes.map((n) => (n === last ? { ...n, label: 'renamed' } : n)) };
    const c = elementsOf(edited, inferShapes(edited), new Map());
    expect(c.nodes).not.toBe(a.nodes);
    expect(c.nodes.filter((n, i) => n !== a.nodes[i]).map((n) => n.id)).toEqual([last.id]);
    expect(c.edges).toBe(a.edges);
  });

  it('gives a join one free port more than it uses, up to its maximum', () => {
    expect(nodePorts('concat', []).length).toBe(2);
    expect(nodePorts('concat', [0, 1]).length).toBe(3);
    expect(nodePorts('concat', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]).length).toBe(16);
    expect(nodePorts('attention', [0, 1]).map((p) => p.label)).toEqual(['query', 'value']);
    expect(nodePorts('input', [])).toEqual([]);
    expect(portOfHandle('p3')).toBe(3);
  });

  it('totals the layer table as the shape report does', () => {
    const g = lenet();
    const report = inferShapes(g);
    const t = shapeTable(g, report);
    expect(t.rows.reduce((a, r) => a + r.params, 0)).toBe(report.totalParams);
    expect(t.totalMemoryBytes).toBe(4 * report.totalActivationsPerExample);
  });
});
