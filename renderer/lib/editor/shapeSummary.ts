/**
 * The textbook layer table (as in the VGG paper's): per layer its output
 * shape, parameters and activation memory for one example, with totals —
 * read off the shared shape report, never recomputed.
 */
import type { GraphDocument, ShapeReport } from '../../../workers/common/graph';
import { layerTitle } from './layerTitle';

/** Bytes per activation: the trainer's tensors are float32. */
export const BYTES_PER_ACTIVATION = 4;

export function formatShape(shape: readonly number[]): string {
  return shape.length ? shape.join('×') : 'scalar';
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 1 : 2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return n.toLocaleString('en-US');
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}

export interface ShapeTableRow {
  nodeId: string;
  title: string;
  kind: string;
  outputShape: string;
  params: number;
  activations: number;
  memoryBytes: number;
}

export interface ShapeTable {
  rows: ShapeTableRow[];
  totalParams: number;
  totalActivations: number;
  totalMemoryBytes: number;
}

/** Rows in topological order (the report's), for the layers whose shapes are known. */
export function shapeTable(doc: GraphDocument, report: ShapeReport): ShapeTable {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const rows = report.nodes.map((n): ShapeTableRow => {
    const node = byId.get(n.nodeId);
    return {
      nodeId: n.nodeId,
      // The canvas's title, from the parameters (a stored label can be stale).
      title: node ? layerTitle(node) : n.nodeId,
      kind: n.kind,
      outputShape: formatShape(n.outputShape),
      params: n.paramCount,
      activations: n.activationsPerExample,
      memoryBytes: BYTES_PER_ACTIVATION * n.activationsPerExample,
    };
  });
  return {
    rows,
    totalParams: report.totalParams,
    totalActivations: report.totalActivationsPerExample,
    totalMemoryBytes: BYTES_PER_ACTIVATION * report.totalActivationsPerExample,
  };
}
