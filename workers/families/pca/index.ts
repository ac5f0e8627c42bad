/** The PCA baseline's worker entry: a fit (no network to check, nothing to resume), and its components as a linear encoder/decoder for the latent tools. */
import type { FamilyWorker } from '../familyRun';
import { pcaLatentModel } from './latent';
import { runPca } from './run';

export const pcaWorker: FamilyWorker<'pca'> = {
  run: (s) => runPca({ config: s.config, sink: s.sink, isCancelled: s.isCancelled, runDir: s.runDir }),
  analysis: {
    runFolderLatentModel: (config, runDir, inputShape) => pcaLatentModel(runDir, inputShape, config.hyper.seed),
  },
};
