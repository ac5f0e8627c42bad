/** The VAE family's worker entry: its run (an encoder and a decoder), and its latent space for the analyses. */
import { vaeEncoderOutputDim } from '../../common/families/vae/config';
import { restoreEncoderDecoder } from '../../engine/encoderDecoder';
import type { FamilyWorker } from '../familyRun';
import { requireModel, runOptions } from '../familyRun';
import { heldOutSeed, pixelMode } from './data';
import { runVae } from './run';

export const vaeWorker: FamilyWorker<'vae'> = {
  run: (s) => runVae({ ...runOptions(s), model: requireModel(s.architecture, 'A VAE trains a model with an encoder and a decoder part, not a single graph') }),
  analysis: {
    // The code is μ (the first half of the encoder's output); the decoder outputs logits; the encoder sees the pixels as trained.
    latentModel: async (config, architecture, inputShape, checkpoint) => ({
      ...(await restoreEncoderDecoder(architecture, inputShape, checkpoint, {
        latentDim: config.hyper.latentDim, encoderOutputDim: vaeEncoderOutputDim(config.hyper.latentDim), encoderOutput: 'gaussian', decoderOutput: 'logits', runName: 'A VAE',
      })),
      pixelMode: pixelMode(config.hyper),
      // The test images as the run scored them: binarised with the dataset's draw, whatever the run's seed.
      heldOutSeed: heldOutSeed(config.dataset.id),
    }),
  },
};
