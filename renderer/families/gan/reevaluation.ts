/**
 * The re-evaluate tool's logic, pure (no Vue): the scored steps a run kept a
 * generator at, the request its inputs make (the schema's bounds), and a
 * 're-evaluation' document checked field by field and laid out as rows of
 * score, now and as recorded.
 */
import type { ArtifactInfo } from '../../../main/common/domain';
import { analysisRequestSchema, type ReevaluationData } from '../../../workers/common/gallery';
import type { ParsedRequest } from '../../composables/useAnalysisRun';

/** The steps with a kept generator, ascending and once each (a resumed run may record a step twice). */
export function scoredSteps(artifacts: readonly ArtifactInfo[]): number[] {
  return [...new Set(artifacts.filter((a) => a.kind === 'scored-generator').map((a) => a.step))].sort((a, b) => a - b);
}

/** The newest 're-evaluation' artifact of the run (the last recorded). */
export function latestReevaluation(artifacts: readonly ArtifactInfo[]): ArtifactInfo | undefined {
  return artifacts.filter((a) => a.kind === 're-evaluation').reduce<ArtifactInfo | undefined>((best, a) => (!best || a.id > best.id ? a : best), undefined);
}

/** The request of the tool's inputs: a step (or the last) and the sample count as typed. */
export function reevaluateRequest(step: number | null, samplesText: string): ParsedRequest {
  const samples = samplesText.trim() === '' ? Number.NaN : Number(samplesText);
  return analysisRequestSchema.safeParse({ kind: 're-evaluate', ...(step === null ? {} : { step }), samples });
}

function numbers(v: unknown): Record<string, number> | null {
  if (typeof v !== 'object' || v === null) return null;
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'number') out[k] = x;
  return out;
}

/** A 're-evaluation' document, or null when it is not one (an older or damaged file). */
export function parseReevaluation(doc: unknown): ReevaluationData | null {
  if (typeof doc !== 'object' || doc === null) return null;
  const d = doc as Record<string, unknown>;
  const recorded = d['recorded'] as Record<string, unknown> | undefined;
  const ref = d['reference'] as Record<string, unknown> | undefined;
  const scores = numbers(d['scores']);
  const recordedScores = numbers(recorded?.['scores']);
  if (typeof d['step'] !== 'number' || typeof d['epoch'] !== 'number' || typeof d['samples'] !== 'number' || !scores || !recordedScores || typeof recorded?.['samples'] !== 'number') return null;
  if (typeof ref?.['template'] !== 'string' || typeof ref['accuracy'] !== 'number' || typeof ref['evaluatedOn'] !== 'number') return null;
  return {
    step: d['step'], epoch: d['epoch'], samples: d['samples'], scores,
    recorded: { samples: recorded['samples'], scores: recordedScores },
    reference: { template: ref['template'], accuracy: ref['accuracy'], evaluatedOn: ref['evaluatedOn'], datasetHash: typeof ref['datasetHash'] === 'string' ? ref['datasetHash'] : '', cached: ref['cached'] === true },
  };
}

export interface ReevaluationRow {
  key: string;
  now: string;
  recorded: string;
}

const shown = (v: number | undefined): string => (v === undefined ? '—' : String(Number(v.toPrecision(5))));

/** One row per score in either set, the document's order first. */
export function reevaluationRows(d: ReevaluationData): ReevaluationRow[] {
  const keys = [...new Set([...Object.keys(d.scores), ...Object.keys(d.recorded.scores)])];
  return keys.map((key) => ({ key, now: shown(d.scores[key]), recorded: shown(d.recorded.scores[key]) }));
}
