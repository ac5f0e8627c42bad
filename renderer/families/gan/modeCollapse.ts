/**
 * Mode collapse of a GAN run, from its coverage history: classes_present
 * (the reference classifier's classes among the samples) for images,
 * modes_covered for the 2-D toys; and what the warning says. Pure; no Vue.
 */
import { ganNumClasses, toyModeCount } from '../../../workers/common/families/gan/charts';
import type { RunPanelProps } from '../runPanels';
import { runToy } from './ganRun';

/** Coverage has dropped when the latest value is this many below the best. */
export const MODE_DROP = 2;
/** Coverage is low below this fraction of the classes / modes. */
export const MODE_COVERAGE_FRACTION = 0.8;
/**
 * Below this share of confidently classified samples the generator does not
 * yet draw recognisable images: few classes then say "not yet", not
 * "collapsed" (classes are counted over confident samples only).
 */
export const MIN_CONFIDENT_SHARE = 0.2;

export interface ModeCollapseStatus {
  unit: 'classes' | 'modes';
  total: number;
  latest: number;
  latestStep: number;
  /** Best value after the first evaluation, and its step. */
  best: number;
  bestStep: number;
  /** Evaluations after the first one (which the status ignores: an untrained generator). */
  evaluations: number;
  /** At least MODE_DROP below the best so far. */
  dropped: boolean;
  /** Below MODE_COVERAGE_FRACTION of the total. */
  low: boolean;
  collapsed: boolean;
  /** Images: too few samples are confidently classified to call low coverage a collapse (set by runModeCollapse). */
  unrecognisable?: boolean;
}

/**
 * Mode collapse from a coverage history (classes_present for images,
 * modes_covered for the toys). The first logged evaluation (the untrained
 * generator, step 0) is ignored; after it, the run has collapsed when the
 * latest value is MODE_DROP or more below the best seen so far, or below
 * MODE_COVERAGE_FRACTION of the total. Null until there is a history and a
 * total.
 */
export function modeCollapseStatus(history: { steps: readonly number[]; values: readonly number[] } | undefined, total: unknown, unit: 'classes' | 'modes'): ModeCollapseStatus | null {
  if (!history || typeof total !== 'number' || !Number.isFinite(total) || total < 1) return null;
  const points: { step: number; value: number }[] = [];
  const n = Math.min(history.steps.length, history.values.length);
  for (let i = 0; i < n; i++) {
    const step = history.steps[i]!;
    const value = history.values[i]!;
    if (Number.isFinite(value)) points.push({ step, value });
  }
  if (points.length === 0) return null;
  const after = points.slice(1);
  const last = points[points.length - 1]!;
  if (after.length === 0) {
    return { unit, total, latest: last.value, latestStep: last.step, best: last.value, bestStep: last.step, evaluations: 0, dropped: false, low: false, collapsed: false };
  }
  let best = after[0]!;
  for (const p of after) if (p.value > best.value) best = p;
  const dropped = last.value <= best.value - MODE_DROP;
  const low = last.value < MODE_COVERAGE_FRACTION * total;
  return { unit, total, latest: last.value, latestStep: last.step, best: best.value, bestStep: best.step, evaluations: after.length, dropped, low, collapsed: dropped || low };
}

/** What a mode-collapse warning says: what happened, what it means, what to try. */
export function modeCollapseMessage(s: ModeCollapseStatus): string {
  const what = s.dropped
    ? `The samples now cover ${s.latest} of ${s.total} ${s.unit}, down from ${s.best} at step ${s.bestStep}.`
    : `The samples cover only ${s.latest} of ${s.total} ${s.unit} (fewer than ${Math.round(MODE_COVERAGE_FRACTION * 100)} %).`;
  return `${what} The generator is producing only part of what the data holds, and the discriminator no longer pushes it to the rest. `
    + 'Try an unrolled discriminator, a minibatch-stddev feature in D, a lower discriminator learning rate (learningRateD), or the WGAN-GP loss.';
}

/** A GAN run's mode-collapse status: the toy's modes for a 2-D toy, the classes of the samples for images. */
export function runModeCollapse(p: Pick<RunPanelProps, 'run' | 'detail' | 'artifacts' | 'metrics'>): ModeCollapseStatus | null {
  const modes = toyModeCount(runToy(p));
  if (modes !== undefined) return modeCollapseStatus(p.metrics.series('modes_covered'), modes, 'modes');
  const status = modeCollapseStatus(p.metrics.series('classes_present'), ganNumClasses(p.artifacts), 'classes');
  const share = p.metrics.latest('confident_share');
  // Coverage that never dropped, over samples the classifier is rarely sure of, is a generator still learning to draw.
  if (status && !status.dropped && share !== undefined && share < MIN_CONFIDENT_SHARE) return { ...status, low: false, collapsed: false, unrecognisable: true };
  return status;
}

