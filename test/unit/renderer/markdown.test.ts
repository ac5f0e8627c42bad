/**
 * The notes' markdown subset: each construct parsed to the AST MarkdownText
 * renders, and hostile or broken input (HTML, script and data links, unclosed
 * markers, marker floods) left as text or dropped to text, never as markup.
 */
import { describe, expect, it } from 'vitest';
import { isSafeHref, parseInline, parseMarkdown, type MdBlock, type MdInline } from '../../../renderer/lib/markdown';

const text = (t: string): MdInline => ({ type: 'text', text: t });
const para = (...children: MdInline[]): MdBlock => ({ type: 'paragraph', children });

/** Every href in the tree. */
function hrefs(blocks: readonly MdBlock[]): string[] {
  const out: string[] = [];
  const walk = (nodes: readonly MdInline[]) => {
    for (const n of nodes) {
      if (n.type === 'link') out.push(n.href);
      if ('children' in n) walk(n.children);
    }
  };
  for (const b of blocks) {
    if (b.type === 'list') b.items.forEach(walk);
    else if (b.type !== 'code') walk(b.children);
  }
  return out;
}

/** The tree's text as a reader sees it (markers gone, breaks as newlines). */
function plain(nodes: readonly MdInline[]): string {
  return nodes.map((n) => (n.type === 'text' || n.type === 'code' ? n.text : n.type === 'break' ? '\n' : plain(n.children))).join('');
}

describe('markdown blocks', () => {
  it('splits paragraphs on blank lines and keeps line breaks inside one', () => {
    expect(parseMarkdown('one\ntwo\n\n\nthree')).toEqual([para(text('one'), { type: 'break' }, text('two')), para(text('three'))]);
    expect(parseMarkdown('')).toEqual([]);
    expect(parseMarkdown('a\r\nb')).toEqual([para(text('a'), { type: 'break' }, text('b'))]);
  });

  it('reads headings # to ###; #### and #tag stay text', () => {
    expect(parseMarkdown('# Why\n## How ##\n### *Next*')).toEqual([
      { type: 'heading', level: 1, children: [text('Why')] },
      { type: 'heading', level: 2, children: [text('How')] },
      { type: 'heading', level: 3, children: [{ type: 'em', children: [text('Next')] }] },
    ]);
    expect(parseMarkdown('#### deep')).toEqual([para(text('#### deep'))]);
    expect(parseMarkdown('#baseline run')).toEqual([para(text('#baseline run'))]);
  });

  it('keeps fenced code verbatim, with its language; an unclosed fence runs to the end', () => {
    expect(parseMarkdown('before\n```py\nx = **1**\n<b>\n```\nafter')).toEqual([
      para(text('before')), { type: 'code', lang: 'py', text: 'x = **1**\n<b>' }, para(text('after')),
    ]);
    expect(parseMarkdown('~~~\nopen *forever*')).toEqual([{ type: 'code', lang: '', text: 'open *forever*' }]);
    expect(parseMarkdown('```js onclick=alert(1)\nx')).toEqual([para(text('```js onclick=alert(1)'), { type: 'break' }, text('x'))]);
  });

  it('reads bullet and numbered lists, with continuation lines and a start number', () => {
    expect(parseMarkdown('- **lr** 1e-3\n* seed 3\n  still seed\n+ done\n\n3. first\n4) second')).toEqual([
      { type: 'list', ordered: false, start: 1, items: [
        [{ type: 'strong', children: [text('lr')] }, text(' 1e-3')],
        [text('seed 3'), { type: 'break' }, text('still seed')],
        [text('done')],
      ] },
      { type: 'list', ordered: true, start: 3, items: [[text('first')], [text('second')]] },
    ]);
    expect(parseMarkdown('para\n- item')).toEqual([para(text('para')), { type: 'list', ordered: false, start: 1, items: [[text('item')]] }]);
  });
});

describe('markdown inline', () => {
  it('reads strong, emphasis and code, nested', () => {
    expect(parseInline('**bold *and em*** `a*b*` __u__ _e_')).toEqual([
      { type: 'strong', children: [text('bold '), { type: 'em', children: [text('and em')] }] },
      text(' '), { type: 'code', text: 'a*b*' }, text(' '),
      { type: 'strong', children: [text('u')] }, text(' '), { type: 'em', children: [text('e')] },
    ]);
    expect(parseInline('``a ` b``')).toEqual([{ type: 'code', text: 'a ` b' }]);
  });

  it('leaves snake_case, arithmetic and escaped markers as text', () => {
    expect(parseInline('learning_rate and batch_size')).toEqual([text('learning_rate and batch_size')]);
    expect(parseInline('2 * 3 * 4')).toEqual([text('2 * 3 * 4')]);
    expect(parseInline('\\*not em\\* and \\`tick\\`')).toEqual([text('*not em* and `tick`')]);
  });

  it('leaves unclosed markers as text', () => {
    expect(parseInline('**open')).toEqual([text('**open')]);
    expect(parseInline('*open and `tick')).toEqual([text('*open and `tick')]);
    expect(parseInline('[text](https://example.org')).toEqual([text('[text]('), { type: 'link', href: 'https://example.org', children: [text('https://example.org')] }]);
    expect(parseInline('[never closed')).toEqual([text('[never closed')]);
  });

  it('links [text](http(s)://…) and bare URLs, trailing punctuation and an unbalanced ) left out', () => {
    expect(parseInline('see [the paper](https://arxiv.org/abs/1312.6114), and http://x.org/a_(b).')).toEqual([
      text('see '), { type: 'link', href: 'https://arxiv.org/abs/1312.6114', children: [text('the paper')] },
      text(', and '), { type: 'link', href: 'http://x.org/a_(b)', children: [text('http://x.org/a_(b)')] }, text('.'),
    ]);
    expect(parseInline('(https://example.org/x)')).toEqual([text('('), { type: 'link', href: 'https://example.org/x', children: [text('https://example.org/x')] }, text(')')]);
    // A link's text stays plain: no link inside a link.
    expect(parseInline('[https://a.org](https://b.org)')).toEqual([{ type: 'link', href: 'https://b.org', children: [text('https://a.org')] }]);
  });
});

describe('hostile notes', () => {
  it('keeps HTML as text', () => {
    const blocks = parseMarkdown('<script>alert(1)</script>\n<img src=x onerror=alert(1)>');
    expect(blocks).toEqual([para(text('<script>alert(1)</script>'), { type: 'break' }, text('<img src=x onerror=alert(1)>'))]);
  });

  it('links no scheme but http(s): javascript:, data:, file:, relative and protocol-relative hrefs stay text', () => {
    const src = [
      '[click](javascript:alert(1))', '[x](JAVASCRIPT:alert(1))', '[d](data:text/html;base64,PHNjcmlwdD4=)',
      '[f](file:///etc/passwd)', '[r](/runs/1)', '[p](//evil.example)', 'javascript:alert(1)',
    ].join('\n\n');
    const blocks = parseMarkdown(src);
    expect(hrefs(blocks)).toEqual([]);
    expect(blocks.map((b) => (b.type === 'paragraph' ? plain(b.children) : ''))).toEqual(src.split('\n\n'));
  });

  it('checks hrefs: only absolute http(s) without spaces, quotes or angle brackets', () => {
    expect(isSafeHref('https://example.org/a?b=1#c')).toBe(true);
    expect(isSafeHref('HTTP://EXAMPLE.ORG')).toBe(true);
    for (const bad of ['javascript:alert(1)', ' https://a.org', 'https://a.org/"onmouseover="x', 'https://a.org/<script>', 'ftp://a.org', 'https:/a', '']) {
      expect(isSafeHref(bad)).toBe(false);
    }
  });

  it('parses floods of markers, brackets and backticks into text of the same length', () => {
    const floods = ['*'.repeat(20_000), '_'.repeat(20_000), '['.repeat(10_000) + '](', '`'.repeat(5_000) + 'x', '*a'.repeat(10_000), '**'.repeat(20) + 'x' + '**'.repeat(20)];
    for (const flood of floods) {
      const blocks = parseMarkdown(flood);
      const lengths = blocks.map((b) => (b.type === 'paragraph' ? plain(b.children).length : 0));
      expect(lengths.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(flood.length);
      expect(blocks.length).toBeGreaterThan(0);
    }
    // A deep tower of emphasis stops nesting and keeps the rest as text.
    const deep = parseInline(`${'*'.repeat(1)}${'_a '.repeat(30)}x`);
    expect(plain(deep)).toContain('x');
  });
});
