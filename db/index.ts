/** The db layer's public face: open a store; everything else stays inside db/. */
export { openStore, type OpenStoreOptions } from './openStore';
export { ArchitectureSaveError, RunTagError } from './storeTypes';
export type { ArchitectureFilter, ArtifactRecord, CorpusRecord, DatasetRecord, ImportedDatasetKind, NewArchitectureVersion, NewCorpus, NewDataset, NewRun, RunRecord, Store } from './storeTypes';
