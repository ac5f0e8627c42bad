/**
 * The sequence family's batches (workers/common/sequence/batches.ts): teacher
 * forcing windows on a tiny hand-checked sequence, stride and seeded orders,
 * the too-short refusal, and a seq2seq batch of real addition examples whose
 * padding, masks and bos/eos placement were worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  epochOrder, lmBatch, lmWindow, padExamples, padSequences, randomOffsets, seq2seqBatch, strideOffsets,
} from '../../../workers/common/sequence/batches';
import { describeExample, generateSequenceTask } from '../../../workers/common/sequence/tasks';

const seq = Int32Array.from([10, 11, 12, 13, 14, 15, 16]);

describe('language-model windows', () => {
  it('pairs each window with the same window shifted by one', () => {
    const w = lmWindow(seq, 2, 3);
    expect(Array.from(w.input)).toEqual([12, 13, 14]);
    expect(Array.from(w.target)).toEqual([13, 14, 15]);
    const last = lmWindow([10, 11, 12, 13, 14, 15, 16], 3, 3);
    expect(Array.from(last.target)).toEqual([14, 15, 16]);
    expect(() => lmWindow(seq, 4, 3)).toThrow('A window of 3 at offset 4 does not fit a sequence of 7 tokens with its target (offsets 0…3).');
  });

  it('steps by the stride while a window and its target fit', () => {
    // 7 tokens, T = 3: starts 0…3 fit. Stride 3 (default) → 0, 3; stride 1 → 0, 1, 2, 3; stride 2 → 0, 2.
    expect(Array.from(strideOffsets(7, 3))).toEqual([0, 3]);
    expect(Array.from(strideOffsets(7, 3, 1))).toEqual([0, 1, 2, 3]);
    expect(Array.from(strideOffsets(7, 3, 2))).toEqual([0, 2]);
    expect(Array.from(strideOffsets(4, 3))).toEqual([0]);
    expect(() => strideOffsets(7, 3, 0)).toThrow('The stride must be a whole number ≥ 1; got 0.');
  });

  it('stacks windows row by row into a batch', () => {
    const b = lmBatch(seq, [3, 0], 3);
    expect(b).toMatchObject({ batchSize: 2, windowLength: 3 });
    expect(Array.from(b.inputs)).toEqual([13, 14, 15, 10, 11, 12]);
    expect(Array.from(b.targets)).toEqual([14, 15, 16, 11, 12, 13]);
  });

  it('refuses a sequence shorter than the window plus one, saying why', () => {
    expect(() => strideOffsets(3, 3)).toThrow(
      'The sequence has 3 tokens, too short for a window of 3: teacher forcing needs at least 4 (the window plus one, since the target is the input shifted by one token).',
    );
    expect(() => lmWindow([1, 2], 2, 0)).toThrow('The window length must be a whole number ≥ 1; got 0.');
    expect(() => randomOffsets(5, 5, 1, 1)).toThrow('teacher forcing needs at least 6');
  });

  it('draws random offsets in range, the same for the same seed', () => {
    const a = randomOffsets(1000, 10, 500, 42);
    expect(Array.from(a)).toEqual(Array.from(randomOffsets(1000, 10, 500, 42)));
    expect(Array.from(a)).not.toEqual(Array.from(randomOffsets(1000, 10, 500, 43)));
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThanOrEqual(1000 - 10 - 1);
    // With 5 starts and 2000 draws every start appears, the last one (4) included.
    expect(new Set(randomOffsets(8, 3, 2000, 7))).toEqual(new Set([0, 1, 2, 3, 4]));
  });

  it('shuffles each epoch by (seed, epoch): a permutation, reproducible, different across epochs', () => {
    const e0 = Array.from(epochOrder(20, 9, 0));
    expect([...e0].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(Array.from(epochOrder(20, 9, 0))).toEqual(e0);
    expect(Array.from(epochOrder(20, 9, 1))).not.toEqual(e0);
    expect(Array.from(epochOrder(20, 10, 0))).not.toEqual(e0);
  });
});

describe('padding', () => {
  it('pads with 0 to the longest row, with a mask and the lengths', () => {
    const p = padSequences([[5, 6], [7], []]);
    expect(p).toMatchObject({ batchSize: 3, maxLength: 2 });
    expect(Array.from(p.ids)).toEqual([5, 6, 7, 0, 0, 0]);
    expect(Array.from(p.mask)).toEqual([1, 1, 1, 0, 0, 0]);
    expect(Array.from(p.lengths)).toEqual([2, 1, 0]);
  });

  it('refuses a row longer than a fixed padded length, and an empty batch', () => {
    expect(() => padSequences([[1], [1, 2, 3]], 2)).toThrow('Sequence 1 has 3 tokens, more than the padded length 2.');
    expect(() => padSequences([])).toThrow('A batch needs at least one sequence.');
  });

  it('builds a seq2seq batch from addition examples: bos before the decoder input, eos after the target', () => {
    const { info, examples } = generateSequenceTask({ task: 'addition', maxDigits: 3, distractors: 2 }, 7, 2);
    expect(examples.map((e) => describeExample(info.vocab, e))).toEqual(['6g+1r6 → 22', '32+9j1e6 → 948']);
    // Ids: digits '0'–'9' are 4–13, '+' is 14, letters a… from 15 (e 19, g 21, j 24, r 32); pad 0, bos 2, eos 3.
    // Padded lengths from the task: input 2·3 + 1 + 2 = 9, target 3 + 1 = 4, so decoder rows are 5.
    const b = seq2seqBatch(examples, { maxInputLength: info.maxInputLength, maxTargetLength: info.maxTargetLength });
    expect(b.encoderInputs).toMatchObject({ batchSize: 2, maxLength: 9 });
    expect(Array.from(b.encoderInputs.ids)).toEqual([10, 21, 14, 5, 32, 10, 0, 0, 0, /**/ 7, 6, 14, 13, 24, 5, 19, 10, 0]);
    expect(Array.from(b.encoderInputs.mask)).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0, /**/ 1, 1, 1, 1, 1, 1, 1, 1, 0]);
    expect(Array.from(b.encoderInputs.lengths)).toEqual([6, 8]);
    expect(b.decoderInputs.maxLength).toBe(5);
    expect(Array.from(b.decoderInputs.ids)).toEqual([2, 6, 6, 0, 0, /**/ 2, 13, 8, 12, 0]);
    expect(Array.from(b.decoderTargets.ids)).toEqual([6, 6, 3, 0, 0, /**/ 13, 8, 12, 3, 0]);
    expect(Array.from(b.decoderTargets.mask)).toEqual([1, 1, 1, 0, 0, /**/ 1, 1, 1, 1, 0]);
    expect(Array.from(b.decoderInputs.lengths)).toEqual([3, 4]);
    expect(Array.from(b.decoderTargets.lengths)).toEqual([3, 4]);
  });

  it('pads to the batch\'s longest rows without fixed lengths, and pads plain examples without bos/eos', () => {
    const examples = [{ input: [4, 5, 6], target: [7] }, { input: [4], target: [8, 9] }];
    const b = seq2seqBatch(examples);
    expect(b.encoderInputs.maxLength).toBe(3);
    expect(Array.from(b.decoderInputs.ids)).toEqual([2, 7, 0, 2, 8, 9]);
    expect(Array.from(b.decoderTargets.ids)).toEqual([7, 3, 0, 8, 9, 3]);
    const plain = padExamples(examples);
    expect(Array.from(plain.inputs.ids)).toEqual([4, 5, 6, 4, 0, 0]);
    expect(Array.from(plain.targets.ids)).toEqual([7, 0, 8, 9]);
  });
});
