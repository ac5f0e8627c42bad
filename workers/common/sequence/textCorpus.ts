/**
 * An imported text corpus for the sequence family (issue 12): the uploaded
 * file's bytes decoded strictly as UTF-8, a seeded train/validation split by
 * contiguous chunks, and the statistics a run page shows.
 *
 * Pure: the caller reads the file; these functions see only its bytes.
 */
import { permutation } from '../prng';
import { tokenize, type Vocabulary } from './vocabulary';

export type TextDecodeResult =
  | { ok: true; text: string; bomDropped: boolean; crlfReplaced: number; crReplaced: number; notes: string[] }
  | { ok: false; error: string };

/**
 * The file's text. Refused: bytes that are not UTF-8 (the message gives the
 * byte offset and line of the first bad sequence, so the user can find it)
 * and a file with no visible text. A UTF-8 byte-order mark is dropped and
 * line endings become "\n" (Windows CRLF and old Mac lone CR); `notes` says
 * which of these happened, for the import dialog.
 */
export function decodeTextFile(bytes: Uint8Array): TextDecodeResult {
  const bomDropped = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bomDropped ? bytes.subarray(3) : bytes;
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    return { ok: false, error: invalidUtf8Message(bytes) };
  }
  if (decoded.trim() === '') {
    return { ok: false, error: decoded === '' ? 'The file is empty.' : 'The file holds only whitespace: there is no text to learn from.' };
  }
  let crlfReplaced = 0;
  let crReplaced = 0;
  const text = decoded.replace(/\r\n?/g, (ending) => {
    if (ending.length === 2) crlfReplaced++;
    else crReplaced++;
    return '\n';
  });
  const notes: string[] = [];
  if (bomDropped) notes.push('A UTF-8 byte-order mark at the start was dropped.');
  if (crlfReplaced > 0) notes.push(`${crlfReplaced} Windows line ending${crlfReplaced === 1 ? '' : 's'} (CRLF) became LF.`);
  if (crReplaced > 0) notes.push(`${crReplaced} lone carriage return${crReplaced === 1 ? '' : 's'} (CR) became LF.`);
  return { ok: true, text, bomDropped, crlfReplaced, crReplaced, notes };
}

function invalidUtf8Message(bytes: Uint8Array): string {
  const offset = firstInvalidUtf8Offset(bytes);
  if (offset < 0) return 'The file is not valid UTF-8 text.';
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  const byte = (bytes[offset] ?? 0).toString(16).padStart(2, '0');
  return `The file is not valid UTF-8 text: the bytes at offset ${offset} (line ${line}, starting 0x${byte}) are not a UTF-8 character. Save it as UTF-8 and import it again.`;
}

/**
 * Byte offset where the first ill-formed UTF-8 sequence starts, or -1 if
 * there is none. Follows the Unicode table of well-formed sequences: no
 * overlong forms (C0, C1, E0 80–9F, F0 80–8F), no surrogates (ED A0–BF), nothing
 * above U+10FFFF (F4 90+, F5–FF), no stray continuation byte, no cut-off end.
 * Run only after the decoder refused the bytes, so its cost is paid once.
 */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] ?? 0;
    if (lead < 0x80) { i++; continue; }
    let trailing: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) trailing = 1;
    else if (lead >= 0xe0 && lead <= 0xef) {
      trailing = 2;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      trailing = 3;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k <= trailing; k++) {
      const next = bytes[i + k];
      if (next === undefined) return i;
      if (next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return i;
    }
    i += trailing + 1;
  }
  return -1;
}

/** Positions [start, end) in a token sequence. */
export interface SequenceRange { start: number; end: number }

export interface SplitOptions {
  /** Share of the chunks that go to validation, strictly between 0 and 1. */
  validationFraction: number;
  /** Seeds which chunks are drawn for validation: the same seed gives the same split. */
  seed: number;
  /** Tokens per chunk (the last chunk may be shorter). */
  chunkLength: number;
}

export type SplitResult =
  | { ok: true; chunks: number; validationChunks: number; train: SequenceRange[]; validation: SequenceRange[] }
  | { ok: false; error: string };

/**
 * Split a sequence of `length` tokens into train and validation by whole
 * contiguous chunks, round(fraction × chunks) of them drawn for validation
 * with the seed. Whole chunks, not single characters: validation characters
 * scattered through the training text would sit inside training contexts
 * and the validation loss would measure memory, not generalisation. Chunks
 * that end up side by side on one side are merged into one range; ranges
 * come sorted by start. Refused, with a message, when either side would be
 * empty.
 */
export function splitSequence(length: number, options: SplitOptions): SplitResult {
  const { validationFraction: fraction, seed, chunkLength } = options;
  if (!(fraction > 0 && fraction < 1)) return { ok: false, error: `The validation fraction must be strictly between 0 and 1; got ${fraction}.` };
  if (!Number.isInteger(chunkLength) || chunkLength < 1) return { ok: false, error: `The chunk length must be a whole number of tokens, at least 1; got ${chunkLength}.` };
  if (!Number.isInteger(length) || length < 0) return { ok: false, error: `The sequence length must be a whole number; got ${length}.` };
  const chunks = Math.ceil(length / chunkLength);
  const validationChunks = Math.round(fraction * chunks);
  if (validationChunks < 1 || validationChunks >= chunks) {
    const side = validationChunks < 1 ? 'validation' : 'training';
    return { ok: false, error: `A validation fraction of ${fraction} of ${chunks} chunk${chunks === 1 ? '' : 's'} of ${chunkLength} tokens (${length} tokens in all) leaves the ${side} side empty: choose a fraction nearer 0.5, shorter chunks or a longer text.` };
  }
  const isValidation = new Uint8Array(chunks);
  const order = permutation(chunks, seed);
  for (let i = 0; i < validationChunks; i++) isValidation[order[i] ?? 0] = 1;
  const train: SequenceRange[] = [];
  const validation: SequenceRange[] = [];
  for (let c = 0; c < chunks; c++) {
    const side = isValidation[c] === 1 ? validation : train;
    const start = c * chunkLength;
    const end = Math.min(length, start + chunkLength);
    const last = side[side.length - 1];
    if (last !== undefined && last.end === start) last.end = end;
    else side.push({ start, end });
  }
  return { ok: true, chunks, validationChunks, train, validation };
}

/** The ranges' slices of a token sequence (views, not copies). */
export function takeRanges(ids: Int32Array, ranges: readonly SequenceRange[]): Int32Array[] {
  return ranges.map((r) => ids.subarray(r.start, r.end));
}

/** Shannon entropy in bits of the distribution the counts give (zeros ignored; 0 for no counts). */
export function entropyBits(counts: Iterable<number>): number {
  const values = [...counts].filter((c) => c > 0);
  const total = values.reduce((s, c) => s + c, 0);
  if (total === 0) return 0;
  let h = 0;
  for (const c of values) {
    const p = c / total;
    h -= p * Math.log2(p);
  }
  return h;
}

export interface TextStatistics {
  /** Code points in the text (an emoji counts once), as the model sees it (lower-cased if the vocabulary is). */
  characters: number;
  distinctCharacters: number;
  /** Tokens at the vocabulary's level. */
  tokens: number;
  /** Ids in the vocabulary, the reserved ones included. */
  vocabularySize: number;
  /** Tokens outside the vocabulary (they train as `<unk>`). */
  unknownTokens: number;
  /**
   * Unigram entropy of the characters, in bits per character: what a model
   * that learns only how often each character occurs scores on this text. A
   * char model's bits/char should fall below it; at it, the model has learned
   * nothing about context.
   */
  unigramBitsPerChar: number;
  /** The same over the vocabulary's tokens (`<unk>` as one token), in bits per token. */
  unigramBitsPerToken: number;
}

/** The numbers a run page shows for its text (see `TextStatistics`). */
export function textStatistics(text: string, vocabulary: Vocabulary): TextStatistics {
  const source = vocabulary.lowercase ? text.toLowerCase() : text;
  const charCounts = new Map<string, number>();
  let characters = 0;
  for (const ch of source) {
    charCounts.set(ch, (charCounts.get(ch) ?? 0) + 1);
    characters++;
  }
  const tokens = tokenize(source, vocabulary);
  const tokenCounts = new Map<string, number>();
  let unknownTokens = 0;
  for (const token of tokens) {
    if (vocabulary.ids.has(token)) tokenCounts.set(token, (tokenCounts.get(token) ?? 0) + 1);
    else unknownTokens++;
  }
  return {
    characters,
    distinctCharacters: charCounts.size,
    tokens: tokens.length,
    vocabularySize: vocabulary.tokens.length,
    unknownTokens,
    unigramBitsPerChar: entropyBits(charCounts.values()),
    unigramBitsPerToken: entropyBits([...tokenCounts.values(), unknownTokens]),
  };
}
