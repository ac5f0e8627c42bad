/**
 * The app's cache of reference classifiers: one per (dataset, template,
 * epochs), trained the first time a run needs it on the dataset's whole
 * training split, evaluated on its whole test split, and kept under
 * `${cacheDir}/reference-classifiers/<key>/` (see ReferenceClassifier.save).
 * Later runs load it. A half-written or unreadable entry is retrained; two
 * runs training the same entry at once each write a private folder and the
 * first rename wins.
 *
 * A dataset with an imported feature extractor (importedReference.ts, in
 * `<data>/reference-classifiers/<dataset>/imported/`) is scored by it
 * instead, whatever template and epochs the run asks for. Either way the
 * result carries the classifier's identity (weights' sha256, test
 * accuracy), which every score records (common/referenceIdentity.ts).
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClassifierTemplate } from '../../common/families/classifier/config';
import { accuracyText, provenanceLine, type ReferenceIdentity } from '../../common/referenceIdentity';
import type { ImageDataset } from '../../data/mnist';
import { importedReferenceDir } from './importedReference';
import { ReferenceClassifier, trainReferenceClassifier } from './referenceClassifier';

export interface ReferenceRequest {
  /** Where the app keeps caches (`<data>/cache`); without one, the classifier is trained and not kept. */
  cacheDir?: string;
  /** Where imported feature extractors are kept (`<data>/reference-classifiers`); default: beside cacheDir. */
  referenceRoot?: string;
  datasetId: string;
  template: ClassifierTemplate;
  epochs: number;
  /** The data to train it on (the dataset's whole training split, in the app). */
  data: ImageDataset;
  log: (message: string) => void;
  isCancelled?: () => boolean;
}

export interface ReferenceResult {
  classifier: ReferenceClassifier;
  /** Loaded from disk, imported or cached (true), or trained now (false). */
  cached: boolean;
  /** The folder it lives in, when cached, saved or imported. */
  dir?: string;
  /** Its weights' hash and test accuracy: record them with every score (scoreProvenance, provenanceLine). */
  identity: ReferenceIdentity;
}

/** Seed of every reference classifier: it belongs to the dataset, not to a run. */
export const REFERENCE_SEED = 1234;

export function referenceKey(r: Pick<ReferenceRequest, 'datasetId' | 'template' | 'epochs' | 'data'>): string {
  const safe = r.datasetId.replace(/[^A-Za-z0-9_-]/g, '_');
  return `${safe}-n${r.data.trainLabels.length}-${r.template}-e${r.epochs}`;
}

function referenceRootOf(r: Pick<ReferenceRequest, 'cacheDir' | 'referenceRoot'>): string | undefined {
  return r.referenceRoot ?? (r.cacheDir !== undefined ? join(r.cacheDir, '..', 'reference-classifiers') : undefined);
}

/**
 * The dataset's imported feature extractor, if it has one. One that is there
 * but cannot be used is an error, never a silent fall-back to a trained
 * classifier (the run's scores would change identity unannounced).
 */
async function importedReference(r: ReferenceRequest): Promise<ReferenceResult | undefined> {
  const root = referenceRootOf(r);
  if (root === undefined) return undefined;
  const dir = importedReferenceDir(root, r.datasetId);
  if (!existsSync(join(dir, 'reference.json'))) return undefined;
  let classifier: ReferenceClassifier;
  try {
    classifier = await ReferenceClassifier.load(dir);
  } catch (e) {
    throw new Error(`The imported feature extractor of ${r.datasetId} in ${dir} cannot be used (${(e as Error).message}); import it again or remove it`, { cause: e });
  }
  const shape = classifier.manifest.inputShape;
  if (shape.join('x') !== r.data.inputShape.join('x') || classifier.numClasses !== r.data.numClasses) {
    classifier.dispose();
    throw new Error(`The imported feature extractor of ${r.datasetId} takes [${shape.join(', ')}] images and ${classifier.numClasses} classes, but the data is [${r.data.inputShape.join(', ')}] with ${r.data.numClasses}; import a matching one or remove it`);
  }
  r.log(`Reference classifier: the imported feature extractor of ${r.datasetId} (${dir}), ${accuracyText(classifier.identity)}`);
  r.log(provenanceLine(classifier.identity));
  return { classifier, cached: true, dir, identity: classifier.identity };
}

/** The dataset's imported extractor, else the cached reference classifier for the request, trained (and cached) first if there is none. */
export async function obtainReferenceClassifier(r: ReferenceRequest): Promise<ReferenceResult> {
  const imported = await importedReference(r);
  if (imported) return imported;
  const key = referenceKey(r);
  const hash = `${r.datasetId}:train=${r.data.trainLabels.length}:test=${r.data.testLabels.length}`;
  const dir = r.cacheDir !== undefined ? join(r.cacheDir, 'reference-classifiers', key) : undefined;
  if (dir !== undefined && existsSync(join(dir, 'reference.json'))) {
    try {
      const m = await ReferenceClassifier.readManifest(dir);
      if (m.datasetHash === hash) {
        const classifier = await ReferenceClassifier.load(dir);
        r.log(`Reference classifier: ${m.template} from the cache (${dir}), test accuracy ${(m.accuracy * 100).toFixed(2)} % on ${m.evaluatedOn} images`);
        r.log(provenanceLine(classifier.identity));
        return { classifier, cached: true, dir, identity: classifier.identity };
      }
      r.log(`Reference classifier in ${dir} was trained on other data (${m.datasetHash}); training a new one`);
    } catch (e) {
      r.log(`Reference classifier in ${dir} could not be read (${(e as Error).message}); training a new one`);
    }
  }
  const n = r.data.trainLabels.length;
  r.log(`Training the reference classifier (${r.template}, ${r.epochs} epoch${r.epochs > 1 ? 's' : ''} on ${n} ${r.datasetId} images; once per dataset, then cached)`);
  const t0 = Date.now();
  const classifier = await trainReferenceClassifier({
    images: r.data.trainImages, labels: r.data.trainLabels, inputShape: r.data.inputShape, numClasses: r.data.numClasses,
    testImages: r.data.testImages, testLabels: r.data.testLabels,
    epochs: r.epochs, seed: REFERENCE_SEED, template: r.template, datasetHash: hash, datasetId: r.datasetId,
    ...(r.isCancelled ? { isCancelled: r.isCancelled } : {}),
  });
  r.log(`Reference classifier trained in ${((Date.now() - t0) / 1000).toFixed(1)} s: test accuracy ${(classifier.accuracy * 100).toFixed(2)} % on ${classifier.manifest.evaluatedOn} images`);
  r.log(provenanceLine(classifier.identity));
  const identity = classifier.identity;
  if (dir === undefined) return { classifier, cached: false, identity };
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  try {
    await mkdir(join(r.cacheDir!, 'reference-classifiers'), { recursive: true });
    await classifier.save(tmp);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    r.log(`Reference classifier could not be cached in ${dir} (${(e as Error).message}); it will be trained again next time`);
    return { classifier, cached: false, identity };
  }
  return { classifier, cached: false, dir, identity };
}
