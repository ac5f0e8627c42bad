/**
 * Field names: resolving a path token to a field (with `lr` for
 * `learningRate`), the suggestion for a misspelt one, and which families'
 * catalogues give a metric key a better direction (what `best` reads, shared
 * by the evaluator and the SQL compiler so both pick the same column).
 */
import { families, familyDescriptors, metricSpec, type Family } from '../../../workers/common/families/registry';
import { attributeNames, metricAggregates, RunFilterError, type AttributeName, type FieldRef, type MetricAggregate } from './ast';
import type { Segment } from './lexer';

/** Short names of params: `params.lr` reads `learningRate` (a quoted key is taken as written: `params."lr"`). */
export const paramAliases: ReadonlyMap<string, string> = new Map([['lr', 'learningRate']]);

/** A resolved field: one of FieldRef, or the tags. */
export type ResolvedField = FieldRef | { kind: 'tags' };

/** Every metric key of every family's catalogue (indexed ones as `kl_dim/<i>`). */
const catalogueKeys: readonly string[] = [...new Set(families.flatMap((f) => familyDescriptors[f].metrics.map((m) => m.key)))];

function isCatalogueKey(key: string): boolean {
  return families.some((f) => metricSpec(f, key) !== undefined);
}

/** Which families' catalogues say a higher or a lower value of `key` is better (the rest: none, so best is last). */
export function metricDirections(key: string): { max: Family[]; min: Family[] } {
  const out: { max: Family[]; min: Family[] } = { max: [], min: [] };
  for (const f of families) {
    const mode = metricSpec(f, key)?.mode;
    if (mode) out[mode].push(f);
  }
  return out;
}

/** The direction `best` takes for a run of this family: undefined (an unknown family, or no direction) means last. */
export function bestMode(family: string, key: string): 'max' | 'min' | undefined {
  return (families as readonly string[]).includes(family) ? metricSpec(family as Family, key)?.mode : undefined;
}

/** Edit distance counting a swap of neighbours as one edit (optimal string alignment), case-insensitive: "bset" is 1 from "best". */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 1; i <= x.length; i++) {
    const row = d[i] ?? [];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      row[j] = v;
    }
  }
  return at(x.length, y.length);
}

/** The candidate nearest `word`, when it is near enough to be a slip (a third of the word's letters, at least one). */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

const topLevel: readonly string[] = [...attributeNames, 'params', 'metrics', 'tags'];

function unknownField(seg: Segment): RunFilterError {
  const near = nearest(seg.text, topLevel);
  const guess = near ?? (isCatalogueKey(seg.text) ? `metrics.${seg.text}` : `params.${seg.text}`);
  return new RunFilterError(
    `Unknown field "${seg.text}": did you mean ${guess}? Fields are ${attributeNames.join(', ')}, params.<key>, metrics.<key>.<aggregate> and tags`,
    seg.start, seg.end);
}

function metricField(segments: readonly Segment[]): FieldRef {
  const [, keySeg, aggSeg, extra] = segments;
  if (!keySeg) throw new RunFilterError('metrics needs a key: metrics.test_accuracy, metrics.loss.min…', segments[0]?.start ?? 0, segments[0]?.end ?? 0);
  if (extra) throw new RunFilterError(`A metric field is metrics.<key>.<aggregate>; a key with a dot is written in quotes: metrics."${keySeg.text}.${aggSeg?.text ?? ''}"`, extra.start - 1, extra.end);
  if (!isCatalogueKey(keySeg.text)) {
    const near = nearest(keySeg.text.replace(/\d+$/, '<i>'), catalogueKeys) ?? nearest(keySeg.text, catalogueKeys);
    throw new RunFilterError(`No family records a metric "${keySeg.text}"${near ? `: did you mean metrics.${near}?` : ''}`, keySeg.start, keySeg.end);
  }
  if (!aggSeg) return { kind: 'metric', key: keySeg.text, agg: 'last' };
  if (!(metricAggregates as readonly string[]).includes(aggSeg.text)) {
    const near = nearest(aggSeg.text, metricAggregates);
    throw new RunFilterError(`Unknown aggregate "${aggSeg.text}"${near ? ` (did you mean ${near}?)` : ''}: a metric is read as ${metricAggregates.join(', ')}`, aggSeg.start, aggSeg.end);
  }
  return { kind: 'metric', key: keySeg.text, agg: aggSeg.text as MetricAggregate };
}

/** The field a path token names, or a RunFilterError at the segment at fault. */
export function resolveField(segments: readonly Segment[]): ResolvedField {
  const [head, second, third] = segments;
  if (!head) throw new RunFilterError('Expected a field', 0, 0);
  if (head.text === 'metrics') return metricField(segments);
  if (head.text === 'params') {
    if (!second) throw new RunFilterError('params needs a key: params.learningRate, params.lr, params.optimizer…', head.start, head.end);
    if (third) throw new RunFilterError(`A param is params.<key>; a key with a dot is written in quotes: params."${second.text}.${third.text}"`, third.start - 1, third.end);
    return { kind: 'param', key: (second.quoted ? undefined : paramAliases.get(second.text)) ?? second.text };
  }
  if (head.text !== 'tags' && !(attributeNames as readonly string[]).includes(head.text)) throw unknownField(head);
  if (second) throw new RunFilterError(`${head.text} has no parts: write ${head.text} alone`, second.start - 1, segments[segments.length - 1]?.end ?? second.end);
  return head.text === 'tags' ? { kind: 'tags' } : { kind: 'attribute', name: head.text as AttributeName };
}
