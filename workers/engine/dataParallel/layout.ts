/**
 * The shared memory of one data-parallel run (pure: no tfjs, no node): one
 * SharedArrayBuffer that the leader and every replica thread view the same
 * way. Regions, in order:
 * - control (Int32): the barrier's count and generation, an abort flag, the
 *   command and the global batch size of the current round;
 * - per-replica results (Float64): each shard's mean loss and correct count;
 * - the global batch: inputs (Float32, maxBatch × features) and labels (Int32);
 * - gradients (Float32, replicas × params): replica i writes its shard's mean
 *   gradient of every trainable weight, flattened in model order, at row i;
 * - the average (Float32, params): the weighted mean of the rows, which every
 *   replica then applies — also used to hand the leader's weights to replicas.
 */

export const CONTROL = { count: 0, generation: 1, abort: 2, command: 3, batch: 4 } as const;
const CONTROL_SLOTS = 8;

/** What a round asks every replica to do (control[command]). */
export const COMMAND = { step: 1, loadWeights: 2, reportWeights: 3 } as const;
export type Command = (typeof COMMAND)[keyof typeof COMMAND];

export interface ExchangeSizes {
  /** Threads taking part, the leader included. */
  replicas: number;
  /** Trainable parameters, all weights flattened. */
  params: number;
  /** Values per example (28×28×1 = 784). */
  features: number;
  /** Largest global batch a round may carry. */
  maxBatch: number;
}

export interface ExchangeViews {
  sizes: ExchangeSizes;
  control: Int32Array;
  /** [loss₀, correct₀, loss₁, correct₁, …]. */
  results: Float64Array;
  inputs: Float32Array;
  labels: Int32Array;
  /** Row i (params long) is replica i's gradient. */
  gradients: Float32Array;
  average: Float32Array;
}

function regions(s: ExchangeSizes): { bytes: number; offsets: number[] } {
  const lengths = [CONTROL_SLOTS * 4, s.replicas * 2 * 8, s.maxBatch * s.features * 4, s.maxBatch * 4, s.replicas * s.params * 4, s.params * 4];
  const offsets: number[] = [];
  let at = 0;
  for (const length of lengths) {
    offsets.push(at);
    at += Math.ceil(length / 8) * 8; // every region 8-byte aligned (the Float64 results need it)
  }
  return { bytes: at, offsets };
}

export function allocateExchange(sizes: ExchangeSizes): SharedArrayBuffer {
  return new SharedArrayBuffer(regions(sizes).bytes);
}

export function exchangeViews(buffer: SharedArrayBuffer, sizes: ExchangeSizes): ExchangeViews {
  const { offsets } = regions(sizes);
  const o = (i: number): number => offsets[i]!;
  return {
    sizes,
    control: new Int32Array(buffer, o(0), CONTROL_SLOTS),
    results: new Float64Array(buffer, o(1), sizes.replicas * 2),
    inputs: new Float32Array(buffer, o(2), sizes.maxBatch * sizes.features),
    labels: new Int32Array(buffer, o(3), sizes.maxBatch),
    gradients: new Float32Array(buffer, o(4), sizes.replicas * sizes.params),
    average: new Float32Array(buffer, o(5), sizes.params),
  };
}

/** [from, to) of part `i` of `n` contiguous parts of `length` (sizes differ by at most one). */
export function partRange(length: number, n: number, i: number): [number, number] {
  return [Math.floor((i * length) / n), Math.floor(((i + 1) * length) / n)];
}

/**
 * The global batch's mean gradient over the parameters [from, to): each row
 * is its shard's mean gradient, weighted by the shard's share of the batch
 * (so an uneven split averages exactly as one thread would). Rows are summed
 * in replica order, the same in every round.
 */
export function averageRows(v: ExchangeViews, batch: number, from: number, to: number): void {
  const { replicas, params } = v.sizes;
  for (let j = from; j < to; j++) v.average[j] = 0;
  for (let r = 0; r < replicas; r++) {
    const [lo, hi] = partRange(batch, replicas, r);
    const share = (hi - lo) / batch;
    const row = r * params;
    for (let j = from; j < to; j++) v.average[j]! += share * v.gradients[row + j]!;
  }
}
