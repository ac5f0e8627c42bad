import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { autoencoderTemplate } from '../../../workers/common/families/autoencoder/templates';
import { makeOptimizer } from '../../../workers/engine/optimizer';
import { sumBinaryCrossEntropy } from '../../../workers/families/autoencoder/losses';
import { buildAutoencoder, disposeAutoencoder, trainableVariables } from '../../../workers/families/autoencoder/model';
import { reconstruct, trainStep } from '../../../workers/families/autoencoder/step';
import { useWasmBackend } from '../../helpers/inProcessTraining';

const EPS = 1e-7;

/** The per-example BCE as the tape differentiated it before: every op taped. */
function tapedBce(target: tf.Tensor, output: tf.Tensor): tf.Tensor1D {
  const x = tf.reshape(target, [target.shape[0]!, -1]);
  const r = tf.reshape(output, [output.shape[0]!, -1]);
  const ll = tf.add(tf.mul(x, tf.log(tf.add(r, EPS))), tf.mul(tf.sub(1, x), tf.log(tf.add(tf.sub(1, r), EPS))));
  return tf.neg(tf.sum(ll, 1));
}

describe('autoencoder BCE as one taped op (wasm)', () => {
  useWasmBackend();

  it('values and ∂/∂r bit-identical to the taped ops (batch 3 of 4×4 images, per-example weights); hand-checked entry', () => {
    const r = tf.randomUniform([3, 4, 4, 1], 0.01, 0.99, 'float32', 1);
    const x = tf.randomUniform([3, 4, 4, 1], 0, 1, 'float32', 2);
    const w = tf.tensor1d([1, -2, 0.5]);
    const taped = tf.valueAndGrad((q: tf.Tensor) => tf.sum(tf.mul(tapedBce(x, q), w)))(r);
    const oneOp = tf.valueAndGrad((q: tf.Tensor) => tf.sum(tf.mul(sumBinaryCrossEntropy(x, q), w)))(r);
    expect(Array.from(sumBinaryCrossEntropy(x, r).dataSync())).toEqual(Array.from(tapedBce(x, r).dataSync()));
    expect(oneOp.value.dataSync()[0]).toBe(taped.value.dataSync()[0]);
    expect(Array.from(oneOp.grad.dataSync())).toEqual(Array.from(taped.grad.dataSync()));
    expect(oneOp.grad.shape).toEqual([3, 4, 4, 1]);
    // Image 1 (weight −2), first pixel: −(−2)·[x/(r+ε) − (1−x)/(1−r+ε)].
    const [rv, xv] = [r.dataSync()[16]!, x.dataSync()[16]!];
    expect(oneOp.grad.dataSync()[16]).toBeCloseTo(2 * (xv / (rv + EPS) - (1 - xv) / (1 - rv + EPS)), 3);
    tf.dispose([r, x, w, taped.value, taped.grad, oneOp.value, oneOp.grad]);
  });

  it('3 steps of the mlp autoencoder (784-256-32, BCE, Adam, seed 3, batch 8): losses and weights equal the taped loss\'s', async () => {
    const build = () => ({ ae: buildAutoencoder(autoencoderTemplate('mlp', [28, 28, 1], 32), [28, 28, 1], 32, 3), opt: makeOptimizer({ optimizer: 'adam', learningRate: 0.001, momentum: 0.9 }) });
    const [oneOp, taped] = [build(), build()];
    for (let i = 0; i < 3; i++) {
      const x = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 40 + i);
      const result = await trainStep(oneOp.ae, oneOp.opt, x, x, { loss: 'bce' });
      const lossT = taped.opt.minimize(() => tf.mean(tapedBce(x, reconstruct(taped.ae, x, true))) as tf.Scalar, true, trainableVariables(taped.ae))!;
      expect(result.loss).toBe(lossT.dataSync()[0]);
      tf.dispose([lossT, x]);
    }
    const weights = (a: typeof oneOp): number[][] => trainableVariables(a.ae).map((v) => Array.from(v.dataSync()));
    expect(weights(oneOp)).toEqual(weights(taped));
    for (const a of [oneOp, taped]) { disposeAutoencoder(a.ae); a.opt.dispose(); }
  });
});
