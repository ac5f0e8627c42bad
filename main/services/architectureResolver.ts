/**
 * Turns a run config's architecture spec (template, inline graph or model,
 * saved architecture version) into the exact architecture the run will
 * train, and checks it against the family's contract before anything is queued.
 */
import type { Store } from '../../db/storeTypes';
import { ApiError } from '../common/api';
import type { Architecture, GraphDocument, GraphError, ModelDocument } from '../../workers/common/graph';
import { GRAPH_VERSION, MODEL_FORMAT } from '../../workers/common/graph';
import { architectureFamilyIssue, ganLatentDim, type ArchitectureFamily, type ClassifierConfig, type RunConfig, type SavedArchitectureSpec } from '../../workers/common/runConfig';
import { inferShapes } from '../../workers/common/shapes';
import { classifierTemplate } from '../../workers/common/templates';
import { autoencoderTemplate } from '../../workers/common/autoencoderTemplates';
import { vaeTemplate } from '../../workers/common/vaeTemplates';
import { checkClassifier, checkEncoderDecoder, checkGeneratorDiscriminator } from '../../workers/common/partContracts';
import { ganTemplate } from '../../workers/common/ganTemplates';
import type { DatasetEntry } from '../../workers/common/datasets';

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
  throw new ApiError('bad-request', `The architecture ${what} cannot be trained: ${issues.join('; ')}`, issues);
}

/**
 * A saved architecture version for a run of `family`: the exact version
 * (the latest when the spec names none), refused when it is another family's.
 */
function loadSaved(store: Store, spec: SavedArchitectureSpec, family: ArchitectureFamily): { architecture: Architecture; origin: SavedOrigin } {
  const a = store.getArchitecture(spec.architectureId, spec.version);
  if (!a) {
    const exists = spec.version !== undefined && store.getArchitecture(spec.architectureId) !== undefined;
    throw new ApiError('not-found', exists
      ? `Architecture ${spec.architectureId} has no version ${spec.version}`
      : `Architecture ${spec.architectureId} does not exist`, [`architecture.architectureId: no saved architecture ${spec.architectureId}${exists ? ` version ${spec.version}` : ''}`]);
  }
  const origin = { id: a.id, version: a.version, name: a.name };
  if (a.family !== family) {
    const message = `Architecture ${a.id} "${a.name}" (version ${a.version}) is a ${a.family} architecture: a ${family} run needs a ${family} architecture`;
    throw new ApiError('bad-request', message, [`architecture.architectureId: ${message}`]);
  }
  // Saved documents were checked against their family when saved; a row written otherwise is refused here, not in the worker.
  const issue = architectureFamilyIssue(family, a.architecture);
  if (issue) throw new ApiError('bad-request', `Architecture ${a.id} "${a.name}" (version ${a.version}) cannot be trained: ${issue}`, [`architecture.architectureId: ${issue}`]);
  return { architecture: a.architecture, origin };
}

function resolveClassifier(store: Store, spec: ClassifierConfig['architecture'], dataset: DatasetEntry): ResolvedArchitecture {
  let graph: GraphDocument;
  let architectureId: number | null = null;
  let architectureVersion: number | null = null;
  let origin: SavedOrigin | undefined;
  if ('template' in spec) {
    graph = classifierTemplate(spec.template, [...dataset.inputShape], dataset.numClasses);
  } else if ('graph' in spec) {
    graph = spec.graph;
  } else {
    const saved = loadSaved(store, spec, 'classifier');
    graph = saved.architecture as GraphDocument;
    origin = saved.origin;
    architectureId = saved.origin.id;
    architectureVersion = saved.origin.version;
  }
  const errors = checkClassifier(inferShapes(graph), { inputShape: [...dataset.inputShape], numClasses: dataset.numClasses });
  if (errors.length > 0) refuse(graph.name, errors, origin);
  return { architecture: graph, architectureId, architectureVersion };
}

/** A run's model document, and the saved version it came from (when it did). */
interface ModelChoice { model: ModelDocument; origin?: SavedOrigin }

function resolved(choice: ModelChoice): ResolvedArchitecture {
  return { architecture: choice.model, architectureId: choice.origin?.id ?? null, architectureVersion: choice.origin?.version ?? null };
}

/** A template's, an inline model's, or a saved model's document for an encoder/decoder or GAN run. */
function chooseModel<T>(
  store: Store, family: 'autoencoder' | 'vae' | 'gan', spec: { template: T } | { model: ModelDocument } | SavedArchitectureSpec, fromTemplate: (template: T) => ModelDocument,
): ModelChoice {
  if ('template' in spec) return { model: fromTemplate(spec.template) };
  if ('model' in spec) return { model: spec.model };
  const saved = loadSaved(store, spec, family);
  return { model: saved.architecture as ModelDocument, origin: saved.origin };
}

function resolveEncoderDecoder(choice: ModelChoice, dataset: DatasetEntry, latentDim: number, encoderOutputDim: number): ResolvedArchitecture {
  const errors = checkEncoderDecoder(choice.model, { inputShape: [...dataset.inputShape], latentDim, encoderOutputDim });
  if (errors.length > 0) refuse(choice.model.name, errors, choice.origin);
  return resolved(choice);
}

export function resolveArchitecture(store: Store, config: RunConfig, dataset: DatasetEntry): ResolvedArchitecture {
  const shape = [...dataset.inputShape];
  switch (config.family) {
    case 'classifier':
      return resolveClassifier(store, config.architecture, dataset);
    case 'autoencoder': {
      const { latentDim } = config.hyper;
      const choice = chooseModel(store, 'autoencoder', config.architecture, (t) => autoencoderTemplate(t, shape, latentDim));
      return resolveEncoderDecoder(choice, dataset, latentDim, latentDim);
    }
    case 'vae': {
      const { latentDim } = config.hyper;
      const choice = chooseModel(store, 'vae', config.architecture, (t) => vaeTemplate(t, shape, latentDim));
      return resolveEncoderDecoder(choice, dataset, latentDim, 2 * latentDim);
    }
    case 'gan': {
      // A 2-D toy (hyper.toy) replaces the catalogue dataset: its examples are [2].
      const latentDim = ganLatentDim(config.hyper);
      const dataShape = config.hyper.toy !== undefined ? [2] : shape;
      // The tricks that live in the architecture, and the conditional variants: the templates insert their layers.
      const { conditioning } = config.hyper;
      const numClasses = dataset.numClasses;
      const options = { minibatchStddev: config.hyper.minibatchStddev, virtualBatchNorm: config.hyper.virtualBatchNorm, conditioning, numClasses };
      const choice = chooseModel(store, 'gan', config.architecture, (t) => {
        try {
          return ganTemplate(t, dataShape, latentDim, options);
        } catch (e) {
          throw new ApiError('bad-request', (e as Error).message, [`architecture.template: ${(e as Error).message}`]);
        }
      });
      const errors = checkGeneratorDiscriminator(choice.model, { dataShape, latentDim, conditioning, numClasses });
      if (errors.length > 0) refuse(choice.model.name, errors, choice.origin);
      return resolved(choice);
    }
    case 'pca': {
      // PCA has no network: the record names it, with no parts.
      const model: ModelDocument = { format: MODEL_FORMAT, version: GRAPH_VERSION, name: `pca-${config.hyper.components}`, parts: {} };
      return { architecture: model, architectureId: null, architectureVersion: null };
    }
  }
}
