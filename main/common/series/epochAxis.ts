/**
 * Steps as epochs, for the compare view's epoch x axis. A step metric is
 * logged at the global step (1-based, counted over all epochs, pre-training
 * steps included); an epoch metric at step = epoch. What a run records of its
 * epochs is its checkpoints: the trainer writes one at each epoch end with
 * that epoch and the global step it ended at. Those (step, epoch) pairs are
 * the knots, and a step's epoch is read off the line through them:
 *
 * - between two knots, linear: epoch e ends at its step and each of its
 *   steps is a 1/(steps in the epoch) share of it, so step s_e is exactly e
 *   (where the same epoch's metrics sit);
 * - before the first and after the last knot, the nearest segment extended
 *   (the epoch still running, and steps a family spent before its epochs,
 *   such as an autoencoder's layer-wise pre-training, as epochs ≤ 0);
 * - with one knot, the line through step 0 at epoch 0 (the loop starts at 0
 *   when nothing ran before it);
 * - with none (the first epoch has not ended), no mapping: the caller leaves
 *   such a run's step metrics out.
 *
 * Pure: used by the compare service; tested in test/unit/common/epochAxis.test.ts.
 */

/** One epoch end: the global step it ended at. */
export interface EpochKnot {
  step: number;
  epoch: number;
}

/**
 * The knots from a run's checkpoints (in the order they were written):
 * one per epoch, the newest write winning (a resumed run writes an epoch
 * again), sorted by epoch, and kept only while the steps rise with the epochs.
 */
export function epochKnots(checkpoints: readonly EpochKnot[]): EpochKnot[] {
  const byEpoch = new Map<number, number>();
  for (const c of checkpoints) {
    if (Number.isFinite(c.step) && Number.isFinite(c.epoch)) byEpoch.set(c.epoch, c.step);
  }
  const sorted = [...byEpoch].sort((a, b) => a[0] - b[0]).map(([epoch, step]) => ({ epoch, step }));
  const out: EpochKnot[] = [];
  for (const k of sorted) {
    const prev = out[out.length - 1];
    if (prev === undefined || k.step > prev.step) out.push(k);
  }
  return out;
}

/** The step's epoch on the line through the knots (see the file's comment), or null with no knot. */
export function stepToEpoch(step: number, knots: readonly EpochKnot[]): number | null {
  const first = knots[0];
  if (first === undefined) return null;
  if (knots.length === 1) return first.step > 0 ? (step * first.epoch) / first.step : null;
  let i = 1;
  while (i < knots.length - 1 && step > knots[i]!.step) i++;
  const a = knots[i - 1]!;
  const b = knots[i]!;
  return a.epoch + ((step - a.step) * (b.epoch - a.epoch)) / (b.step - a.step);
}
