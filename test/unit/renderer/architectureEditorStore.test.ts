/**
 * The editor store: every edit is one undo step, selections follow the
 * document, read-only refuses edits, fork keeps its origin, and the errors
 * shown on a part are the part's own and its contract's.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useArchitectureEditorStore } from '../../../renderer/stores/architectureEditorStore';
import { defaultContract, templateArchitecture, BLANK_TEMPLATE } from '../../../renderer/lib/editor/editorFamilies';
import { edgeKey } from '../../../renderer/lib/editor/graphEdits';

beforeEach(() => { setActivePinia(createPinia()); });

describe('architecture editor store', () => {
  it('builds a graph as undoable steps, deletes an edge by selection, and tracks unsaved changes', () => {
    const s = useArchitectureEditorStore();
    s.load(templateArchitecture('classifier', BLANK_TEMPLATE, defaultContract), { saved: true, contract: { ...defaultContract, inputShape: [784] } });
    expect(s.dirty).toBe(false);
    const input = s.addLayer({ kind: 'input', defaults: { shape: [784] } }, { x: 0, y: 0 })!;
    const dense = s.addLayer({ kind: 'dense', defaults: { units: 10, activation: 'softmax' }, preset: 'Softmax head' }, { x: 220, y: 0 })!;
    s.connectPorts(input, dense, 0);
    expect(s.dirty).toBe(true);
    expect(s.graph.nodes.find((n) => n.id === dense)!.label).toBe('Softmax head');
    expect(s.canTrain).toBe(true);
    expect(s.report.outputShape).toEqual([10]);

    s.setSelection([], [edgeKey({ from: input, to: dense, toPort: 0 })]);
    s.removeSelected();
    expect(s.graph.edges).toEqual([]);
    expect(s.canTrain).toBe(false);
    expect(s.errorsByNode.get(dense)!.map((e) => e.code)).toContain('missing-input');
    s.undo();
    expect(s.graph.edges).toHaveLength(1);
    s.undo();
    s.undo();
    s.undo();
    expect(s.graph.nodes).toEqual([]);
    expect(s.canUndo).toBe(false);
    s.redo();
    expect(s.graph.nodes.map((n) => n.id)).toEqual([input]);
  });

  it('pastes into another part with fresh ids, and moves as one step', () => {
    const s = useArchitectureEditorStore();
    s.load(templateArchitecture('vae', 'mlp', defaultContract));
    const encoderIds = s.graph.nodes.slice(1, 3).map((n) => n.id);
    s.setSelection(encoderIds, []);
    expect(s.copySelection()).toBe(2);
    s.showPart('decoder');
    const before = s.graph.nodes.length;
    const pasted = s.paste();
    expect(pasted).toHaveLength(2);
    expect(s.graph.nodes).toHaveLength(before + 2);
    expect(new Set(s.graph.nodes.map((n) => n.id)).size).toBe(s.graph.nodes.length);
    expect([...s.selectedNodes]).toEqual(pasted);
    s.move(new Map([[pasted[0]!, { x: 1000, y: 500 }]]));
    expect(s.graph.nodes.find((n) => n.id === pasted[0])!.position).toEqual({ x: 1000, y: 500 });
    s.undo();
    s.undo();
    expect(s.graph.nodes).toHaveLength(before);
    // The encoder was not touched.
    expect(s.arch.parts['encoder']!.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(encoderIds));
  });

  it('shows the contract errors of the part on the canvas, on the layer they name', () => {
    const s = useArchitectureEditorStore();
    s.load(templateArchitecture('vae', 'mlp', defaultContract), { contract: defaultContract });
    expect(s.canTrain).toBe(true);
    s.setContract({ ...defaultContract, latentDim: 8 });
    expect(s.canTrain).toBe(false);
    const out = s.report.outputNodeId!;
    expect(s.errorsByNode.get(out)!.map((e) => e.message)).toEqual([expect.stringContaining('must output μ and log σ² ([16]')]);
    s.showPart('decoder');
    expect(s.partErrors.map((e) => e.message)).toEqual([expect.stringContaining('the code is [8]')]);
  });

  it('refuses edits when read-only, and a fork is editable with its origin', () => {
    const s = useArchitectureEditorStore();
    const arch = templateArchitecture('classifier', 'lenet', defaultContract);
    s.load(arch, { origin: { id: 4, version: 2, runId: 9 }, readOnly: true, saved: true });
    const nodes = s.graph.nodes.length;
    s.addLayer({ kind: 'dense', defaults: { units: 3 } }, { x: 0, y: 0 });
    s.selectAll();
    s.removeSelected();
    s.rename('other');
    expect(s.graph.nodes).toHaveLength(nodes);
    expect(s.arch.name).toBe(arch.name);
    s.fork();
    expect(s.readOnly).toBe(false);
    expect(s.origin).toEqual({ forkOf: { id: 4, version: 2 } });
    expect(s.arch.name).toBe(`${arch.name} (fork)`);
    expect(s.dirty).toBe(true);
    s.selectAll();
    s.removeSelected();
    expect(s.graph.nodes).toEqual([]);
  });
});
