/**
 * Seeded synthetic sequence tasks for the sequence family (issue 12): binary
 * parity, addition with distractors, copy/reverse/sort, date normalisation.
 * Pure: a spec, a seed and a count give the same examples on every machine.
 *
 * Examples are token ids over the task's `Vocabulary` (./vocabulary.ts's, one
 * for input and target: `<pad>` `<unk>` `<bos>` `<eos>` at 0..3, then the task's
 * symbols), UNPADDED and without bos/eos: a later batcher pads to
 * `maxInputLength`/`maxTargetLength` with `PAD_ID` (0) and adds `BOS_ID`
 * (decoder input) and `EOS_ID` (target end) where its model needs them, so the
 * generator does not fix one model's conventions.
 *
 * The stream is prefix-stable: the first n examples of a count of 2n are the
 * n examples of a count of n, so a larger set extends a smaller one.
 */
import { deriveSeed, mulberry32 } from '../prng';
import { DATE_INPUT_MAX_LENGTH, ISO_DATE_LENGTH, dateFromDayIndex, dateSymbols, daysInYearRange, formatDate, isoDate } from './dates';
import {
  sequenceTaskSpecSchema,
  type AdditionTaskSpec, type DateTaskSpec, type ParityTaskSpec, type SequenceTaskName,
  type SequenceTaskSpec, type SequenceTaskSpecInput, type SymbolTaskSpec,
} from './specs';
import { RESERVED_TOKENS, decode, encode, symbolVocabulary, type Vocabulary } from './vocabulary';

/** One example: token ids, unpadded. For a classification task `target` is one token (see `SequenceTaskInfo.classes`). */
export interface SequenceExample {
  input: number[];
  target: number[];
}

/** What a trainer needs to know about a task before seeing its examples. */
export interface SequenceTaskInfo {
  readonly task: SequenceTaskName;
  /** 'classification': one target token per example, one of `classes`; 'seq2seq': a target sequence. */
  readonly kind: 'classification' | 'seq2seq';
  readonly vocab: Vocabulary;
  /** Longest input and target any example can have: the lengths a batcher pads to. */
  readonly maxInputLength: number;
  readonly maxTargetLength: number;
  /** Classification only: the token id of each class, in class order (class i is `classes[i]`). */
  readonly classes?: readonly number[];
}

type Rng = () => number;

/** A uniform whole number in [0, n). */
const below = (rng: Rng, n: number): number => Math.floor(rng() * n);

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';

/** The lowercase letters a–z: the distractors of addition and the symbols of copy/reverse/sort. */
const letters = (k: number): string[] => [...LETTERS.slice(0, k)];

/** Per-task salt, so the same seed gives unrelated streams for different tasks. */
const TASK_SALT: Record<SequenceTaskName, number> = { parity: 1, addition: 2, copy: 3, reverse: 4, sort: 5, date: 6 };

const parityVocab = symbolVocabulary(['0', '1']);
const additionVocab = symbolVocabulary([...DIGITS, '+', ...letters(26)]);
const dateVocab = symbolVocabulary(dateSymbols());

/**
 * Token ids of generated text, as a plain array (examples are compared,
 * sorted and reversed as arrays). The generators only write their
 * vocabulary's symbols, so no id is `<unk>`.
 */
const encodeText = (vocab: Vocabulary, text: string): number[] => Array.from(encode(vocab, text));

/** The vocabulary, kind and maximum lengths of a (parsed) task spec. */
export function sequenceTaskInfo(spec: SequenceTaskSpec): SequenceTaskInfo {
  switch (spec.task) {
    case 'parity':
      return { task: spec.task, kind: 'classification', vocab: parityVocab, maxInputLength: spec.length, maxTargetLength: 1, classes: encodeText(parityVocab, '01') };
    case 'addition':
      return { task: spec.task, kind: 'seq2seq', vocab: additionVocab, maxInputLength: 2 * spec.maxDigits + 1 + spec.distractors, maxTargetLength: spec.maxDigits + 1 };
    case 'copy':
    case 'reverse':
    case 'sort':
      return { task: spec.task, kind: 'seq2seq', vocab: symbolVocabulary(letters(spec.symbols)), maxInputLength: spec.length, maxTargetLength: spec.length };
    case 'date':
      return { task: spec.task, kind: 'seq2seq', vocab: dateVocab, maxInputLength: DATE_INPUT_MAX_LENGTH, maxTargetLength: ISO_DATE_LENGTH };
  }
}

/** Checks the seed and count every generator takes (the spec is checked by its schema). */
function checkSeedAndCount(seed: number, count: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) throw new RangeError(`seed must be a whole number from 0 to 2^31 - 1, got ${seed}`);
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number ≥ 0, got ${count}`);
}

/** `count` examples from `make`, drawn from one stream seeded by the seed and the task. */
function generate(task: SequenceTaskName, seed: number, count: number, make: (rng: Rng) => SequenceExample): SequenceExample[] {
  checkSeedAndCount(seed, count);
  const rng = mulberry32(deriveSeed(seed, TASK_SALT[task]));
  return Array.from({ length: count }, () => make(rng));
}

/** Binary parity: `length` uniform bits (or a uniform length from `minLength`); the target is '1' when the number of ones is odd. */
export function parityExamples(spec: ParityTaskSpec, seed: number, count: number): SequenceExample[] {
  const min = spec.minLength ?? spec.length;
  return generate('parity', seed, count, (rng) => {
    const n = min === spec.length ? spec.length : min + below(rng, spec.length - min + 1);
    const bits = Array.from({ length: n }, () => below(rng, 2));
    const parity = bits.reduce((a, b) => a ^ b, 0);
    return { input: encodeText(parityVocab, bits.join('')), target: encodeText(parityVocab, String(parity)) };
  });
}

/** A number of 1 to `maxDigits` digits (digit count uniform, then the value uniform among numbers of that many digits). */
function randomOperand(rng: Rng, maxDigits: number): number {
  const digits = 1 + below(rng, maxDigits);
  const low = digits === 1 ? 0 : 10 ** (digits - 1);
  return low + below(rng, 10 ** digits - low);
}

/**
 * Addition with distractors: "a+b" with `distractors` letters each inserted
 * at a uniform position of the text built so far (so before, between or after
 * any character); the target is the sum's decimal digits, most significant first.
 */
export function additionExamples(spec: AdditionTaskSpec, seed: number, count: number): SequenceExample[] {
  return generate('addition', seed, count, (rng) => {
    const a = randomOperand(rng, spec.maxDigits);
    const b = randomOperand(rng, spec.maxDigits);
    const chars = [...`${a}+${b}`];
    for (let i = 0; i < spec.distractors; i++) {
      const letter = LETTERS[below(rng, LETTERS.length)] ?? 'a';
      chars.splice(below(rng, chars.length + 1), 0, letter);
    }
    return { input: encodeText(additionVocab, chars.join('')), target: encodeText(additionVocab, String(a + b)) };
  });
}

/** Copy, reverse or sort `length` uniform symbols; sort orders by token id, which is alphabetical. */
export function symbolExamples(spec: SymbolTaskSpec, seed: number, count: number): SequenceExample[] {
  /** The first letter's id: the symbols follow the reserved tokens. */
  const first = RESERVED_TOKENS.length;
  return generate(spec.task, seed, count, (rng) => {
    const input = Array.from({ length: spec.length }, () => first + below(rng, spec.symbols));
    const target = spec.task === 'copy' ? [...input]
      : spec.task === 'reverse' ? [...input].reverse()
        : [...input].sort((x, y) => x - y);
    return { input, target };
  });
}

/** Date normalisation: a uniform day of [minYear, maxYear] in a uniformly chosen format; the target is its ISO date. */
export function dateExamples(spec: DateTaskSpec, seed: number, count: number): SequenceExample[] {
  const days = daysInYearRange(spec.minYear, spec.maxYear);
  return generate('date', seed, count, (rng) => {
    const date = dateFromDayIndex(spec.minYear, below(rng, days));
    const format = spec.formats[below(rng, spec.formats.length)] ?? 'YYYY-MM-DD';
    return { input: encodeText(dateVocab, formatDate(date, format)), target: encodeText(dateVocab, isoDate(date)) };
  });
}

/**
 * Parses `spec` (defaults filled, bounds checked: a bad spec throws the
 * schema's ZodError with its messages) and generates `count` examples from
 * `seed`, with the task's info.
 */
export function generateSequenceTask(specInput: SequenceTaskSpecInput, seed: number, count: number): { info: SequenceTaskInfo; examples: SequenceExample[] } {
  const spec = sequenceTaskSpecSchema.parse(specInput);
  const info = sequenceTaskInfo(spec);
  switch (spec.task) {
    case 'parity': return { info, examples: parityExamples(spec, seed, count) };
    case 'addition': return { info, examples: additionExamples(spec, seed, count) };
    case 'copy':
    case 'reverse':
    case 'sort': return { info, examples: symbolExamples(spec, seed, count) };
    case 'date': return { info, examples: dateExamples(spec, seed, count) };
  }
}

/** An example as readable text, "input → target" (e.g. "3a1+b4 → 35"): for logs, galleries and test failures. */
export function describeExample(vocab: Vocabulary, example: SequenceExample): string {
  return `${decode(vocab, example.input)} → ${decode(vocab, example.target)}`;
}
