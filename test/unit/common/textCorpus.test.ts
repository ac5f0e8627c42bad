/**
 * The sequence family's text data (workers/common/sequence/): strict UTF-8
 * decoding, character and word vocabularies, the chunked seeded split and the
 * run page's statistics, against hand-worked cases.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../workers/common/prng';
import {
  decodeTextFile, entropyBits, firstInvalidUtf8Offset, splitSequence, takeRanges, textStatistics, type SequenceRange,
} from '../../../workers/common/sequence/textCorpus';
import {
  buildVocabulary, compareCodePoints, decode, decodeTokens, detokenize, encode, parseVocabulary, serialiseVocabulary, tokenize,
} from '../../../workers/common/sequence/vocabulary';

const bytesOf = (...parts: (string | number[])[]): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)));

const char = { level: 'char', lowercase: false } as const;

describe('decodeTextFile', () => {
  it('decodes UTF-8 text as it is when there is nothing to normalise', () => {
    expect(decodeTextFile(bytesOf('héllo\nwörld'))).toEqual({ ok: true, text: 'héllo\nwörld', bomDropped: false, crlfReplaced: 0, crReplaced: 0, notes: [] });
  });

  it('drops a byte-order mark and turns CRLF and lone CR into LF, and says so', () => {
    const result = decodeTextFile(bytesOf([0xef, 0xbb, 0xbf], 'a\r\nb\r\nc\rd'));
    expect(result).toEqual({
      ok: true, text: 'a\nb\nc\nd', bomDropped: true, crlfReplaced: 2, crReplaced: 1,
      notes: ['A UTF-8 byte-order mark at the start was dropped.', '2 Windows line endings (CRLF) became LF.', '1 lone carriage return (CR) became LF.'],
    });
  });

  it('refuses bad UTF-8 with the byte offset and line of the first bad sequence', () => {
    const result = decodeTextFile(bytesOf('a\nb', [0xff], 'c'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain('offset 3 (line 2, starting 0xff)');
  });

  it('refuses an empty file, a byte-order mark alone and whitespace alone', () => {
    expect(decodeTextFile(new Uint8Array(0))).toEqual({ ok: false, error: 'The file is empty.' });
    expect(decodeTextFile(bytesOf([0xef, 0xbb, 0xbf]))).toEqual({ ok: false, error: 'The file is empty.' });
    expect(decodeTextFile(bytesOf(' \r\n\t\u00a0'))).toEqual({ ok: false, error: 'The file holds only whitespace: there is no text to learn from.' });
  });
});

describe('firstInvalidUtf8Offset', () => {
  it('finds where the first ill-formed sequence starts', () => {
    expect(firstInvalidUtf8Offset(bytesOf('a😀é€'))).toBe(-1);
    expect(firstInvalidUtf8Offset(bytesOf('ab', [0x80]))).toBe(2); // stray continuation byte
    expect(firstInvalidUtf8Offset(bytesOf('a', [0xe2, 0x82]))).toBe(1); // cut off at the end
    expect(firstInvalidUtf8Offset(bytesOf('a', [0xe2, 0x41, 0x41]))).toBe(1); // lead byte without its continuation
    expect(firstInvalidUtf8Offset(bytesOf([0xc0, 0xaf]))).toBe(0); // overlong "/"
    expect(firstInvalidUtf8Offset(bytesOf('xyz', [0xe0, 0x80, 0xaf]))).toBe(3); // overlong 3-byte
    expect(firstInvalidUtf8Offset(bytesOf('A', [0xed, 0xa0, 0x80]))).toBe(1); // UTF-16 surrogate D800
    expect(firstInvalidUtf8Offset(bytesOf('é', [0xf4, 0x90, 0x80, 0x80]))).toBe(2); // above U+10FFFF
    expect(firstInvalidUtf8Offset(bytesOf([0xf5]))).toBe(0);
  });

  it('agrees with the strict TextDecoder on random bytes', () => {
    const rnd = mulberry32(7);
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    for (let trial = 0; trial < 500; trial++) {
      // Mostly ASCII and UTF-8 lead/continuation bytes, so both valid and invalid inputs turn up.
      const bytes = Uint8Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => (rnd() < 0.4 ? 0x61 : 0x80 + Math.floor(rnd() * 0x78)));
      let valid = true;
      try { decoder.decode(bytes); } catch { valid = false; }
      expect(firstInvalidUtf8Offset(bytes) === -1, [...bytes].map((b) => b.toString(16)).join(' ')).toBe(valid);
    }
  });
});

describe('character vocabulary', () => {
  it('puts the reserved tokens first, then the characters most frequent first, ties in code-point order', () => {
    const v = buildVocabulary('hello', char);
    expect(v.tokens).toEqual(['<pad>', '<unk>', '<bos>', '<eos>', 'l', 'e', 'h', 'o']);
    expect(v.counts).toEqual([0, 0, 0, 0, 2, 1, 1, 1]);
    expect([...encode(v, 'hello')]).toEqual([6, 5, 4, 4, 7]);
    expect(decode(v, encode(v, 'hello'))).toBe('hello');
  });

  it('maps an unseen character to <unk>, shown as U+FFFD; markers and padding are not text', () => {
    const v = buildVocabulary('hello', char);
    expect([...encode(v, 'help')]).toEqual([6, 5, 4, 1]);
    expect(decode(v, encode(v, 'help'))).toBe('hel\uFFFD');
    expect([...encode(v, 'he', { bos: true, eos: true })]).toEqual([2, 6, 5, 3]);
    expect(decode(v, [0, 2, 6, 5, 3, 0])).toBe('he');
    expect(() => decode(v, [8])).toThrow(/outside the vocabulary/);
  });

  it('keeps a surrogate pair (an emoji) as one character', () => {
    const v = buildVocabulary('a😀b😀', char);
    expect(v.tokens.slice(4)).toEqual(['😀', 'a', 'b']);
    expect([...encode(v, 'a😀b😀')]).toEqual([5, 4, 6, 4]);
    expect(decode(v, [4, 5])).toBe('😀a');
  });

  it('breaks ties by code point, not UTF-16 unit (an emoji sorts after U+E000)', () => {
    expect(buildVocabulary('😀\uE000', char).tokens.slice(4)).toEqual(['\uE000', '😀']);
    expect(compareCodePoints('\uFFFD', '😀')).toBeLessThan(0);
    expect(compareCodePoints('ab', 'a')).toBeGreaterThan(0);
    expect(compareCodePoints('😀', '😀')).toBe(0);
  });

  it('caps its size, reserved ids included, and refuses a cap that leaves no room', () => {
    expect(buildVocabulary('hello', { ...char, maxSize: 5 }).tokens).toEqual(['<pad>', '<unk>', '<bos>', '<eos>', 'l']);
    expect(() => buildVocabulary('hello', { ...char, maxSize: 4 })).toThrow(/above 4/);
  });
});

describe('word vocabulary', () => {
  const text = 'The cat saw the dog. The dog ran!';

  it('tokenises words (inner apostrophes kept), punctuation and line breaks', () => {
    const tokens = tokenize("Don't stop—now!\nOK", { level: 'word', lowercase: false });
    expect(tokens).toEqual(["Don't", 'stop', '—', 'now', '!', '\n', 'OK']);
    expect(detokenize(tokens, 'word')).toBe("Don't stop — now !\nOK");
    expect(tokenize(detokenize(tokens, 'word'), { level: 'word', lowercase: false })).toEqual(tokens);
  });

  it('lower-cases on request, caps the vocabulary and maps the rest to <unk>', () => {
    const v = buildVocabulary(text, { level: 'word', lowercase: true, maxSize: 8 });
    // the ×3, dog ×2, then the ties at 1 in code-point order: "!" "." "cat" "ran" "saw" — cut after ".".
    expect(v.tokens).toEqual(['<pad>', '<unk>', '<bos>', '<eos>', 'the', 'dog', '!', '.']);
    const ids = encode(v, text);
    expect([...ids]).toEqual([4, 1, 1, 4, 5, 7, 4, 5, 1, 6]);
    expect(decode(v, ids)).toBe('the <unk> <unk> the dog . the dog <unk> !');
    expect(decodeTokens(v, encode(v, 'the dog!'))).toEqual(['the', 'dog', '!']);
  });

  it('keeps case apart without lowercase', () => {
    const v = buildVocabulary(text, { level: 'word', lowercase: false });
    // The ×2 and dog ×2 ("T" before "d"), then the ones in code-point order, "the" after "saw".
    expect(v.tokens.slice(4)).toEqual(['The', 'dog', '!', '.', 'cat', 'ran', 'saw', 'the']);
    expect(v.ids.get('the')).toBe(11);
  });
});

describe('serialised vocabulary', () => {
  it('is stable JSON that reads back to the same ids', () => {
    const v = buildVocabulary('hello', char);
    const json = serialiseVocabulary(v);
    expect(json).toBe('{"format":"latent-workbench.sequence-vocabulary","version":1,"level":"char","lowercase":false,'
      + '"reserved":["<pad>","<unk>","<bos>","<eos>"],"tokens":["l","e","h","o"],"counts":[2,1,1,1]}');
    const back = parseVocabulary(json);
    expect(back.tokens).toEqual(v.tokens);
    expect([...encode(back, 'hole')]).toEqual([...encode(v, 'hole')]);
    expect(serialiseVocabulary(back)).toBe(json);
  });

  it('refuses JSON that is not a vocabulary', () => {
    const good = JSON.parse(serialiseVocabulary(buildVocabulary('hello', char))) as Record<string, unknown>;
    const bad = (change: Record<string, unknown>): string => JSON.stringify({ ...good, ...change });
    expect(() => parseVocabulary(bad({ tokens: ['l', 'e', 'l', 'o'] }))).toThrow(/"l" appears twice/);
    expect(() => parseVocabulary(bad({ tokens: ['l', 'e', '<unk>', 'o'] }))).toThrow(/reserved/);
    expect(() => parseVocabulary(bad({ counts: [2, 1] }))).toThrow(/4 tokens but 2 counts/);
    expect(() => parseVocabulary(bad({ level: 'byte' }))).toThrow(/level/);
    expect(() => parseVocabulary(bad({ format: 'other' }))).toThrow(/format/);
  });
});

describe('splitSequence', () => {
  const covered = (ranges: SequenceRange[]): number => ranges.reduce((s, r) => s + r.end - r.start, 0);

  it('splits whole chunks, the last one short, and covers the sequence once', () => {
    const result = splitSequence(10, { validationFraction: 0.5, seed: 1, chunkLength: 4 });
    if (!result.ok) throw new Error(result.error);
    expect(result.chunks).toBe(3); // [0,4) [4,8) [8,10)
    expect(result.validationChunks).toBe(2); // round(1.5)
    const all = [...result.train, ...result.validation].sort((a, b) => a.start - b.start);
    expect(all[0]?.start).toBe(0);
    all.forEach((r, i) => {
      expect([0, 4, 8]).toContain(r.start);
      expect([4, 8, 10]).toContain(r.end);
      if (i > 0) expect(r.start).toBe(all[i - 1]?.end);
    });
    expect(all[all.length - 1]?.end).toBe(10);
    expect(covered(result.train)).toBe(result.train.some((r) => r.end === 10) ? 2 : 4);
  });

  it('draws the same chunks for the same seed, other chunks for other seeds, and merges neighbours', () => {
    const options = { validationFraction: 0.25, seed: 42, chunkLength: 10 };
    const a = splitSequence(200, options);
    expect(splitSequence(200, options)).toEqual(a);
    if (!a.ok) throw new Error(a.error);
    expect(a.validationChunks).toBe(5);
    expect(covered(a.validation)).toBe(50);
    expect(covered(a.train)).toBe(150);
    for (const side of [a.train, a.validation]) {
      side.forEach((r, i) => { if (i > 0) expect(r.start).toBeGreaterThan(side[i - 1]?.end ?? Infinity); });
    }
    const others = new Set([1, 2, 3, 4, 5].map((seed) => JSON.stringify(splitSequence(200, { ...options, seed }))));
    expect(others.size).toBeGreaterThan(1);
  });

  it('refuses a fraction that leaves a side empty, or outside (0, 1), with a message', () => {
    expect(splitSequence(10, { validationFraction: 0.1, seed: 1, chunkLength: 4 })).toEqual({
      ok: false,
      error: 'A validation fraction of 0.1 of 3 chunks of 4 tokens (10 tokens in all) leaves the validation side empty: choose a fraction nearer 0.5, shorter chunks or a longer text.',
    });
    const tooMuch = splitSequence(10, { validationFraction: 0.9, seed: 1, chunkLength: 4 });
    expect(tooMuch.ok ? '' : tooMuch.error).toContain('leaves the training side empty');
    const one = splitSequence(3, { validationFraction: 0.5, seed: 1, chunkLength: 4 });
    expect(one.ok ? '' : one.error).toContain('of 1 chunk of 4 tokens');
    for (const f of [0, 1, -0.2, Number.NaN]) {
      const r = splitSequence(100, { validationFraction: f, seed: 1, chunkLength: 4 });
      expect(r.ok ? '' : r.error).toContain('strictly between 0 and 1');
    }
    const r = splitSequence(100, { validationFraction: 0.5, seed: 1, chunkLength: 0 });
    expect(r.ok ? '' : r.error).toContain('chunk length');
  });

  it('slices the ranges out of the ids', () => {
    const ids = Int32Array.from([0, 1, 2, 3, 4, 5]);
    expect(takeRanges(ids, [{ start: 1, end: 3 }, { start: 5, end: 6 }]).map((a) => [...a])).toEqual([[1, 2], [5]]);
  });
});

describe('statistics', () => {
  it('computes the entropy of known distributions', () => {
    expect(entropyBits([2, 2])).toBe(1);
    expect(entropyBits([1, 1, 1, 1])).toBe(2);
    expect(entropyBits([3, 1])).toBeCloseTo(0.811278, 6); // −(¾·log₂¾ + ¼·log₂¼)
    expect(entropyBits([5, 0])).toBe(0);
    expect(entropyBits([])).toBe(0);
  });

  it('gives "aabb" one bit per character', () => {
    expect(textStatistics('aabb', buildVocabulary('aabb', char))).toEqual({
      characters: 4, distinctCharacters: 2, tokens: 4, vocabularySize: 6, unknownTokens: 0, unigramBitsPerChar: 1, unigramBitsPerToken: 1,
    });
  });

  it('counts an emoji as one character and measures a capped word vocabulary with <unk> as one token', () => {
    expect(textStatistics('a😀', buildVocabulary('a😀', char))).toMatchObject({ characters: 2, distinctCharacters: 2, unigramBitsPerChar: 1 });
    const text = 'The cat saw the dog. The dog ran!';
    const stats = textStatistics(text, buildVocabulary(text, { level: 'word', lowercase: true, maxSize: 8 }));
    expect(stats).toMatchObject({ characters: 33, tokens: 10, vocabularySize: 8, unknownTokens: 3 });
    // the 3, <unk> 3, dog 2, "!" 1, "." 1 of 10 tokens.
    const h = -(2 * 0.3 * Math.log2(0.3) + 0.2 * Math.log2(0.2) + 2 * 0.1 * Math.log2(0.1));
    expect(stats.unigramBitsPerToken).toBeCloseTo(h, 12);
  });
});
