/**
 * Batches for the sequence family (issue 12), as plain typed arrays a trainer
 * turns into tensors: language-model windows for teacher forcing over one long
 * token stream, and padded batches of the synthetic tasks' variable-length
 * examples (./tasks.ts) with the `<bos>`/`<eos>` a seq2seq decoder needs.
 *
 * Pure: no tfjs, no IO. Every array is row-major [batch, length], so batch row
 * b starts at b · length.
 */
import { deriveSeed, mulberry32, permutation } from '../prng';
import type { SequenceExample } from './tasks';
import { BOS_ID, EOS_ID, PAD_ID } from './vocabulary';

/** A token id sequence: an encoded corpus (Int32Array) or an example's ids. */
export type TokenIds = Int32Array | readonly number[];

/** Checks a window length and that the sequence holds at least one window of it plus its shifted target. */
function checkWindow(sequenceLength: number, windowLength: number): void {
  if (!Number.isInteger(windowLength) || windowLength < 1) {
    throw new RangeError(`The window length must be a whole number ≥ 1; got ${windowLength}.`);
  }
  if (sequenceLength < windowLength + 1) {
    throw new RangeError(
      `The sequence has ${sequenceLength} tokens, too short for a window of ${windowLength}: teacher forcing needs at least ${windowLength + 1} ` +
      `(the window plus one, since the target is the input shifted by one token).`,
    );
  }
}

/**
 * Consecutive window offsets 0, stride, 2·stride, … for every window that fits
 * with its target (offset + T + 1 ≤ length). The default stride T gives
 * non-overlapping inputs that cover the stream once per epoch; the tokens past
 * the last whole window are left out rather than padded.
 */
export function strideOffsets(sequenceLength: number, windowLength: number, stride: number = windowLength): Int32Array {
  checkWindow(sequenceLength, windowLength);
  if (!Number.isInteger(stride) || stride < 1) throw new RangeError(`The stride must be a whole number ≥ 1; got ${stride}.`);
  const count = Math.floor((sequenceLength - windowLength - 1) / stride) + 1;
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = i * stride;
  return out;
}

/**
 * `count` window offsets drawn uniformly (with replacement) from every start
 * that fits, 0 … length − T − 1, from `seed`: the same seed gives the same
 * offsets, so a run's data order can be replayed.
 */
export function randomOffsets(sequenceLength: number, windowLength: number, count: number, seed: number): Int32Array {
  checkWindow(sequenceLength, windowLength);
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`The window count must be a whole number ≥ 0; got ${count}.`);
  const starts = sequenceLength - windowLength;
  const rng = mulberry32(seed);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.floor(rng() * starts);
  return out;
}

/**
 * The order to visit `n` windows (or examples) in during epoch `epoch`: a
 * permutation drawn from (seed, epoch), so each epoch is shuffled differently
 * and a resumed run sees the same order as an uninterrupted one.
 */
export function epochOrder(n: number, seed: number, epoch: number): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`The number of items must be a whole number ≥ 0; got ${n}.`);
  return permutation(n, deriveSeed(seed, epoch));
}

/** One teacher-forcing pair: `target[t]` is the token after `input[t]`. */
export interface LmWindow {
  input: Int32Array;
  target: Int32Array;
}

/** The window at `offset`: input = ids[offset … offset+T−1], target = ids[offset+1 … offset+T]. */
export function lmWindow(ids: TokenIds, offset: number, windowLength: number): LmWindow {
  checkWindow(ids.length, windowLength);
  if (!Number.isInteger(offset) || offset < 0 || offset + windowLength + 1 > ids.length) {
    throw new RangeError(`A window of ${windowLength} at offset ${offset} does not fit a sequence of ${ids.length} tokens with its target (offsets 0…${ids.length - windowLength - 1}).`);
  }
  const input = new Int32Array(windowLength);
  const target = new Int32Array(windowLength);
  for (let t = 0; t < windowLength; t++) {
    input[t] = ids[offset + t] ?? PAD_ID;
    target[t] = ids[offset + t + 1] ?? PAD_ID;
  }
  return { input, target };
}

/** Windows stacked into a batch: `inputs` and `targets` are [batchSize, windowLength]. */
export interface LmBatch {
  batchSize: number;
  windowLength: number;
  inputs: Int32Array;
  targets: Int32Array;
}

/** The windows at `offsets` (in that order) as one batch. */
export function lmBatch(ids: TokenIds, offsets: ArrayLike<number>, windowLength: number): LmBatch {
  const batchSize = offsets.length;
  const inputs = new Int32Array(batchSize * windowLength);
  const targets = new Int32Array(batchSize * windowLength);
  for (let b = 0; b < batchSize; b++) {
    const w = lmWindow(ids, offsets[b] ?? -1, windowLength);
    inputs.set(w.input, b * windowLength);
    targets.set(w.target, b * windowLength);
  }
  return { batchSize, windowLength, inputs, targets };
}

/** Variable-length sequences padded to one length. */
export interface PaddedBatch {
  batchSize: number;
  maxLength: number;
  /** [batchSize, maxLength], `PAD_ID` after each row's tokens. */
  ids: Int32Array;
  /** [batchSize, maxLength], 1 on a real token and 0 on padding: the loss weights, and an attention mask. */
  mask: Float32Array;
  /** Each row's number of real tokens. */
  lengths: Int32Array;
}

/**
 * Pads the rows with `PAD_ID` to `maxLength` (default: the longest row).
 * A fixed `maxLength` (a task's `maxInputLength`) keeps every batch one shape;
 * a row longer than it is refused, never cut, since a cut target is wrong.
 */
export function padSequences(rows: readonly TokenIds[], maxLength?: number): PaddedBatch {
  if (rows.length === 0) throw new RangeError('A batch needs at least one sequence.');
  const longest = rows.reduce((m, r) => Math.max(m, r.length), 0);
  const width = maxLength ?? longest;
  if (!Number.isInteger(width) || width < 0) throw new RangeError(`The padded length must be a whole number ≥ 0; got ${width}.`);
  if (longest > width) {
    const row = rows.findIndex((r) => r.length > width);
    throw new RangeError(`Sequence ${row} has ${rows[row]?.length} tokens, more than the padded length ${width}.`);
  }
  const ids = new Int32Array(rows.length * width).fill(PAD_ID);
  const mask = new Float32Array(rows.length * width);
  const lengths = new Int32Array(rows.length);
  rows.forEach((r, b) => {
    ids.set(r, b * width);
    mask.fill(1, b * width, b * width + r.length);
    lengths[b] = r.length;
  });
  return { batchSize: rows.length, maxLength: width, ids, mask, lengths };
}

/** Pad lengths for a batch of examples; a task's `maxInputLength`/`maxTargetLength` keep shapes fixed across batches. */
export interface ExamplePadding {
  maxInputLength?: number;
  maxTargetLength?: number;
}

/** Examples' inputs and targets padded as they are (no `<bos>`/`<eos>`): a classifier's batch, or an encoder-only model's. */
export function padExamples(examples: readonly SequenceExample[], padding: ExamplePadding = {}): { inputs: PaddedBatch; targets: PaddedBatch } {
  return {
    inputs: padSequences(examples.map((e) => e.input), padding.maxInputLength),
    targets: padSequences(examples.map((e) => e.target), padding.maxTargetLength),
  };
}

/**
 * A seq2seq batch for teacher forcing: the encoder reads the input; the
 * decoder reads `<bos>` + target and is trained to emit target + `<eos>`, so
 * at step t it predicts target[t] having seen target[0 … t−1], and learns to
 * stop. Both decoder rows are one longer than the target (maxTargetLength + 1).
 */
export interface Seq2SeqBatch {
  encoderInputs: PaddedBatch;
  decoderInputs: PaddedBatch;
  decoderTargets: PaddedBatch;
}

export function seq2seqBatch(examples: readonly SequenceExample[], padding: ExamplePadding = {}): Seq2SeqBatch {
  const decoderLength = padding.maxTargetLength === undefined ? undefined : padding.maxTargetLength + 1;
  return {
    encoderInputs: padSequences(examples.map((e) => e.input), padding.maxInputLength),
    decoderInputs: padSequences(examples.map((e) => [BOS_ID, ...e.target]), decoderLength),
    decoderTargets: padSequences(examples.map((e) => [...e.target, EOS_ID]), decoderLength),
  };
}
