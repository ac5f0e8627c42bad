/**
 * Sample quality of an image GAN, scored by the dataset's reference
 * classifier (families/classifier/referenceCache.ts) at each logged step:
 *
 * - classes_present, class_kl: mode coverage of `evalSamples` samples from a
 *   FIXED set of noise vectors (the class histogram of the classifier's
 *   argmax, and its KL to the training labels' distribution);
 * - inception_score: the MNIST Inception-style score of those samples;
 * - frechet_distance: between Gaussians fitted to the classifier's
 *   penultimate features of the samples and of the first `evalSamples` test
 *   images (fitted once per run).
 *
 * - conditional_accuracy (conditional GANs only): the samples are generated
 *   for labels drawn uniformly once (seeded, the same at every step), and
 *   this is how often the reference classifier's class is the label the
 *   generator was asked for: the key cGAN / AC-GAN diagnostic (chance is
 *   1 / numClasses; an unconditional-looking generator stays there).
 *
 * Each evaluation also writes a 'class-histogram' JSON artifact
 * (ClassHistogramData). At creation the real test images are scored the same
 * way (real_inception_score, real_classes_present: the ceiling a generator
 * is measured against).
 */
import type { ClassHistogramData } from '../../common/gallery';
import { stepArtifactPath, writeJsonArtifact } from '../../engine/galleryFiles';
import { featureStats, frechetDistanceFromStats, inceptionScore, modeCoverage, type FeatureStats } from '../../engine/generativeMetrics';
import type { ReferenceClassifier } from '../classifier/referenceClassifier';
import type { FamilySink } from '../../engine/sink';
import type { ImageDataset } from '../../data/mnist';
import { agreement, sampleLabels } from './conditioning';
import { fixedNoise, generate, toUnitPixels } from './galleries';
import type { GanNetworks } from './model';

/** Samples generated per forward pass while evaluating. */
const EVAL_BATCH = 250;

export interface GanScores {
  classes_present: number;
  class_kl: number;
  inception_score: number;
  frechet_distance: number;
  /** Conditional GANs: fraction of samples the reference classifier puts in the class they were generated for. */
  conditional_accuracy?: number;
}

export interface GanEvaluator {
  readonly realScores: { inception_score: number; classes_present: number };
  /** Score the generator now (the caller records the scores); writes (with a runDir) the class-histogram artifact. */
  evaluate(step: number, epoch: number): Promise<GanScores>;
}

export interface GanEvaluatorOptions {
  nets: GanNetworks;
  classifier: ReferenceClassifier;
  /** The reference data: class frequencies come from its training labels, the real features from its test images. */
  reference: ImageDataset;
  samples: number;
  seed: number;
  sink: FamilySink<'gan'>;
  runDir?: string;
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

export async function createGanEvaluator(o: GanEvaluatorOptions): Promise<GanEvaluator> {
  const { classifier, nets, sink } = o;
  const c = classifier.numClasses;
  const per = nets.dataShape.reduce((a, b) => a * b, 1);
  const nReal = Math.min(o.samples, o.reference.testLabels.length);
  if (nReal < 2) throw new Error('Scoring GAN samples needs at least 2 test images');
  const real = o.reference.testImages.subarray(0, nReal * per);
  const realStats: FeatureStats = featureStats(await classifier.features(real, nReal), nReal, classifier.featureDim);
  const realProbs = await classifier.probabilities(real, nReal);
  const dataClassFreq = classFrequencies(o.reference.trainLabels, c);
  const realScores = {
    inception_score: inceptionScore(realProbs, nReal, c),
    classes_present: modeCoverage(realProbs, nReal, c, dataClassFreq).classesPresent,
  };
  const z = fixedNoise(o.samples, nets.latentDim, o.seed);
  const conditional = nets.conditioning !== 'none';
  if (conditional && nets.numClasses !== c) throw new Error(`The reference classifier knows ${c} classes but the conditional generator ${nets.numClasses}`);
  // Conditional: a fixed, uniformly drawn label per sample (its own seed, so the noise is the unconditional run's).
  const labels = conditional ? sampleLabels(o.samples, c, o.seed ^ 0x1abe1) : undefined;
  sink.log('info', `Sample scores on ${o.samples} generated images (fixed noise${labels ? ', labels drawn uniformly' : ''}) by the reference classifier; real test images score ${realScores.inception_score.toFixed(3)} (Inception-style) with ${realScores.classes_present} of ${c} classes present${labels ? `; conditional_accuracy is how often it finds the class asked for (chance ${(1 / c).toFixed(2)})` : ''}`);

  return {
    realScores,
    async evaluate(step, epoch) {
      const pixels = await generatedPixels(nets, z, labels);
      const probs = await classifier.probabilities(pixels, z.length);
      const feats = await classifier.features(pixels, z.length);
      const coverage = modeCoverage(probs, z.length, c, dataClassFreq);
      const scores: GanScores = {
        classes_present: coverage.classesPresent,
        class_kl: coverage.klToData,
        inception_score: inceptionScore(probs, z.length, c),
        frechet_distance: frechetDistanceFromStats(featureStats(feats, z.length, classifier.featureDim), realStats),
      };
      if (labels) scores.conditional_accuracy = agreement(argmaxRows(probs, z.length, c), labels);
      if (o.runDir !== undefined) {
        const data: ClassHistogramData = {
          numClasses: c, histogram: coverage.histogram, samples: z.length, threshold: coverage.threshold,
          classesPresent: coverage.classesPresent, klToData: coverage.klToData, dataClassFreq,
          inceptionScore: scores.inception_score, frechetDistance: scores.frechet_distance,
          referenceAccuracy: classifier.accuracy, realInceptionScore: realScores.inception_score,
        };
        const file = stepArtifactPath(o.runDir, 'class-histogram', step, 'json');
        await writeJsonArtifact(file, data);
        sink.sample('class-histogram', step, file, { epoch, classesPresent: coverage.classesPresent, numClasses: c });
      }
      return scores;
    },
  };
}
