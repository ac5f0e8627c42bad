/**
 * The identity of the reference classifier that scores a generative run's
 * samples (Inception-style score, Fréchet distance, class coverage): the
 * sha256 of its weights and its measured test accuracy. Scores are only
 * comparable between runs, machines or months when they name the same
 * hash, so every score carries it (`scoreProvenance`, `provenanceLine`).
 * Pure: the services, the CLI, the renderer and the workers share it.
 */

/** Trained by the app (seeded, per dataset) or imported by the user as a TF.js layers model. */
export type ReferenceSource = 'trained' | 'imported';

export interface ReferenceIdentity {
  /** sha256 (hex) over the weights in model order: each weight's name, dtype, shape and little-endian bytes. */
  hash: string;
  /** Accuracy on `evaluatedOn` held-out images (the dataset's test split in the app), in [0, 1]; NaN when none were held out. */
  testAccuracy: number;
  evaluatedOn: number;
  /** 'lenet' / 'mlp' for a trained one; 'imported' for an imported model. */
  template: string;
  /** Training epochs (0 for an imported model: unknown to the app). */
  epochs: number;
  /** Training examples (0 for an imported model). */
  trainedOn: number;
  source: ReferenceSource;
  datasetId: string;
}

/** What a score artifact's meta records about the classifier that produced it. */
export interface ScoreProvenance {
  classifierHash: string;
  classifierAccuracy: number;
  classifierSource: ReferenceSource;
  classifierTemplate: string;
}

/** The fields to spread into every score artifact's meta (and a run's JSON export). */
export function scoreProvenance(id: ReferenceIdentity): ScoreProvenance {
  return { classifierHash: id.hash, classifierAccuracy: id.testAccuracy, classifierSource: id.source, classifierTemplate: id.template };
}

/** The first 12 hex digits: enough to tell classifiers apart in a table or a log line. */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

/** The accuracy as a researcher quotes it: percent and the sample size, or "not measured". */
export function accuracyText(id: Pick<ReferenceIdentity, 'testAccuracy' | 'evaluatedOn'>): string {
  return Number.isFinite(id.testAccuracy) && id.evaluatedOn > 0
    ? `${(id.testAccuracy * 100).toFixed(2)} % test accuracy on ${id.evaluatedOn} images`
    : 'test accuracy not measured';
}

/** One log line naming the classifier that scores a run, e.g. for the run log at the first evaluation. */
export function provenanceLine(id: ReferenceIdentity): string {
  const what = id.source === 'imported'
    ? `imported feature extractor for ${id.datasetId}`
    : `${id.template} trained ${id.epochs} epoch${id.epochs === 1 ? '' : 's'} on ${id.trainedOn} ${id.datasetId} images`;
  return `Scores by reference classifier sha256:${shortHash(id.hash)} (${what}; ${accuracyText(id)})`;
}

/** Where a dataset's imported feature extractor lives: `<data>/reference-classifiers/<folder>/imported/`. */
export const IMPORTED_REFERENCE_FOLDER = 'imported';

/** The folder name of a dataset's reference classifiers: its id with anything but [A-Za-z0-9_-] replaced. */
export function referenceFolderName(datasetId: string): string {
  return datasetId.replace(/[^A-Za-z0-9_-]/g, '_');
}
