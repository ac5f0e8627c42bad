/**
 * Auto-layout of a graph document with dagre: layered top to bottom, as the
 * data flows and as Netron draws networks, so that a classifier's chain is a
 * column that reads at a legible zoom (scrolling down), not a row that only
 * fits the canvas at a few pixels per letter. Branches (a seq2seq model's
 * encoder and decoder, a conditional GAN's label path) become side-by-side
 * columns; edges cross as little as dagre manages.
 */
import dagre from '@dagrejs/dagre';
import type { GraphDocument } from '../../../workers/common/graph';
import { moveNodes, type Point } from './graphEdits';

/** The size the canvas draws a layer node at (ArchitectureLayerNode.vue's box, without an error message). */
export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 84;
/** Vertical gap between layers: room for the shape label on the edge between them (ArchitectureCanvas.vue's edge text). */
export const RANK_GAP = 56;
/** Horizontal gap between side-by-side layers. */
export const NODE_GAP = 48;

export function layoutPositions(doc: GraphDocument): Map<string, Point> {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: NODE_GAP, ranksep: RANK_GAP, marginx: 20, marginy: 20 });
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

/**
 * Whether a document should be laid out afresh when it is opened: a layer
 * without a position, or a layout that runs left to right (every edge's
 * target right of its source) — what the templates, the Keras import and the
 * editor itself drew before layouts ran top to bottom. A layout the user
 * arranged any other way is kept.
 */
export function needsLayout(doc: GraphDocument): boolean {
  if (doc.nodes.some((n) => n.position === undefined)) return doc.nodes.length > 0;
  const x = new Map(doc.nodes.map((n) => [n.id, n.position?.x ?? 0]));
  const edges = doc.edges.filter((e) => x.has(e.from) && x.has(e.to));
  return edges.length > 0 && edges.every((e) => x.get(e.to)! > x.get(e.from)!);
}

/** Each part laid out top to bottom where `needsLayout` says so; the others (and the object, when none) as they were. */
export function withReadableLayout<T extends { parts: Record<string, GraphDocument> }>(arch: T): T {
  const names = Object.keys(arch.parts).filter((p) => needsLayout(arch.parts[p]!));
  if (names.length === 0) return arch;
  const parts = { ...arch.parts };
  for (const p of names) parts[p] = autoLayout(parts[p]!);
  return { ...arch, parts };
}
