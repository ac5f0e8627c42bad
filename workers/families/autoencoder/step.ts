/**
 * The autoencoder's train step: reconstruct the clean batch from the model
 * input (the batch itself, or its corrupted copy for the denoising variant),
 * plus the contractive penalty when asked for; one optimizer over both parts.
 */
import * as tf from '@tensorflow/tfjs';
import { jacobianPenalty } from './contractive';
import { reconstructionLoss, type ReconstructionLoss } from './losses';
import { trainableVariables, type Autoencoder } from './model';

export interface StepOptions {
  loss: ReconstructionLoss;
  /** Weight of the contractive penalty; 0 or undefined: none. */
  contractiveWeight?: number;
  /** Seed of this step's random projections (contractive). */
  seed?: number;
}

export interface StepResult {
  /** The minimised objective (reconstruction + weighted penalty). */
  loss: number;
  reconstruction: number;
  /** Estimated mean ||∂h/∂x||²_F (contractive only). */
  penalty?: number;
}

/** Decode the encoding of `input`. */
export function reconstruct(ae: Autoencoder, input: tf.Tensor, training: boolean): tf.Tensor {
  return tf.tidy(() => ae.decoder.apply(ae.encoder.apply(input, { training }), { training }) as tf.Tensor);
}

/** One optimizer step; leaves no tensor behind. `input` is what the encoder sees, `target` the clean batch. */
export async function trainStep(ae: Autoencoder, optimizer: tf.Optimizer, input: tf.Tensor, target: tf.Tensor, o: StepOptions): Promise<StepResult> {
  const weight = o.contractiveWeight ?? 0;
  let reconT: tf.Scalar | undefined;
  let penaltyT: tf.Scalar | undefined;
  const lossT = optimizer.minimize(() => {
    const out = reconstruct(ae, input, true);
    const rec = reconstructionLoss(o.loss, target, out);
    reconT = tf.keep(tf.clone(rec));
    if (weight <= 0) return rec;
    const pen = jacobianPenalty(ae.encoder, input, o.seed ?? 0);
    penaltyT = tf.keep(tf.clone(pen));
    return tf.add(rec, tf.mul(pen, weight));
  }, true, trainableVariables(ae));
  try {
    const [loss, rec, pen] = await Promise.all([lossT!.data(), reconT!.data(), penaltyT ? penaltyT.data() : Promise.resolve(undefined)]);
    const r: StepResult = { loss: loss[0]!, reconstruction: rec[0]! };
    if (pen) r.penalty = pen[0]!;
    return r;
  } finally {
    tf.dispose([lossT!, reconT!]);
    if (penaltyT) penaltyT.dispose();
  }
}
