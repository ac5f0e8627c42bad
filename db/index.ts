/** The db layer's public face: open a store; everything else stays inside db/. */
export { openStore, type OpenStoreOptions } from './openStore';
export type { ArtifactRecord, DatasetRecord, ImportedDatasetKind, NewDataset, NewRun, RunRecord, Store } from './storeTypes';
