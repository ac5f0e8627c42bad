/**
 * The sequence runtime's weights: named tf.Variables (`<node>/<weight>`,
 * checkpointed by name like the RBM's), created with seeded initialisers so a
 * run's seed fixes its starting point.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed, mulberry32 } from '../../common/prng';

/**
 * A seeded matrix [rows, cols] with orthonormal rows (rows ≤ cols) or
 * columns: a Gaussian matrix orthonormalised by modified Gram–Schmidt, in
 * plain arithmetic (tfjs's orthogonal initialiser warns and slows above
 * 2,000 elements; a recurrent kernel [H, 4H] of 256 units has 262,144).
 */
export function orthogonalMatrix(rows: number, cols: number, seed: number): Float32Array {
  const rng = mulberry32(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  // Orthonormalise the shorter side's vectors, each as long as the longer side.
  const [count, length] = rows <= cols ? [rows, cols] : [cols, rows];
  const v = Array.from({ length: count }, () => Float64Array.from({ length }, gauss));
  for (let i = 0; i < count; i++) {
    const vi = v[i]!;
    for (let j = 0; j < i; j++) {
      const vj = v[j]!;
      let dot = 0;
      for (let k = 0; k < length; k++) dot += vi[k]! * vj[k]!;
      for (let k = 0; k < length; k++) vi[k]! -= dot * vj[k]!;
    }
    let norm = 0;
    for (let k = 0; k < length; k++) norm += vi[k]! * vi[k]!;
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < length; k++) vi[k]! /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < count; i++) for (let k = 0; k < length; k++) out[rows <= cols ? i * cols + k : k * cols + i] = v[i]![k]!;
  return out;
}

export class WeightBank {
  readonly variables: { name: string; variable: tf.Variable }[] = [];

  constructor(private readonly seed: number) {}

  private add(name: string, value: tf.Tensor): tf.Variable {
    const variable = tf.variable(value, true, `seq_${this.seed}_${this.variables.length}_${name.replace(/[^A-Za-z0-9_]/g, '_')}`);
    value.dispose();
    this.variables.push({ name, variable });
    return variable;
  }

  glorot(name: string, shape: [number, number], node: number, k: number): tf.Variable {
    return this.add(name, tf.initializers.glorotUniform({ seed: deriveSeed(this.seed, node, k) }).apply(shape));
  }

  orthogonal(name: string, shape: [number, number], node: number, k: number): tf.Variable {
    return this.add(name, tf.tensor2d(orthogonalMatrix(shape[0], shape[1], deriveSeed(this.seed, node, k)), shape));
  }

  uniform(name: string, shape: number[], limit: number, node: number, k: number): tf.Variable {
    return this.add(name, tf.randomUniform(shape, -limit, limit, 'float32', deriveSeed(this.seed, node, k)));
  }

  constant(name: string, values: Float32Array, shape: number[]): tf.Variable {
    return this.add(name, tf.tensor(values, shape));
  }

  zeros(name: string, shape: number[]): tf.Variable {
    return this.add(name, tf.zeros(shape));
  }

  ones(name: string, shape: number[]): tf.Variable {
    return this.add(name, tf.ones(shape));
  }

  dispose(): void {
    for (const v of this.variables) v.variable.dispose();
    this.variables.length = 0;
  }
}
