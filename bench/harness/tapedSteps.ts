/**
 * Three family train steps as they were before their losses became single
 * taped ops (issue 17), kept as the "old" arms of bench/overheadBench.ts:
 * the same forward, objective and optimizer call, with every op of the loss
 * (and the classifier's correct count) recorded on the tape.
 */
import * as tf from '@tensorflow/tfjs';
import type { ClassifierModel } from '../../workers/families/classifier/model';
import type { VaeNetworks } from '../../workers/families/vae/model';
import { trainableVariables, type Autoencoder } from '../../workers/families/autoencoder/model';
import { reconstruct } from '../../workers/families/autoencoder/step';

/** classifier/step.ts' trainStep before: the softmax cross-entropy's six ops and the correct count on the tape. */
export async function tapedClassifierStep(cm: ClassifierModel, optimizer: tf.Optimizer, xs: tf.Tensor, ys: tf.Tensor2D, labels: tf.Tensor1D): Promise<void> {
  const varList = cm.model.trainableWeights.map((w) => w.read() as tf.Variable);
  let correctT: tf.Scalar | undefined;
  const lossT = optimizer.minimize(() => {
    const out = cm.model.apply(xs, { training: true }) as tf.Tensor;
    correctT = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(out, -1), labels), 'int32')));
    return tf.neg(tf.mean(tf.sum(tf.mul(ys, tf.log(tf.add(out, 1e-7))), -1)));
  }, true, varList);
  await Promise.all([lossT!.data(), correctT!.data()]);
  tf.dispose([lossT!, correctT!]);
}

/** The Bernoulli NLL per image as the tape differentiated it before (seven element-wise ops). */
export function tapedBernoulliNll(x: tf.Tensor, l: tf.Tensor): tf.Tensor1D {
  const perPixel = tf.add(tf.sub(tf.relu(l), tf.mul(l, x)), tf.log1p(tf.exp(tf.neg(tf.abs(l)))));
  return tf.sum(tf.reshape(perPixel, [l.shape[0]!, -1]), 1);
}

/** vae/step.ts' vaeTrainStep (Bernoulli, β 1) before: the NLL taped op by op; the reconstruction and KL read as there. */
export async function tapedVaeStep(v: VaeNetworks, optimizer: tf.Optimizer, x: tf.Tensor, epsSeed: number): Promise<number> {
  const varList = [...v.encoder.trainableWeights, ...v.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
  let recT: tf.Scalar | undefined;
  let klT: tf.Scalar | undefined;
  const lossT = optimizer.minimize(() => {
    const encoded = tf.reshape(v.encoder.apply(x, { training: true }) as tf.Tensor, [x.shape[0]!, -1]);
    const mu = tf.slice(encoded, [0, 0], [-1, v.latentDim]);
    const logVar = tf.slice(encoded, [0, v.latentDim], [-1, v.latentDim]);
    const eps = tf.randomNormal([x.shape[0]!, v.latentDim], 0, 1, 'float32', epsSeed);
    const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
    const kl = tf.sum(tf.mul(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), tf.add(logVar, 1)), 0.5), 1);
    const rec = tapedBernoulliNll(x, v.decoder.apply(z, { training: true }) as tf.Tensor);
    recT = tf.keep(tf.mean(rec));
    klT = tf.keep(tf.mean(kl));
    return tf.mean(tf.add(rec, tf.mul(kl, 1))) as tf.Scalar;
  }, true, varList)!;
  const [value] = await Promise.all([lossT.data(), recT!.data(), klT!.data()]);
  tf.dispose([lossT, recT!, klT!]);
  return value[0]!;
}

/** The autoencoder's per-example BCE as the tape differentiated it before (every op taped). */
export function tapedBce(target: tf.Tensor, output: tf.Tensor): tf.Tensor1D {
  const x = tf.reshape(target, [target.shape[0]!, -1]);
  const r = tf.reshape(output, [output.shape[0]!, -1]);
  const ll = tf.add(tf.mul(x, tf.log(tf.add(r, 1e-7))), tf.mul(tf.sub(1, x), tf.log(tf.add(tf.sub(1, r), 1e-7))));
  return tf.neg(tf.sum(ll, 1));
}

/** autoencoder/step.ts' trainStep (BCE, no penalty) before: the BCE taped op by op; loss and reconstruction read as there. */
export async function tapedAutoencoderStep(ae: Autoencoder, optimizer: tf.Optimizer, x: tf.Tensor): Promise<void> {
  let reconT: tf.Scalar | undefined;
  const lossT = optimizer.minimize(() => {
    const rec = tf.mean(tapedBce(x, reconstruct(ae, x, true))) as tf.Scalar;
    reconT = tf.keep(tf.clone(rec));
    return rec;
  }, true, trainableVariables(ae))!;
  await Promise.all([lossT.data(), reconT!.data()]);
  tf.dispose([lossT, reconT!]);
}
