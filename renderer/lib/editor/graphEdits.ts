/**
 * The editor's edits of one graph document, as pure functions: each returns a
 * new document and leaves its argument alone, so the undo history can keep
 * the documents themselves. Ids stay valid node ids (graph.ts nodeIdSchema).
 */
import type { GraphDocument, GraphEdge, GraphNode } from '../../../workers/common/graph';

export interface Point { x: number; y: number }

/** Nodes and the edges among them, cut out of a graph (for copy/paste). */
export interface GraphFragment {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const clone = <T>(v: T): T => structuredClone(v);

/** A fresh id for a node of `kind`: the kind with the first free number (dense1, dense2, …). */
export function freshNodeId(doc: Pick<GraphDocument, 'nodes'>, kind: string, taken: ReadonlySet<string> = new Set()): string {
  const used = new Set([...doc.nodes.map((n) => n.id), ...taken]);
  const base = kind.replace(/[^A-Za-z0-9_.-]/g, '') || 'node';
  for (let i = 1; ; i++) {
    const id = `${base}${i}`;
    if (!used.has(id)) return id;
  }
}

export function addNode(doc: GraphDocument, kind: string, params: Record<string, unknown>, position: Point, label?: string): { doc: GraphDocument; id: string } {
  const id = freshNodeId(doc, kind);
  const node: GraphNode = { id, kind, params: clone(params), position: { x: Math.round(position.x), y: Math.round(position.y) } };
  if (label !== undefined && label !== '') node.label = label;
  return { doc: { ...doc, nodes: [...doc.nodes, node] }, id };
}

/** Remove nodes (and every edge touching them) and edges (given by edgeKey). */
export function removeElements(doc: GraphDocument, nodeIds: Iterable<string>, edgeKeys: Iterable<string> = []): GraphDocument {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeKeys);
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !nodes.has(n.id)),
    edges: doc.edges.filter((e) => !nodes.has(e.from) && !nodes.has(e.to) && !edges.has(edgeKey(e))),
  };
}

/** The one key of an edge (a target port takes one edge, so target and port name it; the source is kept for clarity). */
export function edgeKey(e: Pick<GraphEdge, 'from' | 'to' | 'toPort'>): string {
  return `${e.from}->${e.to}:${e.toPort}`;
}

export function parseEdgeKey(key: string): GraphEdge | undefined {
  const m = /^(.+)->(.+):(\d+)$/.exec(key);
  return m ? { from: m[1]!, to: m[2]!, toPort: Number(m[3]) } : undefined;
}

/**
 * Connect `from`'s output to port `toPort` of `to`. A port holds one edge, so
 * an edge already on that port is replaced. Refuses (returns the document
 * unchanged) a node feeding itself.
 */
export function connect(doc: GraphDocument, from: string, to: string, toPort: number): GraphDocument {
  if (from === to) return doc;
  if (!doc.nodes.some((n) => n.id === from) || !doc.nodes.some((n) => n.id === to)) return doc;
  const edges = doc.edges.filter((e) => !(e.to === to && e.toPort === toPort));
  return { ...doc, edges: [...edges, { from, to, toPort }] };
}

export function moveNodes(doc: GraphDocument, positions: ReadonlyMap<string, Point>): GraphDocument {
  if (positions.size === 0) return doc;
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      const p = positions.get(n.id);
      return p ? { ...n, position: { x: Math.round(p.x), y: Math.round(p.y) } } : n;
    }),
  };
}

export function setNodeParams(doc: GraphDocument, id: string, params: Record<string, unknown>): GraphDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? { ...n, params: clone(params) } : n)) };
}

export function setNodeLabel(doc: GraphDocument, id: string, label: string): GraphDocument {
  return {
    ...doc,
    nodes: doc.nodes.map((n) => {
      if (n.id !== id) return n;
      const { label: _old, ...rest } = n;
      return label.trim() === '' ? rest : { ...rest, label: label.trim() };
    }),
  };
}

/** The selected nodes and the edges between them. */
export function copyFragment(doc: GraphDocument, nodeIds: Iterable<string>): GraphFragment {
  const ids = new Set(nodeIds);
  return {
    nodes: clone(doc.nodes.filter((n) => ids.has(n.id))),
    edges: clone(doc.edges.filter((e) => ids.has(e.from) && ids.has(e.to))),
  };
}

/**
 * Paste a fragment: every node gets a fresh id (of its kind) and is moved by
 * `offset`; the fragment's inner edges follow the new ids.
 */
export function pasteFragment(doc: GraphDocument, fragment: GraphFragment, offset: Point): { doc: GraphDocument; ids: string[] } {
  const rename = new Map<string, string>();
  const taken = new Set<string>();
  const nodes = fragment.nodes.map((n) => {
    const id = freshNodeId(doc, n.kind, taken);
    taken.add(id);
    rename.set(n.id, id);
    const p = n.position ?? { x: 0, y: 0 };
    return { ...clone(n), id, position: { x: Math.round(p.x + offset.x), y: Math.round(p.y + offset.y) } };
  });
  const edges = fragment.edges.map((e) => ({ from: rename.get(e.from)!, to: rename.get(e.to)!, toPort: e.toPort }));
  return { doc: { ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges] }, ids: nodes.map((n) => n.id) };
}

/** A fragment's bounding-box corner, to paste it near a point. */
export function fragmentOrigin(fragment: GraphFragment): Point {
  const ps = fragment.nodes.map((n) => n.position ?? { x: 0, y: 0 });
  if (ps.length === 0) return { x: 0, y: 0 };
  return { x: Math.min(...ps.map((p) => p.x)), y: Math.min(...ps.map((p) => p.y)) };
}
