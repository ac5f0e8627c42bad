/**
 * The generated-text panel's pure logic: checking a 'text-samples' document
 * and the words shown beside each sample. The text itself is data and is
 * shown as text by the component (never as HTML). No Vue.
 */
import type { TextSample, TextSamplesDocument } from '../../../workers/common/families/sequence/artifacts';
import { listField, numberField, record, stringField } from './sequenceArtifacts';

const WHAT = 'The text samples';

function parseSample(raw: unknown, i: number): TextSample {
  const what = `Text sample ${i + 1}`;
  const r = record(raw, what);
  // meanBits may be null in JSON when the worker met a non-finite value: shown as "—".
  const bits = r['meanBits'];
  return { prompt: stringField(r, 'prompt', what), text: stringField(r, 'text', what), meanBits: typeof bits === 'number' ? bits : Number.NaN };
}

/** Check a 'text-samples' document; throws with a message naming the first field that is missing or of the wrong type. */
export function parseTextSamples(raw: unknown): TextSamplesDocument {
  const r = record(raw, WHAT);
  return {
    step: numberField(r, 'step', WHAT),
    epoch: numberField(r, 'epoch', WHAT),
    temperature: numberField(r, 'temperature', WHAT),
    topK: numberField(r, 'topK', WHAT),
    seed: numberField(r, 'seed', WHAT),
    samples: listField(r, 'samples', WHAT).map(parseSample),
    greedy: stringField(r, 'greedy', WHAT),
  };
}

/** Top-k as the sampler applied it: 0 means the whole vocabulary. */
export function topKText(topK: number): string {
  return topK > 0 ? String(topK) : 'all';
}

/** Mean bits per generated token, "—" when unknown. */
export function bitsText(bits: number): string {
  return Number.isFinite(bits) ? `${bits.toFixed(2)} bits/token` : '—';
}
