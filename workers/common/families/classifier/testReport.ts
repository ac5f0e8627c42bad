/**
 * The classifier's test-set report, pure: the confusion matrix (rows the true
 * class, columns the predicted one), each class's accuracy with its 95 %
 * Wilson interval (a class has a few hundred test images at most, so the
 * interval matters), and the choice of the misclassified images worth
 * looking at (the most confident mistakes first). The worker computes the
 * predictions (workers/families/classifier/testReport.ts); the run page draws
 * the document (renderer/families/classifier/).
 */

/** One class's row of the report. */
export interface ClassAccuracy {
  /** Test images of this class. */
  count: number;
  /** Of them, predicted as this class. */
  correct: number;
  /** correct / count; null when the class has no test image. */
  accuracy: number | null;
  /** 95 % Wilson score interval of the accuracy; null when the class has no test image. */
  lo: number | null;
  hi: number | null;
}

/** The confusion matrix of one model on the test subset. */
export interface ConfusionMatrix {
  /** matrix[t][p]: test images of true class t predicted as p. */
  matrix: number[][];
  total: number;
  correct: number;
  perClass: ClassAccuracy[];
}

/** The JSON document of a 'confusion-matrix' artifact. */
export interface ConfusionMatrixData extends ConfusionMatrix {
  /** Class names by label (the dataset's, else the label as text). */
  classNames: string[];
  /** The epoch whose model was scored, and what it was: the run's last model, or the one at the best validation epoch. */
  epoch: number;
  model: 'final' | 'best-validation';
  /** The same matrix for the model at the best validation epoch, when the run has a validation split and it was computed. */
  bestValidation?: ConfusionMatrix & { epoch: number; key: string };
}

/** The meta recorded with a 'confusion-matrix' artifact. */
export interface ConfusionMatrixMeta {
  epoch: number;
  total: number;
  accuracy: number;
  numClasses: number;
}

/** z for a two-sided 95 % interval. */
const Z95 = 1.959963984540054;

/** The 95 % Wilson score interval of k successes in n trials (n > 0). */
export function wilsonInterval(k: number, n: number): { lo: number; hi: number } {
  const p = k / n;
  const z2 = Z95 * Z95;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

/**
 * The confusion matrix of `predicted` against `truth` over `numClasses`
 * classes. A label or prediction outside [0, numClasses) is a bug upstream:
 * it throws naming the position.
 */
export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, numClasses: number): ConfusionMatrix {
  if (truth.length !== predicted.length) throw new Error(`confusionMatrix: ${truth.length} labels but ${predicted.length} predictions`);
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    const p = predicted[i]!;
    if (!(t >= 0 && t < numClasses && p >= 0 && p < numClasses)) throw new Error(`confusionMatrix: example ${i} has label ${t} and prediction ${p}, outside 0…${numClasses - 1}`);
    matrix[t]![p]!++;
    if (t === p) correct++;
  }
  const perClass = matrix.map((row, t): ClassAccuracy => {
    const count = row.reduce((a, b) => a + b, 0);
    if (count === 0) return { count, correct: 0, accuracy: null, lo: null, hi: null };
    const ok = row[t]!;
    return { count, correct: ok, accuracy: ok / count, ...wilsonInterval(ok, count) };
  });
  return { matrix, total: truth.length, correct, perClass };
}

/** One misclassified test image: where it is, what it is, what the model said and how sure it was. */
export interface Mistake {
  /** Position in the scored set (the run's test subset: the test file's first testSize images). */
  index: number;
  label: number;
  predicted: number;
  /** The model's probability of `predicted`. */
  confidence: number;
}

/**
 * The `limit` most confident mistakes: every example whose prediction is not
 * its label, by the probability of the (wrong) predicted class, highest
 * first; ties by index, so the choice is the same on every machine.
 */
export function mostConfidentMistakes(
  truth: ArrayLike<number>, predicted: ArrayLike<number>, confidence: ArrayLike<number>, limit: number,
): Mistake[] {
  const mistakes: Mistake[] = [];
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] !== predicted[i]) mistakes.push({ index: i, label: truth[i]!, predicted: predicted[i]!, confidence: confidence[i]! });
  }
  mistakes.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
  return mistakes.slice(0, Math.max(0, limit));
}

/** How many misclassified images the run's gallery shows (a 6 × 6 grid). */
export const MISCLASSIFIED_LIMIT = 36;

/** A cell's caption: "7 → 1 (98 %)", true class then predicted, with the confidence. */
export function mistakeLabel(m: Mistake, classNames: readonly string[]): string {
  const name = (c: number): string => classNames[c] ?? String(c);
  return `${name(m.label)} → ${name(m.predicted)} (${Math.round(m.confidence * 100)} %)`;
}
