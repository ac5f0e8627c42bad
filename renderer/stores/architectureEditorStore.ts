/**
 * The architecture being edited: its parts, which part is on the canvas, the
 * selection, undo/redo, the clipboard, and — derived on every change with
 * the trainer's own modules — each part's shapes and every error that would
 * stop a run (the part's and the family contract's).
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { GraphDocument, GraphError, ShapeReport } from '../../workers/common/graph';
import { inferShapes } from '../../workers/common/shapes';
import type { PaletteItem } from '../lib/editor/palette';
import { EditHistory } from '../lib/editor/editHistory';
import {
  addNode, connect, copyFragment, fragmentOrigin, moveNodes, pasteFragment, removeElements, setNodeLabel, setNodeParams,
  type GraphFragment, type Point,
} from '../lib/editor/graphEdits';
import { autoLayout } from '../lib/editor/autoLayout';
import {
  SINGLE_PART, checkArchitecture, defaultContract, editorFamilies, familyParts, inferContract,
  type ContractCheck, type ContractContext, type EditorArchitecture, type EditorFamily,
} from '../lib/editor/editorFamilies';

/** Where the architecture on the canvas came from. */
export interface EditorOrigin {
  /** A saved architecture's id and the version loaded (or last saved). */
  id?: number;
  version?: number;
  /** Set when this is a fork of a saved version (saved as a new architecture). */
  forkOf?: { id: number; version: number };
  /** A run whose architecture is shown (read-only). */
  runId?: number;
}

/** Copied nodes, across parts and architectures, for the whole app session. */
let clipboard: GraphFragment | null = null;
const PASTE_OFFSET = 40;

export const useArchitectureEditorStore = defineStore('architectureEditor', () => {
  const history = shallowRef(new EditHistory<EditorArchitecture>({ family: editorFamilies[0]!, name: 'Untitled', parts: { [SINGLE_PART]: emptyGraph('Untitled') } }));
  const arch = shallowRef<EditorArchitecture>(history.value.current);
  const savedSnapshot = shallowRef<EditorArchitecture | null>(null);
  const activePart = ref(SINGLE_PART);
  const contract = ref<ContractContext>({ ...defaultContract });
  const selectedNodes = ref<Set<string>>(new Set());
  const selectedEdges = ref<Set<string>>(new Set());
  const readOnly = ref(false);
  const origin = ref<EditorOrigin>({});
  const canUndo = ref(false);
  const canRedo = ref(false);
  /** Counts loads (and forks): the canvas fits its view to each new document. */
  const loadCount = ref(0);
  let pasteCount = 0;

  const family = computed<EditorFamily>(() => arch.value.family);
  const parts = computed(() => familyParts(arch.value.family));
  const graph = computed<GraphDocument>(() => arch.value.parts[activePart.value] ?? emptyGraph(activePart.value));
  const report = computed<ShapeReport>(() => inferShapes(graph.value));
  const check = computed<ContractCheck>(() => checkArchitecture(arch.value, contract.value));
  /** Errors of the part on the canvas: its own and the contract's (which repeats them), each once. */
  const partErrors = computed<GraphError[]>(() => {
    const own = report.value.errors;
    const seen = new Set(own.map((e) => e.message));
    return [...own, ...(check.value.byPart[activePart.value] ?? []).filter((e) => !seen.has(e.message))];
  });
  const errorsByNode = computed(() => {
    const m = new Map<string, GraphError[]>();
    for (const e of partErrors.value) if (e.nodeId) m.set(e.nodeId, [...(m.get(e.nodeId) ?? []), e]);
    return m;
  });
  const canTrain = computed(() => check.value.ok);
  const dirty = computed(() => arch.value !== savedSnapshot.value);

  function emptyGraph(name: string): GraphDocument {
    return { format: 'latent-graph', version: 1, name, nodes: [], edges: [] };
  }

  function sync(): void {
    arch.value = history.value.current;
    canUndo.value = history.value.canUndo;
    canRedo.value = history.value.canRedo;
  }

  /** Load an architecture to edit (or view, read-only); forgets the undo history. */
  function load(next: EditorArchitecture, options: { origin?: EditorOrigin; readOnly?: boolean; saved?: boolean; contract?: ContractContext } = {}): void {
    history.value = new EditHistory(next);
    sync();
    savedSnapshot.value = options.saved ? next : null;
    activePart.value = familyParts(next.family)[0]!;
    contract.value = options.contract ?? inferContract(next);
    origin.value = options.origin ?? {};
    readOnly.value = options.readOnly ?? false;
    clearSelection();
    pasteCount = 0;
    loadCount.value += 1;
  }

  /** Apply an edit to the part on the canvas, as one undo step. */
  function editPart(edit: (g: GraphDocument) => GraphDocument): void {
    if (readOnly.value) return;
    const part = activePart.value;
    const before = arch.value.parts[part];
    if (!before) return;
    const after = edit(before);
    if (after === before) return;
    history.value.push({ ...arch.value, parts: { ...arch.value.parts, [part]: after } });
    sync();
  }

  /** Replace a whole part (an imported graph), as one undo step. */
  function replacePart(part: string, next: GraphDocument): void {
    if (readOnly.value || !arch.value.parts[part]) return;
    history.value.push({ ...arch.value, parts: { ...arch.value.parts, [part]: next } });
    sync();
    activePart.value = part;
    clearSelection();
    loadCount.value += 1;
  }

  function addLayer(item: Pick<PaletteItem, 'kind' | 'defaults' | 'preset'>, position: Point): string | undefined {
    let id: string | undefined;
    editPart((g) => {
      const r = addNode(g, item.kind, item.defaults, position, item.preset);
      id = r.id;
      return r.doc;
    });
    if (id) setSelection([id], []);
    return id;
  }

  function connectPorts(from: string, to: string, toPort: number): void {
    editPart((g) => connect(g, from, to, toPort));
  }

  function removeSelected(): void {
    const nodes = [...selectedNodes.value];
    const edges = [...selectedEdges.value];
    if (nodes.length === 0 && edges.length === 0) return;
    editPart((g) => removeElements(g, nodes, edges));
    clearSelection();
  }

  function move(positions: ReadonlyMap<string, Point>): void {
    editPart((g) => {
      const changed = new Map([...positions].filter(([id, p]) => {
        const n = g.nodes.find((x) => x.id === id);
        return n && (Math.round(p.x) !== n.position?.x || Math.round(p.y) !== n.position?.y);
      }));
      return changed.size ? moveNodes(g, changed) : g;
    });
  }

  function setParams(id: string, params: Record<string, unknown>): void {
    editPart((g) => setNodeParams(g, id, params));
  }

  function setLabel(id: string, label: string): void {
    editPart((g) => setNodeLabel(g, id, label));
  }

  function layout(): void {
    editPart((g) => autoLayout(g));
  }

  function copySelection(): number {
    if (selectedNodes.value.size === 0) return 0;
    clipboard = copyFragment(graph.value, selectedNodes.value);
    pasteCount = 0;
    return clipboard.nodes.length;
  }

  function cutSelection(): void {
    if (copySelection() > 0) removeSelected();
  }

  function paste(at?: Point): string[] {
    const frag = clipboard;
    if (!frag || frag.nodes.length === 0) return [];
    pasteCount += 1;
    const o = fragmentOrigin(frag);
    const offset = at ? { x: at.x - o.x, y: at.y - o.y } : { x: PASTE_OFFSET * pasteCount, y: PASTE_OFFSET * pasteCount };
    let ids: string[] = [];
    editPart((g) => {
      const r = pasteFragment(g, frag, offset);
      ids = r.ids;
      return r.doc;
    });
    setSelection(ids, []);
    return ids;
  }

  function undo(): void {
    if (readOnly.value) return;
    history.value.undo();
    sync();
    pruneSelection();
  }

  function redo(): void {
    if (readOnly.value) return;
    history.value.redo();
    sync();
    pruneSelection();
  }

  function selectAll(): void {
    setSelection(graph.value.nodes.map((n) => n.id), []);
  }

  const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean => a.size === b.size && [...a].every((x) => b.has(x));

  /** Set the selection; unchanged contents keep the same sets (the canvas syncs on a change). */
  function setSelection(nodes: Iterable<string>, edges: Iterable<string>): void {
    const n = new Set(nodes);
    const e = new Set(edges);
    if (!sameSet(n, selectedNodes.value)) selectedNodes.value = n;
    if (!sameSet(e, selectedEdges.value)) selectedEdges.value = e;
  }

  function clearSelection(): void {
    setSelection([], []);
  }

  function pruneSelection(): void {
    const ids = new Set(graph.value.nodes.map((n) => n.id));
    setSelection([...selectedNodes.value].filter((id) => ids.has(id)), []);
  }

  function showPart(part: string): void {
    if (!arch.value.parts[part]) return;
    activePart.value = part;
    clearSelection();
  }

  function rename(name: string): void {
    if (readOnly.value || name === arch.value.name) return;
    history.value.push({ ...arch.value, name });
    sync();
  }

  function setContract(next: ContractContext): void {
    contract.value = next;
  }

  /** After a save: the document on the canvas is the saved version. */
  function markSaved(o: EditorOrigin): void {
    savedSnapshot.value = arch.value;
    origin.value = o;
  }

  /** Make a read-only architecture editable as a new, unsaved one (a fork of its saved version, if it has one). */
  function fork(): void {
    const o = origin.value;
    const forkOf = o.id !== undefined && o.version !== undefined ? { id: o.id, version: o.version } : o.forkOf;
    const name = `${arch.value.name} (fork)`;
    const next = { ...arch.value, name };
    history.value = new EditHistory(next);
    sync();
    savedSnapshot.value = null;
    origin.value = forkOf ? { forkOf } : {};
    readOnly.value = false;
  }

  return {
    arch, family, parts, activePart, graph, report, check, partErrors, errorsByNode, canTrain, dirty,
    contract, selectedNodes, selectedEdges, readOnly, origin, canUndo, canRedo, loadCount,
    load, replacePart, addLayer, connectPorts, removeSelected, move, setParams, setLabel, layout, copySelection, cutSelection, paste,
    undo, redo, selectAll, setSelection, clearSelection, showPart, rename, setContract, markSaved, fork,
  };
});
