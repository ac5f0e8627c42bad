/**
 * The zod schemas of the synthetic sequence tasks, exported for the sequence
 * family's run config (issue 12). Each bound is in its message so the form
 * can show the researcher what is allowed.
 */
import { z } from 'zod';
import { DATE_FORMATS, usesTwoDigitYear } from './dates';

/** Longest sequence a task will generate: long enough for the parity-50 experiment and beyond, short enough to stay a toy. */
export const MAX_SEQUENCE_LENGTH = 512;
/** Operands have at most this many digits, so sums stay exact integers (< 2 · 10^9). */
export const MAX_ADDITION_DIGITS = 9;
export const MAX_DISTRACTORS = 64;
/** Symbols are the letters a–z. */
export const MAX_SYMBOLS = 26;
export const MIN_DATE_YEAR = 1000;
export const MAX_DATE_YEAR = 9999;

const wholeNumber = (name: string, min: number, max: number) =>
  z.number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);

/**
 * Binary parity: a bit string of `length` bits, classified by the parity of
 * its ones. With `minLength`, training strings have a uniform length in
 * [minLength, length] (short strings give a gradient signal that fixed long
 * ones do not: the classic curriculum for parity); a run's validation and
 * test strings are always `length` bits.
 */
export const parityTaskSchema = z.object({
  task: z.literal('parity'),
  length: wholeNumber('length', 1, MAX_SEQUENCE_LENGTH),
  minLength: wholeNumber('minLength', 1, MAX_SEQUENCE_LENGTH).optional(),
}).strict().refine((s) => s.minLength === undefined || s.minLength <= s.length, { path: ['minLength'], message: 'minLength must be at most length' });

/**
 * Addition "a+b" with `distractors` characters (letters a–z) inserted at
 * random positions anywhere in the text, around or inside the numbers; the
 * target is the sum's decimal digits. Each operand has 1 to `maxDigits` digits.
 */
export const additionTaskSchema = z.object({
  task: z.literal('addition'),
  maxDigits: wholeNumber('maxDigits', 1, MAX_ADDITION_DIGITS).default(3),
  distractors: wholeNumber('distractors', 0, MAX_DISTRACTORS).default(2),
}).strict();

/** Shared by copy, reverse and sort: `length` symbols drawn from the first `symbols` letters. */
const symbolTaskShape = {
  length: wholeNumber('length', 1, MAX_SEQUENCE_LENGTH),
  symbols: wholeNumber('symbols', 2, MAX_SYMBOLS).default(8),
};
export const copyTaskSchema = z.object({ task: z.literal('copy'), ...symbolTaskShape }).strict();
export const reverseTaskSchema = z.object({ task: z.literal('reverse'), ...symbolTaskShape }).strict();
export const sortTaskSchema = z.object({ task: z.literal('sort'), ...symbolTaskShape }).strict();

export const dateFormatSchema = z.enum(DATE_FORMATS, { error: `format must be one of ${DATE_FORMATS.join(', ')}` });

/**
 * Date normalisation: dates drawn uniformly from [minYear-01-01, maxYear-12-31],
 * written in one of `formats` (uniformly), mapped to ISO YYYY-MM-DD. The
 * defaults are the TF.js example's: all formats, 1950–2049.
 */
export const dateTaskSchema = z.object({
  task: z.literal('date'),
  formats: z.array(dateFormatSchema).min(1, 'formats must name at least one format').default([...DATE_FORMATS]),
  minYear: wholeNumber('minYear', MIN_DATE_YEAR, MAX_DATE_YEAR).default(1950),
  maxYear: wholeNumber('maxYear', MIN_DATE_YEAR, MAX_DATE_YEAR).default(2049),
}).strict().superRefine((spec, ctx) => {
  if (spec.maxYear < spec.minYear) {
    ctx.addIssue({ code: 'custom', path: ['maxYear'], message: `maxYear (${spec.maxYear}) must be at least minYear (${spec.minYear})` });
    return;
  }
  const twoDigit = spec.formats.filter(usesTwoDigitYear);
  if (twoDigit.length > 0 && spec.maxYear - spec.minYear > 99) {
    ctx.addIssue({
      code: 'custom', path: ['maxYear'],
      message: `two-digit-year formats (${twoDigit.join(', ')}) need a year range of at most 100 years so each year is readable; ${spec.minYear}–${spec.maxYear} spans ${spec.maxYear - spec.minYear + 1}`,
    });
  }
});

/** Any synthetic sequence task, told apart by `task`. */
export const sequenceTaskSpecSchema = z.discriminatedUnion('task', [
  parityTaskSchema, additionTaskSchema, copyTaskSchema, reverseTaskSchema, sortTaskSchema, dateTaskSchema,
]);
export type SequenceTaskSpec = z.output<typeof sequenceTaskSpecSchema>;
export type SequenceTaskSpecInput = z.input<typeof sequenceTaskSpecSchema>;
export type SequenceTaskName = SequenceTaskSpec['task'];

export type ParityTaskSpec = z.output<typeof parityTaskSchema>;
export type AdditionTaskSpec = z.output<typeof additionTaskSchema>;
export type SymbolTaskSpec = z.output<typeof copyTaskSchema> | z.output<typeof reverseTaskSchema> | z.output<typeof sortTaskSchema>;
export type DateTaskSpec = z.output<typeof dateTaskSchema>;
