/**
 * Autoencoder networks: the encoder and decoder parts of a model document,
 * checked against the encoder/decoder contract and compiled into two
 * tf.LayersModels with seeded initialisers.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ModelDocument, Shape } from '../../common/graph';
import { checkEncoderDecoder } from '../../common/partContracts';
import { compileGraph } from '../../engine/compileGraph';
import { deriveSeed } from '../../engine/prng';

export interface Autoencoder {
  encoder: tf.LayersModel;
  decoder: tf.LayersModel;
}

/** Validate the model against the data and the code size, then compile both parts; throws listing every problem. */
export function buildAutoencoder(model: ModelDocument, inputShape: Shape, latentDim: number, seed: number): Autoencoder {
  const errors = checkEncoderDecoder(model, { inputShape, latentDim, encoderOutputDim: latentDim });
  if (errors.length > 0) {
    throw new Error(`The model '${model.name}' cannot be trained as an autoencoder:\n${errors.map((e) => `- ${e.message} (${e.hint})`).join('\n')}`);
  }
  const encoder = compileGraph(model.parts['encoder']!, { seed: deriveSeed(seed, 1) });
  const decoder = compileGraph(model.parts['decoder']!, { seed: deriveSeed(seed, 2) });
  return { encoder, decoder };
}

/** Every trainable variable of both parts, for the one optimizer. */
export function trainableVariables(ae: Autoencoder): tf.Variable[] {
  return [...ae.encoder.trainableWeights, ...ae.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
}

export function disposeAutoencoder(ae: Autoencoder): void {
  ae.encoder.dispose();
  ae.decoder.dispose();
}
