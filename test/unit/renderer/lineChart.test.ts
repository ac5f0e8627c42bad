import { describe, expect, it } from 'vitest';
import { forLogAxes } from '../../../renderer/lib/compareChart';
import { formatChartValue, formatX, metricColor, metricLines, tooltipText, xAxisName } from '../../../renderer/lib/lineChart';

describe('the one line chart: pure parts', () => {
  it('gives a metric the same colour whatever chart draws it, and different metrics different colours', () => {
    expect(metricColor('loss')).toBe(metricColor('loss'));
    const keys = ['loss', 'val_loss', 'test_loss', 'accuracy', 'val_accuracy', 'd_loss', 'g_loss'];
    expect(new Set(keys.map(metricColor)).size).toBe(keys.length);
    expect(metricColor('loss')).toMatch(/^hsl\(\d+(\.\d)?, 68%, (42|52)%\)$/);
  });

  it('smooths with the debiased EMA over the faint raw line', () => {
    // weight 0.5 on [2, 4]: ema1 = 0.5·2 = 1, debiased 1/(1−0.5) = 2; ema2 = 0.5·1 + 0.5·4 = 2.5, debiased 2.5/(1−0.25) = 3.333…
    const [line] = metricLines([{ key: 'loss', label: 'loss', xs: [1, 2], values: [2, 4] }], 0.5);
    expect(line!.faint).toEqual([[1, 2], [2, 4]]);
    expect(line!.main[0]).toEqual([1, 2]);
    expect(line!.main[1]![1]).toBeCloseTo(10 / 3, 12);
    expect(line!.color).toBe(metricColor('loss'));
  });

  it('draws the raw line alone without smoothing, with non-finite values as gaps', () => {
    const [line] = metricLines([{ key: 'loss', label: 'batch loss', xs: [0, 1, 2], values: [1, Number.POSITIVE_INFINITY, 0.5] }], 0);
    expect(line!.faint).toBeNull();
    expect(line!.name).toBe('batch loss');
    expect(line!.main).toEqual([[0, 1], [1, Number.NaN], [2, 0.5]]);
  });

  it('leaves out of a log y axis the values it cannot show, and counts them', () => {
    const lines = metricLines([{ key: 'kl', label: 'kl', xs: [1, 2, 3], values: [0, -1, 0.1] }], 0);
    const { lines: drawn, omitted } = forLogAxes(lines, false, true);
    expect(omitted).toBe(2);
    expect(drawn[0]!.main).toEqual([[1, Number.NaN], [2, Number.NaN], [3, 0.1]]);
  });

  it('labels the tooltip with the x and each metric, highest first, and says when values are smoothed', () => {
    const x = formatX(120, 'step', 'step', () => '');
    expect(tooltipText(x, [{ name: 'loss', y: 0.23456 }, { name: 'val_loss', y: 0.5 }], false, false)).toBe('step 120\nval_loss: 0.5\nloss: 0.2346');
    expect(tooltipText(formatX(3, 'step', 'epoch', () => ''), [{ name: 'accuracy', y: 0.58 }], true, true)).toBe('epoch 3\naccuracy: 58.00% (smoothed)');
    expect(tooltipText('step 1', [], false, false)).toBe('');
  });

  it('says the x as its axis counts it', () => {
    expect(formatX(14.23456, 'relative', 'step', () => '')).toBe('14.23 s');
    expect(formatX(2.5, 'epoch', 'step', () => '')).toBe('epoch 2.5');
    expect(formatX(1000, 'wall', 'step', (ms) => `t=${ms}`)).toBe('t=1000');
    expect(xAxisName('relative', 'step')).toBe('seconds since the run’s first point');
    expect(xAxisName('step', 'epoch')).toBe('epoch');
  });

  it('formats values: percent, tiny values in exponent form, non-finite as is', () => {
    expect(formatChartValue(0.00012, false)).toBe('1.20e-4');
    expect(formatChartValue(58, false)).toBe('58');
    expect(formatChartValue(Number.NaN, false)).toBe('NaN');
  });
});
