/**
 * Turns a run config's architecture spec (template, inline graph or model,
 * saved architecture version) into the exact architecture the run will
 * train, and checks it against the family's contract before anything is
 * queued. Family-agnostic: the family's descriptor supplies its templates,
 * its contract and its check.
 */
import type { Store } from '../../db/storeTypes';
import { ApiError } from '../common/api';
import type { Architecture, GraphError, ModelDocument } from '../../workers/common/graph';
import { GRAPH_VERSION, MODEL_FORMAT } from '../../workers/common/graph';
import { architectureFamilyIssue, descriptorOf, type ArchitectureFamily, type RunConfig } from '../../workers/common/families/registry';
import type { ArchitectureSpecAny, SavedArchitectureSpec } from '../../workers/common/runConfigBase';
import type { DataShape } from '../../workers/common/families/descriptor';

export interface ResolvedArchitecture {
  architecture: Architecture;
  architectureId: number | null;
  architectureVersion: number | null;
}

/** A saved architecture's record, for messages: `"name" (architecture 3 version 2)`. */
interface SavedOrigin { id: number; version: number; name: string }

function refuse(name: string, errors: readonly GraphError[], saved?: SavedOrigin): never {
  const issues = errors.map((e) => `${e.nodeId ? `node ${e.nodeId}: ` : ''}${e.message} — ${e.hint}`);
  const what = saved ? `"${saved.name}" (architecture ${saved.id} version ${saved.version})` : `"${name}"`;
  throw new ApiError('bad-request', `The architecture ${what} cannot be trained: ${issues.join('; ')}`, issues.map((message) => ({ path: ['architecture'], message })));
}

/**
 * A saved architecture version for a run of `family`: the exact version
 * (the latest when the spec names none), refused when it is another family's.
 */
function loadSaved(store: Store, spec: SavedArchitectureSpec, family: ArchitectureFamily): { architecture: Architecture; origin: SavedOrigin } {
  const a = store.getArchitecture(spec.architectureId, spec.version);
  const path = ['architecture', 'architectureId'];
  if (!a) {
    const exists = spec.version !== undefined && store.getArchitecture(spec.architectureId) !== undefined;
    throw new ApiError('not-found', exists
      ? `Architecture ${spec.architectureId} has no version ${spec.version}`
      : `Architecture ${spec.architectureId} does not exist`, [{ path, message: `no saved architecture ${spec.architectureId}${exists ? ` version ${spec.version}` : ''}` }]);
  }
  const origin = { id: a.id, version: a.version, name: a.name };
  if (a.family !== family) {
    const message = `Architecture ${a.id} "${a.name}" (version ${a.version}) is a ${a.family} architecture: a ${family} run needs a ${family} architecture`;
    throw new ApiError('bad-request', message, [{ path, message }]);
  }
  // Saved documents were checked against their family when saved; a row written otherwise is refused here, not in the worker.
  const issue = architectureFamilyIssue(family, a.architecture);
  if (issue) throw new ApiError('bad-request', `Architecture ${a.id} "${a.name}" (version ${a.version}) cannot be trained: ${issue}`, [{ path, message: issue }]);
  return { architecture: a.architecture, origin };
}

/** `data`: what the run trains on, its example shape and output size (a dataset entry, or a corpus's window and vocabulary). */
export function resolveArchitecture(store: Store, config: RunConfig, data: DataShape): ResolvedArchitecture {
  const family = descriptorOf(config.family);
  const network = family.network;
  if (network === null) {
    // No network (PCA): the record names the run, with no parts.
    const model: ModelDocument = { format: MODEL_FORMAT, version: GRAPH_VERSION, name: family.recordName?.(config) ?? config.family, parts: {} };
    return { architecture: model, architectureId: null, architectureVersion: null };
  }
  const contract = network.contractFor(config, data);
  const spec = (config as { architecture: ArchitectureSpecAny }).architecture;
  let architecture: Architecture;
  let origin: SavedOrigin | undefined;
  if ('template' in spec) {
    try {
      architecture = network.template(spec.template, contract, config);
    } catch (e) {
      const message = (e as Error).message;
      throw new ApiError('bad-request', message, [{ path: ['architecture', 'template'], message }]);
    }
  } else if ('graph' in spec) {
    architecture = spec.graph;
  } else if ('model' in spec) {
    architecture = spec.model;
  } else {
    const saved = loadSaved(store, spec, config.family as ArchitectureFamily);
    architecture = saved.architecture;
    origin = saved.origin;
  }
  const errors = network.check(architecture, contract);
  if (errors.length > 0) refuse(architecture.name, errors, origin);
  return { architecture, architectureId: origin?.id ?? null, architectureVersion: origin?.version ?? null };
}
