import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { vaeTemplate } from '../../../workers/common/families/vae/templates';
import { makeOptimizer } from '../../../workers/engine/optimizer';
import { bernoulliNll } from '../../../workers/families/vae/bernoulliNll';
import { buildVae, disposeVae } from '../../../workers/families/vae/model';
import { vaeTrainStep } from '../../../workers/families/vae/step';
import { useWasmBackend } from '../../helpers/inProcessTraining';

/** The per-image Bernoulli NLL as the tape differentiated it before. */
function tapedNll(x: tf.Tensor, l: tf.Tensor): tf.Tensor1D {
  const perPixel = tf.add(tf.sub(tf.relu(l), tf.mul(l, x)), tf.log1p(tf.exp(tf.neg(tf.abs(l)))));
  return tf.sum(tf.reshape(perPixel, [l.shape[0]!, -1]), 1);
}

describe('Bernoulli NLL as one taped op (wasm)', () => {
  useWasmBackend();

  it('values bit-identical to the taped ops; ∂/∂l within 1e-6 of the tape\'s and equal to dy·(sigmoid(l) − x) by hand', () => {
    const l = tf.randomNormal([3, 4, 4, 1], 0, 3, 'float32', 1);
    const x = tf.randomUniform([3, 4, 4, 1], 0, 1, 'float32', 2);
    const dy = tf.tensor1d([1, -2, 0.5]);
    const taped = tf.valueAndGrad((q: tf.Tensor) => tf.sum(tf.mul(tapedNll(x, q), dy)))(l);
    const oneOp = tf.valueAndGrad((q: tf.Tensor) => tf.sum(tf.mul(bernoulliNll(x, q), dy)))(l);
    expect(Array.from(bernoulliNll(x, l).dataSync())).toEqual(Array.from(tapedNll(x, l).dataSync()));
    const [gTaped, gOne] = [taped.grad.dataSync(), oneOp.grad.dataSync()];
    const [lv, xv] = [l.dataSync(), x.dataSync()];
    for (let i = 0; i < gOne.length; i++) {
      expect(Math.abs(gOne[i]! - gTaped[i]!)).toBeLessThan(1e-6);
      const image = Math.floor(i / 16);
      expect(gOne[i]!).toBeCloseTo([1, -2, 0.5][image]! * (1 / (1 + Math.exp(-lv[i]!)) - xv[i]!), 5);
    }
    tf.dispose([l, x, dy, taped.value, taped.grad, oneOp.value, oneOp.grad]);
  });

  it('3 steps of the mlp VAE (784-400-20, seed 3, Adam, batch 8): losses within 1e-5 of the taped NLL\'s', async () => {
    const train = async (nll: typeof bernoulliNll): Promise<number[]> => {
      const v = buildVae(vaeTemplate('mlp', [28, 28, 1], 20), [28, 28, 1], 20, 3);
      const opt = makeOptimizer({ optimizer: 'adam', learningRate: 0.001, momentum: 0.9 });
      const losses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const x = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 30 + i);
        losses.push(nll === bernoulliNll
          ? (await vaeTrainStep(v, opt, x, { kind: 'bernoulli' }, 1, 5 + i)).loss
          : await tapedVaeStep(v, opt, x, 5 + i));
        x.dispose();
      }
      disposeVae(v);
      opt.dispose();
      return losses;
    };
    const taped = await train(tapedNll);
    const oneOp = await train(bernoulliNll);
    for (let i = 0; i < 3; i++) expect(Math.abs(oneOp[i]! - taped[i]!) / taped[i]!).toBeLessThan(1e-5);
  });
});

/** vaeTrainStep's loss (β 1, Bernoulli) with the taped NLL: the same forward and objective. */
async function tapedVaeStep(v: ReturnType<typeof buildVae>, opt: tf.Optimizer, x: tf.Tensor, seed: number): Promise<number> {
  const varList = [...v.encoder.trainableWeights, ...v.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
  const loss = opt.minimize(() => {
    const encoded = tf.reshape(v.encoder.apply(x, { training: true }) as tf.Tensor, [x.shape[0]!, -1]);
    const mu = tf.slice(encoded, [0, 0], [-1, v.latentDim]);
    const logVar = tf.slice(encoded, [0, v.latentDim], [-1, v.latentDim]);
    const eps = tf.randomNormal([x.shape[0]!, v.latentDim], 0, 1, 'float32', seed);
    const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
    const kl = tf.sum(tf.mul(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), tf.add(logVar, 1)), 0.5), 1);
    return tf.mean(tf.add(tapedNll(x, v.decoder.apply(z, { training: true }) as tf.Tensor), kl)) as tf.Scalar;
  }, true, varList)!;
  const value = (await loss.data())[0]!;
  loss.dispose();
  return value;
}
