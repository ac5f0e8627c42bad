/**
 * Turns a run config's architecture spec (template, inline graph or saved
 * architecture version) into the exact graph the run will train, and checks it.
 */
import type { Store } from '../../db/storeTypes';
import { ApiError } from '../common/api';
import type { GraphDocument } from '../../workers/common/graph';
import type { ArchitectureSpec } from '../../workers/common/runConfig';
import { checkClassifierOutput, inferShapes } from '../../workers/common/shapes';
import { classifierTemplate } from '../../workers/common/templates';
import type { DatasetEntry } from '../../workers/common/datasets';

export interface ResolvedArchitecture {
  graph: GraphDocument;
  architectureId: number | null;
  architectureVersion: number | null;
}

export function resolveArchitecture(store: Store, spec: ArchitectureSpec, dataset: DatasetEntry): ResolvedArchitecture {
  let resolved: ResolvedArchitecture;
  if ('template' in spec) {
    resolved = { graph: classifierTemplate(spec.template, [...dataset.inputShape], dataset.numClasses), architectureId: null, architectureVersion: null };
  } else if ('graph' in spec) {
    resolved = { graph: spec.graph, architectureId: null, architectureVersion: null };
  } else {
    const a = store.getArchitecture(spec.architectureId, spec.version);
    if (!a) throw new ApiError('not-found', `Architecture ${spec.architectureId}${spec.version ? ` version ${spec.version}` : ''} does not exist`);
    resolved = { graph: a.graph, architectureId: a.id, architectureVersion: a.version };
  }
  const report = inferShapes(resolved.graph);
  const outputError = report.ok ? checkClassifierOutput(report, dataset.numClasses) : undefined;
  const errors = outputError ? [...report.errors, outputError] : report.errors;
  if (errors.length > 0) {
    const issues = errors.map((e) => `${e.nodeId ? `node ${e.nodeId}: ` : ''}${e.message} — ${e.hint}`);
    throw new ApiError('bad-request', `The architecture "${resolved.graph.name}" cannot be trained: ${issues.join('; ')}`, issues);
  }
  const input = resolved.graph.nodes.find((n) => n.kind === 'input');
  const shape = (input?.params as { shape?: number[] } | undefined)?.shape;
  if (shape && shape.join('x') !== dataset.inputShape.join('x')) {
    throw new ApiError('bad-request', `The architecture's input shape [${shape.join(', ')}] does not match dataset ${dataset.id} ([${dataset.inputShape.join(', ')}])`);
  }
  return resolved;
}
