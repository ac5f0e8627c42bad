/**
 * The layers of a model that draw random numbers of their own (seeded
 * dropout, the reparameterisation sampler, the self-attention block's
 * dropout), and the keys their PRNG states
 * are checkpointed under: `${part}/${layer}`, so an encoder's and a
 * decoder's `dropout1` keep apart. A resumed run then draws what the
 * uninterrupted one would have.
 */
import type * as tf from '@tensorflow/tfjs';
import { Sampling } from './sampling';
import { SeededDropout } from './seededDropout';
import { SelfAttentionBlock } from './selfAttentionLayer';

/** Anything with a PRNG state to checkpoint: a random layer, or a family's own generator. */
export interface RandomLayer {
  readonly name: string;
  getRngState(): number;
  setRngState(state: number): void;
}

/** A model's random layers, in layer order. */
export function randomLayers(model: tf.LayersModel): RandomLayer[] {
  return model.layers.filter((l): l is SeededDropout | Sampling | SelfAttentionBlock => l instanceof SeededDropout || l instanceof Sampling || l instanceof SelfAttentionBlock);
}

/** The random layers of one part of a run ('model', 'encoder', 'generator'…). */
export interface RandomPart {
  part: string;
  layers: readonly RandomLayer[];
}

/** The checkpoint key of a part's random layer. */
export function randomStateKey(part: string, layer: string): string {
  return `${part}/${layer}`;
}

/** Every state, keyed by part and layer; `own` (a family's own generators) under their own names. */
export function collectRandomStates(parts: readonly RandomPart[], own: readonly RandomLayer[] = []): Record<string, number> {
  const rng: Record<string, number> = {};
  for (const { part, layers } of parts) for (const l of layers) rng[randomStateKey(part, l.name)] = l.getRngState();
  for (const g of own) rng[g.name] = g.getRngState();
  return rng;
}

/**
 * Put the states back. A layer whose `${part}/${layer}` key is missing takes
 * the state saved under its bare name, as checkpoints written before the
 * keys named the part have it (where two parts' layers shared a name, both
 * get that one state, which is all such a checkpoint kept).
 */
export function restoreRandomStates(rng: Readonly<Record<string, number>>, parts: readonly RandomPart[], own: readonly RandomLayer[] = []): void {
  for (const { part, layers } of parts) {
    for (const l of layers) {
      const s = rng[randomStateKey(part, l.name)] ?? rng[l.name];
      if (s !== undefined) l.setRngState(s);
    }
  }
  for (const g of own) {
    const s = rng[g.name];
    if (s !== undefined) g.setRngState(s);
  }
}
