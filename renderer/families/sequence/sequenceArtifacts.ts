/**
 * The sequence family's data artifacts on the run page: which artifacts are
 * of a kind (in step order), the small checks every document parser shares
 * (so a malformed file is refused with a message that names the field), and
 * the step text under a slider. Pure; no Vue.
 */
import type { ArtifactInfo } from '../../../main/common/domain';
import { artifactEpoch } from '../../lib/artifactMeta';
import { compareArtifacts } from '../../lib/gallery';

/** The three kinds the sequence worker writes (workers/common/families/sequence/artifacts.ts). */
export const TEXT_SAMPLES_KIND = 'text-samples';
export const GRADIENT_THROUGH_TIME_KIND = 'gradient-through-time';
export const ATTENTION_KIND = 'attention';
export type SequenceArtifactKind = typeof TEXT_SAMPLES_KIND | typeof GRADIENT_THROUGH_TIME_KIND | typeof ATTENTION_KIND;

/** A run's artifacts of one kind, in step order (then id). */
export function artifactsOfKind(artifacts: readonly ArtifactInfo[], kind: SequenceArtifactKind): ArtifactInfo[] {
  return artifacts.filter((a) => a.kind === kind).sort(compareArtifacts);
}

/** "step 400 · epoch 2 · 3/5" under a slider; "—" before anything is shown. */
export function stepText(a: Pick<ArtifactInfo, 'step' | 'meta'> | undefined, index: number, length: number): string {
  if (!a) return '—';
  const epoch = artifactEpoch(a.meta);
  return `step ${a.step}${epoch !== undefined ? ` · epoch ${epoch}` : ''} · ${index + 1}/${length}`;
}

// ---- shared shape checks for the parsers ------------------------------------------

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The record `raw`, or an error naming what the document should have been. */
export function record(raw: unknown, what: string): Record<string, unknown> {
  if (!isRecord(raw)) throw new Error(`${what} is not an object`);
  return raw;
}

/** A finite number field, or an error naming it. */
export function numberField(r: Record<string, unknown>, key: string, what: string): number {
  const v = r[key];
  if (!isFiniteNumber(v)) throw new Error(`${what} has no numeric "${key}" (got ${JSON.stringify(v) ?? 'nothing'})`);
  return v;
}

/** A string field, or an error naming it. */
export function stringField(r: Record<string, unknown>, key: string, what: string): string {
  const v = r[key];
  if (typeof v !== 'string') throw new Error(`${what} has no text "${key}"`);
  return v;
}

/** An optional string field: undefined when absent, an error when of another type. */
export function optionalString(r: Record<string, unknown>, key: string, what: string): string | undefined {
  const v = r[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`${what} has a "${key}" that is not text`);
  return v;
}

/** A list field, or an error naming it. */
export function listField(r: Record<string, unknown>, key: string, what: string): unknown[] {
  const v = r[key];
  if (!Array.isArray(v)) throw new Error(`${what} has no list "${key}"`);
  return v;
}
