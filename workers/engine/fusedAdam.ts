/**
 * Adam with one pass over memory per variable. tfjs' AdamOptimizer runs ~14
 * element-wise kernels per variable per step (each reading and writing the
 * whole tensor), ~15 ms per step of the deep autoencoder's 2.8 M parameters
 * on wasm. Here one loop reads g, m, v, w and writes the new m, v, w
 * straight from/into the backend's buffers — on wasm a SIMD function on the
 * backend's own memory (simdKernels.ts), on cpu a JS loop over its arrays —
 * into freshly allocated outputs that the variables are
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
 * w ← w − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)) with the bias corrections
 * folded into two scalars (float32 on wasm, double on cpu), so results agree
 * with tfjs' float32 chain to float tolerance, not bit for bit.
 */
import * as tf from '@tensorflow/tfjs';
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { adamKernelFor } from './simdKernels';

interface AdamCoefficients { beta1: number; beta2: number; epsilon: number; learningRate: number; correction1: number; correction2: number }

/** Where a step's outputs are allocated and how one variable's update runs on them. */
interface UpdateBackend {
  /** Allocate a float32 output of `shape` (its values are written by `update`). */
  alloc(shape: number[]): tf.TensorInfo;
  /** Read g, m, v, w; write m', v', w' into `outs` (allocated first: on wasm an allocation may grow the heap). */
  update(g: tf.TensorInfo, m: tf.TensorInfo, v: tf.TensorInfo, w: tf.TensorInfo, outs: readonly tf.TensorInfo[], c: AdamCoefficients): void;
}

/** The JS loop over live views of the backend's arrays. */
function viewUpdate(view: (info: tf.TensorInfo) => Float32Array): UpdateBackend['update'] {
  return (g, m, v, w, outs, c) => adamUpdate(view(g), view(m), view(v), view(w), view(outs[0]!), view(outs[1]!), view(outs[2]!), c);
}

function wasmBackend(backend: BackendWasm): UpdateBackend {
  const alloc = (shape: number[]): tf.TensorInfo => backend.makeOutput(shape, 'float32');
  const kernel = adamKernelFor(backend.wasm);
  if (!kernel) return { alloc, update: viewUpdate((info) => backend.typedArrayFromHeap(info) as Float32Array) };
  const at = (info: tf.TensorInfo): number => backend.getMemoryOffset(info.dataId);
  return {
    alloc,
    update: (g, m, v, w, outs, c) => kernel(at(g), at(m), at(v), at(w), at(outs[0]!), at(outs[1]!), at(outs[2]!), tf.util.sizeFromShape(g.shape),
      c.beta1, c.beta2, 1 - c.beta1, 1 - c.beta2, -c.learningRate / c.correction1, 1 / c.correction2, c.epsilon),
  };
}

/** The cpu backend stores plain typed arrays: readSync returns the array itself, write keeps the one given. */
function cpuBackend(backend: tf.KernelBackend): UpdateBackend {
  return {
    alloc: (shape) => ({ dataId: backend.write(new Float32Array(tf.util.sizeFromShape(shape)), shape, 'float32'), shape, dtype: 'float32' }),
    update: viewUpdate((info) => backend.readSync(info.dataId) as Float32Array),
  };
}

function updateBackend(): UpdateBackend | undefined {
  const backend = tf.backend();
  if (backend instanceof BackendWasm) return wasmBackend(backend);
  if (tf.getBackend() === 'cpu') return cpuBackend(backend);
  return undefined;
}

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
    const raw = updateBackend();
    const named = Array.isArray(variableGradients) ? variableGradients.map((v) => [v.name, v.tensor] as const) : Object.entries(variableGradients);
    const fusable = raw !== undefined && named.every(([name, g]) => g.dtype === 'float32' && tf.engine().registeredVariables[name]?.dtype === 'float32');
    if (!fusable) {
      super.applyGradients(variableGradients);
      return;
    }
    this.fusedApply(raw, named);
    this.fusedSteps++;
  }

  private fusedApply(raw: UpdateBackend, named: readonly (readonly [string, tf.Tensor | undefined])[]): void {
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
        raw.update(gradient, m, v, value, outs, coefficients);
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
