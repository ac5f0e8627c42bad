/**
 * Runs the family a start message names. One entry per family.
 */
import { isModelDocument } from '../common/graph';
import type { StartMessage } from '../common/protocol';
import type { TrainingSink } from '../engine/sink';
import type { FamilyRunResult } from './familyRun';
import { runAutoencoder } from './autoencoder/run';
import { runClassifier } from './classifier/run';
import { runGan } from './gan/run';
import { runPca } from './pca/run';
import { runVae } from './vae/run';

export type { FamilyRunResult } from './familyRun';

export async function runFamily(start: StartMessage, sink: TrainingSink, isCancelled: () => boolean): Promise<FamilyRunResult> {
  const config = start.config;
  switch (config.family) {
    case 'classifier': {
      if (isModelDocument(start.architecture)) throw new Error('A classifier trains one graph, not a model of several parts');
      const options: Parameters<typeof runClassifier>[0] = { config, graph: start.architecture, sink, isCancelled, runDir: start.runDir };
      if (start.resumeFrom) options.resumeFrom = start.resumeFrom;
      return runClassifier(options);
    }
    case 'vae': {
      if (!isModelDocument(start.architecture)) throw new Error('A VAE trains a model with an encoder and a decoder part, not a single graph');
      const options: Parameters<typeof runVae>[0] = { config, model: start.architecture, sink, isCancelled, runDir: start.runDir };
      if (start.resumeFrom) options.resumeFrom = start.resumeFrom;
      return runVae(options);
    }
    case 'autoencoder': {
      if (!isModelDocument(start.architecture)) throw new Error('An autoencoder trains a model with an encoder and a decoder part, not a single graph');
      const options: Parameters<typeof runAutoencoder>[0] = { config, model: start.architecture, sink, isCancelled, runDir: start.runDir };
      if (start.resumeFrom) options.resumeFrom = start.resumeFrom;
      return runAutoencoder(options);
    }
    case 'gan': {
      if (!isModelDocument(start.architecture)) throw new Error('A GAN trains a model with a generator and a discriminator part, not a single graph');
      const options: Parameters<typeof runGan>[0] = { config, model: start.architecture, sink, isCancelled, runDir: start.runDir };
      if (start.cacheDir !== undefined) options.cacheDir = start.cacheDir;
      if (start.resumeFrom) options.resumeFrom = start.resumeFrom;
      return runGan(options);
    }
    case 'pca':
      // PCA has no network (the architecture names it, with no parts) and nothing to resume.
      return runPca({ config, sink, isCancelled, runDir: start.runDir });
  }
}
