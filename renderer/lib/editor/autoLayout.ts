/**
 * Auto-layout of a graph document with dagre (layered, left to right, as the
 * data flows): new positions for every node, edges crossing as little as
 * dagre manages. Nodes are laid out at the editor's node size.
 */
import dagre from '@dagrejs/dagre';
import type { GraphDocument } from '../../../workers/common/graph';
import { moveNodes, type Point } from './graphEdits';

/** The size the canvas draws a layer node at (ArchitectureLayerNode.vue's box). */
export const NODE_WIDTH = 180;
export const NODE_HEIGHT = 86;

export function layoutPositions(doc: GraphDocument): Map<string, Point> {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 36, ranksep: 70, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(doc.nodes.map((n) => n.id));
  for (const n of doc.nodes) g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  doc.edges.forEach((e, i) => {
    if (ids.has(e.from) && ids.has(e.to) && e.from !== e.to) g.setEdge(e.from, e.to, {}, `e${i}`);
  });
  dagre.layout(g);
  const out = new Map<string, Point>();
  for (const n of doc.nodes) {
    const p = g.node(n.id) as { x: number; y: number } | undefined;
    // dagre gives centres; the canvas positions nodes by their top-left corner.
    if (p) out.set(n.id, { x: p.x - NODE_WIDTH / 2, y: p.y - NODE_HEIGHT / 2 });
  }
  return out;
}

export function autoLayout(doc: GraphDocument): GraphDocument {
  return moveNodes(doc, layoutPositions(doc));
}
