/**
 * A sequence run's data, prepared once: a corpus tokenised and split into
 * training and validation windows (language model), or a synthetic task's
 * seeded train/validation/test examples. Then batches as tensors: token ids
 * by input name, int32 targets, the loss mask and the attention key mask.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../../common/prng';
import type { SequenceData, TaskData, TextData } from '../../common/families/sequence/config';
import { lmBatch, seq2seqBatch, strideOffsets } from '../../common/sequence/batches';
import { splitSequence, takeRanges } from '../../common/sequence/textCorpus';
import { generateSequenceTask, type SequenceExample, type SequenceTaskInfo } from '../../common/sequence/tasks';
import { encode, type Vocabulary } from '../../common/sequence/vocabulary';
import { corpusVocabulary, firstCharacters } from '../../data/textCorpus';

/** Validation chunks of the corpus are this many windows long (whole contiguous chunks, so validation text is not inside training contexts). */
const CHUNK_WINDOWS = 16;

export interface LmData {
  objective: 'lm';
  vocab: Vocabulary;
  windowLength: number;
  /** Token ids of each training and validation range. */
  train: Int32Array[];
  validation: Int32Array[];
  /** Characters per target token on average (1 at character level): turns nats per token into bits per character. */
  charsPerToken: number;
}

export interface TaskSets {
  objective: 'classification' | 'seq2seq';
  info: SequenceTaskInfo;
  vocab: Vocabulary;
  train: SequenceExample[];
  validation: SequenceExample[];
  test: SequenceExample[];
}

export type PreparedData = LmData | TaskSets;

export interface Batch {
  feeds: Record<string, tf.Tensor>;
  /** int32: [B, T] next tokens, [B] class indices, or [B, D] decoder targets. */
  targets: tf.Tensor;
  /** [B, D] 1 on the tokens the loss counts (seq2seq; every token otherwise). */
  mask?: tf.Tensor;
  /** [B, Ts] 1 on real source tokens (seq2seq attention). */
  keyMask?: tf.Tensor;
  size: number;
}

export function disposeBatch(b: Batch): void {
  tf.dispose([...Object.values(b.feeds), b.targets, ...(b.mask ? [b.mask] : []), ...(b.keyMask ? [b.keyMask] : [])]);
}

/** A language model's data from the corpus text. Throws when the text is too short to split. */
export function prepareText(text: string, d: TextData, seed: number): LmData {
  // The services size the network with the same cut and vocabulary (corpusService.vocabularySize).
  const source = d.maxCharacters !== undefined ? firstCharacters(text, d.maxCharacters) : text;
  const vocab = corpusVocabulary(source, d);
  const ids = encode(vocab, source);
  const split = splitSequence(ids.length, { validationFraction: d.validationFraction, seed: deriveSeed(seed, 1), chunkLength: (d.sequenceLength + 1) * CHUNK_WINDOWS });
  if (!split.ok) throw new Error(`The corpus cannot be split: ${split.error}`);
  const keep = (xs: Int32Array[]) => xs.filter((r) => r.length > d.sequenceLength);
  const train = keep(takeRanges(ids, split.train));
  const validation = keep(takeRanges(ids, split.validation));
  if (train.length === 0 || validation.length === 0) throw new Error(`The corpus is too short for windows of ${d.sequenceLength} tokens on both sides of the split (${ids.length} tokens)`);
  const characters = [...source].length;
  return { objective: 'lm', vocab, windowLength: d.sequenceLength, train, validation, charsPerToken: d.level === 'char' ? 1 : characters / Math.max(1, ids.length) };
}

/** A task's three sets, each from its own seed stream (so test examples never depend on the training size). */
export function prepareTask(d: TaskData, seed: number): TaskSets {
  const train = generateSequenceTask(d.task, deriveSeed(seed, 11), d.trainExamples);
  // Parity trained on shorter strings too is judged at its full length only.
  const heldOut = d.task.task === 'parity' ? { task: 'parity' as const, length: d.task.length } : d.task;
  const validation = generateSequenceTask(heldOut, deriveSeed(seed, 12), d.validationExamples);
  const test = generateSequenceTask(heldOut, deriveSeed(seed, 13), d.testExamples);
  const info = train.info;
  return { objective: info.kind, info, vocab: info.vocab, train: train.examples, validation: validation.examples, test: test.examples };
}

export function prepareData(data: SequenceData, seed: number, text: string | undefined): PreparedData {
  if (data.source === 'task') return prepareTask(data, seed);
  if (text === undefined) throw new Error(`The corpus '${data.corpus}' was not given to the worker`);
  return prepareText(text, data, seed);
}

/** Every window start of the ranges at a stride of the window length, as [range, offset] pairs. */
export function lmWindows(ranges: readonly Int32Array[], windowLength: number): [number, number][] {
  const out: [number, number][] = [];
  ranges.forEach((r, i) => {
    for (const o of strideOffsets(r.length, windowLength + 1, windowLength)) out.push([i, o]);
  });
  return out;
}

export function lmBatchTensors(ranges: readonly Int32Array[], windows: readonly (readonly [number, number])[], T: number): Batch {
  const inputs = new Int32Array(windows.length * T);
  const targets = new Int32Array(windows.length * T);
  windows.forEach(([r, o], b) => {
    const one = lmBatch(ranges[r]!, [o], T);
    inputs.set(one.inputs, b * T);
    targets.set(one.targets, b * T);
  });
  return { feeds: { x: tf.tensor2d(inputs, [windows.length, T], 'int32') }, targets: tf.tensor2d(targets, [windows.length, T], 'int32'), size: windows.length };
}

export function classificationBatch(sets: TaskSets, examples: readonly SequenceExample[]): Batch {
  const T = sets.info.maxInputLength;
  const classes = sets.info.classes ?? [];
  const inputs = new Int32Array(examples.length * T);
  const labels = new Int32Array(examples.length);
  examples.forEach((e, b) => {
    // Padded on the left: the last step, which the classifier reads, is always the sequence's own.
    inputs.set(e.input, b * T + T - e.input.length);
    labels[b] = classes.indexOf(e.target[0] ?? -1);
  });
  return { feeds: { x: tf.tensor2d(inputs, [examples.length, T], 'int32') }, targets: tf.tensor1d(labels, 'int32'), size: examples.length };
}

export function seq2seqTensors(sets: TaskSets, examples: readonly SequenceExample[]): Batch {
  const b = seq2seqBatch(examples, { maxInputLength: sets.info.maxInputLength, maxTargetLength: sets.info.maxTargetLength });
  const n = examples.length;
  const [Ts, D] = [b.encoderInputs.maxLength, b.decoderInputs.maxLength];
  return {
    feeds: { source: tf.tensor2d(b.encoderInputs.ids, [n, Ts], 'int32'), target: tf.tensor2d(b.decoderInputs.ids, [n, D], 'int32') },
    targets: tf.tensor2d(b.decoderTargets.ids, [n, D], 'int32'),
    mask: tf.tensor2d(b.decoderTargets.mask, [n, D]),
    keyMask: tf.tensor2d(b.encoderInputs.mask, [n, Ts]),
    size: n,
  };
}

export function taskBatch(sets: TaskSets, examples: readonly SequenceExample[]): Batch {
  return sets.objective === 'classification' ? classificationBatch(sets, examples) : seq2seqTensors(sets, examples);
}
