/**
 * The app's cache of reference classifiers: one per (dataset, template,
 * epochs), trained the first time a run needs it on the dataset's whole
 * training split, evaluated on its whole test split, and kept under
 * `${cacheDir}/reference-classifiers/<key>/` (see ReferenceClassifier.save).
 * Later runs load it. A half-written or unreadable entry is retrained; two
 * runs training the same entry at once each write a private folder and the
 * first rename wins.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClassifierTemplate } from '../../common/families/classifier/config';
import type { ImageDataset } from '../../data/mnist';
import { ReferenceClassifier, trainReferenceClassifier } from './referenceClassifier';

export interface ReferenceRequest {
  /** Where the app keeps caches (`<data>/cache`); without one, the classifier is trained and not kept. */
  cacheDir?: string;
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
  /** Loaded from the cache (true) or trained now (false). */
  cached: boolean;
  /** The cache folder it lives in, when cached or saved. */
  dir?: string;
}

/** Seed of every reference classifier: it belongs to the dataset, not to a run. */
export const REFERENCE_SEED = 1234;

export function referenceKey(r: Pick<ReferenceRequest, 'datasetId' | 'template' | 'epochs' | 'data'>): string {
  const safe = r.datasetId.replace(/[^A-Za-z0-9_-]/g, '_');
  return `${safe}-n${r.data.trainLabels.length}-${r.template}-e${r.epochs}`;
}

/** The cached reference classifier for the request, trained (and cached) first if there is none. */
export async function obtainReferenceClassifier(r: ReferenceRequest): Promise<ReferenceResult> {
  const key = referenceKey(r);
  const hash = `${r.datasetId}:train=${r.data.trainLabels.length}:test=${r.data.testLabels.length}`;
  const dir = r.cacheDir !== undefined ? join(r.cacheDir, 'reference-classifiers', key) : undefined;
  if (dir !== undefined && existsSync(join(dir, 'reference.json'))) {
    try {
      const m = await ReferenceClassifier.readManifest(dir);
      if (m.datasetHash === hash) {
        const classifier = await ReferenceClassifier.load(dir);
        r.log(`Reference classifier: ${m.template} from the cache (${dir}), test accuracy ${(m.accuracy * 100).toFixed(2)} % on ${m.evaluatedOn} images`);
        return { classifier, cached: true, dir };
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
    epochs: r.epochs, seed: REFERENCE_SEED, template: r.template, datasetHash: hash,
    ...(r.isCancelled ? { isCancelled: r.isCancelled } : {}),
  });
  r.log(`Reference classifier trained in ${((Date.now() - t0) / 1000).toFixed(1)} s: test accuracy ${(classifier.accuracy * 100).toFixed(2)} % on ${classifier.manifest.evaluatedOn} images`);
  if (dir === undefined) return { classifier, cached: false };
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  try {
    await mkdir(join(r.cacheDir!, 'reference-classifiers'), { recursive: true });
    await classifier.save(tmp);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    r.log(`Reference classifier could not be cached in ${dir} (${(e as Error).message}); it will be trained again next time`);
    return { classifier, cached: false };
  }
  return { classifier, cached: false, dir };
}
