/**
 * A safe subset of markdown for run notes, parsed to a small AST that
 * MarkdownText.vue renders with Vue render functions (never as HTML): so
 * whatever a note holds, `<script>` included, can only ever become text.
 *
 * Blocks: paragraphs (each line break kept), headings `#` to `###`, fenced
 * code blocks (``` or ~~~, unclosed ones run to the end), bullet lists (`-`,
 * `*`, `+`) and numbered lists (`1.` or `1)`), one level. Inline: `**strong**`
 * / `__strong__`, `*em*` / `_em_` (an underscore inside a word, as in
 * `learning_rate`, stays text), `` `code` ``, `[text](https://…)`, bare
 * http(s) URLs, and backslash escapes. Anything else, including a link to any
 * other scheme (`javascript:`, `data:`, `file:`) and a marker with no closer,
 * is text.
 */

export type MdInline =
  | { type: 'text'; text: string }
  | { type: 'strong'; children: MdInline[] }
  | { type: 'em'; children: MdInline[] }
  | { type: 'code'; text: string }
  | { type: 'link'; href: string; children: MdInline[] }
  | { type: 'break' };

export type MdBlock =
  | { type: 'paragraph'; children: MdInline[] }
  | { type: 'heading'; level: 1 | 2 | 3; children: MdInline[] }
  | { type: 'code'; lang: string; text: string }
  | { type: 'list'; ordered: boolean; start: number; items: MdInline[][] };

/** Inline nesting deeper than this (`***…` towers) stays text: bounds the recursion. */
const MAX_DEPTH = 6;
const URL_BODY = /^https?:\/\/[^\s<>"`]+/i;
const SAFE_HREF = /^https?:\/\/[^\s<>"`]+$/i;
const ESCAPABLE = /[\\`*_{}[\]()#+\-.!<>~|]/;

/** True for the only links a note may hold: absolute http or https URLs without spaces or angle brackets. */
export function isSafeHref(href: string): boolean {
  return SAFE_HREF.test(href);
}

// ---- blocks -------------------------------------------------------------

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]{0,30})\s*$/;
const HEADING = /^ {0,3}(#{1,3})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const BULLET = /^ {0,3}[-*+][ \t]+(.*)$/;
const NUMBERED = /^ {0,3}(\d{1,9})[.)][ \t]+(.*)$/;

function isBlank(line: string): boolean {
  return line.trim() === '';
}

/** Where a new block begins, so a paragraph or list item stops before it. */
function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || BULLET.test(line) || NUMBERED.test(line);
}

/** The fenced block opening at `lines[at]`: its text and the index after its closing fence (or the end). */
function readFence(lines: readonly string[], at: number, fence: string, lang: string): { block: MdBlock; next: number } {
  const body: string[] = [];
  let i = at + 1;
  const closer = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
  while (i < lines.length && !closer.test(lines[i] ?? '')) body.push(lines[i++] ?? '');
  return { block: { type: 'code', lang, text: body.join('\n') }, next: Math.min(i + 1, lines.length) };
}

/** A list from `lines[at]` on: items of the same kind, each with its indented continuation lines. */
function readList(lines: readonly string[], at: number, ordered: boolean): { block: MdBlock; next: number } {
  const marker = ordered ? NUMBERED : BULLET;
  const first = marker.exec(lines[at] ?? '');
  const start = ordered && first ? Number(first[1]) : 1;
  const items: string[][] = [];
  let i = at;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    const m = marker.exec(line);
    if (m) {
      items.push([(ordered ? m[2] : m[1]) ?? '']);
    } else if (!isBlank(line) && /^[ \t]{2,}/.test(line) && !startsBlock(line.trimStart())) {
      items[items.length - 1]?.push(line.trim());
    } else {
      break;
    }
    i++;
  }
  return { block: { type: 'list', ordered, start, items: items.map((item) => parseInline(item.join('\n'))) }, next: i };
}

/** Parses a note into blocks. Never throws; any text gives some rendering of itself. */
export function parseMarkdown(source: string): MdBlock[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: MdBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (isBlank(line)) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const read = readFence(lines, i, fence[1] ?? '```', fence[2] ?? '');
      blocks.push(read.block);
      i = read.next;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = (heading[1] ?? '#').length as 1 | 2 | 3;
      blocks.push({ type: 'heading', level, children: parseInline(heading[2] ?? '') });
      i++;
      continue;
    }
    if (BULLET.test(line) || NUMBERED.test(line)) {
      const read = readList(lines, i, !BULLET.test(line));
      blocks.push(read.block);
      i = read.next;
      continue;
    }
    const para: string[] = [line.trim()];
    i++;
    while (i < lines.length && !isBlank(lines[i] ?? '') && !startsBlock(lines[i] ?? '')) para.push((lines[i++] ?? '').trim());
    blocks.push({ type: 'paragraph', children: parseInline(para.join('\n')) });
  }
  return blocks;
}

// ---- inline -------------------------------------------------------------

const isWordChar = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}]/u.test(c);
const isSpace = (c: string | undefined): boolean => c === undefined || /\s/.test(c);

/** Appends text, merging it into a preceding text node. */
function pushText(out: MdInline[], text: string): void {
  if (text === '') return;
  const last = out[out.length - 1];
  if (last?.type === 'text') last.text += text;
  else out.push({ type: 'text', text });
}

/**
 * Whether `marker` at `at` may open emphasis: followed by a non-space, and for
 * `_` not inside a word (so `learning_rate` stays text).
 */
function canOpen(s: string, at: number, marker: string): boolean {
  if (isSpace(s[at + marker.length])) return false;
  return marker[0] !== '_' || !isWordChar(s[at - 1]);
}

function canClose(s: string, at: number, marker: string): boolean {
  if (isSpace(s[at - 1])) return false;
  return marker[0] !== '_' || !isWordChar(s[at + marker.length]);
}

/** The index of the closer of `marker` after `from`, or -1. A single `*` does not close on a `**`. */
function findCloser(s: string, from: number, marker: string): number {
  let at = s.indexOf(marker, from);
  while (at >= 0) {
    const doubled = marker.length === 1 && (s[at + 1] === marker || s[at - 1] === marker);
    if (!doubled && at > from && canClose(s, at, marker)) {
      // `**` closing on a run of three or more (`***`) takes the run's last two: the inner `*` then closes its emphasis.
      while (marker.length === 2 && s[at + 2] === marker[0]) at++;
      return at;
    }
    at = s.indexOf(marker, at + (doubled ? 2 : 1));
  }
  return -1;
}

/** A bare URL at `at` (after a non-word character), without trailing punctuation or an unbalanced `)`. */
function bareUrl(s: string, at: number): string | null {
  if (isWordChar(s[at - 1])) return null;
  const m = URL_BODY.exec(s.slice(at, at + 2048));
  if (!m) return null;
  let url = m[0];
  for (;;) {
    const last = url[url.length - 1] ?? '';
    const unbalanced = last === ')' && (url.match(/\(/g)?.length ?? 0) < (url.match(/\)/g)?.length ?? 0);
    if (/[.,;:!?'*_\]]/.test(last) || unbalanced) url = url.slice(0, -1);
    else break;
  }
  return /^https?:\/\/./i.test(url) ? url : null;
}

/** `[text](href)` at `at`: the text, the href and the index after it, or null when it is not one. */
function linkAt(s: string, at: number): { text: string; href: string; end: number } | null {
  const close = s.indexOf('](', at + 1);
  if (close < 0 || s.slice(at + 1, close).includes('[')) return null;
  const end = s.indexOf(')', close + 2);
  if (end < 0) return null;
  return { text: s.slice(at + 1, close), href: s.slice(close + 2, end).trim(), end: end + 1 };
}

/**
 * Parses inline markup. Markers without a closer are text; once a marker's
 * closer is not found, later copies of it are not searched again (so a
 * hostile run of thousands of `*` stays linear).
 */
export function parseInline(s: string, depth = 0): MdInline[] {
  const out: MdInline[] = [];
  const unclosed = new Set<string>();
  let i = 0;
  let text = '';
  const flush = () => { pushText(out, text); text = ''; };
  while (i < s.length) {
    const c = s[i] ?? '';
    if (c === '\\' && ESCAPABLE.test(s[i + 1] ?? '')) {
      text += s[i + 1];
      i += 2;
    } else if (c === '\n') {
      flush();
      out.push({ type: 'break' });
      i++;
    } else if (c === '`') {
      const run = /^`+/.exec(s.slice(i))?.[0] ?? '`';
      const end = unclosed.has(run) ? -1 : s.indexOf(run, i + run.length);
      if (end < 0) {
        unclosed.add(run);
        text += run;
        i += run.length;
      } else {
        flush();
        out.push({ type: 'code', text: s.slice(i + run.length, end).replace(/\n/g, ' ') });
        i = end + run.length;
      }
    } else if ((c === '*' || c === '_') && depth < MAX_DEPTH) {
      const marker = s[i + 1] === c ? c + c : c;
      const end = unclosed.has(marker) || !canOpen(s, i, marker) ? -1 : findCloser(s, i + marker.length, marker);
      if (end < 0) {
        if (canOpen(s, i, marker)) unclosed.add(marker);
        text += marker;
        i += marker.length;
      } else {
        flush();
        const children = parseInline(s.slice(i + marker.length, end), depth + 1);
        out.push(marker.length === 2 ? { type: 'strong', children } : { type: 'em', children });
        i = end + marker.length;
      }
    } else if (c === '[' && depth < MAX_DEPTH && !unclosed.has('[')) {
      const link = linkAt(s, i);
      if (link && isSafeHref(link.href) && link.text.trim() !== '') {
        flush();
        // The link's text stays plain: no markup, and no bare URL making a link inside a link.
        out.push({ type: 'link', href: link.href, children: [{ type: 'text', text: link.text }] });
        i = link.end;
      } else {
        if (!link) unclosed.add('[');
        text += c;
        i++;
      }
    } else if ((c === 'h' || c === 'H') && bareUrl(s, i) !== null) {
      const url = bareUrl(s, i) ?? '';
      flush();
      out.push({ type: 'link', href: url, children: [{ type: 'text', text: url }] });
      i += url.length;
    } else {
      text += c;
      i++;
    }
  }
  flush();
  return out;
}
