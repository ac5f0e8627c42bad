/**
 * The editor's readability (issue 15): layer titles read off the parameters
 * for every kind of the catalogue, the top-to-bottom layout of every
 * template, and where zoom-to-fit puts the viewport — hand-computed.
 */
import { describe, expect, it } from 'vitest';
import { classifierTemplate } from '../../../workers/common/families/classifier/templates';
import { layerKinds, type LayerKind } from '../../../workers/common/layers';
import type { GraphDocument } from '../../../workers/common/graph';
import { layerName, layerTitle } from '../../../renderer/lib/editor/layerTitle';
import { autoLayout, needsLayout, withReadableLayout, NODE_GAP, NODE_HEIGHT, NODE_WIDTH, RANK_GAP } from '../../../renderer/lib/editor/autoLayout';
import { boundsOf, fitViewport, MIN_FIT_ZOOM, TITLE_FONT_PX } from '../../../renderer/lib/editor/viewportFit';
import { defaultContractFor, editorFamilies, familyTemplates, templateArchitecture, toEditorArchitecture } from '../../../renderer/lib/editor/editorFamilies';
import { flowElements } from '../../../renderer/lib/editor/flowElements';
import { shapeTable } from '../../../renderer/lib/editor/shapeSummary';
import { inferShapes } from '../../../workers/common/shapes';
import { defaultSequenceContract } from '../../../workers/common/families/sequence/index';
import { templateObjectives, type SequenceTemplate } from '../../../workers/common/families/sequence/config';
import type { ContractContext } from '../../../renderer/lib/editor/editorFamilies';

const lenet = (): GraphDocument => classifierTemplate('lenet', [28, 28, 1], 10);

/** For every kind: parameters and the title a reader expects (defaults filled in by the kind's schema). */
const cases: Record<LayerKind, [Record<string, unknown>, string][]> = {
  input: [[{ shape: [28, 28, 1] }, 'Input 28×28×1'], [{ shape: [100], name: 'z' }, 'Input 100 (z)']],
  dense: [[{ units: 120, activation: 'relu' }, 'Dense 120 ReLU'], [{ units: 10 }, 'Dense 10'], [{ units: 10, activation: 'softmax' }, 'Dense 10 softmax']],
  conv2d: [
    [{ filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }, 'Conv 6@5×5 same ReLU'],
    [{ filters: 32, kernelSize: [3, 5], strides: 2 }, 'Conv 32@3×5 s2 valid'],
    [{ filters: 8, strides: [2, 1], activation: 'leakyRelu' }, 'Conv 8@3×3 s2×1 valid LeakyReLU'],
  ],
  conv2dTranspose: [[{ filters: 64, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }, 'ConvT 64@4×4 s2 same tanh']],
  maskedConv2d: [[{ filters: 32, kernelSize: 7, maskType: 'A' }, 'Masked conv A 32@7×7'], [{ filters: 16, activation: 'relu' }, 'Masked conv B 16@3×3 ReLU']],
  maxPool2d: [[{ poolSize: 2 }, 'Max pool 2×2'], [{ poolSize: 3, strides: 2, padding: 'same' }, 'Max pool 3×3 s2 same']],
  avgPool2d: [[{}, 'Avg pool 2×2']],
  upSampling2d: [[{ size: 2 }, 'Upsample ×2×2'], [{ size: [2, 3] }, 'Upsample ×2×3']],
  flatten: [[{}, 'Flatten']],
  dropout: [[{ rate: 0.2 }, 'Dropout 0.2'], [{}, 'Dropout 0.5']],
  activation: [[{ activation: 'relu' }, 'ReLU'], [{ activation: 'selu' }, 'SELU']],
  batchNorm: [[{ momentum: 0.9 }, 'Batch norm']],
  layerNorm: [[{}, 'Layer norm']],
  virtualBatchNorm: [[{}, 'Virtual batch norm']],
  minibatchStddev: [[{}, 'Minibatch stddev'], [{ groupSize: 4 }, 'Minibatch stddev (groups of 4)']],
  reshape: [[{ targetShape: [7, 7, 128] }, 'Reshape 7×7×128']],
  concat: [[{}, 'Concat']],
  add: [[{}, 'Add']],
  globalAvgPool2d: [[{}, 'Global avg pool']],
  globalMaxPool2d: [[{}, 'Global max pool']],
  embedding: [[{ inputDim: 1000, outputDim: 32 }, 'Embedding 1000→32']],
  oneHot: [[{ depth: 65 }, 'One-hot 65']],
  positionalEncoding: [[{}, 'Sinusoidal positions'], [{ encoding: 'learned', maxLength: 128 }, 'Learned positions ≤128']],
  selfAttention: [[{ heads: 4 }, 'Causal self-attention ×4'], [{ heads: 8, causal: false }, 'Self-attention ×8']],
  simpleRnn: [[{ units: 32 }, 'RNN 32'], [{ units: 16, activation: 'relu', returnSequences: true }, 'RNN 16 ReLU · all steps']],
  lstm: [[{ units: 128 }, 'LSTM 128'], [{ units: 32, bidirectional: true }, 'Bi-LSTM 32'], [{ units: 32, bidirectional: true, mergeMode: 'sum' }, 'Bi-LSTM (sum) 32']],
  gru: [[{ units: 64, returnSequences: true }, 'GRU 64 · all steps']],
  attention: [[{}, 'Attention (scaled dot)'], [{ scaled: false }, 'Attention (dot)'], [{ score: 'general' }, 'Attention (general)'], [{ score: 'additive', units: 32 }, 'Attention (additive 32)']],
  sampling: [[{}, 'Sampling']],
};

describe('layer titles', () => {
  it('covers every kind of the layer catalogue', () => {
    expect(Object.keys(cases).sort()).toEqual([...layerKinds].sort());
  });

  for (const kind of layerKinds) {
    it(`titles ${kind} from its parameters`, () => {
      for (const [params, title] of cases[kind]) expect(layerTitle({ kind, params })).toBe(title);
    });
  }

  it('falls back to the kind when the parameters do not parse, and to the kind string when the kind is unknown', () => {
    expect(layerTitle({ kind: 'conv2d', params: { filters: 0 } })).toBe('Conv');
    expect(layerTitle({ kind: 'dense', params: {} })).toBe('Dense');
    expect(layerTitle({ kind: 'capsule', params: {} })).toBe('capsule');
  });

  it('follows a parameter change where the stored label does not (LeNet conv1: filters 6 → 32)', () => {
    const conv1 = lenet().nodes.find((n) => n.id === 'conv1')!;
    expect(conv1.label).toBe('Conv 6@5×5 same');
    const changed = { ...conv1, params: { ...conv1.params, filters: 32 } };
    const report = inferShapes({ ...lenet(), nodes: lenet().nodes.map((n) => (n.id === 'conv1' ? changed : n)) });
    const els = flowElements({ ...lenet(), nodes: lenet().nodes.map((n) => (n.id === 'conv1' ? changed : n)) }, report, new Map());
    const data = els.nodes.find((n) => n.id === 'conv1')!.data;
    expect(data.title).toBe('Conv 32@5×5 same ReLU');
    expect(data.name).toBe('');
    // The stale label is not lost: the tooltip still says what the document holds.
    expect(data.tooltip).toBe('Conv 32@5×5 same ReLU · label "Conv 6@5×5 same" · id conv1');
    const table = shapeTable({ ...lenet(), nodes: lenet().nodes.map((n) => (n.id === 'conv1' ? changed : n)) }, report);
    expect(table.rows.find((r) => r.nodeId === 'conv1')!.title).toBe('Conv 32@5×5 same ReLU');
  });

  it('shows a stored label as the name only when it names a role', () => {
    expect(layerName({ kind: 'dense', params: { units: 10, activation: 'softmax' }, label: 'Softmax head' })).toBe('Softmax head');
    expect(layerName({ kind: 'concat', params: {}, label: 'Context ⧺ decoder' })).toBe('Context ⧺ decoder');
    expect(layerName({ kind: 'dense', params: { units: 120 }, label: 'Dense 120 ReLU' })).toBeUndefined();
    expect(layerName({ kind: 'flatten', params: {}, label: 'flatten' })).toBeUndefined();
    expect(layerName({ kind: 'flatten', params: {} })).toBeUndefined();
    expect(layerName({ kind: 'flatten', params: {}, label: '  ' })).toBeUndefined();
  });
});

interface Box { id: string; x: number; y: number }
const boxes = (g: GraphDocument): Box[] => g.nodes.map((n) => ({ id: n.id, x: n.position!.x, y: n.position!.y }));
const overlap = (a: Box, b: Box): boolean => a.x < b.x + NODE_WIDTH && b.x < a.x + NODE_WIDTH && a.y < b.y + NODE_HEIGHT && b.y < a.y + NODE_HEIGHT;

function expectReadableLayout(g: GraphDocument): void {
  const b = boxes(g);
  for (let i = 0; i < b.length; i++) for (let j = i + 1; j < b.length; j++) expect(overlap(b[i]!, b[j]!), `${b[i]!.id} / ${b[j]!.id}`).toBe(false);
  const y = new Map(b.map((n) => [n.id, n.y]));
  // Every edge runs down, with room for its shape label between the boxes.
  for (const e of g.edges) expect(y.get(e.to)! - y.get(e.from)!, `${e.from} → ${e.to}`).toBeGreaterThanOrEqual(NODE_HEIGHT + RANK_GAP);
}

describe('top-to-bottom layout', () => {
  it('lays LeNet out as one column, input on top, in the chain\'s order', () => {
    const g = autoLayout(lenet());
    expectReadableLayout(g);
    const b = boxes(g);
    expect(new Set(b.map((n) => n.x)).size).toBe(1);
    const order = [...b].sort((p, q) => p.y - q.y).map((n) => n.id);
    expect(order).toEqual(['input', 'conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'fc1', 'fc2', 'output']);
    // Nine layers, eight gaps: 9·84 + 8·56 = 1204 flow px tall, one node wide.
    expect(Math.max(...b.map((n) => n.y)) + NODE_HEIGHT - Math.min(...b.map((n) => n.y))).toBe(9 * NODE_HEIGHT + 8 * RANK_GAP);
  });

  it('lays every template of every family out top to bottom without overlaps, branches side by side', () => {
    const contracts = (family: (typeof editorFamilies)[number], template: string): ContractContext[] => {
      // A sequence template is for one objective; a GAN's parts differ with the conditioning (the label path is a second column).
      if (family === 'sequence') return [defaultSequenceContract({ objective: templateObjectives[template as SequenceTemplate][0]! })];
      const c = defaultContractFor(family);
      return family === 'gan' ? ['none', 'cgan', 'acgan'].map((conditioning) => ({ ...c, choices: { ...c.choices, conditioning } })) : [c];
    };
    for (const family of editorFamilies) {
      for (const template of familyTemplates(family)) for (const c of contracts(family, template)) {
        const arch = templateArchitecture(family, template, c);
        for (const [part, g] of Object.entries(arch.parts)) {
          expectReadableLayout(g);
          // At most three columns wide (a conditional part's label path, seq2seq's encoder and decoder).
          const xs = g.nodes.map((n) => n.position!.x);
          expect(Math.max(...xs) - Math.min(...xs), `${family}/${template}/${part}`).toBeLessThanOrEqual(2 * (NODE_WIDTH + NODE_GAP));
        }
      }
    }
  });

  it('re-lays out stored left-to-right layouts on opening, and keeps the others', () => {
    const leftToRight = lenet();
    expect(needsLayout(leftToRight)).toBe(true);
    const opened = toEditorArchitecture('classifier', leftToRight).parts['model']!;
    expect(needsLayout(opened)).toBe(false);
    expectReadableLayout(opened);
    // A layout the user arranged (here: one edge going left) stays as it was, the very object.
    const arranged = { ...leftToRight, nodes: leftToRight.nodes.map((n, i) => ({ ...n, position: { x: i === 3 ? 0 : 100 * i, y: 0 } })) };
    expect(needsLayout(arranged)).toBe(false);
    const arch = { family: 'classifier', name: 'x', parts: { model: arranged } };
    expect(withReadableLayout(arch)).toBe(arch);
    // Missing positions are laid out; an empty graph needs nothing.
    expect(needsLayout({ ...leftToRight, nodes: leftToRight.nodes.map(({ position: _p, ...n }) => n) })).toBe(true);
    expect(needsLayout({ ...leftToRight, nodes: [], edges: [] })).toBe(false);
  });
});

describe('zoom to fit', () => {
  it('never fits below the zoom at which titles are 10.5 px', () => {
    expect(TITLE_FONT_PX * MIN_FIT_ZOOM).toBeCloseTo(10.5, 10);
  });

  it('shows a small graph whole and centred in the free area', () => {
    // 200×100 box in a 1000×600 canvas, padding 20, 160 px kept free on the right: free area 800×560 at (20, 20).
    const v = fitViewport({ x: 0, y: 0, width: 200, height: 100 }, { width: 1000, height: 600 }, { padding: 20, insets: { top: 0, left: 0, bottom: 0, right: 160 }, maxZoom: 1.2 });
    expect(v.zoom).toBe(1.2);
    // Drawn 240×120: x = 20 + (800 − 240)/2 = 300, y = 20 + (560 − 120)/2 = 240.
    expect(v).toEqual({ x: 300, y: 240, zoom: 1.2 });
  });

  it('zooms out to fit while that stays readable', () => {
    // 1000×500 at (100, 50) into 620×600 with padding 10: zoom = min(600/1000, 580/500) = 0.6, over the minimum 0.5.
    const v = fitViewport({ x: 100, y: 50, width: 1000, height: 500 }, { width: 620, height: 600 }, { padding: 10, minZoom: 0.5 });
    expect(v.zoom).toBeCloseTo(0.6, 12);
    // x: 10 + (600 − 600)/2 − 100·0.6 = −50; y: 10 + (580 − 300)/2 − 50·0.6 = 120.
    expect(v.x).toBeCloseTo(-50, 9);
    expect(v.y).toBeCloseTo(120, 9);
  });

  it('stops at the minimum zoom for a tall chain and shows its top, centred across', () => {
    const g = autoLayout(lenet());
    const b = boundsOf(g.nodes.map((n) => ({ x: n.position!.x, y: n.position!.y, width: NODE_WIDTH, height: NODE_HEIGHT })))!;
    expect(b.height).toBe(1204);
    const v = fitViewport(b, { width: 500, height: 450 }, { padding: 24 });
    expect(v.zoom).toBe(MIN_FIT_ZOOM);
    // Top aligned: the input's top edge is 24 px below the canvas's.
    expect(b.y * v.zoom + v.y).toBeCloseTo(24, 9);
    // Centred across: equal room left and right of the column.
    const left = b.x * v.zoom + v.x;
    expect(left).toBeCloseTo(500 - (left + NODE_WIDTH * v.zoom), 9);
  });

  it('has no bounds for no nodes', () => {
    expect(boundsOf([])).toBeUndefined();
    expect(boundsOf([{ x: 1, y: 2, width: 3, height: 4 }, { x: -1, y: 5, width: 1, height: 1 }])).toEqual({ x: -1, y: 2, width: 5, height: 4 });
  });
});
