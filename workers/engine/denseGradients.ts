/**
 * Dense layers' input gradient computed the way wasm's matmul is fast.
 *
 * For y = x·W (x [B, I], W [I, O]) tfjs computes dx = dy·Wᵀ as
 * matMul(dy, W, false, true), which wasmKernels.ts runs as an explicit
 * transpose of W and a plain product. XNNPACK packs the right operand on
 * every call it has not cached, so this packs a fresh Wᵀ ([O, I], the big
 * matrix) each step and runs ~40 % slower than the forward matmul (issue 17:
 * a 64×784 · 784×256 dx takes ~1.4 ms against ~0.8 ms). The same product
 * as dx = (W·dyᵀ)ᵀ packs only dyᵀ ([O, B], small) and costs two small
 * transposes. The weight gradient dW = xᵀ·dy already has the small dy on
 * the right and stays as tfjs computes it.
 *
 * setDenseGradients(true) (prepareTrainingBackend, on wasm) registers that gradient for 2-D BatchMatMul
 * without transposes whose W has at least MIN_WEIGHTS values (every other
 * case goes to tfjs' own gradient), and
 * routes tf.fused.matMul's taped linear case — a Dense layer with a bias and
 * no relu, which tfjs runs as a customGrad that takes the slow dx — to
 * matMul + add, whose gradients are the registered one and the tape's
 * (only those of inputs on a path from the variables are computed). The
 * rounding of the sums differs from tfjs' (another summation order), so
 * values agree to float32 rounding, not bit for bit. tf.layers reads
 * tf.fused at call time, so replacing its member reaches Dense layers.
 */
import * as tf from '@tensorflow/tfjs';

type FusedMatMulArgs = Parameters<typeof tf.fused.matMul>[0];

const originalFusedMatMul = tf.fused.matMul;
/**
 * Weights of at least this many values take the (W·dyᵀ)ᵀ route. Below it,
 * packing W is cheap and the two extra transposes cost as much as they save
 * (a 64×128 · 128×10 dx: 23 µs either way; 64×784 · 784×128: 0.54 → 0.34 ms).
 */
const MIN_WEIGHTS = 1 << 14;
let tfjsGradient: tf.GradConfig | undefined;

/** dx = (W·dyᵀ)ᵀ and dW = xᵀ·dy for a plain 2-D product; tfjs' gradient otherwise. */
function denseGradient(original: tf.GradConfig): tf.GradConfig {
  return {
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      const g = dy as tf.Tensor;
      if (attrs['transposeA'] || attrs['transposeB'] || a.rank !== 2 || b.rank !== 2 || g.rank !== 2 || b.size < MIN_WEIGHTS) return original.gradFunc(dy, saved, attrs);
      return {
        a: () => tf.transpose(tf.matMul(b, tf.transpose(g))),
        b: () => tf.matMul(a, g, true, false),
      };
    },
  };
}

const isTensor = (t: unknown): t is tf.Tensor => t instanceof tf.Tensor;

/** Taped, linear, no transposes, 2-D float operands, a 1-D bias or none (tf.layers passes null). */
function unfusedCase(o: FusedMatMulArgs): boolean {
  return tf.engine().state.gradientDepth > 0
    && (o.activation ?? 'linear') === 'linear' && o.preluActivationWeights === undefined
    && !o.transposeA && !o.transposeB
    && isTensor(o.a) && o.a.rank === 2 && o.a.dtype === 'float32'
    && isTensor(o.b) && o.b.rank === 2 && o.b.dtype === 'float32'
    && (o.bias == null || (isTensor(o.bias) && o.bias.rank === 1 && o.bias.dtype === 'float32'));
}

function denseMatMul(o: FusedMatMulArgs): tf.Tensor {
  if (!unfusedCase(o)) return originalFusedMatMul(o);
  const product = tf.matMul(o.a as tf.Tensor2D, o.b as tf.Tensor2D);
  return o.bias == null ? product : tf.add(product, o.bias as tf.Tensor1D);
}

/** Use the fast dense input gradient (true) or tfjs' own (false). Idempotent. */
export function setDenseGradients(enabled: boolean): void {
  tfjsGradient ??= tf.getGradient('BatchMatMul');
  tf.registerGradient(enabled ? denseGradient(tfjsGradient) : tfjsGradient);
  Reflect.set(tf.fused, 'matMul', enabled ? denseMatMul : originalFusedMatMul);
}
