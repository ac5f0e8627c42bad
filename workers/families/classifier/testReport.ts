/**
 * The classifier's test-set report, written when a run completes: the
 * confusion matrix with each class's accuracy (a 'confusion-matrix'
 * document, with the matrix of the model at the best validation epoch when
 * the session kept it) and the most confident mistakes as a
 * 'misclassified' image grid whose meta carries each cell's true class,
 * prediction and confidence. The maths is pure
 * (workers/common/families/classifier/testReport.ts).
 */
import type { ConfusionMatrix, ConfusionMatrixData, ConfusionMatrixMeta } from '../../common/families/classifier/testReport';
import { confusionMatrix, MISCLASSIFIED_LIMIT, mistakeLabel, mostConfidentMistakes } from '../../common/families/classifier/testReport';
import type { Shape } from '../../common/graph';
import { stepArtifactPath, writeJsonArtifact } from '../../engine/galleryFiles';
import { writeImageGrid } from '../../engine/imageGrid';
import type { FamilySink } from '../../engine/sink';
import type { Predictions } from './predict';

export interface TestReportContext {
  runDir: string;
  sink: FamilySink<'classifier'>;
  classNames: string[];
  inputShape: Shape;
  /** The test images the predictions index (flat, per image product(inputShape)). */
  images: Float32Array;
  /** The test indices the predictions are of, in order. */
  indices: Int32Array;
}

/** Class names by label: the dataset's, else the label as text. */
export function classNamesOf(numClasses: number, names: readonly string[] | undefined): string[] {
  return Array.from({ length: numClasses }, (_, i) => names?.[i] ?? String(i));
}

/** The confusion matrix of a set of predictions. */
export function confusionOf(p: Predictions, numClasses: number): ConfusionMatrix {
  return confusionMatrix(p.labels, p.predicted, numClasses);
}

function imageGeometry(shape: Shape): { height: number; width: number; channels: 1 | 3 } {
  if (shape.length === 3) return { height: shape[0]!, width: shape[1]!, channels: shape[2] === 3 ? 3 : 1 };
  if (shape.length === 2) return { height: shape[0]!, width: shape[1]!, channels: 1 };
  return { height: 1, width: shape[0] ?? 1, channels: 1 };
}

/** Write the 'confusion-matrix' document of the final predictions (and the best-validation matrix, when given). */
export async function writeConfusionMatrix(
  ctx: TestReportContext, step: number, epoch: number, p: Predictions, bestValidation?: ConfusionMatrixData['bestValidation'],
): Promise<ConfusionMatrixData> {
  const cm = confusionOf(p, ctx.classNames.length);
  const data: ConfusionMatrixData = { ...cm, classNames: ctx.classNames, epoch, model: 'final', ...(bestValidation ? { bestValidation } : {}) };
  const file = stepArtifactPath(ctx.runDir, 'confusion-matrix', step, 'json');
  await writeJsonArtifact(file, data);
  const meta: ConfusionMatrixMeta = { epoch, total: cm.total, accuracy: cm.total ? cm.correct / cm.total : NaN, numClasses: ctx.classNames.length };
  ctx.sink.sample('confusion-matrix', step, file, meta);
  return data;
}

/** Write the 'misclassified' grid: the most confident mistakes, up to MISCLASSIFIED_LIMIT; none when there are no mistakes. */
export async function writeMisclassified(ctx: TestReportContext, step: number, epoch: number, p: Predictions): Promise<number> {
  const mistakes = mostConfidentMistakes(p.labels, p.predicted, p.confidence, MISCLASSIFIED_LIMIT);
  if (mistakes.length === 0) return 0;
  const geo = imageGeometry(ctx.inputShape);
  const per = ctx.inputShape.reduce((a, b) => a * b, 1);
  const pixels = new Float32Array(mistakes.length * per);
  mistakes.forEach((m, i) => {
    const idx = ctx.indices[m.index]!;
    pixels.set(ctx.images.subarray(idx * per, (idx + 1) * per), i * per);
  });
  const cols = Math.min(6, mistakes.length);
  const rows = Math.ceil(mistakes.length / cols);
  const errors = p.labels.length - p.labels.filter((l, i) => l === p.predicted[i]).length;
  const file = stepArtifactPath(ctx.runDir, 'misclassified', step, 'png');
  const meta = await writeImageGrid(file, { pixels, count: mistakes.length, ...geo }, { rows, cols }, {
    epoch,
    testIndices: mistakes.map((m) => ctx.indices[m.index]!),
    labels: mistakes.map((m) => m.label),
    predicted: mistakes.map((m) => m.predicted),
    confidences: mistakes.map((m) => Math.round(m.confidence * 1e4) / 1e4),
    cellLabels: mistakes.map((m) => mistakeLabel(m, ctx.classNames)),
    caption: `The ${mistakes.length} most confident of ${errors} mistakes on ${p.labels.length} test images (final model, epoch ${epoch}): true → predicted (confidence)`,
  });
  ctx.sink.sample('misclassified', step, file, { ...meta });
  return mistakes.length;
}
