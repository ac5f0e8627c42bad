/**
 * The sequence runtime's weights: named tf.Variables (`<node>/<weight>`,
 * checkpointed by name like the RBM's), created with seeded initialisers so a
 * run's seed fixes its starting point.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../../common/prng';

/** tfjs's orthogonal initialiser runs a QR decomposition: above this many elements, Glorot instead. */
const ORTHOGONAL_MAX_ELEMENTS = 1 << 20;

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
    if (shape[0] * shape[1] > ORTHOGONAL_MAX_ELEMENTS) return this.glorot(name, shape, node, k);
    return this.add(name, tf.initializers.orthogonal({ seed: deriveSeed(this.seed, node, k) }).apply(shape));
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
