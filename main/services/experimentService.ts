/** Experiments: named groups of runs. */
import type { Store } from '../../db/storeTypes';
import { ApiError } from '../common/api';
import type { Experiment } from '../common/domain';

export class ExperimentService {
  constructor(private readonly store: Store) {}

  list(): Experiment[] {
    return this.store.listExperiments();
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
}
