/**
 * A run's headline: the first of its family's headline metrics the run has
 * recorded (its best value over the run when the store tracks one, else the
 * latest), and how to print it. One rule for the runs table, the experiment
 * page and the CLI.
 */
import type { HeadlineMetric } from './descriptor';
import { familyDescriptors, isFamily, selectingChoice } from './registry';

export interface Headline extends HeadlineMetric {
  value: number;
  /** Set when the value was read where the run's validation metric was best (a test metric of a family with a validation split). */
  chosenBy?: { key: string; step: number };
}

/** `chosenBy`: where the run's `best` test metrics were read (RunSummary.chosenBy), if anywhere. */
export function runHeadline(
  family: string, best: Readonly<Record<string, number>>, latest: Readonly<Record<string, number>>, chosenBy?: { key: string; step: number } | null,
): Headline | null {
  if (!isFamily(family)) return null;
  for (const h of familyDescriptors[family].headline) {
    const v = best[h.key] ?? latest[h.key];
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    const chosen = chosenBy && best[h.key] !== undefined && selectingChoice(family, h.key) ? { chosenBy } : {};
    return { ...h, value: v, ...chosen };
  }
  return null;
}

/** "at the best val_accuracy (step 2)": how a headline chosen on validation was read; '' otherwise. */
export function headlineChoiceText(h: Headline): string {
  return h.chosenBy ? `at the best ${h.chosenBy.key} (step ${h.chosenBy.step})` : '';
}

/** "97.12 %", "−97.09 nats", "0.0123". */
export function formatHeadlineValue(h: Headline): string {
  if (h.format === 'percent') return `${(h.value * 100).toFixed(2)} %`;
  const digits = Math.abs(h.value) >= 100 ? 1 : Math.abs(h.value) >= 1 ? 3 : 4;
  return `${h.value.toFixed(digits)}${h.unit ? ` ${h.unit}` : ''}`;
}
