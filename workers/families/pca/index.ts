/** The PCA baseline's worker entry: a fit (no network to check, nothing to resume), no analyses. */
import type { FamilyWorker } from '../familyRun';
import { runPca } from './run';

export const pcaWorker: FamilyWorker<'pca'> = {
  run: (s) => runPca({ config: s.config, sink: s.sink, isCancelled: s.isCancelled, runDir: s.runDir }),
  analysis: {},
};
