/**
 * Unrolled GANs (Metz et al. 2016, "Unrolled generative adversarial networks").
 *
 * The generator step minimises the surrogate f_K(θ_G) = L_G(θ_G, θ_D^K): its
 * loss against the discriminator advanced K steps from its current weights,
 *   θ_D^0 = θ_D,  θ_D^{k+1} = θ_D^k + update_k(∇_{θ_D} L_D(θ_D^k, θ_G)).
 * Those K steps are computed on copies and never applied: the discriminator's
 * own weights (and its optimizer's state) get only its normal dSteps updates.
 *
 * - Update rule: the discriminator optimizer's own (tfjs SGD, Momentum with or
 *   without Nesterov, Adam), applied functionally to copies of D's weights and
 *   of that optimizer's current state (momentum accumulators; Adam's first and
 *   second moments and its step count for the bias correction), so unrolled
 *   step k is exactly the update D's optimizer would make next (in the
 *   second-order mode Adam's √v̂ is taken as √(v̂ + 1e-16), so that its
 *   derivative stays finite where v̂ = 0; a change below 1e-8 in a
 *   denominator that also holds ε = 1e-7).
 * - Data: every unrolled step uses the step's LAST real batch (the one D's
 *   last update used) and a fresh noise draw of its own; the generator's loss
 *   another fresh draw. WGAN: the unrolled weights are clipped like D's;
 *   WGAN-GP: the unrolled loss includes the gradient penalty.
 * - Gradient, 'second-order' (the paper's method): the K updates are computed
 *   inside the generator's gradient tape (nested tf.grads), so the gradient
 *   includes dθ_D^K/dθ_G: the generator is pushed by how D would react to it.
 *   'first-order': θ_D^K is a constant and the generator gets ∂L_G(θ_G, θ_D^K)/∂θ_G
 *   only (what many implementations do; measured on wasm with the toy MLPs at
 *   K = 5: 17–27 ms per step against 60–140 ms for second order, batch 32–128;
 *   a run falls back to it, saying so, when the backend cannot take the
 *   higher-order gradient through this discriminator). Higher-order gradients
 *   through tanh, sigmoid and convolutions need the gradients registered by
 *   ensureHigherOrderGradients (losses.ts).
 *
 * The generator's own batch-norm moving averages see the K extra generator
 * passes (they average the current generator's activations, which those
 * passes are too); D's are restored, so D keeps no trace of the unrolling.
 *
 * A LayersModel runs on weights that are tensors rather than its variables
 * through `withWeightValues`: tf.layers reads every weight through
 * LayerVariable.read() when a layer is called, so that method is pointed at
 * the given tensors for the duration of the call. State that the extra
 * passes change (D's batch-norm moving averages) is restored by the caller.
 */
import * as tf from '@tensorflow/tfjs';

/** Run `fn` with the layer weights reading `values` (same order) instead of their variables. */
export function withWeightValues<T>(weights: readonly tf.LayerVariable[], values: readonly tf.Tensor[], fn: () => T): T {
  if (weights.length !== values.length) throw new Error(`internal: ${weights.length} weights but ${values.length} values`);
  const saved = weights.map((w) => Object.getOwnPropertyDescriptor(w, 'read'));
  weights.forEach((w, i) => {
    const v = values[i]!;
    Object.defineProperty(w, 'read', { value: () => v, configurable: true, writable: true });
  });
  try {
    return fn();
  } finally {
    weights.forEach((w, i) => {
      const d = saved[i];
      if (d) Object.defineProperty(w, 'read', d);
      else Reflect.deleteProperty(w, 'read');
    });
  }
}

export type UnrollRuleKind = 'sgd' | 'momentum' | 'adam';

/** The discriminator optimizer's update rule and its current state, read without changing it. */
export interface UnrollRule {
  kind: UnrollRuleKind;
  learningRate: number;
  momentum: number;
  nesterov: boolean;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Updates the optimizer has applied (Adam's bias correction continues from there). */
  iterations: number;
  /** Per weight: [] (SGD), [accumulator] (momentum), [m, v] (Adam): the optimizer's own variables, only read. */
  slots: tf.Tensor[][];
  /** Zero slots made here for weights the optimizer has not updated yet: dispose with disposeUnrollRule. */
  owned: tf.Tensor[];
}

const num = (c: tf.serialization.ConfigDict, key: string, fallback: number): number => (typeof c[key] === 'number' ? c[key] : fallback);

/**
 * Read `opt`'s rule and state for the variables `vars` (in the order of D's
 * trainable weights). tfjs keeps an optimizer's slots by position (slot i
 * belongs to the i-th variable of its first update, whatever the names), and
 * D's updates always pass `vars` in this order, so the slots are read by
 * position too: their names are the variables' names when the slots were
 * made, which differ after a checkpoint is restored into variables that
 * tfjs named apart.
 */
export async function readUnrollRule(opt: tf.Optimizer, vars: readonly tf.Variable[]): Promise<UnrollRule> {
  const cls = opt.getClassName();
  const kind: UnrollRuleKind | undefined = cls === 'SGD' ? 'sgd' : cls === 'Momentum' ? 'momentum' : cls === 'Adam' ? 'adam' : undefined;
  if (!kind) throw new Error(`Unrolling supports the sgd, momentum and adam optimizers, not ${cls}`);
  const c = opt.getConfig();
  const named = await opt.getWeights();
  // The first entry is the iteration count, a fresh scalar; the rest are the optimizer's own variables:
  // each kind of slot for every variable in turn (Adam: every m, then every v).
  tf.dispose(named[0]?.tensor);
  const stored = named.slice(1);
  const suffixes = kind === 'sgd' ? [] : kind === 'momentum' ? ['momentum'] : ['m', 'v'];
  if (stored.length > 0 && stored.length !== suffixes.length * vars.length) {
    throw new Error(`Unrolling: the discriminator optimizer keeps ${stored.length} slots, not ${suffixes.length} for each of its ${vars.length} weights`);
  }
  const owned: tf.Tensor[] = [];
  const slot = (i: number, s: number): tf.Tensor => {
    const t = stored[s * vars.length + i]?.tensor;
    if (t) return t;
    const z = tf.zerosLike(vars[i]!);
    owned.push(z);
    return z;
  };
  return {
    kind,
    learningRate: num(c, 'learningRate', 0.001),
    momentum: num(c, 'momentum', 0),
    nesterov: c['useNesterov'] === true,
    beta1: num(c, 'beta1', 0.9),
    beta2: num(c, 'beta2', 0.999),
    epsilon: num(c, 'epsilon', 1e-7),
    iterations: opt.iterations,
    slots: vars.map((_, i) => suffixes.map((_s, k) => slot(i, k))),
    owned,
  };
}

export function disposeUnrollRule(rule: UnrollRule): void {
  tf.dispose(rule.owned);
}

/** One functional update of (weights, slots) by the rule, at unrolled step j. Callers tidy. */
function ruleStep(rule: UnrollRule, j: number, ws: readonly tf.Tensor[], slots: readonly tf.Tensor[][], grads: readonly tf.Tensor[], differentiable: boolean): { ws: tf.Tensor[]; slots: tf.Tensor[][] } {
  const lr = rule.learningRate;
  switch (rule.kind) {
    case 'sgd':
      return { ws: ws.map((w, i) => tf.sub(w, tf.mul(grads[i]!, lr))), slots: slots.map(() => []) };
    case 'momentum': {
      const acc = slots.map((s, i) => tf.add(tf.mul(s[0]!, rule.momentum), grads[i]!));
      const step = (i: number): tf.Tensor => (rule.nesterov ? tf.add(grads[i]!, tf.mul(acc[i]!, rule.momentum)) : acc[i]!);
      return { ws: ws.map((w, i) => tf.sub(w, tf.mul(step(i), lr))), slots: acc.map((a) => [a]) };
    }
    case 'adam': {
      // tfjs' Adam at iteration t (counted from 0) divides by 1 − β^(t+1).
      const t = rule.iterations + 1 + j;
      const bc1 = 1 - rule.beta1 ** t;
      const bc2 = 1 - rule.beta2 ** t;
      const next = slots.map((s, i) => {
        const g = grads[i]!;
        const m = tf.add(tf.mul(s[0]!, rule.beta1), tf.mul(g, 1 - rule.beta1));
        const v = tf.add(tf.mul(s[1]!, rule.beta2), tf.mul(tf.square(g), 1 - rule.beta2));
        return [m, v];
      });
      const update = (i: number): tf.Tensor => {
        const [m, v] = next[i] as [tf.Tensor, tf.Tensor];
        const vHat = tf.div(v, bc2);
        const denom = tf.add(tf.sqrt(differentiable ? tf.add(vHat, 1e-16) : vHat), rule.epsilon);
        return tf.mul(tf.div(tf.div(m, bc1), denom), lr);
      };
      return { ws: ws.map((w, i) => tf.sub(w, update(i))), slots: next };
    }
  }
}

/** F: what a generated batch is (the examples, or the examples with their labels in a conditional GAN). */
export interface UnrollOptions<F = tf.Tensor> {
  steps: number;
  secondOrder: boolean;
  rule: UnrollRule;
  /** Generated examples for unrolled step j (fresh noise, and fresh labels when conditional; the generator in training mode). */
  fakeBatch: (j: number) => F;
  /** The discriminator's loss on the real batch and `fake` at D's weights as read (WGAN-GP: with its penalty; AC-GAN: with the class terms). */
  discriminatorLoss: (fake: F, j: number) => tf.Scalar;
  /** WGAN: clip every unrolled weight to ±clipValue after each update. */
  clipValue?: number;
  /** The generator's loss at D's weights as read (it draws its own noise). */
  generatorLoss: () => tf.Scalar;
}

/**
 * The generator's unrolled loss and its gradients with respect to `gVars`.
 * D's variables and its optimizer are only read. Callers tidy (the first-order
 * mode also frees each unrolled step's weights as soon as the next exist).
 */
export function unrolledGeneratorGrads<F>(D: tf.LayersModel, gVars: tf.Variable[], o: UnrollOptions<F>): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const weights = D.trainableWeights;
  const w0 = weights.map((w) => w.read());
  const clip = (ws: tf.Tensor[]): tf.Tensor[] => (o.clipValue === undefined ? ws : ws.map((w) => tf.clipByValue(w, -o.clipValue!, o.clipValue!)));
  const dGrads = (ws: readonly tf.Tensor[], fake: F, j: number): tf.Tensor[] =>
    tf.grads((...w: tf.Tensor[]) => withWeightValues(weights, w, () => o.discriminatorLoss(fake, j)))([...ws]);

  if (o.secondOrder) {
    return tf.variableGrads(() => {
      let ws: tf.Tensor[] = w0;
      let slots = o.rule.slots;
      for (let j = 0; j < o.steps; j++) {
        const fake = o.fakeBatch(j);
        const next = ruleStep(o.rule, j, ws, slots, dGrads(ws, fake, j), true);
        ws = clip(next.ws);
        slots = next.slots;
      }
      return withWeightValues(weights, ws, o.generatorLoss);
    }, gVars);
  }

  let ws: tf.Tensor[] = w0;
  let slots = o.rule.slots;
  let held: tf.Tensor[] = [];
  try {
    for (let j = 0; j < o.steps; j++) {
      const flat = tf.tidy(() => {
        const next = ruleStep(o.rule, j, ws, slots, dGrads(ws, o.fakeBatch(j), j), false);
        return [...clip(next.ws), ...next.slots.flat()];
      });
      tf.dispose(held);
      held = flat;
      ws = flat.slice(0, w0.length);
      let k = w0.length;
      slots = slots.map((s) => s.map(() => flat[k++]!));
    }
    return tf.variableGrads(() => withWeightValues(weights, ws, o.generatorLoss), gVars);
  } finally {
    tf.dispose(held);
  }
}
