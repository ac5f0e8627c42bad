/**
 * Token vocabularies for the sequence family's text data (issue 12): a
 * tokeniser at character or word level, a vocabulary built from a corpus with
 * reserved tokens at fixed ids and an optional size cap, encode/decode, and a
 * stable JSON form stored with a run so its ids can be read back later.
 *
 * Pure: no IO, no tfjs. Characters are Unicode code points, never UTF-16 code
 * units, so an emoji (a surrogate pair) is one token and is never split.
 */
import { z } from 'zod';

/** The reserved tokens, at ids 0..3 in every vocabulary whatever the corpus. */
export const RESERVED_TOKENS = ['<pad>', '<unk>', '<bos>', '<eos>'] as const;
export const PAD_ID = 0;
export const UNK_ID = 1;
export const BOS_ID = 2;
export const EOS_ID = 3;

export type TokenLevel = 'char' | 'word';

export interface TokeniserOptions {
  level: TokenLevel;
  /** Lower-case the text before tokenising (locale-independent `toLowerCase`). */
  lowercase: boolean;
}

export interface Vocabulary extends TokeniserOptions {
  /** Every token in id order: the reserved ones at 0..3, then the corpus's, most frequent first. */
  readonly tokens: readonly string[];
  /** Each token's count in the corpus it was built from (0 for the reserved ones). */
  readonly counts: readonly number[];
  /** Token → id for the corpus's tokens (the reserved ones are reached by their id constants). */
  readonly ids: ReadonlyMap<string, number>;
}

/**
 * Words (letters, marks and digits, with inner apostrophes as in "don't"),
 * line breaks (kept so a word model's samples keep their lines), and every
 * other non-space code point as a punctuation token of its own.
 */
const WORD_TOKEN = /\n|[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*|[^\s\p{L}\p{M}\p{N}]/gu;

/** The text's tokens at the given level: code points, or words and punctuation. */
export function tokenize(text: string, options: TokeniserOptions): string[] {
  const source = options.lowercase ? text.toLowerCase() : text;
  if (options.level === 'char') return Array.from(source);
  return Array.from(source.matchAll(WORD_TOKEN), (m) => m[0]);
}

/**
 * Tokens back to text. Characters are joined as they are; words are joined by
 * single spaces (the tokeniser dropped the original spacing), with none around
 * a line break, so tokenize(detokenize(t)) gives t back.
 */
export function detokenize(tokens: readonly string[], level: TokenLevel): string {
  if (level === 'char') return tokens.join('');
  let out = '';
  let previous: string | null = null;
  for (const token of tokens) {
    if (previous !== null && previous !== '\n' && token !== '\n') out += ' ';
    out += token;
    previous = token;
  }
  return out;
}

/** Order strings by Unicode code point (JS `<` compares UTF-16 units, which puts astral characters before U+E000–U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n;) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(i) ?? 0;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

export interface VocabularyOptions extends TokeniserOptions {
  /** The most ids the vocabulary may have, the 4 reserved ones included; the rarer tokens become `<unk>`. */
  maxSize?: number;
}

/**
 * A vocabulary of the text's tokens: most frequent first, ties in code-point
 * order (so the same text always gives the same ids), cut to `maxSize` ids.
 */
export function buildVocabulary(text: string, options: VocabularyOptions): Vocabulary {
  const { maxSize } = options;
  if (maxSize !== undefined && (!Number.isInteger(maxSize) || maxSize <= RESERVED_TOKENS.length)) {
    throw new RangeError(`A vocabulary cap must be a whole number above ${RESERVED_TOKENS.length} (the reserved tokens ${RESERVED_TOKENS.join(', ')}); got ${maxSize}.`);
  }
  const counts = new Map<string, number>();
  for (const token of tokenize(text, options)) counts.set(token, (counts.get(token) ?? 0) + 1);
  const ranked = [...counts].sort(([a, ca], [b, cb]) => cb - ca || compareCodePoints(a, b));
  const kept = maxSize === undefined ? ranked : ranked.slice(0, maxSize - RESERVED_TOKENS.length);
  return makeVocabulary(options, kept.map(([token]) => token), kept.map(([, count]) => count));
}

function makeVocabulary(options: TokeniserOptions, corpusTokens: readonly string[], corpusCounts: readonly number[]): Vocabulary {
  const tokens = [...RESERVED_TOKENS, ...corpusTokens];
  const ids = new Map<string, number>();
  corpusTokens.forEach((token, i) => ids.set(token, i + RESERVED_TOKENS.length));
  return { level: options.level, lowercase: options.lowercase, tokens, counts: [...RESERVED_TOKENS.map(() => 0), ...corpusCounts], ids };
}

/**
 * A character-level vocabulary of a fixed symbol list, in the order given
 * (for the synthetic tasks, whose alphabet is declared, not counted from a
 * corpus; the order is the id order, which the `sort` task sorts by): the
 * reserved tokens at 0..3, then `symbols` from id 4, each with count 0.
 * Symbols must be single, distinct code points, since text is encoded one
 * character per token.
 */
export function symbolVocabulary(symbols: readonly string[]): Vocabulary {
  const seen = new Set<string>();
  for (const s of symbols) {
    if (Array.from(s).length !== 1) throw new RangeError(`vocabulary symbol '${s}' must be one character`);
    if (seen.has(s)) throw new RangeError(`vocabulary symbol '${s}' appears twice`);
    seen.add(s);
  }
  return makeVocabulary({ level: 'char', lowercase: false }, symbols, symbols.map(() => 0));
}

export interface EncodeOptions {
  /** Put `<bos>` before the tokens. */
  bos?: boolean;
  /** Put `<eos>` after the tokens. */
  eos?: boolean;
}

/** The text's token ids (tokenised as the vocabulary was); a token outside it becomes `<unk>`. */
export function encode(vocabulary: Vocabulary, text: string, options: EncodeOptions = {}): Int32Array {
  const tokens = tokenize(text, vocabulary);
  const start = options.bos === true ? 1 : 0;
  const out = new Int32Array(tokens.length + start + (options.eos === true ? 1 : 0));
  if (start === 1) out[0] = BOS_ID;
  tokens.forEach((token, i) => { out[i + start] = vocabulary.ids.get(token) ?? UNK_ID; });
  if (options.eos === true) out[out.length - 1] = EOS_ID;
  return out;
}

/**
 * The ids' tokens: `<pad>`, `<bos>` and `<eos>` are left out (they are
 * markers, not text); `<unk>` becomes `unknown` (default: U+FFFD, the
 * replacement character, at character level; "<unk>" at word level).
 */
export function decodeTokens(vocabulary: Vocabulary, ids: ArrayLike<number>, unknown?: string): string[] {
  const unk = unknown ?? (vocabulary.level === 'char' ? '\uFFFD' : RESERVED_TOKENS[UNK_ID]);
  const out: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] ?? -1;
    const token = vocabulary.tokens[id];
    if (token === undefined || !Number.isInteger(id)) throw new RangeError(`Token id ${id} at position ${i} is outside the vocabulary (0..${vocabulary.tokens.length - 1}).`);
    if (id === UNK_ID) out.push(unk);
    else if (id >= RESERVED_TOKENS.length) out.push(token);
  }
  return out;
}

/** The ids as text (see `decodeTokens` and `detokenize`). */
export function decode(vocabulary: Vocabulary, ids: ArrayLike<number>, unknown?: string): string {
  return detokenize(decodeTokens(vocabulary, ids, unknown), vocabulary.level);
}

/**
 * The ids as text up to the first `<eos>` (see `decode`): a model's greedy
 * output runs on past its end, and what follows `<eos>` is not part of the
 * sequence it stands for.
 */
export function decodeUntilEos(vocabulary: Vocabulary, ids: ArrayLike<number>, unknown?: string): string {
  const kept: number[] = [];
  for (let i = 0; i < ids.length && ids[i] !== EOS_ID; i++) kept.push(ids[i] ?? -1);
  return decode(vocabulary, kept, unknown);
}

const VOCABULARY_FORMAT = 'latent-workbench.sequence-vocabulary';

const serialisedSchema = z.object({
  format: z.literal(VOCABULARY_FORMAT),
  version: z.literal(1),
  level: z.enum(['char', 'word']),
  lowercase: z.boolean(),
  reserved: z.tuple([z.literal('<pad>'), z.literal('<unk>'), z.literal('<bos>'), z.literal('<eos>')]),
  tokens: z.array(z.string().min(1)),
  counts: z.array(z.number().int().nonnegative()),
}).strict();

/**
 * The vocabulary as JSON, stored with a run: fixed key order and the tokens
 * in id order, so the same vocabulary always gives the same bytes.
 */
export function serialiseVocabulary(vocabulary: Vocabulary): string {
  const n = RESERVED_TOKENS.length;
  return JSON.stringify({
    format: VOCABULARY_FORMAT,
    version: 1,
    level: vocabulary.level,
    lowercase: vocabulary.lowercase,
    reserved: [...RESERVED_TOKENS],
    tokens: vocabulary.tokens.slice(n),
    counts: vocabulary.counts.slice(n),
  });
}

/** A stored vocabulary back; throws with a message if the JSON is not one (wrong shape, duplicate or reserved tokens). */
export function parseVocabulary(json: string): Vocabulary {
  const parsed = serialisedSchema.safeParse(JSON.parse(json));
  if (!parsed.success) throw new Error(`Not a stored vocabulary: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  const { tokens, counts } = parsed.data;
  if (tokens.length !== counts.length) throw new Error(`Not a stored vocabulary: ${tokens.length} tokens but ${counts.length} counts.`);
  const seen = new Set<string>(RESERVED_TOKENS);
  for (const token of tokens) {
    if (seen.has(token)) throw new Error(`Not a stored vocabulary: the token ${JSON.stringify(token)} appears twice or is reserved.`);
    seen.add(token);
  }
  return makeVocabulary(parsed.data, tokens, counts);
}
