/**
 * Sample quality of an image GAN, scored by the dataset's reference
 * classifier (families/classifier/referenceCache.ts) at each logged step on
 * `samples` (hyper.evalSamples) generated images from a FIXED set of noise
 * vectors, against as many real test images: the scores of sampleScores.ts
 * (confident classes present, class KL, Inception-style score ± sd over 10
 * splits, Fréchet distance with its bootstrap interval, KID ± SE, precision
 * and recall).
 *
 * - conditional_accuracy (conditional GANs only): the samples are generated
 *   for labels drawn uniformly once (seeded, the same at every step), and
 *   this is how often the reference classifier's class is the label the
 *   generator was asked for (chance is 1 / numClasses).
 *
 * At creation the real-vs-real floor is scored once at the same size (the
 * test images against as many images from the end of the training split):
 * `realScores.floor` (real_frechet_distance, real_kid, real_inception_score …).
 *
 * `evaluateFinal` scores the finished generator once more on `finalSamples`
 * (default 10,000) fresh fixed-noise samples against up to as many test
 * images, with the floor at that size: the keys with a `final_` prefix.
 *
 * Each evaluation writes a 'class-histogram' JSON artifact (ClassHistogramData:
 * the confident class counts of samples and of the real test images, the
 * data's class frequencies, and every score with its uncertainty).
 */
import { join } from 'node:path';
import type { ClassHistogramData } from '../../common/gallery';
import type { ScoreProvenance } from '../../common/referenceIdentity';
import { stepArtifactPath, writeJsonArtifact } from '../../engine/galleryFiles';
import { featureStats, frechetDistanceFromStats } from '../../engine/generativeMetrics';
import { deriveSeed } from '../../engine/prng';
import { metricEntries } from '../../engine/trainer';
import type { ReferenceClassifier } from '../classifier/referenceClassifier';
import type { FamilySink } from '../../engine/sink';
import type { ImageDataset } from '../../data/mnist';
import { agreement, sampleLabels } from './conditioning';
import { fixedNoise, generate, toUnitPixels } from './galleries';
import type { GanNetworks } from './model';
import { FD_RESAMPLES, IS_SPLITS, KID_SUBSETS, PR_K, realFloor, realReference, scoreSamples, type RealFloor, type RealReference, type SampleScores, type ScoredImages, type ScoredSamples } from './sampleScores';

/** Samples generated per forward pass while evaluating. */
const EVAL_BATCH = 250;
/** Default top-class probability a sample needs to count for its class. */
export const DEFAULT_CONFIDENCE_THRESHOLD = 0.9;
/** Default samples of the final evaluation of a finished run. */
export const DEFAULT_FINAL_SAMPLES = 10_000;

export interface GanScores extends SampleScores {
  /** Conditional GANs: fraction of samples the reference classifier puts in the class they were generated for. */
  conditional_accuracy?: number;
  /** With held-out training images: the Fréchet distance of the samples to them — the step a run is quoted at is chosen on it, never on the test images. */
  val_frechet_distance?: number;
}

/** The final evaluation's scores and floor, each key prefixed 'final_'. */
export type FinalGanScores = { [K in Exclude<keyof GanScores, 'val_frechet_distance'> | keyof RealFloor as `final_${K}`]?: number };

export interface GanEvaluator {
  /** The real test images' own scores (inception_score, classes_present: the ceiling) and the real-vs-real floor at the training sample size. */
  readonly realScores: { inception_score: number; classes_present: number; floor: RealFloor };
  /** Score the generator now (the caller records the scores); writes (with a runDir) the class-histogram artifact. */
  evaluate(step: number, epoch: number): Promise<GanScores>;
  /** The finished run's evaluation on `finalSamples` samples (the caller records them); undefined when finalSamples is 0. */
  evaluateFinal(step: number, epoch: number): Promise<FinalGanScores | undefined>;
}

export interface GanEvaluatorOptions {
  nets: GanNetworks;
  classifier: ReferenceClassifier;
  /** The reference data: class frequencies come from its training labels, the real features from its test images, the floor's other real images from the end of its training split. */
  reference: ImageDataset;
  samples: number;
  seed: number;
  sink: FamilySink<'gan'>;
  runDir?: string;
  /** Top-class probability a sample needs to count for its class (default DEFAULT_CONFIDENCE_THRESHOLD). */
  confidenceThreshold?: number;
  /** Samples of the final evaluation (default DEFAULT_FINAL_SAMPLES; 0 = none). */
  finalSamples?: number;
  /** Which reference classifier scored (its weights' hash and accuracy): written into every score artifact's meta. */
  provenance?: ScoreProvenance;
  /** Training images the generator never saw (its run's validation split), in [0, 1]: each logged evaluation adds val_frechet_distance against them. */
  validation?: { images: Float32Array; n: number };
}

function classFrequencies(labels: Int32Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const l of labels) if (l >= 0 && l < numClasses) counts[l]! += 1;
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total > 0 ? c / total : 1 / numClasses));
}

/** The generator's images for `z` (and `labels`, when conditional), mapped from [−1, 1] to the classifier's [0, 1]. */
async function generatedPixels(nets: GanNetworks, z: number[][], labels?: Int32Array): Promise<Float32Array> {
  const per = nets.dataShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(z.length * per);
  for (let start = 0; start < z.length; start += EVAL_BATCH) {
    const raw = await generate(nets, z.slice(start, start + EVAL_BATCH), labels?.subarray(start, start + EVAL_BATCH));
    out.set(toUnitPixels(raw), start * per);
  }
  return out;
}

function argmaxRows(probs: Float32Array, n: number, c: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < c; k++) if (probs[i * c + k]! > probs[i * c + best]!) best = k;
    out[i] = best;
  }
  return out;
}

async function scoreImages(classifier: ReferenceClassifier, pixels: Float32Array, n: number): Promise<ScoredImages> {
  return { n, probs: await classifier.probabilities(pixels, n), feats: await classifier.features(pixels, n) };
}

/** The real side at one sample size: the first n test images, and n images from the end of the training split for the floor. */
interface RealSide { ref: RealReference; floor: RealFloor; realHistogram: number[] }

async function realSide(o: GanEvaluatorOptions, size: number, confidenceThreshold: number, dataClassFreq: number[]): Promise<RealSide> {
  const { classifier, reference } = o;
  const per = o.nets.dataShape.reduce((a, b) => a * b, 1);
  const nTrain = reference.trainLabels.length;
  const n = Math.min(size, reference.testLabels.length, nTrain);
  if (n < 2 * KID_SUBSETS) throw new Error(`Scoring GAN samples needs at least ${2 * KID_SUBSETS} test and training images (${reference.testLabels.length} test, ${nTrain} training)`);
  const test = await scoreImages(classifier, reference.testImages.subarray(0, n * per), n);
  const ref = realReference(test, { numClasses: classifier.numClasses, featureDim: classifier.featureDim, dataClassFreq, confidenceThreshold });
  const other = await scoreImages(classifier, reference.trainImages.subarray((nTrain - n) * per, nTrain * per), n);
  const { floor, coverage } = realFloor(ref, other);
  return { ref, floor, realHistogram: coverage.histogram };
}

/** Everything the class-histogram artifact of one evaluation records. */
function histogramDocument(s: ScoredSamples, n: number, real: RealSide, accuracy: number, final: boolean): ClassHistogramData {
  const { scores, coverage, argmax } = s;
  const { floor, ref } = real;
  return {
    numClasses: ref.numClasses, histogram: coverage.histogram, samples: n, threshold: Math.min(...coverage.thresholds),
    classesPresent: coverage.classesPresent, klToData: scores.class_kl, dataClassFreq: ref.dataClassFreq,
    inceptionScore: scores.inception_score, frechetDistance: scores.frechet_distance,
    referenceAccuracy: accuracy, realInceptionScore: floor.real_inception_score,
    confidenceThreshold: coverage.confidenceThreshold, classThresholds: coverage.thresholds, confidentSamples: coverage.confident,
    argmaxHistogram: argmax.histogram, realHistogram: real.realHistogram, realSamples: ref.n, realClassesPresent: floor.real_classes_present,
    inceptionScoreSd: scores.inception_score_sd, inceptionScoreSplits: IS_SPLITS,
    frechetDistanceLo: scores.frechet_distance_lo, frechetDistanceHi: scores.frechet_distance_hi, frechetResamples: FD_RESAMPLES,
    kid: scores.kid, kidSe: scores.kid_se, kidSubsets: KID_SUBSETS,
    precision: scores.precision, recall: scores.recall, precisionRecallK: PR_K,
    realFrechetDistance: floor.real_frechet_distance, realKid: floor.real_kid, realKidSe: floor.real_kid_se, realInceptionScoreSd: floor.real_inception_score_sd,
    final,
  };
}

/** The scoring set-up in words: sample sizes, thresholds, what each uncertainty is. */
function describe(n: number, real: RealSide, conditional: boolean, what: string): string {
  const { floor, ref } = real;
  const f = (v: number): string => String(Number(v.toPrecision(4)));
  return `${what}: ${n} generated images (fixed noise${conditional ? ', labels drawn uniformly' : ''}) against ${ref.n} real test images, by the reference classifier. `
    + `A class is present with at least half its data-expected count of samples classified with probability ≥ ${ref.confidenceThreshold}; `
    + `IS is mean ± sd over ${IS_SPLITS} splits, FD has a ${FD_RESAMPLES}-resample bootstrap 95 % interval, KID ± SE over ${KID_SUBSETS} subsets, precision/recall use k = ${PR_K} neighbours. `
    + `Real vs real at ${ref.n} images (test vs the end of the training split): FD ${f(floor.real_frechet_distance)}, KID ${f(floor.real_kid)} ± ${f(floor.real_kid_se)}, `
    + `IS of the test images ${f(floor.real_inception_score)} ± ${f(floor.real_inception_score_sd)}, ${floor.real_classes_present} of ${ref.numClasses} classes present`;
}

export async function createGanEvaluator(o: GanEvaluatorOptions): Promise<GanEvaluator> {
  const { classifier, nets, sink } = o;
  const c = classifier.numClasses;
  const confidenceThreshold = o.confidenceThreshold ?? DEFAULT_CONFIDENCE_THRESHOLD;
  const finalSamples = o.finalSamples ?? DEFAULT_FINAL_SAMPLES;
  const dataClassFreq = classFrequencies(o.reference.trainLabels, c);
  const real = await realSide(o, o.samples, confidenceThreshold, dataClassFreq);
  const conditional = nets.conditioning !== 'none';
  if (conditional && nets.numClasses !== c) throw new Error(`The reference classifier knows ${c} classes but the conditional generator ${nets.numClasses}`);
  const z = fixedNoise(o.samples, nets.latentDim, o.seed);
  // Conditional: a fixed, uniformly drawn label per sample (its own seed, so the noise is the unconditional run's).
  const labels = conditional ? sampleLabels(o.samples, c, o.seed ^ 0x1abe1) : undefined;
  sink.log('info', `${describe(o.samples, real, conditional, 'Sample scores at logged steps')}${labels ? `; conditional_accuracy is how often it finds the class asked for (chance ${(1 / c).toFixed(2)})` : ''}`);
  // The held-out training images' features, as many as the samples scored at logged steps: the validation side of model selection.
  const valN = o.validation ? Math.min(o.validation.n, o.samples) : 0;
  const per = nets.dataShape.reduce((a, b) => a * b, 1);
  const valStats = o.validation && valN >= 2 ? featureStats(await classifier.features(o.validation.images.subarray(0, valN * per), valN), valN, classifier.featureDim) : undefined;
  if (valStats) sink.log('info', `Model selection: val_frechet_distance of the same samples against ${valN} held-out training images (never trained on); the test scores are quoted at the step where it is lowest`);

  /** Generate for `zs` (and `ls`), score against `side`, write the artifact (the final one beside the step's). */
  async function run(zs: number[][], ls: Int32Array | undefined, side: RealSide, step: number, epoch: number, final: boolean): Promise<GanScores> {
    const pixels = await generatedPixels(nets, zs, ls);
    const images = await scoreImages(classifier, pixels, zs.length);
    const scored = scoreSamples(side.ref, images, deriveSeed(o.seed, step, final ? 0xf1 : 0xb0));
    const scores: GanScores = { ...scored.scores };
    if (ls) scores.conditional_accuracy = agreement(argmaxRows(images.probs, zs.length, c), ls);
    if (valStats && !final) scores.val_frechet_distance = frechetDistanceFromStats(featureStats(images.feats, images.n, classifier.featureDim), valStats);
    if (o.runDir !== undefined) {
      const file = final ? join(o.runDir, 'gallery', 'class-histogram', `final-step-${String(step).padStart(7, '0')}.json`) : stepArtifactPath(o.runDir, 'class-histogram', step, 'json');
      await writeJsonArtifact(file, histogramDocument(scored, zs.length, side, classifier.accuracy, final));
      sink.sample('class-histogram', step, file, { epoch, classesPresent: scores.classes_present, numClasses: c, samples: zs.length, final, ...o.provenance });
    }
    return scores;
  }

  return {
    realScores: { inception_score: real.floor.real_inception_score, classes_present: real.floor.real_classes_present, floor: real.floor },
    evaluate: (step, epoch) => run(z, labels, real, step, epoch, false),
    async evaluateFinal(step, epoch) {
      if (finalSamples <= 0) return undefined;
      const side = await realSide(o, finalSamples, confidenceThreshold, dataClassFreq);
      const seed = deriveSeed(o.seed, 0xf17a1);
      const scores = await run(fixedNoise(finalSamples, nets.latentDim, seed), conditional ? sampleLabels(finalSamples, c, seed ^ 0x1abe1) : undefined, side, step, epoch, true);
      sink.log('info', describe(finalSamples, side, conditional, `Final evaluation at step ${step}`));
      const out: FinalGanScores = {};
      const { val_frechet_distance: _notScoredAtTheEnd, ...finalScores } = scores;
      for (const [key, value] of metricEntries<Exclude<keyof GanScores, 'val_frechet_distance'> | keyof RealFloor>({ ...finalScores, ...side.floor })) out[`final_${key}`] = value;
      return out;
    },
  };
}
