/**
 * The filter's tokens. A field is one token, a path of segments joined by
 * dots with no spaces (`metrics.kl_dim/3.last`): a segment is letters,
 * digits, `_` and `/`, or a double-quoted string for keys with other
 * characters (`params."warm-up"`). Reading the whole path at once is what
 * lets metric keys hold `/` while `.` still separates the aggregate, and it
 * gives every segment its own offsets for the errors.
 */
import type { CompareOp } from './ast';
import { RunFilterError } from './ast';

export interface Segment { text: string; quoted: boolean; start: number; end: number }

export type Keyword = 'and' | 'or' | 'not' | 'has' | 'true' | 'false';
const keywords: readonly string[] = ['and', 'or', 'not', 'has', 'true', 'false'];

interface Span { start: number; end: number }
export type Token = Span & (
  | { type: 'path'; segments: Segment[] }
  | { type: 'keyword'; word: Keyword }
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'op'; op: CompareOp | '~' }
  | { type: 'lparen' }
  | { type: 'rparen' }
  | { type: 'end' }
);

const WORD_START = /[A-Za-z_]/;
const WORD_CHAR = /[A-Za-z0-9_/]/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
/** Longest first, so `<=` is not read as `<` then `=`. `==` is accepted for `=`. */
const OPERATORS: readonly [string, CompareOp | '~'][] = [
  ['<=', '<='], ['>=', '>='], ['!=', '!='], ['==', '='], ['<', '<'], ['>', '>'], ['=', '='], ['~', '~'],
];

/** A double-quoted string from `start` (its opening quote): `\"` and `\\` are the only escapes. */
function readString(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') return { value, end: i + 1 };
    if (c === '\\') {
      const next = text[i + 1];
      if (next !== '"' && next !== '\\') {
        throw new RunFilterError('In a string, a backslash escapes only " (as \\") and \\ (as \\\\)', i, Math.min(i + 2, text.length));
      }
      value += next;
      i += 2;
    } else {
      value += c;
      i += 1;
    }
  }
  throw new RunFilterError('This string has no closing "', start, text.length);
}

function readWord(text: string, start: number): Segment {
  let end = start;
  while (end < text.length && WORD_CHAR.test(text[end] ?? '')) end++;
  return { text: text.slice(start, end), quoted: false, start, end };
}

/** A field path, or a keyword when it is one bare word that spells one. */
function readPath(text: string, start: number): Token {
  const segments = [readWord(text, start)];
  let i = segments[0]?.end ?? start;
  while (text[i] === '.') {
    const next = text[i + 1] ?? '';
    if (next === '"') {
      const s = readString(text, i + 1);
      segments.push({ text: s.value, quoted: true, start: i + 1, end: s.end });
      i = s.end;
    } else if (WORD_CHAR.test(next)) {
      const w = readWord(text, i + 1);
      segments.push(w);
      i = w.end;
    } else {
      throw new RunFilterError(`Expected a key after "${text.slice(start, i + 1)}" (no spaces around the dots; quote a key with other characters: params."my key")`, i, i + 1);
    }
  }
  const only = segments.length === 1 ? segments[0] : undefined;
  const lower = only?.text.toLowerCase() ?? '';
  if (only && keywords.includes(lower)) return { type: 'keyword', word: lower as Keyword, start, end: i };
  return { type: 'path', segments, start, end: i };
}

function readNumber(text: string, start: number): Token {
  const m = NUMBER.exec(text.slice(start));
  const matched = m?.[0] ?? '';
  let end = start + matched.length;
  if (matched === '' || /^[+-]$/.test(matched) || WORD_CHAR.test(text[end] ?? '') || text[end] === '.') {
    while (end < text.length && /[A-Za-z0-9_./+-]/.test(text[end] ?? '')) end++;
    throw new RunFilterError(`"${text.slice(start, Math.max(end, start + 1))}" is not a number (numbers look like 3, -0.5 or 1e-3)`, start, Math.max(end, start + 1));
  }
  return { type: 'number', value: Number(matched), start, end };
}

function readToken(text: string, i: number): Token {
  const c = text[i] ?? '';
  if (c === '(') return { type: 'lparen', start: i, end: i + 1 };
  if (c === ')') return { type: 'rparen', start: i, end: i + 1 };
  if (c === '"') {
    const s = readString(text, i);
    return { type: 'string', value: s.value, start: i, end: s.end };
  }
  if (/[0-9.+-]/.test(c)) return readNumber(text, i);
  if (WORD_START.test(c)) return readPath(text, i);
  for (const [spelling, op] of OPERATORS) {
    if (text.startsWith(spelling, i)) return { type: 'op', op, start: i, end: i + spelling.length };
  }
  throw new RunFilterError(unexpectedCharacter(text, i), i, i + 1);
}

function unexpectedCharacter(text: string, i: number): string {
  const c = text[i] ?? '';
  if (c === "'") return "Strings are written in double quotes: \"like this\"";
  if (c === '&') return 'Write "and" to join conditions';
  if (c === '|') return 'Write "or" to join conditions';
  if (c === '!') return 'Write "not" to negate a condition ("!=" is "not equal")';
  return `Unexpected character "${c}"`;
}

/** The tokens of a filter, ending with an 'end' token at the text's length. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i] ?? '')) i++;
    if (i >= text.length) break;
    const token = readToken(text, i);
    tokens.push(token);
    i = token.end;
  }
  tokens.push({ type: 'end', start: text.length, end: text.length });
  return tokens;
}
