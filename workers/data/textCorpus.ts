/**
 * A text corpus read from disk for the sequence family (issue 12): the file's
 * bytes decoded strictly as UTF-8 (workers/common/sequence/textCorpus.ts), an
 * optional prefix of it, and the vocabulary a run builds over it. The worker
 * and the corpus service both go through here, so the vocabulary size the
 * services put in a run's contract is the one the worker trains with.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { decodeTextFile } from '../common/sequence/textCorpus';
import { buildVocabulary, type TokenLevel, type Vocabulary } from '../common/sequence/vocabulary';

/** The first `count` code points of `text` (all of it when it has fewer): a surrogate pair is never cut. */
export function firstCharacters(text: string, count: number): string {
  let units = 0;
  for (let n = 0; n < count && units < text.length; n++) {
    const code = text.codePointAt(units) ?? 0;
    units += code > 0xffff ? 2 : 1;
  }
  return text.slice(0, units);
}

/**
 * The corpus file's text, its first `maxCharacters` code points when given.
 * Throws an Error naming the file when it cannot be read, is not UTF-8 (with
 * the byte offset and line) or is empty.
 */
export async function loadCorpusText(file: string, maxCharacters?: number): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new Error(`Cannot read the text corpus ${file}: ${(e as Error).message}`, { cause: e });
  }
  return corpusText(file, bytes, maxCharacters);
}

/** `loadCorpusText` for the services, which size a run's vocabulary while the request waits. */
export function loadCorpusTextSync(file: string, maxCharacters?: number): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new Error(`Cannot read the text corpus ${file}: ${(e as Error).message}`, { cause: e });
  }
  return corpusText(file, bytes, maxCharacters);
}

function corpusText(file: string, bytes: Uint8Array, maxCharacters: number | undefined): string {
  const decoded = decodeTextFile(bytes);
  if (!decoded.ok) throw new Error(`The text corpus ${file} cannot be used: ${decoded.error}`);
  return maxCharacters === undefined ? decoded.text : firstCharacters(decoded.text, maxCharacters);
}

/** How a run tokenises its corpus: by code point, or by word with the cap (the rarer words become <unk>). */
export interface CorpusTokenising {
  level: TokenLevel;
  vocabularyCap: number;
}

/**
 * The vocabulary a run builds over its corpus text: char level keeps every
 * character (the cap is for words), word level the `vocabularyCap` most
 * frequent ids; never lower-cased (the run config has no such option).
 */
export function corpusVocabulary(text: string, t: CorpusTokenising): Vocabulary {
  return buildVocabulary(text, { level: t.level, lowercase: false, ...(t.level === 'word' ? { maxSize: t.vocabularyCap } : {}) });
}
