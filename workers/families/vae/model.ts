/**
 * VAE networks from a model document: the encoder (image → μ, log σ²) and
 * the decoder (z → logits), checked against the encoder/decoder contract and
 * compiled with seeded initialisers.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ModelDocument, Shape } from '../../common/graph';
import { checkEncoderDecoder } from '../../common/partContracts';
import { compileGraph } from '../../engine/compileGraph';
import { encoderDecoderLatentModel, type LatentModel } from '../../engine/latentModel';
import { deriveSeed } from '../../engine/prng';

export interface VaeNetworks {
  encoder: tf.LayersModel;
  decoder: tf.LayersModel;
  latentDim: number;
  inputShape: Shape;
}

/** Validate the model against the data and latent size and compile both parts; throws listing every problem. */
export function buildVae(model: ModelDocument, inputShape: Shape, latentDim: number, seed: number): VaeNetworks {
  const problems = checkEncoderDecoder(model, { inputShape, latentDim, encoderOutputDim: 2 * latentDim });
  if (problems.length > 0) {
    throw new Error(`The model '${model.name}' cannot be trained as a VAE with latentDim ${latentDim} on this dataset:\n${problems.map((p) => `- ${p.message} (${p.hint})`).join('\n')}`);
  }
  const encoder = compileGraph(model.parts['encoder']!, { seed: deriveSeed(seed, 0xe7c) });
  const decoder = compileGraph(model.parts['decoder']!, { seed: deriveSeed(seed, 0xdec) });
  return { encoder, decoder, latentDim, inputShape: [...inputShape] };
}

/** The latent view used by galleries: code = μ, images = sigmoid(decoder logits). */
export function vaeLatentModel(v: VaeNetworks): LatentModel {
  return encoderDecoderLatentModel(v.encoder, v.decoder, { latentDim: v.latentDim, inputShape: v.inputShape, encoderOutput: 'gaussian', decoderOutput: 'logits' });
}

export function disposeVae(v: VaeNetworks): void {
  v.encoder.dispose();
  v.decoder.dispose();
}
