/**
 * Run configuration: family, dataset, architecture and hyperparameters.
 * One schema, used by the UI form, the HTTP/IPC boundary, the CLI's config
 * file and the worker. The shared parts live in runConfigBase.ts, each
 * family's own in families/<family>/config.ts, and the union of them all in
 * families/registry.ts; this module gathers them for the code that needs
 * the existing families by name (a new family needs no line here).
 */
export * from './runConfigBase';
export {
  architectureFamilies, architectureFamilyIssue, families, familyPartNames, isArchitectureFamily, isFamily, runConfigSchema,
  type ArchitectureFamily, type ConfigOf, type Family, type RunConfig, type RunConfigInput,
} from './families/registry';
export * from './families/classifier/config';
export * from './families/autoencoder/config';
export * from './families/vae/config';
export * from './families/gan/config';
export * from './families/pca/config';
