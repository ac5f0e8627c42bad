/**
 * The attention panel's pure logic: checking an 'attention' document (every
 * map's weights must be heads × queries × keys), which map and head a choice
 * of example, layer and head shows, the heat-map cells and the ECharts
 * option: rows are the queries (the decoder's output tokens, first at the
 * top), columns the keys (the source tokens), colours from 0 to 1. No Vue,
 * no DOM.
 */
import type { EChartsCoreOption } from 'echarts/core';
import type { AttentionDocument, AttentionExample, AttentionMap } from '../../../workers/common/families/sequence/artifacts';
import { chartTooltip } from '../../lib/chartTooltip';
import type { axisStyle, chartTheme } from '../../lib/echarts';
import { isFiniteNumber, listField, numberField, optionalString, record, stringField } from './sequenceArtifacts';

const WHAT = 'The attention data';

function tokens(r: Record<string, unknown>, key: string, what: string): string[] {
  return listField(r, key, what).map((t) => String(t));
}

function parseMap(raw: unknown, what: string): AttentionMap {
  const r = record(raw, what);
  const kind = r['kind'];
  if (kind !== 'attention' && kind !== 'selfAttention') throw new Error(`${what} has an unknown kind "${String(kind)}" (expected attention or selfAttention)`);
  const queries = tokens(r, 'queries', what);
  const keys = tokens(r, 'keys', what);
  const heads = listField(r, 'weights', what);
  if (heads.length === 0) throw new Error(`${what} has no head`);
  const weights = heads.map((head, h) => {
    if (!Array.isArray(head) || head.length !== queries.length) throw new Error(`${what}, head ${h + 1}, has not one row per query (${queries.length})`);
    return head.map((row: unknown, q) => {
      if (!Array.isArray(row) || row.length !== keys.length) throw new Error(`${what}, head ${h + 1}, query ${q + 1}, has not one weight per key (${keys.length})`);
      // A non-finite weight (null in JSON) is an empty cell.
      return row.map((v: unknown) => (isFiniteNumber(v) ? v : Number.NaN));
    });
  });
  return { layer: stringField(r, 'layer', what), kind, queries, keys, weights };
}

function parseExample(raw: unknown, i: number): AttentionExample {
  const what = `Attention example ${i + 1}`;
  const r = record(raw, what);
  const index = numberField(r, 'index', what);
  const maps = listField(r, 'maps', what).map((m, j) => parseMap(m, `Map ${j + 1} of validation example #${index}`));
  const out: AttentionExample = { index, source: stringField(r, 'source', what), maps };
  const target = optionalString(r, 'target', what);
  const predicted = optionalString(r, 'predicted', what);
  if (target !== undefined) out.target = target;
  if (predicted !== undefined) out.predicted = predicted;
  return out;
}

/** Check an 'attention' document; throws with a message naming the example, map, head or row that is wrong. */
export function parseAttention(raw: unknown): AttentionDocument {
  const r = record(raw, WHAT);
  return {
    step: numberField(r, 'step', WHAT),
    epoch: numberField(r, 'epoch', WHAT),
    examples: listField(r, 'examples', WHAT).map(parseExample),
  };
}

export interface AttentionChoice {
  /** Position in the document's examples. */
  example: number;
  /** The layer's node id; the example's first map's when absent there. */
  layer: string | null;
  head: number;
}

export interface AttentionSelection {
  example: AttentionExample;
  map: AttentionMap;
  /** The head shown, within the map's heads. */
  head: number;
}

/**
 * What a choice shows in a document: the example (clamped), its map for the
 * chosen layer (else its first), the head (clamped). Null when the document
 * has no example with a map. A choice survives stepping to a document whose
 * examples or layers differ.
 */
export function selectAttention(doc: AttentionDocument, choice: AttentionChoice): AttentionSelection | null {
  const example = doc.examples[Math.min(Math.max(0, choice.example), doc.examples.length - 1)];
  if (!example || example.maps.length === 0) return null;
  const map = example.maps.find((m) => m.layer === choice.layer) ?? example.maps[0]!;
  const head = Math.min(Math.max(0, choice.head), map.weights.length - 1);
  return { example, map, head };
}

/** The distinct layers of an example's maps, in order (the layer select's options). */
export function attentionLayers(example: AttentionExample): { id: string; kind: AttentionMap['kind']; heads: number }[] {
  const seen = new Set<string>();
  const out: { id: string; kind: AttentionMap['kind']; heads: number }[] = [];
  for (const m of example.maps) {
    if (seen.has(m.layer)) continue;
    seen.add(m.layer);
    out.push({ id: m.layer, kind: m.kind, heads: m.weights.length });
  }
  return out;
}

/** "#12: 2024-01-05 → 05/01/2024" for the example select. */
export function exampleLabel(e: AttentionExample): string {
  return `#${e.index}: ${e.source}${e.target !== undefined ? ` → ${e.target}` : ''}`;
}

/**
 * The heat-map cells of one head's weights[query][key]: [key, query, weight]
 * per cell, row by row, so the chart's x is the key and its y the query; an
 * empty (non-finite) weight is '-'.
 */
export function attentionCells(weights: readonly (readonly number[])[]): [number, number, number | '-'][] {
  const out: [number, number, number | '-'][] = [];
  weights.forEach((row, q) => row.forEach((v, k) => out.push([k, q, Number.isFinite(v) ? v : '-'])));
  return out;
}

/** The style the component reads (lib/echarts chartTheme and axisStyle). */
export interface AttentionStyle {
  theme: ReturnType<typeof chartTheme>;
  axis: ReturnType<typeof axisStyle>;
  dark: boolean;
}

/** A token as an axis label: whitespace made visible, long ones cut. */
export function tokenLabel(t: string): string {
  const shown = t === ' ' ? '␣' : t.replace(/\n/g, '↵').replace(/\t/g, '⇥');
  return shown.length > 12 ? `${shown.slice(0, 11)}…` : shown;
}

/**
 * The heat-map of one selection. The category axes hold positions (not the
 * token text, which repeats: "a", "a"), their labels the tokens; the queries
 * run top to bottom.
 */
export function attentionOption(sel: AttentionSelection, { theme, axis, dark }: AttentionStyle): EChartsCoreOption {
  const { map } = sel;
  const positions = (n: number): string[] => Array.from({ length: n }, (_, i) => String(i));
  const labelOf = (list: readonly string[]) => (v: string): string => tokenLabel(list[Number(v)] ?? '');
  return {
    backgroundColor: 'transparent',
    animation: false,
    textStyle: { fontFamily: theme.fontFamily, color: theme.text },
    grid: { left: 70, right: 80, top: 10, bottom: 56 },
    tooltip: {
      ...chartTooltip(theme, 'item'),
      formatter: (p: { value?: unknown }) => {
        const v = Array.isArray(p.value) ? (p.value as unknown[]) : [];
        const key = map.keys[Number(v[0])] ?? '?';
        const query = map.queries[Number(v[1])] ?? '?';
        return `${JSON.stringify(query)} → ${JSON.stringify(key)}: ${typeof v[2] === 'number' ? v[2].toFixed(3) : '—'}`;
      },
    },
    xAxis: {
      type: 'category', name: 'source (keys)', nameLocation: 'middle', nameGap: 36, data: positions(map.keys.length), ...axis,
      axisLabel: { ...axis.axisLabel, interval: 0, formatter: labelOf(map.keys) }, splitLine: { show: false },
    },
    yAxis: {
      type: 'category', name: 'output (queries)', nameLocation: 'middle', nameGap: 52, inverse: true, data: positions(map.queries.length), ...axis,
      axisLabel: { ...axis.axisLabel, interval: 0, formatter: labelOf(map.queries) }, splitLine: { show: false },
    },
    visualMap: {
      type: 'continuous', min: 0, max: 1, calculable: false, realtime: false, orient: 'vertical', right: 8, top: 'middle', itemWidth: 12, itemHeight: 160,
      precision: 2, text: ['1', '0'], textStyle: { color: theme.text, fontSize: 11 },
      inRange: { color: dark ? ['#1b1d22', '#2563eb', '#fde68a'] : ['#f7f7f7', '#60a5fa', '#1e3a8a'] },
    },
    series: [{ id: 'attention', name: 'attention', type: 'heatmap', data: attentionCells(map.weights[sel.head] ?? []), progressive: 0, emphasis: { disabled: true } }],
  };
}

/** The chart's height in pixels: about 22 px a query row plus the axes, between 200 and 560. */
export function attentionChartHeight(rows: number): number {
  return Math.min(560, Math.max(200, 90 + 22 * rows));
}
