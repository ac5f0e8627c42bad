/**
 * Whether a finished run diverged, by one simple rule, so a run that "finished"
 * with its loss blown up or its accuracy at chance is not shown as a plain
 * green "done" (issue 15). Pure; the run page and the runs table's status badge
 * read it.
 *
 * The rule, for the keys a family's descriptor names (`divergence`):
 * - the final loss is not a finite number (NaN, ±∞: JSON carries them as null);
 * - or it ended above `LOSS_RATIO` × its first logged value (when the first is
 *   known: the run page has the series, the runs table only the latest values);
 * - or a classifier's final accuracy is within `CHANCE_MARGIN` of chance
 *   (1 / numClasses), when the number of classes is known.
 */
import type { DivergenceKeys } from './descriptor';
import { familyDescriptors, isFamily } from './registry';

/** "Far above where it started": the final loss over the first logged one. */
export const LOSS_RATIO = 1.5;
/** Accuracy this close to chance (absolute, 5 percentage points) counts as having learnt nothing. */
export const CHANCE_MARGIN = 0.05;

/** What is known of a run when the rule is applied. */
export interface DivergenceFacts {
  family: string;
  status: string;
  /** Latest value of each metric (null or NaN when it was not finite). */
  latest: Readonly<Record<string, number | null>>;
  /** First logged value of the family's loss, when its series is at hand. */
  firstLoss?: number | undefined;
  /** The dataset's classes (chance = 1 / numClasses), when known. */
  numClasses?: number | undefined;
}

export interface DivergenceVerdict {
  /** One sentence a researcher can act on ("test_accuracy 9.8 % is within 5 points of chance (1/10 = 10 %)"). */
  reason: string;
  rule: 'non-finite' | 'loss-rose' | 'chance';
}

const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;
const num = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));

function lossVerdict(keys: DivergenceKeys, f: DivergenceFacts): DivergenceVerdict | null {
  if (!(keys.loss in f.latest)) return null;
  const last = f.latest[keys.loss];
  if (last === null || last === undefined || !Number.isFinite(last)) {
    return { rule: 'non-finite', reason: `The final ${keys.loss} is not a finite number: training blew up (try a smaller learning rate)` };
  }
  const first = f.firstLoss;
  if (first !== undefined && Number.isFinite(first) && first > 0 && last > LOSS_RATIO * first) {
    return { rule: 'loss-rose', reason: `${keys.loss} ended at ${num(last)}, ${(last / first).toFixed(1)}× its first epoch's ${num(first)} (flagged above ${LOSS_RATIO}×): try a smaller learning rate` };
  }
  return null;
}

function chanceVerdict(keys: DivergenceKeys, f: DivergenceFacts): DivergenceVerdict | null {
  const n = f.numClasses;
  if (!keys.accuracy || n === undefined || !(n >= 2)) return null;
  const key = keys.accuracy.find((k) => typeof f.latest[k] === 'number');
  if (key === undefined) return null;
  const acc = f.latest[key]!;
  const chance = 1 / n;
  if (Number.isFinite(acc) && acc > chance + CHANCE_MARGIN) return null;
  return { rule: 'chance', reason: `Final ${key} ${Number.isFinite(acc) ? pct(acc) : 'is not a number'}: within ${CHANCE_MARGIN * 100} points of chance (1/${n} = ${pct(chance)}); the model learnt nothing (try a smaller learning rate)` };
}

/** Why a finished run counts as diverged, or null when it does not (or is not finished, or its family names no keys). */
export function divergence(f: DivergenceFacts): DivergenceVerdict | null {
  if (f.status !== 'done' || !isFamily(f.family)) return null;
  const keys = familyDescriptors[f.family].divergence;
  if (!keys) return null;
  return lossVerdict(keys, f) ?? chanceVerdict(keys, f);
}
