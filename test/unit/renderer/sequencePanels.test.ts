/**
 * The sequence family's run-page panels, their pure parts: artifact lists by
 * step, the parsers of the three documents the worker writes (what it writes
 * passes; a malformed one is refused with a message naming the field), the
 * log-axis guard and the reading of the gradient's first-to-last ratio, the
 * attention heat-map's cells and selection.
 */
import { describe, expect, it } from 'vitest';
import type { ArtifactInfo } from '../../../main/common/domain';
import type { AttentionDocument, GradientThroughTimeDocument, TextSamplesDocument } from '../../../workers/common/families/sequence/artifacts';
import {
  ATTENTION_KIND, GRADIENT_THROUGH_TIME_KIND, TEXT_SAMPLES_KIND, artifactsOfKind, stepText,
} from '../../../renderer/families/sequence/sequenceArtifacts';
import { bitsText, parseTextSamples, topKText } from '../../../renderer/families/sequence/textSamples';
import {
  firstToLastRatio, formatNorm, gradientReading, gttOption, logAxisPoints, logFloor, parseGradientThroughTime, powerOfTen,
} from '../../../renderer/families/sequence/gradientThroughTime';
import {
  attentionCells, attentionChartHeight, attentionLayers, attentionOption, exampleLabel, parseAttention, selectAttention, tokenLabel,
} from '../../../renderer/families/sequence/attention';

const art = (id: number, kind: string, step: number, meta: Record<string, unknown> = {}): ArtifactInfo =>
  ({ id, runId: 1, kind, step, meta, createdAt: id, mime: 'application/json' });
const json = <T>(v: T): unknown => JSON.parse(JSON.stringify(v));

const textDoc: TextSamplesDocument = {
  step: 400, epoch: 2, temperature: 0.8, topK: 0, seed: 7,
  samples: [
    { prompt: 'ROMEO:', text: ' <script>alert(1)</script><b>x</b>\n  and more', meanBits: -1.25 },
    { prompt: 'the ', text: 'cat', meanBits: -0.5 },
  ],
  greedy: ' the the the',
};

const gttDoc: GradientThroughTimeDocument = {
  step: 400, epoch: 2, loss: 'loss of the last position', length: 4,
  layers: [
    { id: 'lstm1', label: 'LSTM 1', norms: [1e-6, 1e-4, 0.01, 1] },
    { id: 'lstm2', label: 'LSTM 2', norms: [0, 0.1, 0.5, 2] },
  ],
  globalNorm: 3.5,
};

const attnDoc: AttentionDocument = {
  step: 400, epoch: 2,
  examples: [
    {
      index: 12, source: 'abc', target: 'cba', predicted: 'cbb',
      maps: [{ layer: 'attn', kind: 'attention', queries: ['c', 'b', 'a'], keys: ['a', 'b'], weights: [[[0.25, 0.75], [0.5, 0.5], [1, 0]]] }],
    },
    {
      index: 3, source: 'xy',
      maps: [
        { layer: 'self1', kind: 'selfAttention', queries: ['x', 'y'], keys: ['x', 'y'], weights: [[[1, 0], [0.4, 0.6]], [[1, 0], [0.9, 0.1]]] },
        { layer: 'self2', kind: 'selfAttention', queries: ['x', 'y'], keys: ['x', 'y'], weights: [[[1, 0], [0.3, 0.7]]] },
      ],
    },
  ],
};

describe('sequence artifacts on the run page', () => {
  it('lists the artifacts of one kind in step order, then id', () => {
    const all = [art(5, TEXT_SAMPLES_KIND, 200), art(2, ATTENTION_KIND, 0), art(4, TEXT_SAMPLES_KIND, 0), art(3, TEXT_SAMPLES_KIND, 200), art(1, 'checkpoint', 0)];
    expect(artifactsOfKind(all, TEXT_SAMPLES_KIND).map((a) => a.id)).toEqual([4, 3, 5]);
    expect(artifactsOfKind(all, ATTENTION_KIND).map((a) => a.id)).toEqual([2]);
    expect(artifactsOfKind(all, GRADIENT_THROUGH_TIME_KIND)).toEqual([]);
  });

  it('says which step the slider shows', () => {
    expect(stepText(art(1, TEXT_SAMPLES_KIND, 400, { epoch: 2 }), 2, 5)).toBe('step 400 · epoch 2 · 3/5');
    expect(stepText(art(1, TEXT_SAMPLES_KIND, 0), 0, 1)).toBe('step 0 · 1/1');
    expect(stepText(undefined, -1, 0)).toBe('—');
  });
});

describe('text samples', () => {
  it('accepts what the worker writes and keeps the text exactly, markup included', () => {
    const d = parseTextSamples(json(textDoc));
    expect(d).toEqual(textDoc);
    expect(d.samples[0]!.text).toBe(' <script>alert(1)</script><b>x</b>\n  and more');
  });

  it('refuses a malformed document, naming the field', () => {
    expect(() => parseTextSamples('text')).toThrow('The text samples is not an object');
    expect(() => parseTextSamples({ ...textDoc, temperature: 'hot' })).toThrow('The text samples has no numeric "temperature"');
    expect(() => parseTextSamples({ ...textDoc, samples: {} })).toThrow('has no list "samples"');
    expect(() => parseTextSamples({ ...textDoc, samples: [{ prompt: 'a', meanBits: 1 }] })).toThrow('Text sample 1 has no text "text"');
    expect(() => parseTextSamples({ ...textDoc, greedy: 3 })).toThrow('has no text "greedy"');
  });

  it('shows a null mean as unknown, top-k 0 as the whole vocabulary', () => {
    const d = parseTextSamples({ ...textDoc, samples: [{ prompt: 'a', text: 'b', meanBits: null }] });
    expect(bitsText(d.samples[0]!.meanBits)).toBe('—');
    expect(bitsText(-1.25)).toBe('-1.25 bits/token');
    expect(topKText(0)).toBe('all');
    expect(topKText(40)).toBe('40');
  });
});

describe('gradient through time', () => {
  it('accepts what the worker writes; a null norm becomes a gap', () => {
    expect(parseGradientThroughTime(json(gttDoc))).toEqual(gttDoc);
    const raw = json(gttDoc) as { layers: { norms: unknown[] }[] };
    raw.layers[0]!.norms[1] = null;
    const d = parseGradientThroughTime(raw);
    expect(Number.isNaN(d.layers[0]!.norms[1])).toBe(true);
    expect(logAxisPoints(d.layers[0]!.norms, 1e-7)[1]).toEqual([2, null, Number.NaN]);
  });

  it('refuses a malformed document, naming the layer or field', () => {
    expect(() => parseGradientThroughTime([])).toThrow('The gradient-through-time data is not an object');
    expect(() => parseGradientThroughTime({ ...gttDoc, length: 0 })).toThrow('sequence length of 0');
    expect(() => parseGradientThroughTime({ ...gttDoc, layers: [] })).toThrow('has no recurrent layer');
    expect(() => parseGradientThroughTime({ ...gttDoc, layers: [{ id: 'l', label: 'l', norms: [1, 2] }] }))
      .toThrow('Layer 1 of the gradient-through-time data has 2 norms for a sequence of length 4');
    expect(() => parseGradientThroughTime({ ...gttDoc, step: undefined })).toThrow('no numeric "step"');
  });

  it('draws a zero norm at a floor a decade below the smallest positive one', () => {
    expect(logFloor(gttDoc.layers.map((l) => l.norms))).toBeCloseTo(1e-7, 20);
    expect(logFloor([[0, 0], [Number.NaN]])).toBe(1e-12);
    expect(logAxisPoints([0, 0.1, 2], 1e-7)).toEqual([[1, 1e-7, 0], [2, 0.1, 0.1], [3, 2, 2]]);
  });

  it('computes ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖, unknown when the last is zero or a norm is missing', () => {
    expect(firstToLastRatio([1e-6, 1e-4, 0.01, 1])).toBeCloseTo(1e-6, 20);
    expect(firstToLastRatio([4, 2])).toBe(2);
    expect(Number.isNaN(firstToLastRatio([1, 0]))).toBe(true);
    expect(Number.isNaN(firstToLastRatio([]))).toBe(true);
  });

  it('reads the ratio: vanishing below 1e-3, exploding above 1e3, else flows back', () => {
    expect(gradientReading(2.3e-5)).toEqual({ verdict: 'vanishing', text: 'vanishing: the first steps receive 10⁻⁵ of the last step\'s gradient' });
    expect(gradientReading(0.00099).verdict).toBe('vanishing');
    expect(gradientReading(0).text).toContain('receive none');
    expect(gradientReading(0.001).verdict).toBe('flows back');
    expect(gradientReading(0.42).text).toBe('flows back: the first step receives 0.42× the last step\'s gradient');
    expect(gradientReading(1000).verdict).toBe('flows back');
    expect(gradientReading(5e4)).toEqual({ verdict: 'exploding', text: 'exploding: the first steps receive 10⁵ times the last step\'s gradient' });
    expect(gradientReading(Number.NaN).verdict).toBe('unknown');
    expect(powerOfTen(1e-12)).toBe('10⁻¹²');
    expect(formatNorm(2.34e-5)).toBe('2.3e-5');
    expect(formatNorm(0.4217)).toBe('0.422');
  });

  it('charts T at the left back to 1 on a log axis, a line per layer and the first step dashed', () => {
    const t = { text: '#555', axis: '#999', grid: '#ddd', tooltipBg: '#fff', fg: '#111', fontFamily: 'sans-serif', palette: ['#a', '#b', '#c', '#d'] };
    const axis = { nameTextStyle: { color: '#555', fontSize: 11 }, axisLine: { lineStyle: { color: '#999' } }, axisTick: { lineStyle: { color: '#999' } }, axisLabel: { color: '#555', fontSize: 11 }, splitLine: { lineStyle: { color: '#ddd' } } };
    const first = { ...gttDoc, step: 0, layers: [{ id: 'lstm1', label: 'LSTM 1', norms: [0.1, 0.2, 0.5, 1] }] };
    const o = gttOption(gttDoc, first, { theme: t, axis }) as { xAxis: Record<string, unknown>; yAxis: Record<string, unknown>; series: { id: string; data: unknown[]; lineStyle: Record<string, unknown> }[] };
    expect(o.xAxis).toMatchObject({ type: 'value', name: 'time step t', min: 1, max: 4, inverse: true });
    expect(o.yAxis).toMatchObject({ type: 'log' });
    expect(o.series.map((s) => s.id)).toEqual(['layer-lstm1', 'layer-lstm2', 'baseline']);
    expect(o.series[1]!.data[0]).toEqual([1, 1e-7, 0]);
    expect(o.series[2]!.lineStyle).toMatchObject({ type: 'dashed' });
    const same = gttOption(gttDoc, gttDoc, { theme: t, axis }) as { series: unknown[] };
    expect(same.series).toHaveLength(2);
  });
});

describe('attention maps', () => {
  it('accepts what the worker writes', () => {
    expect(parseAttention(json(attnDoc))).toEqual(attnDoc);
  });

  it('refuses maps whose weights are not heads × queries × keys, naming where', () => {
    const bad = (weights: unknown): unknown => ({ ...attnDoc, examples: [{ ...attnDoc.examples[0], maps: [{ ...attnDoc.examples[0]!.maps[0], weights }] }] });
    expect(() => parseAttention(bad([]))).toThrow('Map 1 of validation example #12 has no head');
    expect(() => parseAttention(bad([[[1, 0], [1, 0]]]))).toThrow('head 1, has not one row per query (3)');
    expect(() => parseAttention(bad([[[1, 0], [1, 0], [1]]]))).toThrow('head 1, query 3, has not one weight per key (2)');
    expect(() => parseAttention({ ...attnDoc, examples: [{ ...attnDoc.examples[0], maps: [{ ...attnDoc.examples[0]!.maps[0], kind: 'cross' }] }] }))
      .toThrow('unknown kind "cross"');
    expect(() => parseAttention({ ...attnDoc, examples: [{ index: 1, maps: [] }] })).toThrow('Attention example 1 has no text "source"');
  });

  it('lays out rows × cols cells, [key, query, weight], each row keeping its sum', () => {
    const w = attnDoc.examples[0]!.maps[0]!.weights[0]!;
    const cells = attentionCells(w);
    expect(cells).toHaveLength(3 * 2);
    expect(cells.slice(0, 2)).toEqual([[0, 0, 0.25], [1, 0, 0.75]]);
    for (let q = 0; q < 3; q++) {
      const sum = cells.filter((c) => c[1] === q).reduce((s, c) => s + (typeof c[2] === 'number' ? c[2] : 0), 0);
      expect(sum).toBeCloseTo(1, 12);
    }
    expect(attentionCells([[Number.NaN, 1]])).toEqual([[0, 0, '-'], [1, 0, 1]]);
  });

  it('selects an example, its layer and head, clamped so a choice survives stepping', () => {
    expect(selectAttention(attnDoc, { example: 0, layer: null, head: 0 })).toMatchObject({ example: { index: 12 }, map: { layer: 'attn' }, head: 0 });
    expect(selectAttention(attnDoc, { example: 1, layer: 'self1', head: 1 })).toMatchObject({ map: { layer: 'self1' }, head: 1 });
    expect(selectAttention(attnDoc, { example: 1, layer: 'self2', head: 1 })).toMatchObject({ map: { layer: 'self2' }, head: 0 });
    expect(selectAttention(attnDoc, { example: 9, layer: 'gone', head: 0 })).toMatchObject({ example: { index: 3 }, map: { layer: 'self1' } });
    expect(selectAttention({ ...attnDoc, examples: [] }, { example: 0, layer: null, head: 0 })).toBeNull();
    expect(attentionLayers(attnDoc.examples[1]!)).toEqual([{ id: 'self1', kind: 'selfAttention', heads: 2 }, { id: 'self2', kind: 'selfAttention', heads: 1 }]);
    expect(exampleLabel(attnDoc.examples[0]!)).toBe('#12: abc → cba');
    expect(exampleLabel(attnDoc.examples[1]!)).toBe('#3: xy');
  });

  it('labels the axes with the tokens by position, queries top to bottom, colours 0 to 1', () => {
    const t = { text: '#555', axis: '#999', grid: '#ddd', tooltipBg: '#fff', fg: '#111', fontFamily: 'sans-serif', palette: [] };
    const axis = { nameTextStyle: { color: '#555', fontSize: 11 }, axisLine: { lineStyle: { color: '#999' } }, axisTick: { lineStyle: { color: '#999' } }, axisLabel: { color: '#555', fontSize: 11 }, splitLine: { lineStyle: { color: '#ddd' } } };
    const sel = selectAttention(attnDoc, { example: 0, layer: null, head: 0 })!;
    const o = attentionOption(sel, { theme: t, axis, dark: false }) as {
      xAxis: { data: string[]; axisLabel: { formatter: (v: string) => string } }; yAxis: { data: string[]; inverse: boolean; axisLabel: { formatter: (v: string) => string } };
      visualMap: { min: number; max: number }; series: { data: unknown[] }[];
    };
    expect(o.xAxis.data).toEqual(['0', '1']);
    expect(o.xAxis.axisLabel.formatter('1')).toBe('b');
    expect(o.yAxis.data).toEqual(['0', '1', '2']);
    expect(o.yAxis.inverse).toBe(true);
    expect(o.yAxis.axisLabel.formatter('0')).toBe('c');
    expect(o.visualMap).toMatchObject({ min: 0, max: 1 });
    expect(o.series[0]!.data).toHaveLength(6);
    expect(tokenLabel(' ')).toBe('␣');
    expect(tokenLabel('a\nb')).toBe('a↵b');
    expect(tokenLabel('abcdefghijklmnop')).toBe('abcdefghijk…');
    expect(attentionChartHeight(3)).toBe(200);
    expect(attentionChartHeight(10)).toBe(310);
    expect(attentionChartHeight(40)).toBe(560);
  });
});
