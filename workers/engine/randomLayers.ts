/**
 * The layers of a model that draw random numbers of their own (seeded
 * dropout, the reparameterisation sampler): their PRNG states go into every
 * checkpoint, so a resumed run draws what the uninterrupted one would have.
 */
import type * as tf from '@tensorflow/tfjs';
import { Sampling } from './sampling';
import { SeededDropout } from './seededDropout';

export interface RandomLayer {
  readonly name: string;
  getRngState(): number;
  setRngState(state: number): void;
}

/** A model's random layers, in layer order. */
export function randomLayers(model: tf.LayersModel): RandomLayer[] {
  return model.layers.filter((l): l is SeededDropout | Sampling => l instanceof SeededDropout || l instanceof Sampling);
}
