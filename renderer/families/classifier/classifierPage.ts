/**
 * The classifier run page's pure logic: its documents read back with every
 * field checked (they come from disk through the API), the confusion
 * matrix's heat-map cells, the misclassified grid's cells, and the "best on
 * validation" facts. No Vue.
 */
import { z } from 'zod';
import type { ArtifactInfo } from '../../../main/common/domain';
import type { FeatureMapsData } from '../../../workers/common/families/classifier/featureMaps';
import type { ConfusionMatrixData } from '../../../workers/common/families/classifier/testReport';
import { imageGridFields } from '../../lib/artifactMeta';

const classAccuracy = z.object({ count: z.number(), correct: z.number(), accuracy: z.number().nullable(), lo: z.number().nullable(), hi: z.number().nullable() });
const confusion = z.object({ matrix: z.array(z.array(z.number())), total: z.number(), correct: z.number(), perClass: z.array(classAccuracy) });
const confusionDocument = confusion.extend({
  classNames: z.array(z.string()),
  epoch: z.number(),
  model: z.enum(['final', 'best-validation']),
  bestValidation: confusion.extend({ epoch: z.number(), key: z.string() }).optional(),
});

/** A 'confusion-matrix' document, checked; throws a readable message when it is not one. */
export function parseConfusionMatrix(raw: unknown): ConfusionMatrixData {
  const r = confusionDocument.safeParse(raw);
  if (!r.success) throw new Error(`The confusion matrix document is malformed: ${r.error.issues[0]?.path.join('.') ?? ''} ${r.error.issues[0]?.message ?? ''}`);
  const { bestValidation, ...rest } = r.data;
  return bestValidation ? { ...rest, bestValidation } : rest;
}

const featureLayer = z.object({
  id: z.string(), label: z.string(), height: z.number().int().positive(), width: z.number().int().positive(), channels: z.number().int().positive(),
  maps: z.array(z.number()), min: z.number(), max: z.number(),
}).refine((l) => l.maps.length === l.height * l.width * l.channels, 'maps do not match the layer size');
const featureMapsDocument = z.object({
  index: z.number(), label: z.number(), predicted: z.number(), confidence: z.number(), classNames: z.array(z.string()),
  image: z.object({ height: z.number().int().positive(), width: z.number().int().positive(), channels: z.number().int().positive(), pixels: z.array(z.number()) }),
  epoch: z.number(), layers: z.array(featureLayer),
});

/** A 'feature-maps' document, checked. */
export function parseFeatureMaps(raw: unknown): FeatureMapsData {
  const r = featureMapsDocument.safeParse(raw);
  if (!r.success) throw new Error(`The feature-maps document is malformed: ${r.error.issues[0]?.message ?? ''}`);
  return r.data;
}

/** One cell of the heat-map: a count, its share of the true class's row (the colour), and whether it is a correct one. */
export interface HeatCell {
  count: number;
  /** count / the row's total (0 for an empty row). */
  share: number;
  diagonal: boolean;
  /** "true 4, predicted 9: 12 of 98 (12.2 %)". */
  title: string;
}

/** The heat-map's rows (true class) of cells (predicted class), coloured by share of the row, so rare classes read as well as common ones. */
export function heatRows(m: Pick<ConfusionMatrixData, 'matrix' | 'classNames'>): HeatCell[][] {
  return m.matrix.map((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count, p) => {
      const share = total ? count / total : 0;
      return {
        count, share, diagonal: t === p,
        title: `true ${m.classNames[t] ?? t}, predicted ${m.classNames[p] ?? p}: ${count} of ${total} (${(share * 100).toFixed(1)} %)`,
      };
    });
  });
}

/** "97.1 % [95.2, 98.3]": a class's accuracy with its 95 % Wilson interval; '—' for a class without test images. */
export function classAccuracyText(c: ConfusionMatrixData['perClass'][number]): string {
  if (c.accuracy === null || c.lo === null || c.hi === null) return '—';
  return `${(c.accuracy * 100).toFixed(1)} % [${(c.lo * 100).toFixed(1)}, ${(c.hi * 100).toFixed(1)}]`;
}

/** The newest artifact of a kind. */
export function newestArtifact(artifacts: readonly ArtifactInfo[], kind: string): ArtifactInfo | undefined {
  return artifacts.filter((a) => a.kind === kind).reduce<ArtifactInfo | undefined>((best, a) => (!best || a.step > best.step || (a.step === best.step && a.id > best.id) ? a : best), undefined);
}

/** One cell of the misclassified grid, with where to crop it from the PNG. */
export interface MistakeCell {
  index: number;
  /** The cell's caption ("7 → 1 (98 %)"). */
  text: string;
  testIndex: number | undefined;
  /** The cell's top-left corner in the PNG (1-pixel gaps between cells). */
  x: number;
  y: number;
}

/** The cells of a 'misclassified' grid, from its meta. */
export function mistakeCells(meta: Readonly<Record<string, unknown>>): { cells: MistakeCell[]; cellWidth: number; cellHeight: number; width: number; height: number } | null {
  const g = imageGridFields(meta);
  const raw = meta['cellLabels'];
  const texts = Array.isArray(raw) ? raw.map((t) => String(t)) : [];
  if (g.rows === undefined || g.cols === undefined || g.cellWidth === undefined || g.cellHeight === undefined) return null;
  const { cols, rows, cellWidth, cellHeight } = g;
  const cells = texts.map((text, i) => ({
    index: i, text, testIndex: g.testIndices?.[i],
    x: 1 + (i % cols) * (cellWidth + 1), y: 1 + Math.floor(i / cols) * (cellHeight + 1),
  }));
  return { cells, cellWidth, cellHeight, width: cols * (cellWidth + 1) + 1, height: rows * (cellHeight + 1) + 1 };
}

/** Where a run's test numbers were read: the epoch with the best validation metric, and the test values there. */
export interface BestOnValidation {
  key: string;
  epoch: number;
  validation: number | undefined;
  testAccuracy: number | undefined;
  testLoss: number | undefined;
  /** The last epoch's test accuracy, for comparison. */
  finalTestAccuracy: number | undefined;
}

/** The facts, when the run chose on validation (RunSummary.chosenBy); the epoch metrics' step is the epoch. */
export function bestOnValidation(
  run: { chosenBy: { key: string; step: number } | null; best: Readonly<Record<string, number>>; latest: Readonly<Record<string, number>> },
  valueAt: (key: string, step: number) => number | undefined,
): BestOnValidation | null {
  const c = run.chosenBy;
  if (!c) return null;
  return {
    key: c.key, epoch: c.step,
    validation: run.best[c.key] ?? valueAt(c.key, c.step),
    testAccuracy: run.best['test_accuracy'] ?? valueAt('test_accuracy', c.step),
    testLoss: valueAt('test_loss', c.step),
    finalTestAccuracy: run.latest['test_accuracy'],
  };
}
