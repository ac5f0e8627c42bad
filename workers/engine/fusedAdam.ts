/**
 * Adam with one pass over memory per variable. tfjs' AdamOptimizer runs ~14
 * element-wise kernels per variable per step (each reading and writing the
 * whole tensor), ~15 ms per step of the deep autoencoder's 2.8 M parameters
 * on wasm. Here one JS loop reads g, m, v, w and writes the new m, v, w
 * straight from/into the backend's buffers (the wasm heap, or the cpu
 * backend's arrays), into freshly allocated outputs that the variables are
 * then assigned — the same semantics as tfjs' update (nothing is changed in
 * place, so a clone of a weight taken earlier keeps its value).
 *
 * It is a subclass of tfjs' AdamOptimizer: the slot variables, their names,
 * getWeights/setWeights and the class name 'Adam' are tfjs' own, so
 * checkpoints (including the accBeta products, see checkpoint.ts) keep their
 * format and load into either optimizer. Other backends (webgl, native)
 * take tfjs' path unchanged.
 *
 * The arithmetic is tfjs' (m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * w ← w − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)), evaluated in double and
 * rounded once per stored value, so results agree with tfjs' float32 chain to
 * float tolerance, not bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Where a step's raw float32 values are read and its outputs allocated. */
interface RawBuffers {
  /** Allocate an output of `shape`; its values are written through `view` after all allocations. */
  alloc(shape: number[]): tf.TensorInfo;
  /** The values of a float32 tensor (a live view: valid until the next allocation on wasm). */
  view(info: tf.TensorInfo): Float32Array;
}

function wasmBuffers(backend: BackendWasm): RawBuffers {
  return {
    alloc: (shape) => backend.makeOutput(shape, 'float32'),
    view: (info) => backend.typedArrayFromHeap(info) as Float32Array,
  };
}

/** The cpu backend stores plain typed arrays: readSync returns the array itself, write keeps the one given. */
function cpuBuffers(backend: tf.KernelBackend): RawBuffers {
  return {
    alloc: (shape) => ({ dataId: backend.write(new Float32Array(tf.util.sizeFromShape(shape)), shape, 'float32'), shape, dtype: 'float32' }),
    view: (info) => backend.readSync(info.dataId) as Float32Array,
  };
}

function rawBuffers(): RawBuffers | undefined {
  const backend = tf.backend();
  if (backend instanceof BackendWasm) return wasmBuffers(backend);
  if (tf.getBackend() === 'cpu') return cpuBuffers(backend);
  return undefined;
}

interface AdamCoefficients { beta1: number; beta2: number; epsilon: number; learningRate: number; correction1: number; correction2: number }

/** One fused Adam update over flat arrays (outputs distinct from inputs). */
export function adamUpdate(g: Float32Array, m: Float32Array, v: Float32Array, w: Float32Array, mOut: Float32Array, vOut: Float32Array, wOut: Float32Array, c: AdamCoefficients): void {
  const { beta1, beta2, epsilon } = c;
  const g1 = 1 - beta1;
  const g2 = 1 - beta2;
  const step = -c.learningRate / c.correction1;
  const inv2 = 1 / c.correction2;
  const n = g.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const mi = beta1 * m[i]! + g1 * gi;
    const vi = beta2 * v[i]! + g2 * gi * gi;
    mOut[i] = mi;
    vOut[i] = vi;
    wOut[i] = w[i]! + (step * mi) / (Math.sqrt(vi * inv2) + epsilon);
  }
}

/** What tfjs' Adam's variableGradients holds: a name → tensor map or a list of { name, tensor }. */
type VariableGradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];
type Slot = { originalName: string; variable: tf.Variable };

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  /** Steps that took the fused path (for tests and benches: the fallback is silent otherwise). */
  fusedSteps = 0;

  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon?: number) {
    super(learningRate, beta1, beta2, epsilon);
  }

  override applyGradients(variableGradients: VariableGradients): void {
    const raw = rawBuffers();
    const named = Array.isArray(variableGradients) ? variableGradients.map((v) => [v.name, v.tensor] as const) : Object.entries(variableGradients);
    const fusable = raw !== undefined && named.every(([name, g]) => g.dtype === 'float32' && tf.engine().registeredVariables[name]?.dtype === 'float32');
    if (!fusable) {
      super.applyGradients(variableGradients);
      return;
    }
    this.fusedApply(raw, named);
    this.fusedSteps++;
  }

  private fusedApply(raw: RawBuffers, named: readonly (readonly [string, tf.Tensor | undefined])[]): void {
    // The parent's private state, reached by element access: its slots must stay where getWeights/setWeights look.
    const firstMoments: (Slot | undefined)[] = this['accumulatedFirstMoment'];
    const secondMoments: (Slot | undefined)[] = this['accumulatedSecondMoment'];
    const accBeta1: tf.Variable = this['accBeta1'];
    const accBeta2: tf.Variable = this['accBeta2'];
    const coefficients: AdamCoefficients = {
      beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, learningRate: this.learningRate,
      correction1: 1 - accBeta1.dataSync()[0]!, correction2: 1 - accBeta2.dataSync()[0]!,
    };
    tf.tidy(() => {
      named.forEach(([name, gradient], i) => {
        const value = tf.engine().registeredVariables[name]!;
        firstMoments[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        secondMoments[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        if (gradient === undefined) return;
        const m = firstMoments[i].variable;
        const v = secondMoments[i].variable;
        // Allocate first: on wasm an allocation may grow the heap, which detaches earlier views.
        const outs = [raw.alloc(m.shape), raw.alloc(v.shape), raw.alloc(value.shape)];
        adamUpdate(raw.view(gradient), raw.view(m), raw.view(v), raw.view(value), raw.view(outs[0]!), raw.view(outs[1]!), raw.view(outs[2]!), coefficients);
        const [mNew, vNew, wNew] = outs.map((o) => tf.engine().makeTensorFromTensorInfo(o));
        m.assign(mNew!);
        v.assign(vNew!);
        value.assign(wNew!);
      });
      accBeta1.assign(tf.mul(accBeta1, this.beta1));
      accBeta2.assign(tf.mul(accBeta2, this.beta2));
    });
    this.incrementIterations();
  }
}
