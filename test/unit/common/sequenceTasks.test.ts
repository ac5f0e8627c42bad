/**
 * The seeded synthetic sequence tasks (workers/common/sequence/): pinned
 * examples whose answers were checked by hand, properties over many examples,
 * every date format round-tripping, determinism, and the specs' messages.
 */
import { describe, expect, it } from 'vitest';
import { DATE_FORMATS, formatDate, parseDate, type DateFormat } from '../../../workers/common/sequence/dates';
import { sequenceTaskSpecSchema, type SequenceTaskSpecInput } from '../../../workers/common/sequence/specs';
import { describeExample, generateSequenceTask } from '../../../workers/common/sequence/tasks';
import { BOS_ID, EOS_ID, PAD_ID, decode, decodeUntilEos, encode, symbolVocabulary } from '../../../workers/common/sequence/vocabulary';

/** Each example of a task as "input → target" text. */
function texts(spec: SequenceTaskSpecInput, seed: number, count: number): string[] {
  const { info, examples } = generateSequenceTask(spec, seed, count);
  return examples.map((e) => describeExample(info.vocab, e));
}

/** The first message the spec schema gives for `raw`, or null if it parses. */
function firstMessage(raw: unknown): string | null {
  const r = sequenceTaskSpecSchema.safeParse(raw);
  return r.success ? null : (r.error.issues[0]?.message ?? '');
}

describe('symbol vocabulary', () => {
  it('puts the reserved tokens first (pad is 0), then the symbols in order, and decodes without padding, stopping at eos', () => {
    const v = symbolVocabulary(['x', 'y']);
    expect(v.tokens).toEqual(['<pad>', '<unk>', '<bos>', '<eos>', 'x', 'y']);
    expect([PAD_ID, BOS_ID, EOS_ID]).toEqual([0, 2, 3]);
    expect(Array.from(encode(v, 'yxy'))).toEqual([5, 4, 5]);
    expect(decodeUntilEos(v, [2, 5, 4, 3, 5, 0])).toBe('yx');
    expect(decode(v, [4, 1])).toBe('x\uFFFD');
    expect(Array.from(encode(v, 'xz'))).toEqual([4, 1]);
    expect(() => decode(v, [4, 9])).toThrow('Token id 9 at position 1 is outside the vocabulary (0..5).');
    expect(() => symbolVocabulary(['x', 'x'])).toThrow("vocabulary symbol 'x' appears twice");
    expect(() => symbolVocabulary(['xy'])).toThrow("vocabulary symbol 'xy' must be one character");
  });
});

describe('parity', () => {
  it('labels hand-checked bit strings by the parity of their ones', () => {
    // 001110: three ones, odd → 1; 100110: three → 1; 111111: six → 0; 000100: one → 1.
    expect(texts({ task: 'parity', length: 6 }, 7, 4)).toEqual(['001110 → 1', '100110 → 1', '111111 → 0', '000100 → 1']);
  });

  it('is a one-token classification whose target is the parity of the input, at the asked length', () => {
    const { info, examples } = generateSequenceTask({ task: 'parity', length: 10 }, 3, 200);
    expect(info.kind).toBe('classification');
    expect(info.classes?.map((id) => info.vocab.tokens[id])).toEqual(['0', '1']);
    for (const e of examples) {
      const bits = decode(info.vocab, e.input);
      expect(bits).toMatch(/^[01]{10}$/);
      const ones = [...bits].filter((b) => b === '1').length;
      expect(e.target).toEqual([info.classes?.[ones % 2]]);
    }
  });

  it('gives length-1 strings their own bit as parity', () => {
    expect(new Set(texts({ task: 'parity', length: 1 }, 1, 50))).toEqual(new Set(['0 → 0', '1 → 1']));
  });
});

describe('addition with distractors', () => {
  it('sums hand-checked problems, distractor letters anywhere in the text', () => {
    // 6+16 = 22, 32+916 = 948, 508+7 = 515, 64+53 = 117.
    expect(texts({ task: 'addition', maxDigits: 3, distractors: 2 }, 7, 4)).toEqual(['6g+1r6 → 22', '32+9j1e6 → 948', '508gl+7 → 515', 'f64+5c3 → 117']);
  });

  it('always targets the sum of the two operands once the distractors are removed', () => {
    const spec = { task: 'addition', maxDigits: 5, distractors: 4 } as const;
    const { info, examples } = generateSequenceTask(spec, 11, 300);
    expect([info.maxInputLength, info.maxTargetLength]).toEqual([15, 6]);
    for (const e of examples) {
      const text = decode(info.vocab, e.input);
      expect(text.replace(/[0-9+]/g, '')).toHaveLength(4);
      const [a, b] = text.replace(/[a-z]/g, '').split('+').map(Number);
      expect(decode(info.vocab, e.target)).toBe(String((a ?? NaN) + (b ?? NaN)));
      expect(e.input.length).toBeLessThanOrEqual(info.maxInputLength);
    }
  });

  it('writes the plain problem when there are no distractors', () => {
    for (const t of texts({ task: 'addition', maxDigits: 2, distractors: 0 }, 5, 50)) expect(t).toMatch(/^\d{1,2}\+\d{1,2} → \d{1,3}$/);
  });
});

describe('copy, reverse and sort', () => {
  it('reverses and sorts hand-checked sequences', () => {
    expect(texts({ task: 'reverse', length: 5, symbols: 4 }, 7, 2)).toEqual(['aabad → dabaa', 'dbadd → ddabd']);
    expect(texts({ task: 'sort', length: 5, symbols: 4 }, 7, 2)).toEqual(['dcaaa → aaacd', 'bddab → abbdd']);
    expect(texts({ task: 'copy', length: 5, symbols: 4 }, 7, 2)).toEqual(['accbd → accbd', 'adaab → adaab']);
  });

  it('uses only the first K letters, at length L, and each target is its operation of the input', () => {
    for (const task of ['copy', 'reverse', 'sort'] as const) {
      const { info, examples } = generateSequenceTask({ task, length: 12, symbols: 3 }, 9, 100);
      expect(info.vocab.tokens.slice(4)).toEqual(['a', 'b', 'c']);
      for (const e of examples) {
        expect(e.input).toHaveLength(12);
        const expected = task === 'copy' ? e.input : task === 'reverse' ? [...e.input].reverse() : [...e.input].sort((x, y) => x - y);
        expect(e.target).toEqual(expected);
      }
    }
  });
});

describe('date normalisation', () => {
  const jan23 = { year: 2015, month: 1, day: 23 };
  const written: Record<DateFormat, string> = {
    'DDMMMYYYY': '23JAN2015', 'MMDDYY': '012315', 'MM/DD/YY': '01/23/15', 'MM/DD/YYYY': '01/23/2015',
    'DD-MM-YYYY': '23-01-2015', 'MMM DD YY': 'JAN 23 15', 'MMM DD YYYY': 'JAN 23 2015', 'MMM DD, YY': 'JAN 23, 15',
    'MMM DD, YYYY': 'JAN 23, 2015', 'DD.MM.YYYY': '23.01.2015', 'YYYY.MM.DD': '2015.01.23', 'YYYYMMDD': '20150123',
    'YYYY-MM-DD': '2015-01-23',
  };

  it('writes 2015-01-23 in every format as written by hand, and reads each back to the same date', () => {
    for (const format of DATE_FORMATS) {
      expect(formatDate(jan23, format)).toBe(written[format]);
      expect(parseDate(written[format], format, 1950)).toEqual(jan23);
    }
  });

  it('reads two-digit years in the century window and refuses dates that do not exist', () => {
    expect(parseDate('12/31/49', 'MM/DD/YY', 1950)).toEqual({ year: 2049, month: 12, day: 31 });
    expect(parseDate('01/01/50', 'MM/DD/YY', 1950)).toEqual({ year: 1950, month: 1, day: 1 });
    expect(parseDate('29FEB2016', 'DDMMMYYYY', 1950)).toEqual({ year: 2016, month: 2, day: 29 });
    expect(parseDate('29FEB2015', 'DDMMMYYYY', 1950)).toBeNull();
    expect(parseDate('13/01/2015', 'MM/DD/YYYY', 1950)).toBeNull();
    expect(parseDate('2015-01-23', 'DD.MM.YYYY', 1950)).toBeNull();
  });

  it('maps hand-checked generated dates to ISO', () => {
    expect(texts({ task: 'date' }, 7, 4)).toEqual(['09/22/2045 → 2045-09-22', '052969 → 1969-05-29', '10/05/48 → 2048-10-05', '09/18/2016 → 2016-09-18']);
  });

  it('gives, for each format alone, inputs that parse back to the ISO target, years within the range', () => {
    for (const format of DATE_FORMATS) {
      const { info, examples } = generateSequenceTask({ task: 'date', formats: [format], minYear: 1990, maxYear: 2020 }, 4, 60);
      for (const e of examples) {
        const input = decode(info.vocab, e.input);
        const iso = decode(info.vocab, e.target);
        const date = parseDate(input, format, 1990);
        expect(date, `${format}: ${input}`).not.toBeNull();
        expect(date && formatDate(date, 'YYYY-MM-DD')).toBe(iso);
        expect(date?.year).toBeGreaterThanOrEqual(1990);
        expect(date?.year).toBeLessThanOrEqual(2020);
        expect(e.input.length).toBeLessThanOrEqual(info.maxInputLength);
      }
    }
  });
});

describe('determinism', () => {
  const specs: SequenceTaskSpecInput[] = [
    { task: 'parity', length: 20 }, { task: 'addition' }, { task: 'copy', length: 8 },
    { task: 'reverse', length: 8 }, { task: 'sort', length: 8 }, { task: 'date' },
  ];

  it('gives identical examples for the same seed, different ones for another seed, and extends a prefix', () => {
    for (const spec of specs) {
      const a = generateSequenceTask(spec, 42, 20).examples;
      expect(generateSequenceTask(spec, 42, 20).examples).toEqual(a);
      expect(generateSequenceTask(spec, 43, 20).examples).not.toEqual(a);
      expect(generateSequenceTask(spec, 42, 40).examples.slice(0, 20)).toEqual(a);
    }
  });

  it('refuses a seed or count that is not a whole number in range', () => {
    expect(() => generateSequenceTask({ task: 'parity', length: 4 }, -1, 3)).toThrow('seed must be a whole number from 0 to 2^31 - 1, got -1');
    expect(() => generateSequenceTask({ task: 'parity', length: 4 }, 1, 2.5)).toThrow('count must be a whole number ≥ 0, got 2.5');
    expect(generateSequenceTask({ task: 'parity', length: 4 }, 1, 0).examples).toEqual([]);
  });
});

describe('spec validation', () => {
  it('fills the defaults', () => {
    expect(sequenceTaskSpecSchema.parse({ task: 'addition' })).toEqual({ task: 'addition', maxDigits: 3, distractors: 2 });
    expect(sequenceTaskSpecSchema.parse({ task: 'sort', length: 4 })).toEqual({ task: 'sort', length: 4, symbols: 8 });
    expect(sequenceTaskSpecSchema.parse({ task: 'date' })).toMatchObject({ minYear: 1950, maxYear: 2049, formats: [...DATE_FORMATS] });
  });

  it('rejects bad specs with a message that states the bound', () => {
    expect(firstMessage({ task: 'parity', length: 0 })).toBe('length must be at least 1');
    expect(firstMessage({ task: 'parity', length: 513 })).toBe('length must be at most 512');
    expect(firstMessage({ task: 'parity', length: 2.5 })).toBe('length must be a whole number');
    expect(firstMessage({ task: 'parity' })).toBe('length must be a number');
    expect(firstMessage({ task: 'copy', length: 5, symbols: 1 })).toBe('symbols must be at least 2');
    expect(firstMessage({ task: 'reverse', length: 5, symbols: 27 })).toBe('symbols must be at most 26');
    expect(firstMessage({ task: 'addition', maxDigits: 10 })).toBe('maxDigits must be at most 9');
    expect(firstMessage({ task: 'addition', distractors: -1 })).toBe('distractors must be at least 0');
    expect(firstMessage({ task: 'date', formats: [] })).toBe('formats must name at least one format');
    expect(firstMessage({ task: 'date', formats: ['DD/MM/YYYY'] })).toMatch(/^format must be one of DDMMMYYYY, MMDDYY, /);
    expect(firstMessage({ task: 'date', minYear: 2000, maxYear: 1999 })).toBe('maxYear (1999) must be at least minYear (2000)');
    expect(firstMessage({ task: 'date', minYear: 1900, maxYear: 2049 }))
      .toBe('two-digit-year formats (MMDDYY, MM/DD/YY, MMM DD YY, MMM DD, YY) need a year range of at most 100 years so each year is readable; 1900–2049 spans 150');
    expect(firstMessage({ task: 'date', formats: ['YYYY.MM.DD'], minYear: 1000, maxYear: 9999 })).toBeNull();
    expect(firstMessage({ task: 'parity', length: 4, extra: 1 })).not.toBeNull();
    expect(firstMessage({ task: 'unknown' })).not.toBeNull();
  });

  it('lets generateSequenceTask throw the schema error for a bad spec', () => {
    expect(() => generateSequenceTask({ task: 'parity', length: 0 }, 1, 1)).toThrow('length must be at least 1');
  });
});
