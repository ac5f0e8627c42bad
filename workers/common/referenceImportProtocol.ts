/**
 * The messages between the services and the worker thread that imports a
 * feature extractor (workers/host/referenceImportWorker.ts): the services
 * cannot load tfjs, so checking the model, measuring its accuracy and
 * hashing its weights happen there. Plain structured-clone data.
 */
import type { ImageDatasetEntry } from './datasets';
import type { ReferenceIdentity } from './referenceIdentity';

export interface ReferenceImportRequest {
  /** model.json, or the folder holding it (absolute). */
  modelPath: string;
  /** The dataset as the services resolved it (an imported one with its folder). */
  datasetEntry: ImageDatasetEntry;
  /** `<data>/reference-classifiers`. */
  referenceRoot: string;
}

export type ReferenceImportReply =
  | { ok: true; identity: ReferenceIdentity }
  | { ok: false; error: string };
