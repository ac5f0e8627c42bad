/**
 * Building blocks for the default architectures: a left-to-right chain of
 * layers, each feeding the next, or a small DAG (several inputs, concat
 * joins), laid out for the editor. Pure.
 */
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument, type GraphEdge, type GraphNode, type Shape } from './graph';

export interface ChainLayer { id: string; kind: string; label: string; params: Record<string, unknown> }

const X0 = 80;
const DX = 200;
/** Row of a single-network template; multi-part templates pass a row per part. */
export const CHAIN_Y = 160;

export function chain(name: string, layers: readonly ChainLayer[], y = CHAIN_Y): GraphDocument {
  const nodes: GraphNode[] = layers.map((l, i) => ({
    id: l.id, kind: l.kind, label: l.label, params: structuredClone(l.params), position: { x: X0 + i * DX, y },
  }));
  const edges: GraphEdge[] = [];
  for (let i = 1; i < layers.length; i++) edges.push({ from: layers[i - 1]!.id, to: layers[i]!.id, toPort: 0 });
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, name, nodes, edges };
}

/** A layer of a DAG: `from` lists the layers feeding it by port (default: the layer before it in the list; none for inputs). */
export interface DagLayer extends ChainLayer {
  from?: readonly string[];
  /** Editor row (0 = the main row), for side branches such as a label input. */
  row?: number;
}

const DY = 140;

/**
 * A graph from layers in order, each fed by `from` (port i = from[i]) or by
 * the layer before it. Laid out with the column at the layer's depth (longest
 * path from an input) and the row it asks for.
 */
export function dag(name: string, layers: readonly DagLayer[], y = CHAIN_Y): GraphDocument {
  const depth = new Map<string, number>();
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  layers.forEach((l, i) => {
    const from = l.kind === 'input' ? [] : l.from ?? (i > 0 ? [layers[i - 1]!.id] : []);
    const d = from.length === 0 ? 0 : 1 + Math.max(...from.map((f) => depth.get(f) ?? 0));
    depth.set(l.id, d);
    nodes.push({ id: l.id, kind: l.kind, label: l.label, params: structuredClone(l.params), position: { x: X0 + d * DX, y: y + (l.row ?? 0) * DY } });
    from.forEach((f, port) => edges.push({ from: f, to: l.id, toPort: port }));
  });
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, name, nodes, edges };
}

export const product = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
export const formatShape = (s: readonly number[]): string => s.join('×');

export function inputLayer(shape: Shape): ChainLayer {
  return { id: 'input', kind: 'input', label: `Input ${formatShape(shape)}`, params: { shape: [...shape] } };
}

/** An input node with a role name (several-input graphs), e.g. namedInput('y', [10], 'Label (one-hot)'). */
export function namedInput(name: string, shape: Shape, label: string, id: string = name): ChainLayer {
  return { id, kind: 'input', label: `${label} ${formatShape(shape)}`, params: { shape: [...shape], name } };
}
