/** The PixelCNN's worker entry: trained through the one trainer; no on-demand analyses yet. */
import { runOptions, type FamilyWorker } from '../familyRun';
import { runPixelCnn } from './run';

export const pixelCnnWorker: FamilyWorker<'pixelcnn'> = {
  run: (s) => runPixelCnn(runOptions(s)),
  analysis: {},
};
