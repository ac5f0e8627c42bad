/** The autoencoder family's worker entry: its run (an encoder and a decoder), and its code space for the analyses. */
import { restoreEncoderDecoder } from '../../engine/encoderDecoder';
import type { FamilyWorker } from '../familyRun';
import { requireModel, runOptions } from '../familyRun';
import { runAutoencoder } from './run';

export const autoencoderWorker: FamilyWorker<'autoencoder'> = {
  run: (s) => runAutoencoder({ ...runOptions(s), model: requireModel(s.architecture, 'An autoencoder trains a model with an encoder and a decoder part, not a single graph') }),
  analysis: {
    // The code is the encoder's output; the decoder's output is already in [0, 1].
    latentModel: async (config, architecture, inputShape, checkpoint) => ({
      ...(await restoreEncoderDecoder(architecture, inputShape, checkpoint, {
        latentDim: config.hyper.latentDim, encoderOutputDim: config.hyper.latentDim, encoderOutput: 'code', decoderOutput: 'probabilities', runName: 'An autoencoder',
      })),
      pixelMode: 'real',
      // Real-valued pixels draw nothing: the seed is never read.
      heldOutSeed: config.hyper.seed,
    }),
  },
};
