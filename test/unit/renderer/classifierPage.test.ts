import { describe, expect, it } from 'vitest';
import { bestOnValidation, classAccuracyText, heatRows, mistakeCells, parseConfusionMatrix, parseFeatureMaps } from '../../../renderer/families/classifier/classifierPage';
import { confusionMatrix } from '../../../workers/common/families/classifier/testReport';

describe('classifier run page logic', () => {
  const doc = { ...confusionMatrix([0, 0, 0, 1], [0, 1, 0, 1], 2), classNames: ['cat', 'dog'], epoch: 3, model: 'final' as const };

  it('reads a confusion-matrix document back and refuses a malformed one', () => {
    expect(parseConfusionMatrix(JSON.parse(JSON.stringify(doc)))).toEqual(doc);
    expect(() => parseConfusionMatrix({ ...doc, matrix: 'no' })).toThrow(/malformed: matrix/);
  });

  it('colours each cell by its share of the true class\'s row', () => {
    const rows = heatRows(doc);
    expect(rows.map((r) => r.map((c) => [c.count, c.share, c.diagonal]))).toEqual([[[2, 2 / 3, true], [1, 1 / 3, false]], [[0, 0, false], [1, 1, true]]]);
    expect(rows[0]![1]!.title).toBe('true cat, predicted dog: 1 of 3 (33.3 %)');
  });

  it('prints a class accuracy with its interval, and a dash for an empty class', () => {
    expect(classAccuracyText({ count: 10, correct: 8, accuracy: 0.8, lo: 0.4902, hi: 0.9433 })).toBe('80.0 % [49.0, 94.3]');
    expect(classAccuracyText({ count: 0, correct: 0, accuracy: null, lo: null, hi: null })).toBe('—');
  });

  it('places each mistake cell of a 2-column grid, with 1-pixel gaps', () => {
    const g = mistakeCells({ rows: 2, cols: 2, cellHeight: 28, cellWidth: 28, testIndices: [5, 6, 7], cellLabels: ['a', 'b', 'c'] });
    expect(g?.cells.map((c) => [c.text, c.testIndex, c.x, c.y])).toEqual([['a', 5, 1, 1], ['b', 6, 30, 1], ['c', 7, 1, 30]]);
    expect([g?.width, g?.height]).toEqual([59, 59]);
    expect(mistakeCells({ cellLabels: ['a'] })).toBeNull();
  });

  it('reads the test numbers at the epoch validation chose', () => {
    const series: Record<string, [number[], number[]]> = { test_loss: [[1, 2, 3], [0.5, 0.4, 0.45]] };
    const valueAt = (k: string, s: number) => { const x = series[k]; const i = x ? x[0].indexOf(s) : -1; return x && i >= 0 ? x[1][i] : undefined; };
    const facts = bestOnValidation({ chosenBy: { key: 'val_accuracy', step: 2 }, best: { val_accuracy: 0.9, test_accuracy: 0.88 }, latest: { test_accuracy: 0.87 } }, valueAt);
    expect(facts).toEqual({ key: 'val_accuracy', epoch: 2, validation: 0.9, testAccuracy: 0.88, testLoss: 0.4, finalTestAccuracy: 0.87 });
    expect(bestOnValidation({ chosenBy: null, best: {}, latest: {} }, valueAt)).toBeNull();
  });

  it('refuses a feature-maps document whose maps do not fit the layer', () => {
    const base = { index: 0, label: 1, predicted: 1, confidence: 0.9, classNames: ['0', '1'], image: { height: 1, width: 1, channels: 1, pixels: [0] }, epoch: 1 };
    expect(parseFeatureMaps({ ...base, layers: [{ id: 'c', label: 'c', height: 1, width: 2, channels: 1, maps: [0, 1], min: 0, max: 1 }] }).layers).toHaveLength(1);
    expect(() => parseFeatureMaps({ ...base, layers: [{ id: 'c', label: 'c', height: 1, width: 2, channels: 1, maps: [0], min: 0, max: 1 }] })).toThrow(/do not match/);
  });
});
