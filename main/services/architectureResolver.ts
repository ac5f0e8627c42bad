/**
 * Turns a run config's architecture spec (template, inline graph or model,
 * saved architecture version) into the exact architecture the run will
 * train, and checks it against the family's contract before anything is queued.
 */
import type { Store } from '../../db/storeTypes';
import { ApiError } from '../common/api';
import type { Architecture, GraphDocument, GraphError, ModelDocument } from '../../workers/common/graph';
import { GRAPH_VERSION, MODEL_FORMAT } from '../../workers/common/graph';
import { ganLatentDim, type ClassifierConfig, type RunConfig } from '../../workers/common/runConfig';
import { checkClassifierOutput, checkSingleInput, inferShapes } from '../../workers/common/shapes';
import { classifierTemplate } from '../../workers/common/templates';
import { autoencoderTemplate } from '../../workers/common/autoencoderTemplates';
import { vaeTemplate } from '../../workers/common/vaeTemplates';
import { checkEncoderDecoder, checkGeneratorDiscriminator } from '../../workers/common/partContracts';
import { ganTemplate } from '../../workers/common/ganTemplates';
import type { DatasetEntry } from '../../workers/common/datasets';

export interface ResolvedArchitecture {
  architecture: Architecture;
  architectureId: number | null;
  architectureVersion: number | null;
}

function refuse(name: string, errors: readonly GraphError[]): never {
  const issues = errors.map((e) => `${e.nodeId ? `node ${e.nodeId}: ` : ''}${e.message} — ${e.hint}`);
  throw new ApiError('bad-request', `The architecture "${name}" cannot be trained: ${issues.join('; ')}`, issues);
}

function resolveClassifier(store: Store, spec: ClassifierConfig['architecture'], dataset: DatasetEntry): ResolvedArchitecture {
  let graph: GraphDocument;
  let architectureId: number | null = null;
  let architectureVersion: number | null = null;
  if ('template' in spec) {
    graph = classifierTemplate(spec.template, [...dataset.inputShape], dataset.numClasses);
  } else if ('graph' in spec) {
    graph = spec.graph;
  } else {
    const a = store.getArchitecture(spec.architectureId, spec.version);
    if (!a) throw new ApiError('not-found', `Architecture ${spec.architectureId}${spec.version ? ` version ${spec.version}` : ''} does not exist`);
    graph = a.graph;
    architectureId = a.id;
    architectureVersion = a.version;
  }
  const report = inferShapes(graph);
  const outputError = report.ok ? checkClassifierOutput(report, dataset.numClasses) : undefined;
  const inputError = report.ok ? checkSingleInput(report, 'A classifier') : undefined;
  const errors = [...report.errors, ...(outputError ? [outputError] : []), ...(inputError ? [inputError] : [])];
  if (errors.length > 0) refuse(graph.name, errors);
  const input = graph.nodes.find((n) => n.kind === 'input');
  const shape = (input?.params as { shape?: number[] } | undefined)?.shape;
  if (shape && shape.join('x') !== dataset.inputShape.join('x')) {
    throw new ApiError('bad-request', `The architecture's input shape [${shape.join(', ')}] does not match dataset ${dataset.id} ([${dataset.inputShape.join(', ')}])`);
  }
  return { architecture: graph, architectureId, architectureVersion };
}

function resolveEncoderDecoder(model: ModelDocument, dataset: DatasetEntry, latentDim: number, encoderOutputDim: number): ResolvedArchitecture {
  const errors = checkEncoderDecoder(model, { inputShape: [...dataset.inputShape], latentDim, encoderOutputDim });
  if (errors.length > 0) refuse(model.name, errors);
  return { architecture: model, architectureId: null, architectureVersion: null };
}

export function resolveArchitecture(store: Store, config: RunConfig, dataset: DatasetEntry): ResolvedArchitecture {
  const shape = [...dataset.inputShape];
  switch (config.family) {
    case 'classifier':
      return resolveClassifier(store, config.architecture, dataset);
    case 'autoencoder': {
      const { latentDim } = config.hyper;
      const a = config.architecture;
      return resolveEncoderDecoder('template' in a ? autoencoderTemplate(a.template, shape, latentDim) : a.model, dataset, latentDim, latentDim);
    }
    case 'vae': {
      const { latentDim } = config.hyper;
      const a = config.architecture;
      return resolveEncoderDecoder('template' in a ? vaeTemplate(a.template, shape, latentDim) : a.model, dataset, latentDim, 2 * latentDim);
    }
    case 'gan': {
      // A 2-D toy (hyper.toy) replaces the catalogue dataset: its examples are [2].
      const latentDim = ganLatentDim(config.hyper);
      const dataShape = config.hyper.toy !== undefined ? [2] : shape;
      const a = config.architecture;
      // The tricks that live in the architecture, and the conditional variants: the templates insert their layers.
      const { conditioning } = config.hyper;
      const numClasses = dataset.numClasses;
      const options = { minibatchStddev: config.hyper.minibatchStddev, virtualBatchNorm: config.hyper.virtualBatchNorm, conditioning, numClasses };
      let model: ModelDocument;
      try {
        model = 'template' in a ? ganTemplate(a.template, dataShape, latentDim, options) : a.model;
      } catch (e) {
        throw new ApiError('bad-request', (e as Error).message, [`architecture.template: ${(e as Error).message}`]);
      }
      const errors = checkGeneratorDiscriminator(model, { dataShape, latentDim, conditioning, numClasses });
      if (errors.length > 0) refuse(model.name, errors);
      return { architecture: model, architectureId: null, architectureVersion: null };
    }
    case 'pca': {
      // PCA has no network: the record names it, with no parts.
      const model: ModelDocument = { format: MODEL_FORMAT, version: GRAPH_VERSION, name: `pca-${config.hyper.components}`, parts: {} };
      return { architecture: model, architectureId: null, architectureVersion: null };
    }
  }
}
