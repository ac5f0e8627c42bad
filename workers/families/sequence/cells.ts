/**
 * The recurrent cells, fused: the input projection of every step and every
 * gate is one matrix product before the loop (x [B·T, in] × W [in, G·H]);
 * each step then does one product h × U [H, G·H], one split and the gate
 * arithmetic — no per-gate products, no per-step unstack/stack of the
 * layers API. Gate order is Keras's (LSTM i, f, c, o; GRU z, r, h), so the
 * weights read the same as a tf.layers cell's.
 *
 * A probe (a zero tensor [B, H] per step) may be added to each step's state
 * before it feeds the next step and the output: the gradient of a loss with
 * respect to probe t is then ∂L/∂h_t through time — the textbook picture of
 * vanishing and exploding gradients (gradientThroughTime.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../../common/layers';
import { activate, gate, mmTransposed } from './ops';

export type CellKind = 'simpleRnn' | 'lstm' | 'gru';
export const CELL_GATES: Readonly<Record<CellKind, number>> = { simpleRnn: 1, lstm: 4, gru: 3 };

export interface CellSpec {
  kind: CellKind;
  units: number;
  activation: Activation;
  recurrentActivation: 'sigmoid' | 'hardSigmoid';
}

export interface CellWeights {
  /** [in, G·H] */
  kernel: tf.Tensor;
  /** [H, G·H] */
  recurrent: tf.Tensor;
  /** [G·H] */
  bias: tf.Tensor;
}

export interface CellRunOptions {
  /** The state to start from ([h] or LSTM's [h, c]); zeros when absent. */
  initial?: readonly tf.Tensor[];
  /** One [B, H] tensor per step, added to h_t (in time order). */
  probes?: readonly tf.Tensor[];
  /** Read the sequence from the last step to the first (a bidirectional layer's backward copy). */
  reverse?: boolean;
  /**
   * No gradient will be taken (evaluation, sampling): the products are plain
   * matMuls on the weights, skipping the transposes of the kernel and the
   * recurrent matrix that only the backward pass reads. Sampling one token at
   * a time calls the cell once per token, and those two transposes
   * ([in + H] × G·H floats) were most of such a call's work. A gradient taken
   * anyway is still right (tfjs's own MatMul gradient), only slower.
   */
  inference?: boolean;
}

export interface CellRun {
  /** h_t for t = 1 … T, in time order (a reversed run's too). */
  outputs: tf.Tensor2D[];
  /** The state after the last step read ([h] or [h, c]). */
  final: tf.Tensor2D[];
}

type Step = (xw: tf.Tensor2D, state: tf.Tensor2D[]) => tf.Tensor2D[];
/** h × m for a matrix m used at every step of the sequence. */
type Product = (h: tf.Tensor, m: tf.Tensor) => tf.Tensor2D;

/** The per-step product by `m`: with mᵀ computed once for the backward pass (training), or a plain matMul (inference). */
function productBy(m: tf.Tensor, inference: boolean): Product {
  return inference ? (h, mm) => tf.matMul(h as tf.Tensor2D, mm as tf.Tensor2D) : mmTransposed(tf.transpose(m));
}

function lstmStep(spec: CellSpec, u: tf.Tensor, inference: boolean): Step {
  const act = (x: tf.Tensor) => activate(x, spec.activation);
  const mm = productBy(u, inference);
  return (xw, [h, c]) => {
    const z = tf.add(xw, mm(h!, u));
    const [i, f, g, o] = tf.split(z, 4, 1);
    const cNext = tf.add(tf.mul(gate(f!, spec.recurrentActivation), c!), tf.mul(gate(i!, spec.recurrentActivation), act(g!))) as tf.Tensor2D;
    return [tf.mul(gate(o!, spec.recurrentActivation), act(cNext)) as tf.Tensor2D, cNext];
  };
}

function gruStep(spec: CellSpec, u: tf.Tensor, inference: boolean): Step {
  const H = spec.units;
  // Sliced once per sequence, not per step; the gradient flows back through the slices.
  const uzr = tf.slice(u, [0, 0], [H, 2 * H]);
  const uh = tf.slice(u, [0, 2 * H], [H, H]);
  const [mmZr, mmH] = [productBy(uzr, inference), productBy(uh, inference)];
  return (xw, [h]) => {
    const [xzr, xh] = tf.split(xw, [2 * H, H], 1);
    const [z, r] = tf.split(gate(tf.add(xzr!, mmZr(h!, uzr)), spec.recurrentActivation), 2, 1);
    const candidate = activate(tf.add(xh!, mmH(tf.mul(r!, h!), uh)), spec.activation);
    return [tf.add(tf.mul(z!, h!), tf.mul(tf.sub(1, z!), candidate)) as tf.Tensor2D];
  };
}

function simpleStep(spec: CellSpec, u: tf.Tensor, inference: boolean): Step {
  const mm = productBy(u, inference);
  return (xw, [h]) => [activate(tf.add(xw, mm(h!, u)), spec.activation) as tf.Tensor2D];
}

const STEPS: Readonly<Record<CellKind, (spec: CellSpec, u: tf.Tensor, inference: boolean) => Step>> = { lstm: lstmStep, gru: gruStep, simpleRnn: simpleStep };

/** Run a cell over x [B, T, in]. Callers tidy. */
export function runCell(spec: CellSpec, w: CellWeights, x: tf.Tensor3D, o: CellRunOptions = {}): CellRun {
  const [B, T] = x.shape;
  const H = spec.units;
  // The input projection runs per step on slices of the (narrow) input, not once on all steps
  // followed by slicing [B, T, G·H]: tfjs-wasm's Slice copies its whole input for every slice, so
  // unstacking the projection copied T × B × T × G·H floats (a third of a char-LSTM 256's step).
  const perStepX = tf.unstack(tf.transpose(x, [1, 0, 2]), 0) as tf.Tensor2D[];
  const inference = o.inference ?? false;
  const project = productBy(w.kernel, inference);
  const step = STEPS[spec.kind](spec, w.recurrent, inference);
  const zeros = tf.zeros([B, H]) as tf.Tensor2D;
  let state: tf.Tensor2D[] = o.initial ? o.initial.map((s) => s as tf.Tensor2D) : spec.kind === 'lstm' ? [zeros, zeros] : [zeros];
  const outputs: tf.Tensor2D[] = new Array<tf.Tensor2D>(T);
  for (let k = 0; k < T; k++) {
    const t = o.reverse ? T - 1 - k : k;
    state = step(tf.add(project(perStepX[t]!, w.kernel), w.bias) as tf.Tensor2D, state);
    const probe = o.probes?.[t];
    if (probe) state = [tf.add(state[0]!, probe) as tf.Tensor2D, ...state.slice(1)];
    outputs[t] = state[0]!;
  }
  return { outputs, final: state };
}

/**
 * Per-step outputs [B, H] × T as one [B, T, H] tensor. The gradient hands
 * each step its slice of dy through one read of dy's values rather than
 * tfjs's Unpack, which on wasm copies all of dy once per step.
 */
export function stackSteps(outputs: readonly tf.Tensor2D[]): tf.Tensor3D {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const steps = args.slice(0, -1) as tf.Tensor2D[];
    const [B, H] = steps[0]!.shape;
    return {
      value: tf.transpose(tf.stack(steps, 0), [1, 0, 2]),
      gradFunc: (dy: tf.Tensor) => {
        const values = tf.transpose(dy, [1, 0, 2]).dataSync();
        return steps.map((_, t) => tf.tensor2d(values.subarray(t * B * H, (t + 1) * B * H), [B, H]));
      },
    };
  }) as (...xs: tf.Tensor2D[]) => tf.Tensor3D;
  return f(...outputs);
}

/** Initial bias: zeros, with the LSTM forget gate's quarter at 1 when `unitForgetBias`. */
export function initialBias(kind: CellKind, units: number, unitForgetBias: boolean): Float32Array {
  const b = new Float32Array(CELL_GATES[kind] * units);
  if (kind === 'lstm' && unitForgetBias) b.fill(1, units, 2 * units);
  return b;
}
