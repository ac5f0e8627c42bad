import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { classifierTemplate } from '../../../workers/common/families/classifier/templates';
import { makeOptimizer } from '../../../workers/engine/optimizer';
import { probabilityCrossEntropy } from '../../../workers/engine/probabilityCrossEntropy';
import { buildClassifier } from '../../../workers/families/classifier/model';
import { trainStep } from '../../../workers/families/classifier/step';
import { useWasmBackend } from '../../helpers/inProcessTraining';

const EPS = 1e-7;

/** The loss as the tape differentiated it before: six taped ops. */
const autodiffLoss = (ys: tf.Tensor, p: tf.Tensor): tf.Scalar => tf.neg(tf.mean(tf.sum(tf.mul(ys, tf.log(tf.add(p, EPS))), -1)));

/** One-hot rows of `classes` for labels i·3 mod classes. */
const oneHot = (rows: number, classes: number): tf.Tensor2D =>
  tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Array.from({ length: rows }, (_, i) => (i * 3) % classes), 'int32'), classes), 'float32') as tf.Tensor2D);

describe('probability cross-entropy as one taped op (wasm)', () => {
  useWasmBackend();

  it.each([[6, 5], [64, 10]])('batch %i × %i classes: value and ∂/∂p bit-identical to the autodiff chain; hand-checked on one row', (rows, classes) => {
    const ys = oneHot(rows, classes);
    const p = tf.tidy(() => tf.softmax(tf.randomNormal([rows, classes], 0, 2, 'float32', rows)));
    const run = (f: typeof autodiffLoss): { value: number[]; grad: number[] } => {
      const { value, grad } = tf.valueAndGrad((q: tf.Tensor) => f(ys, q))(p);
      const out = { value: Array.from(value.dataSync()), grad: Array.from(grad.dataSync()) };
      tf.dispose([value, grad]);
      return out;
    };
    const reference = run(autodiffLoss);
    const fused = run((y, q) => probabilityCrossEntropy(y, q, EPS));
    expect(fused).toEqual(reference);
    // Row 0's label is class 0: ∂/∂p₀₀ = −1/(n·(p₀₀ + ε)), the other entries of the row 0.
    const p00 = p.dataSync()[0]!;
    expect(fused.grad[0]).toBeCloseTo(-1 / (rows * (p00 + EPS)), 4);
    expect(fused.grad.slice(1, classes).every((g) => g === 0)).toBe(true);
    tf.dispose([ys, p]);
  });

  it('3 MLP classifier steps (seed 3, Adam, batch 16): losses, correct counts and weights equal the taped-loss path\'s', async () => {
    const xs = tf.randomUniform([16, 28, 28, 1], 0, 1, 'float32', 7);
    const labels = tf.tensor1d(Array.from({ length: 16 }, (_, i) => (i * 7) % 10), 'int32');
    const ys = tf.tidy(() => tf.cast(tf.oneHot(labels, 10), 'float32') as tf.Tensor2D);
    const build = () => buildClassifier(classifierTemplate('mlp', [28, 28, 1], 10), [28, 28, 1], 10, 3);
    const [fusedModel, referenceModel] = [build(), build()];
    expect(fusedModel.probabilities).toBe(true);
    const [optF, optR] = [makeOptimizer({ optimizer: 'adam', learningRate: 0.001, momentum: 0.9 }), makeOptimizer({ optimizer: 'adam', learningRate: 0.001, momentum: 0.9 })];
    const refVars = referenceModel.model.trainableWeights.map((w) => w.read() as tf.Variable);
    for (let i = 0; i < 3; i++) {
      const fused = await trainStep(fusedModel, optF, { xs, ys, labels });
      let correct = 0;
      const lossT = optR.minimize(() => {
        const out = referenceModel.model.apply(xs, { training: true }) as tf.Tensor;
        correct = tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(out, -1), labels), 'int32')).dataSync()[0]!);
        return autodiffLoss(ys, out);
      }, true, refVars)!;
      expect(fused).toEqual({ loss: lossT.dataSync()[0]!, correct });
      lossT.dispose();
    }
    const weights = (m: tf.LayersModel): number[][] => m.trainableWeights.map((w) => Array.from(w.read().dataSync()));
    expect(weights(fusedModel.model)).toEqual(weights(referenceModel.model));
    fusedModel.model.dispose();
    referenceModel.model.dispose();
    optF.dispose();
    optR.dispose();
    tf.dispose([xs, labels, ys]);
  });
});
