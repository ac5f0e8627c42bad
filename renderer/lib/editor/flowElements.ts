/**
 * The canvas's nodes and edges (vue-flow's element objects) for one graph
 * document and its shape report: each node carries what the layer box shows
 * (output shape, parameters, activation memory, errors, input ports), each
 * edge the shape of the tensor it carries.
 */
import type { GraphDocument, GraphError, ShapeReport } from '../../../workers/common/graph';
import { isLayerKind, layerArity } from '../../../workers/common/layers';
import { layerPorts } from './palette';
import { edgeKey } from './graphEdits';
import { formatCount, formatBytes, formatShape } from './shapeSummary';
import { layerName, layerTitle } from './layerTitle';
import { NODE_HEIGHT, RANK_GAP } from './autoLayout';

export interface LayerPort {
  /** The vue-flow handle id: `p${port}`. */
  id: string;
  port: number;
  label: string;
}

export interface LayerNodeData {
  kind: string;
  /** Read off the kind and parameters (layerTitle.ts), so it follows every parameter change. */
  title: string;
  /** The stored label when it names the layer's role ("Softmax head"), else ''. */
  name: string;
  /** The node's tooltip: title, stored label and id. */
  tooltip: string;
  outputShape: string;
  params: string;
  memory: string;
  ports: LayerPort[];
  hasOutput: boolean;
  errors: string[];
  isOutput: boolean;
}

export interface FlowNode {
  id: string;
  type: 'layer';
  position: { x: number; y: number };
  data: LayerNodeData;
}

export interface FlowEdge {
  id: string;
  source: string;
  target: string;
  sourceHandle: 'out';
  targetHandle: string;
  label: string;
  class: string;
}

/** The input handles a node shows: its kind's ports; a join (concat, add) always has one free port more, up to its maximum. */
export function nodePorts(kind: string, usedPorts: readonly number[]): LayerPort[] {
  if (!isLayerKind(kind)) return [{ id: 'p0', port: 0, label: '' }];
  const { min, max } = layerArity(kind);
  if (max === 0) return [];
  const highest = usedPorts.length ? Math.max(...usedPorts) : -1;
  const count = max === 1 ? 1 : Math.min(max, Math.max(min, highest + 2));
  return Array.from({ length: count }, (_, port) => ({ id: `p${port}`, port, label: max > 1 ? layerPorts(kind).labels[port] ?? String(port) : '' }));
}

export function portOfHandle(handle: string | null | undefined): number {
  const m = /^p(\d+)$/.exec(handle ?? '');
  return m ? Number(m[1]) : 0;
}

/** Title, then the stored label and the id where they add something: nothing the document says is hidden. */
function nodeTooltip(n: { id: string; kind: string; params: unknown; label?: string }): string {
  const title = layerTitle(n);
  const label = n.label && n.label !== title ? ` · label "${n.label}"` : '';
  return `${title}${label} · id ${n.id}`;
}

/** Errors about the graph as a whole (outputs, reachability) come after a node's own (its shapes and params). */
const graphLevelCodes: ReadonlySet<string> = new Set(['bad-output', 'unreachable']);

export function byRelevance(errors: readonly GraphError[]): GraphError[] {
  return [...errors].sort((a, b) => Number(graphLevelCodes.has(a.code)) - Number(graphLevelCodes.has(b.code)));
}

/**
 * Selection is not part of the elements: vue-flow keeps it (the canvas
 * syncs it with the store), so that selecting a layer does not hand
 * vue-flow a new list of every node and edge.
 */
export function flowElements(
  doc: GraphDocument,
  report: ShapeReport,
  errorsByNode: ReadonlyMap<string, readonly GraphError[]>,
): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const info = new Map(report.nodes.map((n) => [n.nodeId, n]));
  const portsUsed = new Map<string, number[]>();
  for (const e of doc.edges) portsUsed.set(e.to, [...(portsUsed.get(e.to) ?? []), e.toPort]);
  const nodes: FlowNode[] = doc.nodes.map((n, i) => {
    const s = info.get(n.id);
    return {
      id: n.id,
      type: 'layer',
      position: n.position ? { ...n.position } : { x: 80, y: 40 + (NODE_HEIGHT + RANK_GAP) * i },
      data: {
        kind: n.kind,
        title: layerTitle(n),
        name: layerName(n) ?? '',
        tooltip: nodeTooltip(n),
        outputShape: s ? formatShape(s.outputShape) : '?',
        params: s ? formatCount(s.paramCount) : '',
        memory: s ? formatBytes(4 * s.activationsPerExample) : '',
        ports: nodePorts(n.kind, portsUsed.get(n.id) ?? []),
        hasOutput: true,
        errors: byRelevance(errorsByNode.get(n.id) ?? []).map((e) => `${e.message}. ${e.hint}`),
        isOutput: report.outputNodeId === n.id,
      },
    };
  });
  const edges: FlowEdge[] = doc.edges.map((e) => {
    const key = edgeKey(e);
    const s = info.get(e.from);
    const bad = (errorsByNode.get(e.to) ?? []).some((x) => x.code === 'shape-mismatch');
    return {
      id: key,
      source: e.from,
      target: e.to,
      sourceHandle: 'out',
      targetHandle: `p${e.toPort}`,
      label: s ? formatShape(s.outputShape) : '?',
      class: bad ? 'edge-mismatch' : '',
    };
  });
  return { nodes, edges };
}

/**
 * flowElements with memory: a node or edge whose content did not change is
 * the very object of the previous call (and the lists themselves when none
 * did), so that vue-flow and Vue re-render only the layers an edit touched.
 */
export function memoFlowElements(): typeof flowElements {
  const nodes = memoList<FlowNode>();
  const edges = memoList<FlowEdge>();
  return (doc, report, errorsByNode) => {
    const fresh = flowElements(doc, report, errorsByNode);
    return { nodes: nodes(fresh.nodes), edges: edges(fresh.edges) };
  };
}

/**
 * Each element that equals (as JSON) the one of the same id last time is
 * that very object; and the list is last time's when every element is.
 */
function memoList<T extends { id: string }>(): (fresh: readonly T[]) => T[] {
  let memo = new Map<string, { key: string; item: T }>();
  let last: T[] = [];
  return (fresh) => {
    const next = new Map<string, { key: string; item: T }>();
    const items = fresh.map((x) => {
      const key = JSON.stringify(x);
      const old = memo.get(x.id);
      const item = old && old.key === key ? old.item : x;
      next.set(x.id, { key, item });
      return item;
    });
    memo = next;
    if (items.length !== last.length || items.some((x, i) => x !== last[i])) last = items;
    return last;
  };
}
