/** Experiments: named groups of runs. */
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../../db/storeTypes';
import { ApiError } from '../common/api';
import type { Experiment, ExperimentDeletion } from '../common/domain';
import { experimentBest } from '../common/experimentBest';

export class ExperimentService {
  /** `dataDir` holds the runs' folders (runs/<id>), counted before a delete. */
  constructor(private readonly store: Store, private readonly dataDir: string) {}

  /** Every experiment with its best final headline result. */
  list(): Experiment[] {
    return this.store.listExperiments().map((e) => {
      const runs = this.store.listRuns({ experimentId: e.id });
      const latest = this.store.latestMetrics(runs.filter((r) => r.status === 'done').map((r) => r.id));
      return { ...e, best: experimentBest(runs, latest) };
    });
  }

  create(name: string, description: string): Experiment {
    if (this.store.listExperiments().some((e) => e.name === name)) {
      throw new ApiError('conflict', `An experiment named "${name}" already exists`);
    }
    return this.store.createExperiment(name, description);
  }

  get(id: number): Experiment {
    const e = this.store.getExperiment(id);
    if (!e) throw new ApiError('not-found', `Experiment ${id} does not exist`);
    return e;
  }

  /** Renames it and/or replaces its description; a name another experiment has is refused, naming it. */
  update(id: number, change: { name?: string | undefined; description?: string | undefined }): Experiment {
    this.get(id);
    const name = change.name?.trim();
    const clash = name === undefined ? undefined : this.store.listExperiments().find((e) => e.name === name && e.id !== id);
    if (clash) throw new ApiError('conflict', `An experiment named "${name}" already exists (experiment ${clash.id}); choose another name`);
    const next = this.store.updateExperiment(id, {
      ...(name !== undefined ? { name } : {}),
      ...(change.description !== undefined ? { description: change.description } : {}),
    });
    if (!next) throw new ApiError('not-found', `Experiment ${id} does not exist`);
    return next;
  }

  /** What deleting it would remove: its runs, their folders on disk, and how many of them are still queued or running. */
  deletionPlan(id: number): ExperimentDeletion {
    const e = this.get(id);
    const runs = this.store.listRuns({ experimentId: id });
    const folders = runs.filter((r) => fs.existsSync(path.join(this.dataDir, 'runs', String(r.id)))).length;
    const activeRuns = runs.filter((r) => r.status === 'queued' || r.status === 'running').length;
    return { id, name: e.name, runs: runs.length, folders, activeRuns };
  }

  /**
   * Deletes it with its runs: each run through `deleteRun` (the run service's,
   * which removes its folder and tells the open windows), then the experiment
   * and its saved views. Refused while a run of it is queued or running.
   */
  delete(id: number, deleteRun: (runId: number) => { folder: string | null }): ExperimentDeletion {
    const plan = this.deletionPlan(id);
    if (plan.activeRuns > 0) {
      throw new ApiError('conflict', `Experiment "${plan.name}" has ${plan.activeRuns} queued or running run${plan.activeRuns === 1 ? '' : 's'}; cancel ${plan.activeRuns === 1 ? 'it' : 'them'} before deleting the experiment`);
    }
    let folders = 0;
    for (const r of this.store.listRuns({ experimentId: id })) if (deleteRun(r.id).folder !== null) folders++;
    this.store.deleteExperiment(id);
    return { ...plan, folders };
  }
}
