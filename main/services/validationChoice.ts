/**
 * Test metrics chosen on validation: for runs of a family with a validation
 * split, the step where its validation metric was best and the test metrics'
 * values there. The runs table's "best", the headline and runs.summaries
 * quote these instead of the test metrics' own extremes, which would be
 * choosing on the test set.
 */
import type { Store } from '../../db/storeTypes';
import { validationChoice } from '../../workers/common/families/registry';

export interface ChosenOnValidation {
  /** The validation metric. */
  key: string;
  /** The step (an epoch for epoch metrics) where it was best. */
  step: number;
  /** Each selected test metric the run has at or before that step. */
  values: Record<string, number>;
}

/** One query per family with a validation choice among the runs; runs without a finite validation value are absent. */
export function chosenOnValidation(store: Store, runs: readonly { id: number; family: string }[]): Map<number, ChosenOnValidation> {
  const byFamily = new Map<string, number[]>();
  for (const r of runs) {
    if (validationChoice(r.family) === undefined) continue;
    const ids = byFamily.get(r.family) ?? [];
    ids.push(r.id);
    byFamily.set(r.family, ids);
  }
  const out = new Map<number, ChosenOnValidation>();
  for (const [family, ids] of byFamily) {
    const choice = validationChoice(family);
    if (!choice) continue;
    for (const [runId, sel] of store.selectedValues(ids, choice)) out.set(runId, { key: choice.key, ...sel });
  }
  return out;
}
