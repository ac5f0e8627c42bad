/**
 * Choosing a sequence model's next token from its output vector (issue 12):
 * greedy, temperature and top-k, with seeded draws so the same seed gives the
 * same generated text, and the chosen token's probability for the UI.
 *
 * The vector may hold logits or log-probabilities: softmax(log p) = p, so both
 * give the same distribution. `-Infinity` entries (masked tokens) get
 * probability 0. Pure: plain arrays, no tfjs.
 */
import { mulberry32 } from '../prng';

export type Logits = Float32Array | Float64Array | readonly number[];

/** Refuses an empty vector, NaN or +Infinity, and a vector with no finite entry (nothing to choose). */
function checkLogits(logits: Logits): void {
  if (logits.length === 0) throw new RangeError('There are no logits to choose a token from.');
  let finite = false;
  for (let i = 0; i < logits.length; i++) {
    const x = logits[i] ?? Number.NaN;
    if (Number.isNaN(x) || x === Infinity) throw new RangeError(`Logit ${i} is ${x}; logits must be finite numbers or -Infinity.`);
    if (x !== -Infinity) finite = true;
  }
  if (!finite) throw new RangeError('Every logit is -Infinity: no token can be chosen.');
}

function checkTemperature(temperature: number): void {
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new RangeError(`The temperature must be a finite number > 0 (use greedy decoding for the limit T → 0); got ${temperature}.`);
  }
}

function checkTopK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`top-k must be a whole number ≥ 1; got ${k}.`);
}

/**
 * softmax(logits / T), computed stably: the largest logit is subtracted before
 * exponentiating, so large logits cannot overflow to Infinity/Infinity = NaN.
 * T < 1 sharpens the distribution, T > 1 flattens it. In float64 whatever the input.
 */
export function softmax(logits: Logits, temperature = 1): Float64Array {
  checkLogits(logits);
  checkTemperature(temperature);
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] ?? -Infinity);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp(((logits[i] ?? -Infinity) - max) / temperature);
    sum += out[i] ?? 0;
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) / sum;
  return out;
}

/** The id of the largest logit; on a tie, the lowest id (so greedy decoding never depends on iteration quirks). */
export function greedyToken(logits: Logits): number {
  checkLogits(logits);
  let best = 0;
  for (let i = 1; i < logits.length; i++) if ((logits[i] ?? -Infinity) > (logits[best] ?? -Infinity)) best = i;
  return best;
}

/**
 * The ids of the k largest logits, largest first; equal logits in id order, so
 * the kept set is the same on every machine. k beyond the vocabulary keeps all.
 */
export function topKIds(logits: Logits, k: number): number[] {
  checkLogits(logits);
  checkTopK(k);
  const ids = Array.from({ length: logits.length }, (_, i) => i);
  ids.sort((a, b) => (logits[b] ?? -Infinity) - (logits[a] ?? -Infinity) || a - b);
  return ids.slice(0, Math.min(k, ids.length));
}

export type SamplingStrategy =
  | { kind: 'greedy' }
  /** Draw from softmax(logits / temperature), restricted to the `topK` largest logits when given. */
  | { kind: 'sample'; temperature: number; topK?: number };

/** A chosen token and its probability under the distribution it was drawn from (for greedy: softmax at T = 1). */
export interface TokenChoice {
  token: number;
  probability: number;
}

/**
 * The distribution `strategy` samples from: softmax(logits / T) with every id
 * outside the top k set to 0 and the rest renormalised.
 */
export function samplingDistribution(logits: Logits, temperature: number, topK?: number): Float64Array {
  checkTemperature(temperature);
  if (topK === undefined) return softmax(logits, temperature);
  const kept = topKIds(logits, topK);
  const restricted = new Float64Array(logits.length).fill(-Infinity);
  for (const id of kept) restricted[id] = logits[id] ?? -Infinity;
  return softmax(restricted, temperature);
}

/**
 * A draw from `probabilities` by inverse CDF with one uniform number u ∈ [0, 1):
 * the first id (in id order) whose cumulative probability exceeds u. If
 * rounding leaves the sum just under u, the last id with probability > 0 is taken.
 */
export function drawFrom(probabilities: ArrayLike<number>, u: number): number {
  let cumulative = 0;
  let last = -1;
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i] ?? 0;
    if (p <= 0) continue;
    last = i;
    cumulative += p;
    if (u < cumulative) return i;
  }
  if (last < 0) throw new RangeError('The distribution has no token with probability > 0.');
  return last;
}

/** The next token by `strategy`, drawing from `rng` (uniform in [0, 1)) when it samples; greedy uses no randomness. */
export function chooseToken(logits: Logits, strategy: SamplingStrategy, rng: () => number): TokenChoice {
  if (strategy.kind === 'greedy') {
    const token = greedyToken(logits);
    return { token, probability: softmax(logits)[token] ?? 0 };
  }
  const probabilities = samplingDistribution(logits, strategy.temperature, strategy.topK);
  const token = drawFrom(probabilities, rng());
  return { token, probability: probabilities[token] ?? 0 };
}

/**
 * A sampler seeded once for a whole generated text: each call chooses the next
 * token, so the same seed, strategy and model outputs give the same text.
 * The strategy is checked here, before any token is asked for.
 */
export function tokenSampler(seed: number, strategy: SamplingStrategy): (logits: Logits) => TokenChoice {
  if (strategy.kind === 'sample') {
    checkTemperature(strategy.temperature);
    if (strategy.topK !== undefined) checkTopK(strategy.topK);
  }
  const rng = mulberry32(seed);
  return (logits) => chooseToken(logits, strategy, rng);
}
