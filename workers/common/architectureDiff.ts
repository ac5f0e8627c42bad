/**
 * The difference between two architecture documents (latent-graph or
 * latent-model): per part, which layers were added, removed or changed (and
 * which of their parameters, old → new), which edges changed, and each
 * part's parameter count. Pure: the compare view, the CLI's `runs diff` and
 * runs.reproduce (which refuses a template that no longer builds what the
 * origin trained) all use it.
 *
 * Layers are matched by node id first: the editor keeps ids stable, so the
 * same id is the same layer even if its kind changed. The layers left over
 * are matched by kind and position: the i-th unmatched `dense` of the old
 * graph with the i-th unmatched `dense` of the new one, in document order, so
 * a graph whose ids were regenerated (an import, a template's new naming)
 * still diffs layer by layer rather than as everything removed and re-added.
 *
 * Parameters are compared after the layer's schema applies its defaults, so
 * `{units: 64}` and `{units: 64, activation: 'linear'}` are the same layer.
 * Labels and editor positions are not compared: they do not change what trains.
 */
import { architectureParts, type Architecture, type GraphDocument, type GraphNode } from './graph';
import { isLayerKind, layerParamSchemas } from './layers';
import { inferShapes } from './shapes';

/** A layer as the diff names it. `paramCount` is null when the graph's shapes cannot be inferred. */
export interface LayerRef {
  id: string;
  kind: string;
  paramCount: number | null;
}

export interface ParamChange {
  key: string;
  /** undefined when the parameter is absent on that side (a kind change). */
  before: unknown;
  after: unknown;
}

export interface LayerChange {
  before: LayerRef;
  after: LayerRef;
  /** 'id' when both sides have the same node id, 'position' when matched by kind and order. */
  matchedBy: 'id' | 'position';
  /** Parameters that differ, by key (a changed kind lists every parameter of either side that differs). */
  params: ParamChange[];
}

export interface EdgeRef {
  from: string;
  to: string;
  toPort: number;
}

export interface PartDiff {
  /** 'model' for a single graph; the part's name (encoder, generator, …) in a latent-model. */
  part: string;
  status: 'same' | 'changed' | 'added' | 'removed';
  added: LayerRef[];
  removed: LayerRef[];
  /** Matched layers whose kind or parameters differ (unchanged ones are left out). */
  changed: LayerChange[];
  /** Layers matched by position whose id changed but nothing else: named so the reader can follow the edges. */
  renamed: { before: string; after: string }[];
  /** In the new graph's ids (old edges are translated through the layer matching). */
  edgesAdded: EdgeRef[];
  edgesRemoved: EdgeRef[];
  /** Parameters as tf's countParams() counts them (trainable and not); null when a side has no such part or its shapes cannot be inferred. */
  paramsBefore: number | null;
  paramsAfter: number | null;
}

export interface ArchitectureDiff {
  beforeName: string;
  afterName: string;
  parts: PartDiff[];
  /** True when no part differs in layers, parameters or edges. */
  same: boolean;
}

/** Object keys sorted at every level, so equal documents give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** A parameter value as the diff prints it: text as is, numbers and flags plainly, lists and objects as JSON, '—' when absent. */
export function formatParamValue(v: unknown): string {
  if (v === undefined) return '—';
  if (typeof v === 'string') return v;
  return canonicalJson(v);
}

/** The node's parameters with its kind's defaults applied (as given when they do not parse). */
function effectiveParams(node: GraphNode): Record<string, unknown> {
  if (!isLayerKind(node.kind)) return node.params;
  const parsed = layerParamSchemas[node.kind].safeParse(node.params);
  return parsed.success ? { ...parsed.data } : node.params;
}

function paramChanges(before: GraphNode, after: GraphNode): ParamChange[] {
  const a = effectiveParams(before);
  const b = effectiveParams(after);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k])).map((key) => ({ key, before: a[key], after: b[key] }));
}

/** Each node's parameter count, when the graph's shapes can be inferred; and the graph's total. */
function counts(doc: GraphDocument | undefined): { perNode: Map<string, number> | null; total: number | null } {
  if (!doc) return { perNode: null, total: null };
  const report = inferShapes(doc);
  if (!report.ok) return { perNode: null, total: null };
  return { perNode: new Map(report.nodes.map((n) => [n.nodeId, n.paramCount])), total: report.totalParams };
}

/** Old node id → new node id: same id first, then the leftovers by kind and document order. */
function matchLayers(before: readonly GraphNode[], after: readonly GraphNode[]): { pairs: [GraphNode, GraphNode, 'id' | 'position'][] } {
  const afterById = new Map(after.map((n) => [n.id, n]));
  const pairs: [GraphNode, GraphNode, 'id' | 'position'][] = [];
  const taken = new Set<string>();
  const leftBefore: GraphNode[] = [];
  for (const n of before) {
    const m = afterById.get(n.id);
    if (m && !taken.has(m.id)) { pairs.push([n, m, 'id']); taken.add(m.id); } else leftBefore.push(n);
  }
  const leftAfterByKind = new Map<string, GraphNode[]>();
  for (const n of after) {
    if (taken.has(n.id)) continue;
    const list = leftAfterByKind.get(n.kind) ?? [];
    list.push(n);
    leftAfterByKind.set(n.kind, list);
  }
  for (const n of leftBefore) {
    const m = leftAfterByKind.get(n.kind)?.shift();
    if (m) { pairs.push([n, m, 'position']); taken.add(m.id); }
  }
  return { pairs };
}

const edgeKey = (e: EdgeRef): string => `${e.from}\u0000${e.to}\u0000${e.toPort}`;

function diffEdges(before: GraphDocument | undefined, after: GraphDocument | undefined, rename: Map<string, string>): { added: EdgeRef[]; removed: EdgeRef[] } {
  const oldEdges = (before?.edges ?? []).map((e) => ({ from: rename.get(e.from) ?? e.from, to: rename.get(e.to) ?? e.to, toPort: e.toPort }));
  const newEdges = (after?.edges ?? []).map((e) => ({ from: e.from, to: e.to, toPort: e.toPort }));
  const oldKeys = new Set(oldEdges.map(edgeKey));
  const newKeys = new Set(newEdges.map(edgeKey));
  return { added: newEdges.filter((e) => !oldKeys.has(edgeKey(e))), removed: oldEdges.filter((e) => !newKeys.has(edgeKey(e))) };
}

/** One part's diff; a side without the part (a latent-model part added or removed) is undefined. */
export function diffGraphs(part: string, before: GraphDocument | undefined, after: GraphDocument | undefined): PartDiff {
  const cb = counts(before);
  const ca = counts(after);
  const ref = (n: GraphNode, c: Map<string, number> | null): LayerRef => ({ id: n.id, kind: n.kind, paramCount: c?.get(n.id) ?? null });
  const { pairs } = matchLayers(before?.nodes ?? [], after?.nodes ?? []);
  const matchedBefore = new Set(pairs.map(([b]) => b.id));
  const matchedAfter = new Set(pairs.map(([, a]) => a.id));
  const changed: LayerChange[] = [];
  const renamed: { before: string; after: string }[] = [];
  const rename = new Map<string, string>();
  for (const [b, a, matchedBy] of pairs) {
    rename.set(b.id, a.id);
    const params = paramChanges(b, a);
    if (params.length > 0 || b.kind !== a.kind) changed.push({ before: ref(b, cb.perNode), after: ref(a, ca.perNode), matchedBy, params });
    else if (b.id !== a.id) renamed.push({ before: b.id, after: a.id });
  }
  const edges = diffEdges(before, after, rename);
  const added = (after?.nodes ?? []).filter((n) => !matchedAfter.has(n.id)).map((n) => ref(n, ca.perNode));
  const removed = (before?.nodes ?? []).filter((n) => !matchedBefore.has(n.id)).map((n) => ref(n, cb.perNode));
  const differs = added.length + removed.length + changed.length + edges.added.length + edges.removed.length > 0;
  const status = before === undefined ? 'added' : after === undefined ? 'removed' : differs ? 'changed' : 'same';
  return { part, status, added, removed, changed, renamed, edgesAdded: edges.added, edgesRemoved: edges.removed, paramsBefore: cb.total, paramsAfter: ca.total };
}

/** The difference from `before` to `after`, part by part (a single graph is the part 'model'), parts in `before`'s order then the new ones. */
export function diffArchitectures(before: Architecture, after: Architecture): ArchitectureDiff {
  const b = architectureParts(before);
  const a = architectureParts(after);
  const names = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  const parts = names.map((name) => diffGraphs(name, b[name], a[name]));
  return { beforeName: before.name, afterName: after.name, parts, same: parts.every((p) => p.status === 'same') };
}

function countText(n: number | null): string {
  return n === null ? '?' : n.toLocaleString('en-US');
}

const layerText = (l: LayerRef): string => `${l.id} (${l.kind}${l.paramCount === null ? '' : `, ${countText(l.paramCount)} params`})`;
const edgeText = (e: EdgeRef): string => `${e.from} → ${e.to}${e.toPort === 0 ? '' : ` (port ${e.toPort})`}`;

/** One part's lines, indented under its heading. */
function partLines(p: PartDiff): string[] {
  const params = p.paramsBefore === p.paramsAfter ? countText(p.paramsAfter) : `${countText(p.paramsBefore)} → ${countText(p.paramsAfter)}`;
  const lines = [`${p.part}: ${p.status}, parameters ${params}`];
  for (const l of p.removed) lines.push(`  - removed ${layerText(l)}`);
  for (const l of p.added) lines.push(`  + added ${layerText(l)}`);
  for (const c of p.changed) {
    const id = c.before.id === c.after.id ? c.after.id : `${c.before.id} → ${c.after.id}`;
    const kind = c.before.kind === c.after.kind ? c.after.kind : `${c.before.kind} → ${c.after.kind}`;
    lines.push(`  ~ changed ${id} (${kind})${c.params.length === 0 ? '' : `: ${c.params.map((x) => `${x.key} ${formatParamValue(x.before)} → ${formatParamValue(x.after)}`).join(', ')}`}`);
  }
  for (const r of p.renamed) lines.push(`  = renamed ${r.before} → ${r.after}`);
  for (const e of p.edgesRemoved) lines.push(`  - edge ${edgeText(e)}`);
  for (const e of p.edgesAdded) lines.push(`  + edge ${edgeText(e)}`);
  return lines;
}

/** The diff as text, for the CLI and messages: one heading per part, then a line per difference. */
export function formatArchitectureDiff(d: ArchitectureDiff): string[] {
  const head = `Architecture "${d.beforeName}" → "${d.afterName}": ${d.same ? 'the same layers, parameters and edges' : 'differs'}`;
  return [head, ...d.parts.flatMap(partLines)];
}
