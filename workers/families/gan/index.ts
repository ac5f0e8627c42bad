/** The GAN family's worker entry: its run (a generator and a discriminator), its generator for the latent interpolation, its scorer for re-evaluation. */
import type { FamilyWorker } from '../familyRun';
import { requireModel, runOptions } from '../familyRun';
import { generateAlong } from './interpolation';
import { reevaluateGan } from './reevaluate';
import { runGan } from './run';

export const ganWorker: FamilyWorker<'gan'> = {
  run: (s) => runGan({
    ...runOptions(s),
    model: requireModel(s.architecture, 'A GAN trains a model with a generator and a discriminator part, not a single graph'),
    ...(s.cacheDir !== undefined ? { cacheDir: s.cacheDir } : {}),
  }),
  analysis: { generateAlong, reevaluate: reevaluateGan },
};
