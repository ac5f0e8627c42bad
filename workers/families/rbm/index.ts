/** The RBM's worker entry: its own update rule through the one trainer; no on-demand analyses. */
import { runOptions, type FamilyWorker } from '../familyRun';
import { runRbm } from './run';

export const rbmWorker: FamilyWorker<'rbm'> = {
  run: (s) => runRbm(runOptions(s)),
  analysis: {},
};
