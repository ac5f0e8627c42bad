import { describe, expect, it } from 'vitest';
import { confusionMatrix, mistakeLabel, mostConfidentMistakes, wilsonInterval } from '../../../workers/common/families/classifier/testReport';
import { channelGrey, mapValue, type FeatureMapLayer } from '../../../workers/common/families/classifier/featureMaps';
import { convKernelImages, denseKernelImages } from '../../../workers/families/classifier/filters';

describe('classifier test report maths', () => {
  it('counts true classes by row and predictions by column, with per-class accuracy', () => {
    // 3 classes, 7 examples: class 0 → 0, 0, 1; class 1 → 1, 2; class 2 → 2, 0.
    const truth = [0, 0, 0, 1, 1, 2, 2];
    const pred = [0, 0, 1, 1, 2, 2, 0];
    const cm = confusionMatrix(truth, pred, 3);
    expect(cm.matrix).toEqual([[2, 1, 0], [0, 1, 1], [1, 0, 1]]);
    expect(cm.total).toBe(7);
    expect(cm.correct).toBe(4);
    expect(cm.perClass.map((c) => [c.count, c.correct, c.accuracy])).toEqual([[3, 2, 2 / 3], [2, 1, 0.5], [2, 1, 0.5]]);
    // Row sums are the class counts, the whole matrix sums to the examples.
    expect(cm.matrix.flat().reduce((a, b) => a + b, 0)).toBe(7);
  });

  it('leaves a class with no test image without an accuracy', () => {
    const cm = confusionMatrix([0, 0], [0, 1], 3);
    expect(cm.perClass[2]).toEqual({ count: 0, correct: 0, accuracy: null, lo: null, hi: null });
  });

  it('refuses a label or prediction outside the classes, naming the example', () => {
    expect(() => confusionMatrix([0, 3], [0, 0], 3)).toThrow(/example 1 has label 3/);
    expect(() => confusionMatrix([0], [0, 1], 3)).toThrow(/1 labels but 2 predictions/);
  });

  it('gives the 95 % Wilson interval (hand-computed)', () => {
    // k = 8, n = 10: p = 0.8, z = 1.96: centre = (0.8 + 0.19207) / 1.38415 = 0.71674,
    // half = 1.96 · sqrt(0.016 + 0.009604) / 1.38415 = 0.22658 → [0.4902, 0.9433].
    const { lo, hi } = wilsonInterval(8, 10);
    expect(lo).toBeCloseTo(0.4902, 3);
    expect(hi).toBeCloseTo(0.9433, 3);
    expect(wilsonInterval(10, 10).hi).toBeCloseTo(1, 12);
    expect(wilsonInterval(0, 10).lo).toBeCloseTo(0, 12);
  });

  it('picks the most confident mistakes first, ties by index, at most the limit', () => {
    const truth = [0, 1, 2, 3, 4, 5];
    const pred = [0, 2, 2, 1, 0, 1];
    const conf = [0.99, 0.6, 0.9, 0.95, 0.6, 0.4];
    const m = mostConfidentMistakes(truth, pred, conf, 3);
    expect(m).toEqual([
      { index: 3, label: 3, predicted: 1, confidence: 0.95 },
      { index: 1, label: 1, predicted: 2, confidence: 0.6 },
      { index: 4, label: 4, predicted: 0, confidence: 0.6 },
    ]);
    expect(mostConfidentMistakes(truth, pred, conf, 36)).toHaveLength(4);
    expect(mostConfidentMistakes([1, 2], [1, 2], [0.5, 0.5], 36)).toEqual([]);
    expect(mistakeLabel(m[0]!, ['zero', 'one', 'two', 'three'])).toBe('three → one (95 %)');
  });
});

describe('first-layer filters as images', () => {
  it('takes each conv kernel [kh, kw, 1, out] as an image scaled to its own range', () => {
    // 2×1 kernel, 1 input channel, 2 filters: filter 0 = [1, 3], filter 1 = [-2, -2] (flat: no range).
    const kernel = Float32Array.from([1, -2, 3, -2]);
    const f = convKernelImages(kernel, [2, 1, 1, 2]);
    expect(f).toMatchObject({ count: 2, height: 2, width: 1, channels: 1 });
    expect(Array.from(f.pixels)).toEqual([0, 1, 0, 0]);
  });

  it('reshapes each dense unit\'s weights to the input image', () => {
    // Input 1×2×1, 2 units: kernel [in, units] = [[1, 4], [2, 0]] → unit 0 = [1, 2], unit 1 = [4, 0].
    const f = denseKernelImages(Float32Array.from([1, 4, 2, 0]), 2, [1, 2, 1]);
    expect(f).toMatchObject({ count: 2, height: 1, width: 2, channels: 1 });
    expect(Array.from(f.pixels)).toEqual([0, 1, 1, 0]);
  });
});

describe('feature-map documents', () => {
  it('reads a channel-last map and scales a channel to the layer range', () => {
    const layer: FeatureMapLayer = { id: 'c', label: 'c', height: 1, width: 2, channels: 2, maps: [0, 4, 2, 8], min: 0, max: 8 };
    expect(mapValue(layer, 1, 0, 1)).toBe(8);
    expect(Array.from(channelGrey(layer, 0))).toEqual([0, 0.25]);
    expect(Array.from(channelGrey(layer, 1))).toEqual([0.5, 1]);
  });
});
