/**
 * A trained encoder/decoder run's latent view, rebuilt from its
 * architecture and restored from a checkpoint: what the autoencoder and the
 * VAE lend the on-demand analyses (engine/analysis.ts), each with its own
 * encoder and decoder outputs.
 */
import { isModelDocument, type Architecture, type Shape } from '../common/graph';
import { checkEncoderDecoder } from '../common/partContracts';
import type { CheckpointRef } from '../common/protocol';
import { loadCheckpoint } from './checkpoint';
import { compileGraph } from './compileGraph';
import { encoderDecoderLatentModel, type EncoderDecoderOptions, type LatentModel } from './latentModel';

export interface RestoredEncoderDecoder {
  model: LatentModel;
  dispose(): void;
}

export interface RestoreOptions extends Pick<EncoderDecoderOptions, 'encoderOutput' | 'decoderOutput'> {
  latentDim: number;
  /** The encoder's output size the contract expects (2 × latent for a VAE). */
  encoderOutputDim: number;
  /** Named in the message when the architecture is a single graph ("an autoencoder"). */
  runName: string;
}

/** Rebuild the run's encoder and decoder and restore their weights from the checkpoint. */
export async function restoreEncoderDecoder(architecture: Architecture, inputShape: Shape, checkpoint: CheckpointRef, o: RestoreOptions): Promise<RestoredEncoderDecoder> {
  if (!isModelDocument(architecture)) throw new Error(`${o.runName} run has an encoder and a decoder, but its architecture is a single graph`);
  const problems = checkEncoderDecoder(architecture, { inputShape, latentDim: o.latentDim, encoderOutputDim: o.encoderOutputDim });
  if (problems.length > 0) throw new Error(`The run's model does not fit its configuration:\n${problems.map((p) => `- ${p.message}`).join('\n')}`);
  const encoder = compileGraph(architecture.parts['encoder']!, { seed: 0 });
  const decoder = compileGraph(architecture.parts['decoder']!, { seed: 0 });
  const dispose = (): void => { encoder.dispose(); decoder.dispose(); };
  try {
    await loadCheckpoint(checkpoint.dir, [encoder, decoder]);
  } catch (e) {
    dispose();
    throw e;
  }
  const model = encoderDecoderLatentModel(encoder, decoder, { latentDim: o.latentDim, inputShape, encoderOutput: o.encoderOutput, decoderOutput: o.decoderOutput });
  return { model, dispose };
}
