/**
 * The token vocabulary of a synthetic sequence task: one character per token,
 * with three special tokens first so a later trainer can one-hot or embed ids
 * directly and mask the padding (id 0, like Keras's `mask_zero`).
 */

/** A task's tokens: `tokens[id]` is the text of token `id`; pad, bos and eos are ids into it. */
export interface Vocabulary {
  readonly tokens: readonly string[];
  /** Always 0, so zero-padding is padding and an embedding's `mask_zero` masks it. */
  readonly pad: number;
  /** Start of sequence: the decoder's first input under teacher forcing. */
  readonly bos: number;
  /** End of sequence: appended to targets by a batcher that wants variable-length decoding. */
  readonly eos: number;
}

export const PAD_TOKEN = '<pad>';
export const BOS_TOKEN = '<bos>';
export const EOS_TOKEN = '<eos>';

/** Shown by `decodeTokens` for an id outside the vocabulary (a model bug, not data). */
export const UNKNOWN_CHAR = '\uFFFD';

/**
 * A vocabulary of the special tokens followed by `symbols` in the order given
 * (the order is the id order, which `sort` tasks sort by). Symbols must be
 * single, distinct characters: text is encoded character by character.
 */
export function makeVocabulary(symbols: readonly string[]): Vocabulary {
  const seen = new Set<string>();
  for (const s of symbols) {
    if ([...s].length !== 1) throw new RangeError(`vocabulary symbol '${s}' must be one character`);
    if (seen.has(s)) throw new RangeError(`vocabulary symbol '${s}' appears twice`);
    seen.add(s);
  }
  return { tokens: [PAD_TOKEN, BOS_TOKEN, EOS_TOKEN, ...symbols], pad: 0, bos: 1, eos: 2 };
}

/** Token ids of `text`, one per character; a character outside the vocabulary is an error that names it. */
export function encodeText(vocab: Vocabulary, text: string): number[] {
  const index = new Map<string, number>();
  vocab.tokens.forEach((t, i) => { if (i !== vocab.pad && i !== vocab.bos && i !== vocab.eos) index.set(t, i); });
  return [...text].map((ch) => {
    const id = index.get(ch);
    if (id === undefined) throw new RangeError(`character '${ch}' is not in the vocabulary`);
    return id;
  });
}

/**
 * Readable text of token ids: padding and bos are dropped and decoding stops
 * at the first eos, so a padded batch row or a model's decoded output reads
 * as the sequence it stands for. An id outside the vocabulary shows as U+FFFD.
 */
export function decodeTokens(vocab: Vocabulary, ids: readonly number[]): string {
  let out = '';
  for (const id of ids) {
    if (id === vocab.eos) break;
    if (id === vocab.pad || id === vocab.bos) continue;
    out += vocab.tokens[id] ?? UNKNOWN_CHAR;
  }
  return out;
}
