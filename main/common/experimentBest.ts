/**
 * An experiment's best result, for the experiments list: among its finished
 * runs of the family of its newest run, the best final value of that
 * family's headline metric (test accuracy, test MSE, ELBO, …) and the run
 * that has it. Final values (each run's last point), so no run's value is
 * picked from its own epochs on the test set; the list labels it "final".
 *
 * Pure: imports nothing from node, electron, the DOM, tfjs or the engine.
 */
import { descriptorOf, isFamily } from '../../workers/common/families/registry';
import type { ExperimentBest, RunStatus } from './domain';

export interface BestCandidate {
  id: number;
  name: string;
  family: string;
  status: RunStatus;
  createdAt: number;
}

/** Null without a finished run of the newest run's family that has the headline metric (or when that family is unknown). */
export function experimentBest(runs: readonly BestCandidate[], latest: ReadonlyMap<number, Readonly<Record<string, number>>>): ExperimentBest | null {
  const newest = runs.reduce<BestCandidate | undefined>((a, r) => (a === undefined || r.createdAt > a.createdAt || (r.createdAt === a.createdAt && r.id > a.id) ? r : a), undefined);
  if (!newest || !isFamily(newest.family)) return null;
  const headline = descriptorOf(newest.family).headline[0];
  if (!headline) return null;
  let best: ExperimentBest | null = null;
  for (const r of runs) {
    if (r.family !== newest.family || r.status !== 'done') continue;
    const value = latest.get(r.id)?.[headline.key];
    if (value === undefined || !Number.isFinite(value)) continue;
    const better = best === null || (headline.mode === 'max' ? value > best.value : value < best.value);
    if (better) best = { runId: r.id, runName: r.name, key: headline.key, label: headline.label, format: headline.format, value, of: 0 };
  }
  if (best === null) return null;
  const of = runs.filter((r) => r.family === newest.family && r.status === 'done' && Number.isFinite(latest.get(r.id)?.[headline.key])).length;
  return { ...best, of };
}
