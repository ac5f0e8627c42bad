/**
 * Building blocks for the default architectures: a left-to-right chain of
 * layers, each feeding the next, laid out for the editor. Pure.
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

export const product = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
export const formatShape = (s: readonly number[]): string => s.join('×');

export function inputLayer(shape: Shape): ChainLayer {
  return { id: 'input', kind: 'input', label: `Input ${formatShape(shape)}`, params: { shape: [...shape] } };
}
